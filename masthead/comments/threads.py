"""Threading: comments fetched in one query, nested in Python to a maximum depth."""

from dataclasses import dataclass, field


@dataclass(slots=True)
class Node:
    comment: object
    depth: int
    children: list["Node"] = field(default_factory=list)
    closing: int = 0  # how many nested lists end after this comment


def build_thread(comments, *, max_depth: int) -> list[Node]:
    """Return `comments` as the thread shows them: in reading order, replies nested.

    Each node has its depth, its replies (`children`), and after the last
    reply of a list, how many nested lists close (`closing`). A template
    prints the thread in one flat loop: a recursive loop cost a call per
    level, and most of a comment's print time went to the machinery.

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
    return in_reading_order(roots)


def in_reading_order(roots: list[Node]) -> list[Node]:
    """Return the nodes under `roots`, each before its replies, `closing` set."""
    ordered: list[Node] = []
    pending = [(root, 0) for root in reversed(roots)]  # (node, lists it closes)
    while pending:
        node, closes = pending.pop()
        ordered.append(node)
        if node.children:
            last, *others = reversed(node.children)
            # The list of replies ends after its last reply's own replies.
            pending.append((last, closes + 1))
            pending.extend((child, 0) for child in others)
        else:
            node.closing = closes
    return ordered
