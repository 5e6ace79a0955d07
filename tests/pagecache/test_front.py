"""The RSGI front (masthead.front): hits on the event loop, the rest in threads.

Granian's protocol objects are stood in for by `Scope` and `Proto`, which
keep what the front sends; `masthead serve` runs the real ones in every
browser test (tests/browser), and the last test here starts it.
"""

import asyncio
import gzip
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from masthead import front
from masthead.pagecache.app import COMPRESS, QUICK, PageCacheApp

PUBLIC = [("Content-Type", "text/html"), ("Cache-Control", "public, max-age=0")]
DATED = "Tue, 24 Nov 2026 08:30:00 GMT"


def run(coroutine):
    """Run `coroutine` on a loop of its own, in a thread of its own.

    Playwright's sync API, used by the browser tests, leaves a loop marked as
    running in the main thread for the whole session.
    """
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class Headers:
    """RSGI headers: lower-case names, repeats kept, `get` gives the first."""

    def __init__(self, pairs):
        self.pairs = [(name.lower(), value) for name, value in pairs]

    def get(self, name, default=None):
        return next((value for key, value in self.pairs if key == name), default)

    def items(self):
        return list(self.pairs)

    def __contains__(self, name):
        return any(key == name for key, _ in self.pairs)


class Scope:
    proto = "http"
    scheme = "http"
    http_version = "1.1"
    server = "127.0.0.1:8000"
    client = "127.0.0.1:40000"

    def __init__(self, path, method="GET", query="", headers=()):
        self.path, self.method, self.query_string = path, method, query
        self.headers = Headers([("host", "testserver"), *headers])


class Proto:
    """What the front sent, and the request's body as chunks."""

    def __init__(self, chunks=(b"",)):
        self.chunks = list(chunks)
        self.sent = None

    async def __call__(self):
        return b"".join(self.chunks)

    async def _iterate(self):
        for chunk in self.chunks:
            yield chunk

    def __aiter__(self):
        return self._iterate()

    def response_bytes(self, status, headers, body):
        self.sent = (status, dict(headers), body)


def test_the_environ_is_what_django_expects():
    scope = Scope(
        "/société/x/",
        method="POST",
        query="a=%C3%A9&b=1",
        headers=[("Content-Type", "application/x-www-form-urlencoded"),
                 ("Content-Length", "4"), ("Cookie", "a=1"), ("Cookie", "b=2"),
                 ("Accept", "text/html"), ("Accept", "*/*"),
                 ("X_Forwarded_For", "10.0.0.9")],
    )  # fmt: skip
    scope.client = "[::1]:5555"
    environ = front.wsgi_environ(scope, front.wsgi_path(scope.path), b"a=12")
    assert environ["PATH_INFO"] == "/société/x/".encode().decode("latin-1")
    assert environ["QUERY_STRING"] == "a=%C3%A9&b=1"
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["CONTENT_LENGTH"] == "4"
    assert "HTTP_CONTENT_TYPE" not in environ
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_ACCEPT"] == "text/html,*/*"
    # An underscore must not pass for a hyphen: a forged X-Forwarded-For.
    assert "HTTP_X_FORWARDED_FOR" not in environ
    assert environ["REMOTE_ADDR"] == "::1"
    assert environ["SERVER_NAME"] == "127.0.0.1"
    assert environ["SERVER_PORT"] == "8000"
    assert environ["HTTP_HOST"] == "testserver"
    assert environ["wsgi.input"].read() == b"a=12"


def test_a_body_over_the_limit_is_refused_unread():
    async def body(headers, chunks):
        return await front.read_body(Proto(chunks), Headers(headers), limit=10)

    assert run(body([("content-length", "5")], [b"hello"])) == b"hello"
    assert run(body([("content-length", "11")], [b"x" * 11])) is None
    assert run(body([("content-length", "ten")], [b"x"])) is None
    chunked = [("transfer-encoding", "chunked")]
    assert run(body(chunked, [b"12345", b"67890"])) == b"1234567890"
    assert run(body(chunked, [b"123456", b"78901"])) is None
    assert run(body([], [b"ignored"])) == b""


@pytest.fixture
def site(monkeypatch, settings, tmp_path):
    """A front over a page cache over a site whose /slow/ page waits for `release`."""
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(PageCacheApp, "expires_at", lambda self: time.time() + 60)
    from masthead.pagecache import generation

    generation.store.cache_clear()
    release, rendering, posted = threading.Event(), threading.Event(), []

    def app(environ, start_response):
        if environ["PATH_INFO"].startswith("/slow/"):
            rendering.set()
            release.wait(10)
        if environ["REQUEST_METHOD"] == "POST":
            posted.append(environ["wsgi.input"].read())
            start_response("303 See Other", [("Location", "/story/")])
            return [b""]
        dated = [("Last-Modified", DATED)] if environ["PATH_INFO"] == "/feed/" else []
        start_response("200 OK", PUBLIC + dated)
        return [f"<p>{environ['PATH_INFO']}</p>".encode() * 20]

    cached = PageCacheApp(app)
    page = front.Front(cached, cached, threads=1, max_body=1000)
    yield page, release, rendering, posted
    release.set()
    generation.store.cache_clear()


async def rendering_slowly(page, rendering, path="/slow/"):
    """Ask `page` for `path`, a page rendered until released; return once it renders.

    Returns what the front sends back (filled in when released) and the task.
    """
    proto = Proto()
    task = asyncio.create_task(page.__rsgi__(Scope(path), proto))
    await asyncio.get_running_loop().run_in_executor(None, rendering.wait, 5)
    return proto, task


def test_a_hit_is_answered_while_every_thread_is_busy(site):
    page, release, rendering, _ = site

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        first, again = Proto(), Proto()
        await page.__rsgi__(Scope("/story/"), first)
        assert first.sent[1]["X-Masthead-Cache"] == "miss"
        # The only thread renders /slow/ until released...
        slow, slow_task = await rendering_slowly(page, rendering)
        # ...and a reader of the stored page is answered all the same.
        await asyncio.wait_for(page.__rsgi__(Scope("/story/"), again), timeout=2)
        assert again.sent[0] == 200
        assert again.sent[1]["X-Masthead-Cache"] == "hit"
        assert again.sent[2] == first.sent[2]
        assert slow.sent is None
        release.set()
        await slow_task
        assert slow.sent[0] == 200
        page.__rsgi_del__(None)

    run(scenario())


def test_posts_and_the_newsroom_are_answered_while_a_reader_page_renders(site):
    # Readers' misses have one thread of their own; the rest have the pool.
    page, release, rendering, posted = site

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        slow, slow_task = await rendering_slowly(page, rendering)
        body = b"author_name=Reader&body=Hello"
        post = Proto([body])
        length = [("Content-Length", str(len(body)))]
        await asyncio.wait_for(
            page.__rsgi__(Scope("/comments/1/", "POST", headers=length), post), 2
        )
        editor = Proto()
        signed_in = [("Cookie", f"{settings.SESSION_COOKIE_NAME}=abc")]
        await asyncio.wait_for(
            page.__rsgi__(Scope("/story/", headers=signed_in), editor), 2
        )
        # Another reader's miss waits for the render lane.
        reader = Proto()
        reader_task = asyncio.create_task(page.__rsgi__(Scope("/other/"), reader))
        await asyncio.sleep(0.2)
        waited = reader.sent is None
        release.set()
        await asyncio.wait_for(asyncio.gather(slow_task, reader_task), 5)
        page.__rsgi_del__(None)
        return post.sent, editor.sent, waited, slow.sent, reader.sent

    post, editor, waited, slow, reader = run(scenario())
    assert post[0] == 303 and posted == [b"author_name=Reader&body=Hello"]
    assert editor[0] == 200 and "X-Masthead-Cache" not in editor[1]
    assert waited
    assert slow[0] == 200 and reader[0] == 200


def test_anonymous_posts_have_a_lane_of_their_own(site):
    # One thread answers commenters' posts: a flood of them holds back neither
    # readers' renders nor the newsroom, whose posts stay in the pool.
    page, release, rendering, posted = site
    signed_in = [("Cookie", f"{settings.SESSION_COOKIE_NAME}=abc")]

    def posting(path, body, headers=()):
        length = [("Content-Length", str(len(body))), *headers]
        return Proto([body]), Scope(path, "POST", headers=length)

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        slow, slow_scope = posting("/slow/comments/1/", b"first")
        slow_task = asyncio.create_task(page.__rsgi__(slow_scope, slow))
        await asyncio.get_running_loop().run_in_executor(None, rendering.wait, 5)
        reader, editor = Proto(), Proto()
        await asyncio.wait_for(page.__rsgi__(Scope("/story/"), reader), 2)
        moderated, moderated_scope = posting("/admin/comments/", b"approve", signed_in)
        await asyncio.wait_for(page.__rsgi__(moderated_scope, moderated), 2)
        await asyncio.wait_for(
            page.__rsgi__(Scope("/admin/", headers=signed_in), editor), 2
        )
        # Another commenter's post waits for the one before it, and so does
        # any other anonymous write.
        second, second_scope = posting("/comments/1/", b"second")
        second_task = asyncio.create_task(page.__rsgi__(second_scope, second))
        put, put_scope = posting("/comments/1/", b"put")
        put_scope.method = "PUT"
        put_task = asyncio.create_task(page.__rsgi__(put_scope, put))
        await asyncio.sleep(0.2)
        waited = second.sent is None and put.sent is None
        release.set()
        await asyncio.wait_for(asyncio.gather(slow_task, second_task, put_task), 5)
        page.__rsgi_del__(None)
        return reader.sent, moderated.sent, editor.sent, waited, slow.sent, second.sent

    reader, moderated, editor, waited, slow, second = run(scenario())
    assert reader[0] == 200 and reader[1]["X-Masthead-Cache"] == "miss"
    assert moderated[0] == 303 and editor[0] == 200
    assert waited
    assert slow[0] == 303 and second[0] == 303
    assert posted == [b"approve", b"first", b"second"]


def test_bodies_in_hand_are_bounded_and_the_bound_is_given_back(site):
    page, release, rendering, posted = site
    page.max_buffered = 1500  # a post of 1,000 bytes fits once, not twice
    body = b"x" * 1000

    def post(path):
        headers = [("Content-Length", str(len(body)))]
        return Proto([body]), Scope(path, "POST", headers=headers)

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        slow, slow_scope = post("/slow/comments/1/")
        slow_task = asyncio.create_task(page.__rsgi__(slow_scope, slow))
        await asyncio.get_running_loop().run_in_executor(None, rendering.wait, 5)
        refused, refused_scope = post("/comments/1/")
        await asyncio.wait_for(page.__rsgi__(refused_scope, refused), 2)
        reader = Proto()  # no body: answered all the same
        await asyncio.wait_for(page.__rsgi__(Scope("/story/"), reader), 2)
        release.set()
        await asyncio.wait_for(slow_task, 5)
        held = page.buffered
        later, later_scope = post("/comments/1/")
        await asyncio.wait_for(page.__rsgi__(later_scope, later), 2)
        page.__rsgi_del__(None)
        return refused.sent, reader.sent, slow.sent, held, later.sent, page.buffered

    refused, reader, slow, held, later, left = run(scenario())
    assert refused[0] == 503 and refused[1]["Retry-After"] == "5"
    assert reader[0] == 200
    assert slow[0] == 303 and later[0] == 303
    assert held == 0 and left == 0
    assert posted == [body, body]  # the refused one was never read


def test_the_bound_on_bodies_holds_at_least_the_largest_one():
    assert (
        front.Front(None, None, 1, max_body=1000, max_buffered=10).max_buffered == 1000
    )
    assert front.Front(None, None, 1, max_body=1000).max_buffered == 8000


def test_a_page_is_rendered_while_a_sitemap_renders(site):
    # Feeds and sitemaps, long to render, go to the pool, not the render thread.
    page, release, rendering, _ = site

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        sitemap, task = await rendering_slowly(page, rendering, "/slow/sitemap.xml")
        story = Proto()
        await asyncio.wait_for(page.__rsgi__(Scope("/story/"), story), timeout=2)
        release.set()
        await asyncio.wait_for(task, 5)
        page.__rsgi_del__(None)
        return story.sent, sitemap.sent

    story, sitemap = run(scenario())
    assert story[0] == 200 and story[1]["X-Masthead-Cache"] == "miss"
    assert sitemap[0] == 200


def test_hits_answer_304_and_compressed_copies(site):
    page = site[0]

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        first, gzipped, unchanged = Proto(), Proto(), Proto()
        await page.__rsgi__(Scope("/story/"), first)
        etag = first.sent[1]["ETag"]
        gzip_scope = Scope("/story/", headers=[("Accept-Encoding", "gzip")])
        await page.__rsgi__(gzip_scope, gzipped)
        await page.__rsgi__(Scope("/story/", headers=[("If-None-Match", etag)]),
                            unchanged)  # fmt: skip
        page.__rsgi_del__(None)
        return first, gzipped, unchanged

    first, gzipped, unchanged = run(scenario())
    # The first reader asking for gzip had it made by a thread; it is a hit.
    assert gzip.decompress(gzipped.sent[2]) == first.sent[2]
    assert gzipped.sent[1]["Content-Encoding"] == "gzip"
    assert gzipped.sent[1]["X-Masthead-Cache"] == "hit"
    assert unchanged.sent[0] == 304
    assert unchanged.sent[2] == b""
    assert unchanged.sent[1]["ETag"] == first.sent[1]["ETag"]
    assert unchanged.sent[1]["X-Masthead-Cache"] == "hit"


def test_a_page_read_again_on_the_event_loop_is_compressed_smaller(site):
    page = site[0]
    gzip_scope = Scope("/story/", headers=[("Accept-Encoding", "gzip")])

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        missed, read_again, polished = Proto(), Proto(), Proto()
        await page.__rsgi__(gzip_scope, missed)
        await page.__rsgi__(gzip_scope, read_again)
        # The polish runs in the cache's own thread, not on this loop.
        await asyncio.get_running_loop().run_in_executor(
            None, page.cache.polisher.shutdown
        )
        await page.__rsgi__(gzip_scope, polished)
        page.__rsgi_del__(None)
        return missed, read_again, polished

    missed, read_again, polished = run(scenario())
    plain = gzip.decompress(missed.sent[2])
    assert missed.sent[2] == QUICK["gzip"](plain)
    assert read_again.sent[1]["X-Masthead-Cache"] == "hit"
    assert read_again.sent[2] == missed.sent[2]
    assert polished.sent[2] == COMPRESS["gzip"](plain)
    assert polished.sent[1]["Content-Length"] == str(len(polished.sent[2]))
    assert polished.sent[1]["ETag"] == missed.sent[1]["ETag"]


def test_hits_answer_if_modified_since_for_dated_pages_only(site):
    page = site[0]

    def since(date):
        return [("If-Modified-Since", date)]

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        for path in ("/feed/", "/story/"):
            await page.__rsgi__(Scope(path), Proto())  # stored
        answers = {}
        for name, path, headers in [
            ("same date", "/feed/", since(DATED)),
            ("later date", "/feed/", since("Wed, 25 Nov 2026 08:30:00 GMT")),
            ("earlier date", "/feed/", since("Mon, 23 Nov 2026 08:30:00 GMT")),
            ("not a date", "/feed/", since("yesterday")),
            ("another tag", "/feed/", [*since(DATED), ("If-None-Match", '"x"')]),
            ("undated page", "/story/", since(DATED)),
        ]:
            answers[name] = Proto()
            await page.__rsgi__(Scope(path, headers=headers), answers[name])
        page.__rsgi_del__(None)
        return {name: proto.sent for name, proto in answers.items()}

    sent = run(scenario())
    assert {name: answer[0] for name, answer in sent.items()} == {
        "same date": 304,
        "later date": 304,
        "earlier date": 200,
        "not a date": 200,
        "another tag": 200,  # If-None-Match decides when both are sent
        "undated page": 200,
    }
    assert all(answer[1]["X-Masthead-Cache"] == "hit" for answer in sent.values())
    assert sent["same date"][1]["Last-Modified"] == DATED
    assert sent["same date"][2] == b""


def test_posts_reach_the_site_with_their_body_and_large_ones_do_not(site):
    page, _, _, posted = site

    async def post(body):
        proto = Proto([body])
        length = [("Content-Length", str(len(body)))]
        await page.__rsgi__(Scope("/comments/1/", "POST", headers=length), proto)
        return proto.sent

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        accepted = await post(b"author_name=Reader&body=Hello")
        refused = await post(b"x" * 1001)
        page.__rsgi_del__(None)
        return accepted, refused

    accepted, refused = run(scenario())
    assert accepted[0] == 303
    assert posted == [b"author_name=Reader&body=Hello"]
    assert refused[0] == 413


def test_a_session_cookie_bypasses_the_hit_path(site):
    page = site[0]

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        await page.__rsgi__(Scope("/story/"), Proto())
        sent = []
        for cookies in (
            [("Cookie", "sessionid=abc")],
            # HTTP/2 may send each cookie in a header of its own.
            [("Cookie", "theme=dark"), ("Cookie", "sessionid=abc")],
        ):
            staff = Proto()
            await page.__rsgi__(Scope("/story/", headers=cookies), staff)
            sent.append(staff.sent)
        page.__rsgi_del__(None)
        return sent

    for status, headers, _ in run(scenario()):
        assert status == 200
        assert "X-Masthead-Cache" not in headers


def test_hits_are_stored_for_the_hosts_the_site_names_only(site):
    page = site[0]

    def asked(host):
        scope = Scope("/story/")
        scope.headers = Headers([("host", host)])
        return scope

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        sent = []
        for host in ("testserver:8000", "testserver:8000", "testserver:8001",
                     "testserver:8001", "TestServer", "TestServer"):  # fmt: skip
            proto = Proto()
            await page.__rsgi__(asked(host), proto)
            sent.append(proto.sent[1].get("X-Masthead-Cache"))
        page.__rsgi_del__(None)
        return sent

    # With the port the server listens on (8000): stored, then a hit. Another
    # port or another case: answered each time, never stored.
    assert run(scenario()) == ["miss", "hit", None, None, None, None]


def counting_reads(monkeypatch, page) -> list:
    """Count the front's reads of the page cache (PageCacheApp.stored)."""
    reads = []
    stored = page.cache.stored

    def counted(*args, **kwargs):
        reads.append(args[1])
        return stored(*args, **kwargs)

    monkeypatch.setattr(page.cache, "stored", counted)
    return reads


def test_a_page_asked_again_is_sent_from_the_worker_s_own_answers(site, monkeypatch):
    page = site[0]
    reads = counting_reads(monkeypatch, page)

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        sent = []
        for _ in range(4):
            proto = Proto()
            await page.__rsgi__(Scope("/story/"), proto)
            sent.append(proto.sent)
        page.__rsgi_del__(None)
        return sent

    missed, hit, *again = run(scenario())
    assert [s[1]["X-Masthead-Cache"] for s in (missed, hit, *again)] == ["miss"] + [
        "hit"
    ] * 3
    assert all(s == hit for s in again)
    # The miss read the cache twice (the front, then its thread), the first
    # hit once, and the next two not at all.
    assert len(reads) == 3
    assert list(page.known) == [("/story/", "", "testserver")]


def test_a_change_or_the_clock_ends_an_answer_kept(site, monkeypatch):
    from masthead.pagecache import generation

    page = site[0]

    async def ask():
        proto = Proto()
        await page.__rsgi__(Scope("/story/"), proto)
        return proto.sent[1]["X-Masthead-Cache"]

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        outcomes = [await ask(), await ask(), await ask()]
        generation.bump_now()  # anything readers see changed
        outcomes += [await ask(), await ask(), await ask()]
        # The page stops being true by the clock (a scheduled article is due).
        token, entry, _, _ = page.known[("/story/", "", "testserver")]
        entry.expires = time.time() - 1
        outcomes += [await ask(), await ask()]
        page.__rsgi_del__(None)
        return outcomes

    assert run(scenario()) == ["miss", "hit", "hit"] * 2 + ["miss", "hit"]


def test_answers_kept_do_not_pass_for_another_request(site):
    page = site[0]
    signed_in = [("Cookie", f"{settings.SESSION_COOKIE_NAME}=abc")]

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        plain = Proto()
        await page.__rsgi__(Scope("/story/"), Proto())
        await page.__rsgi__(Scope("/story/"), plain)  # kept
        asked = {
            "unchanged": [("If-None-Match", plain.sent[1]["ETag"])],
            "gzip": [("Accept-Encoding", "gzip")],
            "signed in": signed_in,
            "another host": [("Host", "elsewhere.example")],
        }
        sent = {}
        for name, headers in asked.items():
            scope = Scope("/story/", headers=headers)
            if name == "another host":
                scope.headers = Headers(headers)
            sent[name] = Proto()
            await page.__rsgi__(scope, sent[name])
        head, query = Proto(), Proto()
        await page.__rsgi__(Scope("/story/", method="HEAD"), head)
        # A commenter shown their own held comment: never a stored page.
        await page.__rsgi__(Scope("/story/", query="comment=5"), query)
        page.__rsgi_del__(None)
        return plain.sent, {k: v.sent for k, v in sent.items()}, head.sent, query.sent

    plain, sent, head, query = run(scenario())
    assert sent["unchanged"][0] == 304 and sent["unchanged"][2] == b""
    assert sent["gzip"][1]["Content-Encoding"] == "gzip"
    assert gzip.decompress(sent["gzip"][2]) == plain[2]
    assert "X-Masthead-Cache" not in sent["signed in"][1]
    assert "X-Masthead-Cache" not in sent["another host"][1]  # not stored for it
    assert head[2] == b""
    assert "X-Masthead-Cache" not in query[1]
    assert sent["unchanged"][1]["ETag"] == plain[1]["ETag"]


def test_answers_kept_are_bounded_oldest_first(site, monkeypatch):
    page = site[0]
    monkeypatch.setattr(front, "KNOWN_PLACES", 2)

    async def scenario(paths):
        page.__rsgi_init__(asyncio.get_running_loop())
        for path in paths:
            for _ in range(2):  # stored, then kept
                await page.__rsgi__(Scope(path), Proto())
        page.__rsgi_del__(None)

    run(scenario(["/a/", "/b/", "/c/"]))
    assert [place[0] for place in page.known] == ["/b/", "/c/"]
    assert page.known_bytes == sum(known[3] for known in page.known.values())
    # Room for eight pages: a ninth pushes out the oldest.
    size = page.known[("/c/", "", "testserver")][3]
    monkeypatch.setattr(front, "KNOWN_PLACES", 100)
    page.known_limit = size * 8
    more = [f"/{name}/" for name in "defghijk"]
    run(scenario(more))
    assert [place[0] for place in page.known] == ["/c/", *more][-8:]
    assert page.known_bytes == size * 8
    # Nothing larger than an eighth of the room is kept: the cache has it.
    page.known_limit = size * 8 - 1
    run(scenario(["/l/"]))
    assert ("/l/", "", "testserver") not in page.known


def test_a_new_generation_drops_every_answer_kept(site):
    from masthead.pagecache import generation

    page = site[0]

    async def scenario():
        page.__rsgi_init__(asyncio.get_running_loop())
        for path in ("/a/", "/b/", "/a/", "/b/"):
            await page.__rsgi__(Scope(path), Proto())
        kept = [place[0] for place in page.known]
        generation.bump_now()
        for _ in range(2):
            await page.__rsgi__(Scope("/c/"), Proto())
        page.__rsgi_del__(None)
        return kept

    assert run(scenario()) == ["/a/", "/b/"]
    assert [place[0] for place in page.known] == ["/c/"]
    assert page.known_bytes == page.known[("/c/", "", "testserver")][3]
