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


def shape(nodes):
    return [(node.comment.pk, node.depth, shape(node.children)) for node in nodes]


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
