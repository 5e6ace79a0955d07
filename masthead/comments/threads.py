"""Threading: comments fetched in one query, nested in Python to a maximum depth."""

from dataclasses import dataclass, field


@dataclass
class Node:
    comment: object
    depth: int
    children: list["Node"] = field(default_factory=list)


def build_thread(comments, *, max_depth: int) -> list[Node]:
    """Return the top-level nodes of `comments` (oldest first), replies nested.

    A reply deeper than `max_depth` is shown at the last level, after its
    parent, as WordPress does; a reply whose parent is not shown (held,
    deleted) is shown at the top level.
    """
    nodes: dict[int, Node] = {}
    lists: dict[int, list[Node]] = {}  # comment id → the list its node is in
    roots: list[Node] = []
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        parent = nodes.get(comment.parent_id)
        if parent is None:
            node, siblings = Node(comment, 1), roots
        elif parent.depth < max_depth:
            node, siblings = Node(comment, parent.depth + 1), parent.children
        else:
            node, siblings = Node(comment, parent.depth), lists[parent.comment.pk]
        siblings.append(node)
        nodes[comment.pk], lists[comment.pk] = node, siblings
    return roots
