"""The moderation queue's search through the comments' index of words."""

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead import search as words_search
from masthead.comments import search
from masthead.comments.models import Comment
from tests.plans import assert_index_serves, sqlite_plans

URL = "/admin/comments/comment/"


@pytest.fixture
def moderator(client, admin_user):
    client.force_login(admin_user)
    return client


def found(moderator, query, **filters) -> list[str]:
    response = moderator.get(URL, {"q": query, **filters})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    return sorted(
        text.strip()
        for text in page.xpath("//th[contains(@class,'field-excerpt')]//a/text()")
    )


@pytest.fixture
def queue(make_article, make_comment):
    article = make_article("Ferry stops at noon")
    make_comment(article, author_name="Mariam Tsarni", body="The quay was empty.")
    make_comment(
        article,
        author_name="Ilya Brandt",
        body="Flood defences first, then the ferry.",
        status=Comment.Status.PENDING,
    )
    make_comment(
        article,
        author_name="Zoë Quayle",
        body="Café owners lost a week of trade.",
        status=Comment.Status.SPAM,
    )
    return article


@pytest.mark.django_db
def test_the_queue_finds_words_in_names_and_text_and_their_starts(moderator, queue):
    assert found(moderator, "quay") == [
        "Café owners lost a week of trade.",  # Quayle: the start of a word
        "The quay was empty.",
    ]
    assert found(moderator, "FLOOD def") == ["Flood defences first, then the ferry."]
    assert found(moderator, "ilya ferry") == ["Flood defences first, then the ferry."]
    assert found(moderator, "CAFÉ zoë") == ["Café owners lost a week of trade."]
    if connection.vendor == "sqlite":  # PostgreSQL's index keeps accents
        assert found(moderator, "cafe zoe") == ["Café owners lost a week of trade."]
    # Every word must be found; inside a word is not its start.
    assert found(moderator, "quay flood") == []
    assert found(moderator, "uay") == []
    # With the queue's own filters.
    assert found(moderator, "quay", status__exact="spam") == [
        "Café owners lost a week of trade."
    ]


@pytest.mark.django_db
def test_the_index_follows_edits_and_deletions(moderator, queue):
    comment = Comment.objects.get(author_name="Mariam Tsarni")
    comment.body = "The harbour was empty."
    comment.save()
    assert found(moderator, "quay") == ["Café owners lost a week of trade."]
    assert found(moderator, "harbour") == ["The harbour was empty."]

    Comment.objects.filter(pk=comment.pk).update(author_name="Nino Beridze")
    assert found(moderator, "mariam") == []
    assert found(moderator, "nino") == ["The harbour was empty."]

    Comment.objects.filter(status=Comment.Status.SPAM).update(
        status=Comment.Status.TRASH
    )
    assert found(moderator, "café") == ["Café owners lost a week of trade."]
    Comment.objects.filter(status=Comment.Status.TRASH).delete()
    assert found(moderator, "café") == []


QUAY = ["Café owners lost a week of trade.", "The quay was empty."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [('"quay', QUAY), ("quay*", QUAY), ("^quay", QUAY), ("-quay", QUAY),
     ("(quay", QUAY), ("quay:*", QUAY),
     # Operators and column names are words that must be found too.
     ("body:quay", []), ("{author_name}: quay", []), ("quay OR flood", []),
     ("NOT quay", []), ("quay & !flood", []), ("quay NEAR/2 empty", [])],
)  # fmt: skip
def test_search_syntax_in_a_query_is_read_as_words(moderator, queue, query, expected):
    assert found(moderator, query) == expected


@pytest.mark.django_db
def test_punctuation_alone_finds_nothing_and_an_empty_search_lists_all(
    moderator, queue
):
    assert found(moderator, "*** ?!") == []
    assert found(moderator, "½ ² 𝔘") == []
    assert len(found(moderator, "   ")) == 3


@pytest.mark.django_db
def test_the_search_reads_the_index(queue):
    assert_index_serves(search.COMMENTS)


@pytest.mark.django_db
@pytest.mark.parametrize("few", [0, 2, 100])
def test_many_matches_or_few_find_the_same(
    moderator, make_article, make_comment, monkeypatch, few
):
    """Past FEW matches the queue is read in its order, matches tested."""
    article = make_article()
    for n in range(4):
        make_comment(article, body=f"Flood report {n}.")
    make_comment(article, body="Nothing of the kind.")
    monkeypatch.setitem(words_search.FEW, connection.vendor, few)
    assert found(moderator, "flood") == [f"Flood report {n}." for n in range(4)]
    assert found(moderator, "nothing") == ["Nothing of the kind."]
    assert found(moderator, "flood", status__exact="spam") == []
    assert found(moderator, "absent") == []


@pytest.mark.django_db
def test_a_word_in_many_comments_is_read_in_the_queues_order(
    moderator, make_article, make_comment, monkeypatch
):
    """Looking every match up by id, then sorting them all, took 1.8 s for a
    word in 129,416 of a million comments on SQLite (bench/README.md)."""
    article = make_article()
    for n in range(4):
        make_comment(article, body=f"Flood report {n}.")
    make_comment(article, body="Nothing of the kind.")
    monkeypatch.setitem(words_search.FEW, "sqlite", 2)

    def page_plans(query):
        plans = sqlite_plans(lambda: moderator.get(URL, {"q": query}))
        return [
            plan
            for sql, plan in plans.items()
            if "ORDER BY" in sql and '"comments_comment"."body"' in sql
        ]

    (many,) = page_plans("flood")  # 4 matches: more than FEW
    assert not any("TEMP B-TREE" in step for step in many), many
    assert any("comments_comment_created_at" in step for step in many), many
    (few,) = page_plans("nothing")  # 1 match: looked up by id
    assert "SEARCH comments_comment USING INTEGER PRIMARY KEY (rowid=?)" in few, few


@pytest.mark.django_db
@pytest.mark.parametrize("few", [0, 100])
def test_a_searchs_matches_are_found_once_a_page(
    moderator, make_article, make_comment, monkeypatch, few
):
    """Django's admin asks for a search's results twice a page (its list and
    the counts by status); with many matches, finding them again for each of
    its three questions took 0.3 s each on PostgreSQL (bench/README.md)."""
    article = make_article()
    for n in range(3):
        make_comment(article, body=f"Flood report {n}.")
    monkeypatch.setitem(words_search.FEW, connection.vendor, few)
    with CaptureQueriesContext(connection) as queries:
        assert len(found(moderator, "flood")) == 3
    probes = ("EXPLAIN (FORMAT JSON)", "SELECT count(*) FROM (SELECT rowid")
    sizing = [q["sql"] for q in queries if q["sql"].startswith(probes)]
    assert len(sizing) == 1, sizing
    finding = [q["sql"] for q in queries if "masthead_comments_matching" in q["sql"]]
    if connection.vendor == "postgresql" and few == 0:
        # Found once, then sent to each question as an array of ids.
        assert len(finding) == 1, finding
        assert sum("= ANY(" in q["sql"] for q in queries) >= 3
