"""The big-site generator, run small: the data it writes is what the site expects."""

from collections import Counter

import pytest
from django.db.models import Count, F, Q

from bench import sitegen
from masthead.articles.models import Article, ArticleAuthor
from masthead.comments import privacy
from masthead.comments.models import Comment
from masthead.text import markup


@pytest.fixture
def summary(db):
    options = sitegen.parse(
        ["--articles", "400", "--comments", "3000", "--bodies", "20", "--tags", "30"]
        + ["--commenters", "50", "--comment-bodies", "100", "--authors", "8"]
    )
    return sitegen.generate(options)


def test_counts_and_states(summary):
    assert Article.objects.count() == 400
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 4
    assert Article.objects.filter(is_lead=True).count() == 1
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED).exclude(
        pk__in=Article.objects.published()
    )
    assert scheduled.count() == 10
    assert Comment.objects.count() == 3000
    statuses = Counter(Comment.objects.values_list("status", flat=True))
    assert statuses["approved"] > 2500 and statuses["pending"] and statuses["spam"]
    assert Comment.objects.exclude(parent=None).exists()
    replies = Comment.objects.exclude(parent=None)
    assert not replies.exclude(parent__article=F("article")).exists()
    assert not replies.exclude(parent__created_at__lte=F("created_at")).exists()


def test_comment_counts_and_the_fifty(summary):
    counted = Article.objects.annotate(
        real=Count("comments", filter=Q(comments__status="approved"))
    )
    assert all(a.comment_count == a.real for a in counted)
    fifty = Article.objects.get(comment_count=50, pk__in=Article.objects.published())
    assert summary["fifty_url"] == fifty.get_absolute_url()
    assert (
        not Comment.objects.exclude(created_at__gte=fifty.published_at)
        .filter(article=fifty)
        .exists()
    )


def test_rows_match_what_save_would_write(summary):
    article = Article.objects.published().order_by("?").first()
    stored = (article.body_html, article.word_count, article.read_time_seconds)
    article.save()
    assert (article.body_html, article.word_count, article.read_time_seconds) == stored
    assert markup.image_count(article.body_html) >= 0
    assert ArticleAuthor.objects.filter(article=article).count() in {1, 2, 3}
    comment = Comment.objects.filter(status="approved").first()
    email = privacy.decrypt_email(comment.email_encrypted)
    assert privacy.email_digest(email) == comment.email_digest
    assert privacy.avatar_digest(email) == comment.avatar_digest


def test_refuses_a_database_with_articles(summary):
    with pytest.raises(SystemExit, match="already holds articles"):
        sitegen.generate(sitegen.parse(["--articles", "5", "--comments", "0"]))


def test_force_adds_with_unique_slugs(summary):
    options = ["--articles", "50", "--comments", "100", "--tags", "30", "--force"]
    sitegen.generate(sitegen.parse(options))
    assert Article.objects.count() == 450
    assert Comment.objects.count() == 3100


@pytest.mark.django_db(transaction=True)
def test_the_indexes_of_words_are_built_again_after_the_load():
    from django.db import connection

    from masthead.articles.search import ARTICLES
    from masthead.comments.models import Comment
    from masthead.comments.search import COMMENTS
    from masthead.search import words
    from tests.plans import assert_index_serves

    options = sitegen.parse(
        ["--articles", "60", "--comments", "100", "--bodies", "5", "--tags", "5"]
        + ["--commenters", "10", "--comment-bodies", "10", "--authors", "3"]
    )
    sitegen.generate(options)
    article, comment = Article.objects.first(), Comment.objects.first()
    with connection.cursor() as cursor:
        for index, row, text in [
            (ARTICLES, article, article.headline),
            (COMMENTS, comment, comment.body),
        ]:
            # The row is found by its first word.
            cursor.execute(*index.subquery(words(text)[:1]))
            assert row.pk in {found for (found,) in cursor.fetchall()}
    # Set aside for the load (PostgreSQL's indexes, SQLite's triggers), then
    # made again: read, and kept current.
    assert_index_serves(ARTICLES)
    assert_index_serves(COMMENTS)
