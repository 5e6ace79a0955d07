"""Prepared querysets: the same rows as the queryset, compiled once per shape."""

import datetime

import pytest
from django.db import DatabaseError, connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.articles.models import Article, Tag
from masthead.authors.models import Author
from masthead.prepared import Prepared

pytestmark = pytest.mark.django_db


def counting(build):
    """Return `build`, counting how often it is called (once per compile)."""

    def counted(**values):
        counted.calls += 1
        return build(**values)

    counted.calls = 0
    return counted


def test_models_come_with_their_related_objects_and_annotations(make_article):
    article = make_article("Floods reach the valley", tags=["Rivers"])
    query = Prepared(
        lambda slug: (
            Article.objects.select_related("section")
            .filter(slug=slug)
            .annotate(tag_count=Count("tags"))
        ),
        slug=str,
    )
    [found] = query(slug=article.slug)
    assert (found.pk, found.headline, found.body_html) == (
        article.pk,
        article.headline,
        article.body_html,
    )
    assert found.published_at == article.published_at  # converted, aware
    assert found.published_at.tzinfo is not None
    assert found.tag_count == 1
    assert found._state.fields_cache["section"].name == article.section.name
    assert found._state.adding is False and found._state.db == "default"


def test_compiled_once_then_bound_anew(make_article, django_assert_num_queries):
    first, second = make_article(), make_article()
    build = counting(lambda slug: Article.objects.filter(slug=slug))
    query = Prepared(build, slug=str)
    with django_assert_num_queries(1):  # the run goes through Django's cursor
        assert [a.pk for a in query(slug=first.slug)] == [first.pk]
    assert [a.pk for a in query(slug=second.slug)] == [second.pk]
    assert query(slug="no-such-article") == []
    assert build.calls == 1


def test_the_same_rows_whether_or_not_queries_are_watched(make_article):
    # Unwatched, SQLite runs the SQL on the driver's connection (_fetch);
    # watched (a query log), it goes through Django's cursor.
    articles = [make_article(tags=["Rivers", "Courts"]) for _ in range(3)]
    query = Prepared(
        lambda ids: (
            Article.objects.filter(pk__in=ids)
            .annotate(tag_count=Count("tags"))
            .order_by("pk")
            .values_list("pk", "headline", "published_at", "tag_count")
        ),
        ids=list[int],
    )
    ids = [article.pk for article in articles]
    unwatched = query(ids=ids)
    with CaptureQueriesContext(connection) as watched_queries:
        watched = query(ids=ids)
    assert len(watched_queries) == 1
    assert unwatched == watched
    assert unwatched[0] == (
        articles[0].pk, articles[0].headline, articles[0].published_at, 2
    )  # fmt: skip


def test_a_database_error_is_djangos_on_either_way(make_article):
    query = Prepared(lambda slug: Article.objects.filter(slug=slug), slug=str)
    query(slug="compiled")
    compiled = next(iter(query.compiled.values()))
    compiled.sql = compiled.sql.replace("articles_article", "no_such_table")
    if compiled.native_sql is not None:
        compiled.native_sql = compiled.native_sql.replace(
            "articles_article", "no_such_table"
        )
    with pytest.raises(DatabaseError):
        query(slug="anything")


def test_a_moment_is_bound_as_the_database_stores_it(make_article):
    now = timezone.now()
    past = make_article(published_at=now - datetime.timedelta(hours=2))
    future = make_article(published_at=now + datetime.timedelta(hours=2))
    query = Prepared(
        lambda now: Article.objects.published(now).order_by("published_at"),
        now=datetime.datetime,
    )
    assert [a.pk for a in query(now=now)] == [past.pk]
    later = now + datetime.timedelta(hours=3)
    assert [a.pk for a in query(now=later)] == [past.pk, future.pk]


def test_lists_compile_once_per_length_and_lose_repeats(make_article):
    articles = [make_article() for _ in range(3)]
    build = counting(
        lambda ids: (
            Article.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "slug")
        )
    )
    query = Prepared(build, ids=list[int])
    ids = [a.pk for a in articles]
    assert query(ids=ids[:2]) == [(a.pk, a.slug) for a in articles[:2]]
    assert query(ids=ids[1:]) == [(a.pk, a.slug) for a in articles[1:]]
    assert build.calls == 1
    # Repeats are dropped before binding, as Django's `in` does: two ids.
    assert query(ids=[ids[2], ids[2], ids[0]]) == [
        (articles[0].pk, articles[0].slug),
        (articles[2].pk, articles[2].slug),
    ]
    assert build.calls == 1
    assert [row[0] for row in query(ids=ids)] == ids
    assert build.calls == 2
    assert query(ids=[]) == []  # matches nothing; Django cannot compile it


def test_a_parameter_the_sql_changes_is_refused(make_article):
    # `contains` wraps the value in wildcards: it cannot be bound in place.
    query = Prepared(lambda words: Article.objects.filter(headline__contains=words),
                     words=str)  # fmt: skip
    with pytest.raises(ValueError, match="not in its SQL"):
        query(words="flood")


def test_only_models_or_value_rows(make_author):
    make_author()
    query = Prepared(lambda slug: Author.objects.filter(slug=slug).values(), slug=str)
    with pytest.raises(TypeError, match="models or values_list"):
        query(slug="x")
    with pytest.raises(TypeError, match="int, str or datetime"):
        Prepared(lambda n: Tag.objects.filter(pk=n), n=float)(n=1.0)


def test_a_stand_in_is_not_mistaken_for_a_constant(make_article):
    """A constant in the query equal to a value's stand-in type stays put."""
    article = make_article(comments_open=True)
    query = Prepared(
        lambda pk: Article.objects.filter(
            pk=pk, comments_open=True, status="published"
        ),
        pk=int,
    )
    assert [a.pk for a in query(pk=article.pk)] == [article.pk]
