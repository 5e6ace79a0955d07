"""Threading: nesting replies, to a maximum depth, oldest first."""

import datetime
from types import SimpleNamespace

import pytest

from masthead.comments.threads import build_thread

T0 = datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC)


def comment(pk, parent=None):
    return SimpleNamespace(
        pk=pk, parent_id=parent, created_at=T0 + datetime.timedelta(minutes=pk)
    )


def shape(ordered):
    """Rebuild the nesting a template prints from the thread's flat order.

    As comments/section.html does: a comment with replies opens a list, and
    after a comment without, `closing` lists end. Every list must end.
    """
    top = []
    lists = [top]
    for node in ordered:
        entry = (node.comment.pk, node.depth, [])
        lists[-1].append(entry)
        if node.children:
            lists.append(entry[2])
        else:
            for _ in range(node.closing):
                lists.pop()
    assert lists == [top], "a list of replies was left open"
    return top


def test_replies_nest_under_their_parents_oldest_first():
    comments = [comment(3, parent=1), comment(1), comment(2), comment(4, parent=3)]
    assert shape(build_thread(comments, max_depth=3)) == [
        (1, 1, [(3, 2, [(4, 3, [])])]),
        (2, 1, []),
    ]


@pytest.mark.parametrize(
    ("max_depth", "expected"),
    [
        (1, [(1, 1, []), (2, 1, []), (3, 1, [])]),
        (2, [(1, 1, [(2, 2, []), (3, 2, [])])]),
        (3, [(1, 1, [(2, 2, [(3, 3, [])])])]),
    ],
)
def test_replies_past_the_maximum_depth_stay_at_the_last_level(max_depth, expected):
    comments = [comment(1), comment(2, parent=1), comment(3, parent=2)]
    assert shape(build_thread(comments, max_depth=max_depth)) == expected


def test_reply_to_a_hidden_comment_is_shown_at_the_top_level():
    assert shape(build_thread([comment(2, parent=1)], max_depth=3)) == [(2, 1, [])]


def test_no_comments_make_an_empty_thread():
    assert build_thread([], max_depth=3) == []


def test_several_lists_end_after_the_last_deep_reply():
    comments = [comment(1), comment(2, parent=1), comment(3, parent=2),
                comment(4, parent=1), comment(5, parent=4), comment(6, parent=5),
                comment(7), comment(8, parent=7)]  # fmt: skip
    thread = build_thread(comments, max_depth=5)
    assert [(n.comment.pk, n.closing) for n in thread] == [
        (1, 0), (2, 0), (3, 1), (4, 0), (5, 0), (6, 3), (7, 0), (8, 1)
    ]  # fmt: skip
    assert shape(thread) == [
        (1, 1, [(2, 2, [(3, 3, [])]), (4, 2, [(5, 3, [(6, 4, [])])])]),
        (7, 1, [(8, 2, [])]),
    ]
