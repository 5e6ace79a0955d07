"""The desk's search through the words' index (masthead.articles.search)."""

import lxml.html
import pytest
from django.db import connection

from masthead import search as words_search
from masthead.articles import search
from masthead.articles.models import Article
from tests.plans import assert_index_serves, sqlite_plans


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def found(editor, query) -> list[str]:
    response = editor.get("/admin/articles/article/", {"q": query})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    return sorted(page.xpath("//th[contains(@class,'field-headline')]//a/text()"))


@pytest.fixture
def desk(make_article, make_author):
    make_article(
        "Ferry stops at noon",
        standfirst="The river crossing closed for the winter.",
        body_source="Passengers waited on the **quay** at Upperford.",
        authors=[make_author("Mariam Tsarni")],
    )
    make_article(
        "Council votes on the budget",
        body_source="The vote on the flood defences was close: 7 to 6.",
        authors=[make_author("Ilya Brandt")],
    )
    make_article(
        "Draft on the quay repairs",
        status=Article.Status.DRAFT,
        body_source="Work on the quay starts in spring.",
    )


@pytest.mark.django_db
def test_the_desk_finds_words_in_every_field_and_their_starts(editor, desk):
    assert found(editor, "Ferry") == ["Ferry stops at noon"]  # the headline
    assert found(editor, "crossing") == ["Ferry stops at noon"]  # the standfirst
    assert found(editor, "upperf") == ["Ferry stops at noon"]  # a word's start
    assert found(editor, "FLOOD Def") == ["Council votes on the budget"]
    assert found(editor, "tsarni") == ["Ferry stops at noon"]  # an author
    assert found(editor, "brand") == ["Council votes on the budget"]
    # Every word must be found, each in any field.
    assert found(editor, "quay mariam") == ["Ferry stops at noon"]
    assert found(editor, "quay budget") == []
    assert found(editor, "ferr") == ["Ferry stops at noon"]
    assert found(editor, "erry") == []  # a word's start, not its middle


@pytest.mark.django_db
def test_the_index_follows_edits_and_deletions(editor, desk):
    ferry = Article.objects.get(headline="Ferry stops at noon")
    ferry.body_source = "The harbour master spoke at the pier."
    ferry.save()
    assert found(editor, "quay") == ["Draft on the quay repairs"]
    assert found(editor, "harbour") == ["Ferry stops at noon"]
    Article.objects.filter(headline__startswith="Draft").delete()
    assert found(editor, "quay") == []
    # A change to another column keeps the words.
    Article.objects.filter(pk=ferry.pk).update(is_lead=True)
    assert found(editor, "pier") == ["Ferry stops at noon"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ['"quay', "quay*", "quay' --", "quay:* | !", "^quay", "-quay", "quay (spring",
     "quay); --", "spring:quay", "{quay spring}", "quay + spring"],
)  # fmt: skip
def test_search_syntax_in_a_query_is_read_as_words(editor, desk, query):
    # Each engine's query language is never let through: only the words.
    assert "Draft on the quay repairs" in found(editor, query)


@pytest.mark.django_db
def test_the_engines_operators_are_words_to_find(editor, desk):
    assert found(editor, "quay OR nothing") == []
    assert found(editor, "NOT quay") == []
    assert found(editor, "quay NEAR spring") == []
    assert found(editor, "quay AND spring") == []  # no "and" in the draft


@pytest.mark.django_db
def test_a_query_of_punctuation_alone_finds_nothing(editor, desk):
    assert found(editor, "*** ?!") == []
    # Characters Python counts in words but neither engine may: no error.
    assert found(editor, "½ ² 𝔘 中文") == []
    assert len(found(editor, "   ")) == 3  # an empty search lists everything


def test_words_are_letters_and_digits_and_bounded():
    assert search.words("Flood-defences, 2026_budget: ÇA VA") == [
        "flood", "defences", "2026", "budget", "ça", "va",
    ]  # fmt: skip
    assert len(search.words("word " * 100)) == search.MAX_WORDS


@pytest.mark.django_db
def test_the_search_reads_the_index(desk):
    assert_index_serves(search.ARTICLES)


@pytest.mark.django_db
@pytest.mark.parametrize("few", [0, 1, 100])
def test_many_matches_or_few_find_the_same(editor, desk, monkeypatch, few):
    monkeypatch.setitem(words_search.FEW, connection.vendor, few)
    assert found(editor, "quay") == ["Draft on the quay repairs", "Ferry stops at noon"]
    assert found(editor, "quay ferry") == ["Ferry stops at noon"]
    assert found(editor, "brandt") == ["Council votes on the budget"]  # a byline


@pytest.mark.django_db
def test_a_word_in_many_articles_is_read_in_the_desks_order(editor, desk, monkeypatch):
    """Past FEW matches, the desk walks its date index and stops at a page.

    Looking every match up by id and sorting them all took 0.4–0.8 s a
    search of words in many of 100,000 articles (bench/README.md).
    """
    monkeypatch.setitem(words_search.FEW, "sqlite", 1)
    plans = sqlite_plans(lambda: editor.get("/admin/articles/article/", {"q": "quay"}))
    (page,) = [
        plan
        for sql, plan in plans.items()
        if "ORDER BY" in sql and '"articles_article"."headline"' in sql
    ]
    assert not any("TEMP B-TREE" in step for step in page), page
    assert any("article_desk" in step for step in page), page
