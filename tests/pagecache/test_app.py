"""The page cache in front of Django: what it stores, for whom, and that no page
goes stale after a change readers could see."""

import datetime
import gzip
import io
import logging
import subprocess
import sys
import time
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

import brotli
import feedparser
import pytest
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.utils import timezone

from masthead.articles.models import Article
from masthead.articles.services import article_publish, article_unpublish
from masthead.comments.models import Comment
from masthead.comments.services import comments_moderate
from masthead.pagecache import expiry, generation
from masthead.pagecache.app import (
    COMPRESS,
    QUICK,
    VISITOR_MIDDLEWARE,
    Entry,
    PageCacheApp,
    call,
    readers_handler,
    stored_under,
)
from masthead.pagecache.models import Change
from masthead.wordpress.models import Redirect
from tests.plans import sqlite_plans, unindexed_reads


class Response:
    def __init__(self, status, headers, body):
        self.status = int(status.split()[0])
        self.headers = {name.lower(): value for name, value in headers}
        self.body = body

    @property
    def text(self) -> str:
        encoding = self.headers.get("content-encoding")
        body = self.body
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        return body.decode()

    @property
    def outcome(self) -> str | None:
        return self.headers.get("x-masthead-cache")


def production_app() -> PageCacheApp:
    """Return the page cache in front of Django, arranged as masthead.wsgi does."""
    return PageCacheApp(get_wsgi_application(), readers_handler())


@pytest.fixture
def app(in_process_requests):
    """Return a GET through the cache and Django, as a WSGI server would call it."""
    caches["pages"].clear()
    cached = production_app()

    def get(path, method="GET", **environ):
        path, _, query = path.partition("?")
        env = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method,
               "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(b""),
               **environ}  # fmt: skip
        setup_testing_defaults(env)
        return Response(*call(cached, env))

    yield get
    caches["pages"].clear()


def test_readers_pages_are_rendered_as_with_all_the_middleware(
    in_process_requests, settings, make_article, make_comment
):
    """The readers' handler drops the visitors' middleware and changes nothing:
    pages, redirects, 404s, feeds and sitemaps, byte for byte, header for header."""
    article = make_article("Storm reaches the coast", tags=["Weather"])
    comment = make_comment(article, author_url="https://example.net/")
    Redirect.objects.create(
        old_path="/2019/storm/", new_path=article.get_absolute_url()
    )
    Redirect.objects.create(old_path=f"/?p={article.pk}", new_path="/about/")
    path = article.get_absolute_url()
    readers_pages = [
        "/", path, f"{path}?replytocom={comment.pk}", path.rstrip("/"),
        article.section.get_absolute_url(), article.authors.get().get_absolute_url(),
        article.tags.get().get_absolute_url(), "/feed/", "/feed/atom/", "/feed.json",
        "/sitemap.xml", "/sitemap-articles.xml", "/robots.txt", "/no-such-page/",
        "/2019/storm", f"/?p={article.pk}", "/?p=999999", "/favicon.ico",
    ]  # fmt: skip
    # A reader may carry cookies other than a session's: a CSRF token, messages.
    cookie = "csrftoken=abcdefghijklmnopqrstuvwxyzabcdef; messages=x"
    full, readers = get_wsgi_application(), readers_handler()
    assert VISITOR_MIDDLEWARE <= set(settings.MIDDLEWARE)  # two stacks compared
    statuses = set()
    for method in ("GET", "HEAD"):
        for page in readers_pages:
            page_path, _, query = page.partition("?")
            env = {"PATH_INFO": page_path, "QUERY_STRING": query,
                   "REQUEST_METHOD": method, "HTTP_HOST": "testserver",
                   "HTTP_COOKIE": cookie, "HTTP_ACCEPT_ENCODING": "gzip"}  # fmt: skip
            answers = []
            for handler in (full, readers):
                environ = {**env, "wsgi.input": io.BytesIO(b"")}
                setup_testing_defaults(environ)
                answers.append(call(handler, environ))
            assert answers[0] == answers[1], (method, page)
            statuses.add(int(answers[0][0][:3]))
    assert statuses == {200, 301, 404}


def test_second_request_is_a_hit_with_the_same_page(app, make_article):
    make_article("Storm reaches the coast")
    first, second = app("/"), app("/")
    assert (first.outcome, second.outcome) == ("miss", "hit")
    assert first.body == second.body
    assert "Storm reaches the coast" in second.text
    assert second.headers["cache-control"].startswith("public, max-age=0")
    assert "s-maxage=60" in second.headers["cache-control"]
    assert "stale-while-revalidate=600" in second.headers["cache-control"]
    assert second.headers["content-length"] == str(len(second.body))


def test_readers_are_served_while_redis_is_away(
    in_process_requests, make_article, caplog
):
    from masthead import memo
    from masthead.pagecache import backends
    from masthead.pagecache.backends import RedisCache

    backends.failed_at.clear()
    backends.warned_at.clear()
    make_article("Storm reaches the coast")
    cached = production_app()
    # Nothing listens there: Redis down, or cut off from this app server.
    gone = RedisCache("redis://127.0.0.1:1/0", {})
    cached.shared = gone
    memo_cache, memo.cache = memo.cache, gone  # the values computed once too
    asked, ask = [], gone._cache.get
    gone._cache.get = lambda *args: asked.append(args) or ask(*args)
    environ = {"PATH_INFO": "/", "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver",
               "HTTP_ACCEPT_ENCODING": "gzip"}  # fmt: skip
    setup_testing_defaults(environ)
    # Django's set-up (in production_app) configured logging anew, without
    # the handler caplog had put on the root logger.
    logger = logging.getLogger("masthead.pagecache")
    logger.addHandler(caplog.handler)
    try:
        first = Response(*call(cached, dict(environ)))  # rendered, not shared
        gzipped = Response(*call(cached, dict(environ)))  # from this process
        plain = Response(*call(cached, {**environ, "HTTP_ACCEPT_ENCODING": ""}))
    finally:
        logger.removeHandler(caplog.handler)
        memo.cache = memo_cache

    assert [r.status for r in (first, gzipped, plain)] == [200, 200, 200]
    assert (first.outcome, gzipped.outcome, plain.outcome) == ("miss", "hit", "hit")
    assert "Storm reaches the coast" in gzipped.text
    failures = [r for r in caplog.records if "going on without it" in r.getMessage()]
    assert len(failures) == 1, caplog.text  # said once, not on every request
    assert len(asked) == 1  # then left alone for a while, not asked at each read


def test_compressed_copies_say_the_same(app, make_article):
    make_article("Storm reaches the coast")
    plain = app("/").text
    for encoding in ("gzip", "br"):
        response = app("/", HTTP_ACCEPT_ENCODING=f"deflate, {encoding}")
        assert response.headers["content-encoding"] == encoding
        assert response.text == plain
        assert len(response.body) < len(plain.encode()) / 2
        assert "Accept-Encoding" in response.headers["vary"]


def test_a_copy_is_compressed_for_the_first_reader_who_asks(
    in_process_requests, make_article
):
    make_article("Storm reaches the coast")
    cached = production_app()

    def get(**environ):
        env = {"PATH_INFO": "/", "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver",
               "wsgi.input": io.BytesIO(b""), **environ}  # fmt: skip
        setup_testing_defaults(env)
        return Response(*call(cached, env))

    first = get(HTTP_ACCEPT_ENCODING="gzip, br")
    [(_, entry)] = cached.local.pages.items()
    # The miss made the copy its reader takes, not one in every encoding.
    assert (first.outcome, set(entry.variants)) == ("miss", {"identity", "br"})
    assert cached.local.size == entry.size
    gzipped = get(HTTP_ACCEPT_ENCODING="gzip")
    assert (gzipped.outcome, gzipped.headers["content-encoding"]) == ("hit", "gzip")
    assert gzipped.text == first.text
    assert set(entry.variants) == {"identity", "br", "gzip"}
    # Made for a hit: made small at once (brotli's quick copy is made again
    # meanwhile, as the page was read again).
    assert gzipped.body == COMPRESS["gzip"](entry.variants["identity"][1])
    cached.polisher.shutdown(wait=True)
    assert cached.local.size == entry.size
    # A reader whose copy is current needs none made.
    plain_etag = get(HTTP_IF_NONE_MATCH=first.headers["etag"])
    assert plain_etag.status == 304


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_miss_compresses_quick_and_a_page_read_again_smaller(
    in_process_requests, make_article, encoding
):
    body = " ".join(f"The river rose {n} centimetres at the weir." for n in range(300))
    path = make_article("Storm reaches the coast", body_source=body).get_absolute_url()
    cached = production_app()

    def get(**environ):
        env = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver",
               "HTTP_ACCEPT_ENCODING": encoding, "wsgi.input": io.BytesIO(b""),
               **environ}  # fmt: skip
        setup_testing_defaults(env)
        return Response(*call(cached, env))

    first = get()
    [(_, entry)] = cached.local.pages.items()
    page = entry.variants["identity"][1]
    assert first.outcome == "miss"
    assert first.body == QUICK[encoding](page)
    assert entry.rough == (encoding,)
    assert cached.polisher is None  # read once: nothing more is done
    second = get()
    assert (second.outcome, second.body) == ("hit", first.body)
    cached.polisher.shutdown(wait=True)  # the page, read again, is polished
    third = get()
    assert third.body == COMPRESS[encoding](page)
    assert len(third.body) < len(first.body)
    assert third.text == first.text == page.decode()
    assert third.headers["etag"] == first.headers["etag"]
    assert third.headers["content-length"] == str(len(third.body))
    assert entry.rough == ()
    assert cached.local.size == entry.size
    # A reader holding the quick copy's tag is told it is current.
    assert get(HTTP_IF_NONE_MATCH=first.headers["etag"]).status == 304


def test_a_page_dropped_before_its_polish_is_not_counted_again(
    in_process_requests, make_article
):
    make_article("Storm reaches the coast")
    cached = production_app()
    env = {"PATH_INFO": "/", "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver",
           "HTTP_ACCEPT_ENCODING": "gzip", "wsgi.input": io.BytesIO(b"")}  # fmt: skip
    setup_testing_defaults(env)
    call(cached, dict(env))
    [(key, entry)] = cached.local.pages.items()
    token = cached.local.token
    other = Entry("200 OK", "W/1", 0, {"identity": ([], b"x")}, [])
    cached.local.put("next", "/other", other)
    cached.polish(token, key, entry)  # a generation later
    assert entry.rough == ()
    assert cached.local.size == other.size


def test_etag_answers_304_and_head_has_no_body(app, make_article):
    make_article()
    etag = app("/").headers["etag"]
    assert app("/", HTTP_IF_NONE_MATCH=etag).status == 304
    assert app("/", HTTP_IF_NONE_MATCH='"other"').status == 200
    head = app("/", method="HEAD")
    assert (head.status, head.body, head.outcome) == (200, b"", "hit")


def test_a_feed_reader_sending_only_a_date_gets_304_from_the_cache(app, make_article):
    make_article()
    first = app("/feed/")
    assert first.headers["last-modified"]
    since = app("/feed/", HTTP_IF_MODIFIED_SINCE=first.headers["last-modified"])
    assert (since.status, since.body, since.outcome) == (304, b"", "hit")
    earlier = app("/feed/", HTTP_IF_MODIFIED_SINCE="Thu, 01 Jan 2015 00:00:00 GMT")
    assert (earlier.status, earlier.outcome) == (200, "hit")


def test_unknown_query_strings_share_one_entry(app, make_article):
    make_article()
    app("/")
    assert app("/?utm_source=x&fbclid=1").outcome == "hit"
    assert app("/?replytocom=5").outcome == "miss"  # its own page: form under it


def test_sitemap_pages_are_cached_apart(app, make_article):
    make_article()
    app("/sitemap-articles.xml")
    assert app("/sitemap-articles.xml?p=1").outcome == "miss"
    assert app("/sitemap-articles.xml?p=1").outcome == "hit"
    assert app("/sitemap-articles.xml").outcome == "hit"


def test_old_wordpress_ids_reach_django_and_unknown_ones_are_404(app, make_article):
    make_article()
    app("/")
    for query in ("p=10", "page_id=20", "attachment_id=30"):
        response = app(f"/?{query}")
        assert (response.status, response.outcome) == (404, None), query


@pytest.mark.parametrize(
    ("path", "environ"),
    [
        ("/", {"HTTP_COOKIE": "sessionid=abc"}),  # staff, logged in
        ("/?comment=token", {}),  # a commenter's own held comment
        ("/admin/login/", {}),
    ],
)
def test_some_requests_bypass_the_cache(app, make_article, path, environ):
    make_article()
    app(path, **environ)
    assert app(path, **environ).outcome is None


def test_only_public_successful_pages_are_stored(app, db):
    assert app("/no-such-page/").status == 404
    missing = app("/no-such-page/")
    assert missing.outcome is None
    assert "private" in missing.headers["cache-control"]
    admin = app("/admin/login/")
    assert "public" not in admin.headers.get("cache-control", "")


@pytest.fixture
def committed(transactional_db):
    """Content changes commit for real here, as they do on a live site."""


def test_a_publication_shows_at_once_everywhere(app, committed, make_article):
    old = make_article("An older report")
    section = old.section
    pages = ["/", "/feed/", "/feed.json", "/sitemap-news.xml",
             section.get_absolute_url(), old.get_absolute_url()]  # fmt: skip
    for path in pages:
        app(path)
        assert app(path).outcome == "hit", path
    draft = make_article(
        "Breaking: the dam holds", section=section, status=Article.Status.DRAFT
    )
    assert article_publish(article=Article.objects.get(pk=draft.pk))
    for path in pages:
        response = app(path)
        assert response.outcome == "miss", path
        assert "the dam holds" in response.text, path


def test_edits_and_unpublishing_show_on_the_next_request(app, committed, make_article):
    article = make_article("First headline")
    url = article.get_absolute_url()
    app(url), app("/")
    article.headline = "Corrected headline"
    article.save()
    assert "Corrected headline" in app(url).text
    assert "Corrected headline" in app("/").text
    article_unpublish(article=article)
    assert app(url).status == 404
    assert "Corrected headline" not in app("/").text


def test_author_and_section_edits_show_in_articles(app, committed, make_article):
    article = make_article("Budget vote")
    url = article.get_absolute_url()
    app(url)
    author = article.byline[0]
    author.name = "Renamed Writer"
    author.save()
    assert "Renamed Writer" in app(url).text
    article.section.name = "Renamed Desk"
    article.section.save()
    assert "Renamed Desk" in app(url).text


def test_approved_comment_shows_but_held_ones_leave_the_cache_alone(
    app, committed, make_article, make_comment
):
    article = make_article()
    url = article.get_absolute_url()
    app(url)
    before = generation.current()
    held = make_comment(article, status=Comment.Status.PENDING, body="Held words")
    assert generation.current() == before  # a flood of held comments: no misses
    assert app(url).outcome == "hit"
    comments_moderate(comments=[held], status=Comment.Status.APPROVED)
    response = app(url)
    assert response.outcome == "miss"
    assert "Held words" in response.text


def test_a_flood_of_held_comment_posts_changes_no_page(
    app, committed, make_article, client
):
    article = make_article()
    url = article.get_absolute_url()
    app(url)
    before = (generation.current(), Change.objects.count())
    for n in range(3):
        response = client.post(
            f"/comments/{article.pk}/",
            {"author_name": f"Poster {n}", "email": f"p{n}@example.net",
             "body": f"Comment number {n} on the vote."},
        )  # fmt: skip
        assert response.status_code == 302
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3
    assert (generation.current(), Change.objects.count()) == before
    assert app(url).outcome == "hit"


def test_a_scheduled_article_appears_at_its_time(app, committed, make_article):
    make_article("Already out")
    due = timezone.now() + datetime.timedelta(seconds=1.5)
    make_article("Embargoed report", published_at=due)
    assert "Embargoed report" not in app("/").text
    assert app("/").outcome == "hit"
    time.sleep(max((due - timezone.now()).total_seconds(), 0) + 0.1)
    response = app("/")
    assert response.outcome == "miss"
    assert "Embargoed report" in response.text


@pytest.mark.django_db
def test_the_next_change_by_the_clock(make_article, settings):
    settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS = 3
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    make_article("Out a day ago", published_at=now - 24 * hour)
    assert expiry.next_change_at(now) == now + 24 * hour  # leaves the news sitemap
    make_article("Out 71 hours ago", published_at=now - 71 * hour)
    assert expiry.next_change_at(now) == now + hour  # its comments close
    make_article("Out in ten minutes", published_at=now + hour / 6)
    assert expiry.next_change_at(now) == now + hour / 6
    make_article("A draft", status=Article.Status.DRAFT, published_at=now + hour / 60)
    assert expiry.next_change_at(now) == now + hour / 6


@pytest.mark.django_db
def test_the_next_change_is_one_query_through_an_index(make_article):
    make_article()
    # Each age's part is the first entry of the listing index past a moment
    # (a filtered minimum per age read every published article).
    plans = sqlite_plans(expiry.next_change_at)
    assert len(plans) == 1
    assert unindexed_reads(plans, "articles_article") == []
    assert not [sql for sql in plans if "MIN(" in sql]


def test_local_pages_stay_within_their_memory_and_drop_the_oldest():
    from masthead.pagecache.app import Entry, LocalPages

    def entry(size):
        return Entry("200 OK", "W/1", 0, {"identity": ([], b"x" * size)}, [])

    pages = LocalPages(limit_bytes=10_000)
    for n in range(5):
        pages.put("g1", f"/{n}", entry(3_000))
    assert pages.size <= 10_000
    assert pages.get("g1", "/0") is None  # the oldest went first
    assert pages.get("g1", "/4") is not None
    assert pages.get("g2", "/4") is None  # another generation sees nothing
    pages.put("g2", "/a", entry(100))
    assert list(pages.pages) == ["/a"]  # the old generation is dropped at once


def test_a_bulk_change_is_logged_once_and_bumps_once(committed, make_article):
    from django.db import transaction

    before = generation.current()
    with transaction.atomic(), generation.bulk_change():
        for n in range(5):
            make_article(f"Imported {n}")
        connection = transaction.get_connection()
        bumps = [f for _, f, _ in connection.run_on_commit if f is generation.bump_now]
        assert len(bumps) <= 1
    assert list(Change.objects.values_list("kind", flat=True)) == [Change.Kind.SITE]
    assert generation.current() != before


def test_readers_missing_the_same_page_at_once_share_one_render(monkeypatch, db):
    import threading

    calls = []

    def slow_site(environ, start_response):
        calls.append(environ["PATH_INFO"])
        time.sleep(0.3)
        start_response("200 OK", [("Content-Type", "text/html"),
                                  ("Cache-Control", "public, max-age=0")])  # fmt: skip
        return [b"<p>The story everyone reads</p>"]

    monkeypatch.setattr(PageCacheApp, "expires_at", lambda self: time.time() + 60)
    cached = PageCacheApp(slow_site)
    outcomes = []

    def read():
        env = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/story/",
            "HTTP_HOST": "testserver",
        }
        setup_testing_defaults(env)
        body = b"".join(cached(env, lambda status, headers: outcomes.append(headers)))
        assert body == b"<p>The story everyone reads</p>"

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert calls == ["/story/"]
    assert len(outcomes) == 6


def test_a_process_starting_does_not_start_a_new_generation(tmp_path):
    from masthead.pagecache.generation import FileGeneration

    first = FileGeneration(tmp_path / "generation")
    token = first.current()
    time.sleep(0.01)
    assert FileGeneration(tmp_path / "generation").current() == token
    first.bump()
    assert first.current() != token


def test_a_bump_in_another_process_is_seen_by_the_next_read(tmp_path):
    from masthead.pagecache.generation import FileGeneration

    reader = FileGeneration(tmp_path / "generation")
    before = reader.current()
    bump = (
        "import sys; from pathlib import Path;"
        " from masthead.pagecache.generation import FileGeneration;"
        " FileGeneration(Path(sys.argv[1])).bump()"
    )
    for _ in range(3):  # each bump a new token, without the reader re-reading
        subprocess.run(
            [sys.executable, "-c", bump, str(tmp_path / "generation")], check=True
        )
        assert reader.current() != before
        before = reader.current()


def test_a_generation_file_made_anew_is_followed(tmp_path, monkeypatch):
    from masthead.pagecache.generation import FileGeneration

    path = tmp_path / "generation"
    path.touch()  # as an earlier Masthead left it: empty, its token the mtime
    reader = FileGeneration(path)
    token = reader.current()
    assert FileGeneration(path).current() == token
    path.unlink()  # var/cache cleared while serving
    FileGeneration(path).bump()
    assert reader.current() == token  # checked once a second, not per read
    monkeypatch.setattr(FileGeneration, "RECHECK_SECONDS", 0)
    assert reader.current() != token
    assert reader.current() == FileGeneration(path).current()


@pytest.mark.parametrize(
    ("host", "server_port", "stored"),
    [
        ("news.example", "8000", True),
        ("www.news.example", "8000", True),
        ("news.example:8443", "8000", True),  # MASTHEAD_SITE_URL's port
        ("news.example:8000", "8000", True),  # the server's own
        ("www.news.example:8000", "8000", True),
        ("[::1]", "8000", True),
        ("[::1]:8000", "8000", True),
        ("www.news.example:8443", "8000", False),  # the site's port, not its host
        ("news.example:8001", "8000", False),
        ("news.example:", "8000", False),
        ("NEWS.example", "8000", False),
        ("news.example.", "8000", False),
        ("reader.news.example", "8000", False),  # allowed by a pattern only
        ("anything.else", "8000", False),  # allowed by "*" only
        ("[::1]:9", "8000", False),
        ("", "8000", False),
    ],
)
def test_pages_are_stored_for_the_hosts_the_site_names(settings, host, server_port,
                                                       stored):  # fmt: skip
    settings.MASTHEAD_SITE_URL = "https://news.example:8443/"
    settings.ALLOWED_HOSTS = ["www.news.example", ".news.example", "[::1]", "*"]
    assert stored_under(host, server_port) is stored


def test_a_flood_of_made_up_hosts_leaves_the_cache_as_it_was(
    in_process_requests, make_article
):
    make_article("Storm reaches the coast")
    cached = production_app()

    def get(path, host):
        env = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": host,
               "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(b"")}  # fmt: skip
        setup_testing_defaults(env)
        return Response(*call(cached, env))

    assert get("/", "testserver").outcome == "miss"
    assert get("/feed/", "testserver").outcome == "miss"
    stored = dict(cached.local.pages)
    for number in range(30):  # ports, cases and a trailing dot Django accepts
        for host in (f"testserver:{9000 + number}", "TESTSERVER", "testserver."):
            page = get("/", host)
            assert page.status == 200 and "Storm reaches the coast" in page.text
            assert page.outcome is None

    # A feed links the host it was asked under: that copy went to no one else.
    def hosts(feed) -> set[str]:
        entries = feedparser.parse(feed.body).entries
        return {urlsplit(entry.link).netloc for entry in entries}

    assert hosts(get("/feed/", "testserver:9000")) == {"testserver:9000"}
    assert dict(cached.local.pages) == stored
    feed = get("/feed/", "testserver")
    assert feed.outcome == "hit" and hosts(feed) == {"testserver"}
    assert get("/", "testserver").outcome == "hit"
