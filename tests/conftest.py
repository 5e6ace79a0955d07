"""Fixtures shared by every test: plain-HTTP settings and content factories."""

import datetime
import itertools
import shutil

import pytest
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from django.utils.text import slugify

from masthead import memo
from masthead.articles.models import Article, ArticleAuthor, Section, Tag
from masthead.authors.models import Author
from masthead.comments import privacy
from masthead.comments.models import Comment
from masthead.pagecache import expiry, generation
from tests.htmlcheck import VNU

serial = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def own_generation_file(tmp_path_factory):
    """Keep the content generation in this run's own folder, not ./var/.

    Another test run in the same checkout (a second pytest) would bump a
    shared file, and this run's pages and memos would change under it.
    """
    from django.conf import settings

    generation.store.cache_clear()
    original = settings.VAR_DIR
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    yield
    settings.VAR_DIR = original
    generation.store.cache_clear()


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path, monkeypatch):
    """Serve over plain HTTP, with uploads in a temporary folder, caches empty."""
    for cache in caches.all():
        cache.clear()
    # Most tests never commit (each runs in a transaction rolled back at its
    # end), so bump the content generation at once, as a commit would.
    monkeypatch.setattr(generation, "bump", generation.bump_now)
    if settings.MASTHEAD_PAGE_CACHE_SHARED:
        # With Redis (the PostgreSQL run): a generation read afresh from the
        # emptied Redis, as a new server would, and read again only at bumps.
        # Its once-a-second check, finding the counter gone with the caches
        # a test cleared, started a new generation at a moment no test chose.
        monkeypatch.setattr(generation.RedisGeneration, "RECHECK_SECONDS", 3600.0)
        generation.store.cache_clear()
    expiry.next_change.forget()  # the last test's database is gone
    memo.forget()
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    # The hashed-name storage needs `collectstatic` first; tests read sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def in_process_requests():
    """Let code call Django's WSGI handler inside a test, as a server would.

    As Django's test client does: the handler closes "old" database
    connections around each request, which would close the test's own.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def make_section(db):
    def make(name=None, **fields):
        n = next(serial)
        name = name or f"Section {n}"
        return Section.objects.create(name=name, slug=f"section-{n}", **fields)

    return make


@pytest.fixture
def make_author(db):
    def make(name=None, **fields):
        n = next(serial)
        return Author.objects.create(
            name=name or f"Author {n}", slug=f"author-{n}", **fields
        )

    return make


@pytest.fixture
def make_article(db, make_section, make_author):
    """Return a factory of articles, published an hour ago unless told otherwise."""

    def make(
        headline=None,
        *,
        authors=None,
        section=None,
        tags=(),
        published_at=None,
        status=Article.Status.PUBLISHED,
        **fields,
    ):
        n = next(serial)
        if published_at is None and status == Article.Status.PUBLISHED:
            published_at = timezone.now() - datetime.timedelta(hours=1, minutes=n)
        article = Article.objects.create(
            headline=headline or f"Headline number {n}",
            slug=fields.pop("slug", f"headline-{n}"),
            section=section or make_section(),
            published_at=published_at,
            status=status,
            body_source=fields.pop("body_source", "A short body of a few words."),
            **fields,
        )
        for position, author in enumerate(authors or [make_author()]):
            ArticleAuthor.objects.create(
                article=article, author=author, position=position
            )
        for name in tags:
            slug = slugify(name) or f"tag-{next(serial)}"
            tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": slug})
            article.tags.add(tag)
        return article

    return make


@pytest.fixture
def make_comment(db):
    """Return a factory of comments, approved unless told otherwise."""

    def make(article, *, email=None, status=Comment.Status.APPROVED, **fields):
        n = next(serial)
        email = email or f"reader{n}@example.net"
        fields.setdefault("created_at", timezone.now() - datetime.timedelta(minutes=n))
        return Comment.objects.create(
            article=article,
            author_name=fields.pop("author_name", f"Reader {n}"),
            body=fields.pop("body", f"Comment number {n}."),
            email_encrypted=privacy.encrypt_email(email),
            email_digest=privacy.email_digest(email),
            avatar_digest=privacy.avatar_digest(email),
            status=status,
            **fields,
        )

    return make


@pytest.fixture(scope="session")
def vnu():
    """The Nu HTML Checker's jar (tests.htmlcheck), which needs npm and Java."""
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail(
            "the Nu HTML Checker needs `npm install` and Java: `make test` does both"
        )
    return VNU
