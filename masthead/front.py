"""RSGI entry point, served by `masthead serve` (granian): the page cache's front.

A page-cache hit for an anonymous reader is answered on the worker's event
loop: a dict lookup and a send, with no thread hand-off and no WSGI environ.
Each worker also keeps the answers it gave that way under the request's own
words (path, query, Host, Accept-Encoding), so that the next reader of a page
costs a lookup, a check of the generation and of the clock, and the send:
served, 3 to 8 µs of CPU less a hit than the page cache's own checks
(bench/README.md, "Answers kept").
Everything else runs the WSGI application of masthead.wsgi in threads, in
one of two lanes, so a slow render or a flood of posts holds back only its
lane, never a reader of a cached page:

- anonymous readers' pages that are not stored (misses) are rendered by one
  thread, one after another. Renders are CPU work under one GIL: with four
  threads taking turns on eight waiting renders, each took a quarter more
  CPU time than with one thread (bench/README.md, "One render thread");
- anonymous posts (comments, and any other method but GET and HEAD from no
  one signed in) are answered by one thread too. Several
  threads per worker only contended for the GIL, and on SQLite for its one
  write lock: during a flood of posts, readers of a cached article were
  answered 16% more often on SQLite and five times as often on PostgreSQL,
  with as many posts saved (bench/README.md, "A lane for posts");
- everything else (the newsroom, static files, and feeds and sitemaps, whose
  renders are long) runs in a pool of `threads` threads, so moderators can
  work during a flood.

Granian's own WSGI workers hand every request to a thread: with four threads,
cache hits cost a hand-over each (a third fewer answered than with one), and
with one, a single slow request stalled the whole worker. During a flood of
comment posts, readers of a cached article got a few hundred answers a second
from those workers and several thousand from this front (bench/README.md).
"""

import io
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from masthead.pagecache import app as pagecache
from masthead.pagecache import generation
from masthead.pagecache.app import ReaderRequests

logger = logging.getLogger("masthead.front")

# Headers that a WSGI environ names apart from HTTP_*.
OWN_NAMES = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}
# Feeds and sitemaps: renders of up to a second and a half at 100,000 articles
# (a sitemap file lists 50,000 addresses). They run in the pool, so that no
# reader's page waits behind one in the render thread.
LONG_RENDERS = ("/feed/", "/feed/atom/", "/feed.json", ".xml")
TOO_LARGE = b"The request's body is larger than this server accepts.\n"
BUSY = b"The server is receiving too much at once; try again in a few seconds.\n"
BUSY_HEADERS = [("Content-Type", "text/plain"), ("Retry-After", "5")]
FAILED = b"The server could not answer this request.\n"
# Answers a worker keeps under the request's own words (Front.remember): for
# at most this many pages, each in at most this many Accept-Encoding values.
KNOWN_PLACES = 256
KNOWN_ENCODINGS = 8


class Front:
    """Answer page-cache hits on the event loop; run the rest in threads.

    `app` is the WSGI application; `cache` is its page cache (the same object,
    or None when the page cache is off). Readers' pages are rendered by one
    thread, anonymous posts answered by another, the rest by `threads`.
    `max_body` bounds a request's body in bytes: larger ones get a 413 before
    they are read. `max_buffered` bounds the bodies of all the requests in
    hand (8 × `max_body` unless given): over it, a request gets a 503.
    """

    def __init__(
        self,
        app: Any,
        cache: pagecache.PageCacheApp | None,
        threads: int,
        max_body: int,
        max_buffered: int | None = None,
    ):
        self.app = app
        self.cache = cache
        self.threads = threads
        self.max_body = max_body
        # The bodies being read or answered may hold this many bytes in all;
        # never less than one body of the largest size, which must get in.
        if max_buffered is None:
            max_buffered = 8 * max_body
        self.max_buffered = max(max_buffered, max_body)
        self.buffered = 0
        self.readers = cache.readers if cache is not None else ReaderRequests()
        self.ports: dict[str, str] = {}  # the port of each address served
        # (path, query, Host) -> (token, entry, {Accept-Encoding: (status,
        # headers, body)}, size): see remember(). Oldest first.
        self.known: dict[tuple, tuple] = {}
        self.known_bytes = 0
        # The pages kept are most often the cache's own, but may outlive them
        # there: they hold at most a quarter of the cache's room.
        self.known_limit = cache.local.limit // 4 if cache is not None else 0
        self.pool: ThreadPoolExecutor | None = None
        self.render_pool: ThreadPoolExecutor | None = None
        self.post_pool: ThreadPoolExecutor | None = None

    def __rsgi_init__(self, loop) -> None:
        self.loop = loop
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="masthead")
        self.render_pool = ThreadPoolExecutor(1, thread_name_prefix="masthead-render")
        self.post_pool = ThreadPoolExecutor(1, thread_name_prefix="masthead-post")
        if self.cache is not None:
            generation.listen()

    def __rsgi_del__(self, loop) -> None:
        for pool in (self.pool, self.render_pool, self.post_pool):
            if pool is not None:
                pool.shutdown(wait=True)

    async def __rsgi__(self, scope, proto) -> None:
        if scope.proto != "http":
            return  # granian runs without websockets
        headers = scope.headers
        # Each read of granian's scope makes a new string (the path is decoded
        # again): read once.
        method, raw_path, query = scope.method, scope.path, scope.query_string
        accepted = headers.get("accept-encoding", "")
        place = None
        if method == "GET" and "cookie" not in headers:
            place = (raw_path, query, headers.get("host"))
            known = self.known.get(place)
            if known is not None:
                token, entry, answers, _ = known
                sent = answers.get(accepted)
                if (
                    sent is not None
                    and token == generation.current()
                    and entry.expires > time.time()
                    and "if-none-match" not in headers
                    and "if-modified-since" not in headers
                ):
                    proto.response_bytes(*sent)
                    return
        path = wsgi_path(raw_path)
        cookie = headers.get("cookie", "")
        if cookie:  # HTTP/2 may send a cookie header per cookie: read them all
            cookie = "; ".join(v for k, v in headers.items() if k == "cookie")
        reader = self.readers(method, path, cookie)
        if reader and method == "GET" and self.cache is not None:
            server = scope.server
            port = self.ports.get(server)
            if port is None:  # one per address the worker listens on
                port = self.ports[server] = host_and_port(server)[1]
            key = self.cache.key_for(
                path,
                query,
                headers.get("host") or host_and_port(server)[0],
                port,
            )
            if key is not None:
                # This process's pages only: the second level (Redis) is
                # read by the threads when this misses.
                token = generation.current()
                entry = self.cache.stored(token, key, shared=False)
                if entry is not None:
                    encoding = pagecache.wanted(entry, accepted)
                    # A copy in an encoding no reader has asked for yet is
                    # made by the threads, not on the event loop.
                    if encoding in entry.variants:
                        status, sent, body = pagecache.choose(
                            entry,
                            headers.get("if-none-match"),
                            encoding,
                            "hit",
                            # Read only for the pages that carry a date (feeds).
                            headers.get("if-modified-since")
                            if entry.modified is not None
                            else None,
                        )
                        answer = (int(status[:3]), sent, body)
                        proto.response_bytes(*answer)
                        if entry.rough:  # a miss's quick copy: read again
                            self.cache.polish_soon(token, key, entry)
                        elif place is not None and answer[0] == 200:
                            self.remember(place, token, entry, accepted, answer)
                        return
        reserved = self.reserve(headers)
        if reserved is None:
            proto.response_bytes(503, BUSY_HEADERS, BUSY)
            return
        try:
            await self.answer(scope, proto, path, cookie, reader)
        finally:
            self.buffered -= reserved

    def remember(
        self,
        place: tuple,
        token: str,
        entry: pagecache.Entry,
        accepted: str,
        answer: tuple,
    ) -> None:
        """Keep `answer`, a 200 from `entry` of generation `token`, to send again.

        `place` is the request's (path, query, Host) and `accepted` its
        Accept-Encoding; the request was a GET with no cookie, and the
        entry's copies are final (not a miss's quick copy). __rsgi__ sends
        the answer again to a GET in the same words, with no cookie and no
        condition (If-None-Match, If-Modified-Since, which the long way
        answers), while the generation is `token` and the entry has not
        expired: what the page cache would answer, since a place names one
        cache key, and a key one entry in a generation. The address the
        request came in on is left out: a worker listens on one (granian
        binds one), and only its port counts (`stored_under`).

        A place is kept only after the long way found it stored, having
        checked its path, Host and query. Read and written on the event loop
        only: no lock.
        """
        known = self.known.get(place)
        if known is None or known[0] != token or known[1] is not entry:
            size = entry.size
            if size > self.known_limit // 8:
                return  # a sitemap of 50,000 addresses: kept by the cache only
            if self.known and next(iter(self.known.values()))[0] != token:
                # A new generation: every answer kept is stale.
                self.known.clear()
                self.known_bytes = 0
            elif known is not None:
                self.known_bytes -= self.known.pop(place)[3]
            known = self.known[place] = (token, entry, {}, size)
            self.known_bytes += size
            while len(self.known) > KNOWN_PLACES or self.known_bytes > self.known_limit:
                self.known_bytes -= self.known.pop(next(iter(self.known)))[3]
        answers = known[2]
        if len(answers) < KNOWN_ENCODINGS:
            answers[accepted] = answer

    def reserve(self, headers) -> int | None:
        """Count the body a request brings against the worker's `max_buffered`.

        Returns the bytes counted, or None when they would go over: bodies
        are read whole before Django sees them, and granian lets hundreds of
        requests in at once, so without a bound a flood of large bodies could
        take all the memory. Called on the event loop only: no lock.
        """
        length = headers.get("content-length")
        if length is not None:
            try:
                size = max(int(length), 0)
            except ValueError:
                size = 0  # refused unread (413)
        else:  # chunked: as large as it may grow
            size = self.max_body if "transfer-encoding" in headers else 0
        if size > self.max_body:
            size = 0  # refused unread (413)
        if size and self.buffered + size > self.max_buffered:
            return None
        self.buffered += size
        return size

    async def answer(self, scope, proto, path: str, cookie: str, reader: bool):
        """Read the request's body and answer it from the lane it belongs to."""
        body = await read_body(proto, scope.headers, self.max_body)
        if body is None:
            proto.response_bytes(413, [("Content-Type", "text/plain")], TOO_LARGE)
            return
        environ = wsgi_environ(scope, path, body)
        if reader:
            lane = self.pool if path.endswith(LONG_RENDERS) else self.render_pool
        elif self.readers.anonymous(path, cookie):
            # Anything but a GET or HEAD from no one signed in: comment posts,
            # and whatever else a flood from outside sends.
            lane = self.post_pool
        else:
            lane = self.pool
        try:
            status, sent, body = await self.loop.run_in_executor(
                lane, pagecache.call, self.app, environ
            )
        except Exception:
            logger.exception("%s %s failed outside Django", scope.method, path)
            proto.response_bytes(500, [("Content-Type", "text/plain")], FAILED)
            return
        proto.response_bytes(int(status[:3]), sent, body)


async def read_body(proto, headers, limit: int) -> bytes | None:
    """Return the request's body, or None when it is longer than `limit` bytes."""
    length = headers.get("content-length")
    if length is not None:
        try:
            if int(length) > limit:
                return None
        except ValueError:
            return None
        return await proto()
    if "transfer-encoding" not in headers:
        return b""
    chunks, size = [], 0
    async for chunk in proto:  # chunked: count as it comes
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def wsgi_path(path: str) -> str:
    """Return a decoded path as WSGI spells it: its UTF-8 bytes read as Latin-1."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("latin-1")


def host_and_port(address: str) -> tuple[str, str]:
    """Split RSGI's "host:port" ("[::1]:8000" for IPv6) as WSGI names them."""
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


def wsgi_environ(scope, path: str, body: bytes) -> dict:
    """Return the WSGI environ (PEP 3333) of an RSGI request with its `body`."""
    server_host, server_port = host_and_port(scope.server)
    client_host, client_port = host_and_port(scope.client)
    environ = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_host,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client_host,
        "REMOTE_PORT": client_port,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        if "_" in name:
            # X_Forwarded_For would pass for X-Forwarded-For (nginx drops them too).
            continue
        if name in OWN_NAMES:
            environ[OWN_NAMES[name]] = value
            continue
        key = "HTTP_" + name.upper().replace("-", "_")
        if key in environ:  # a repeated header: one value, as HTTP joins them
            joiner = "; " if key == "HTTP_COOKIE" else ","
            environ[key] = f"{environ[key]}{joiner}{value}"
        else:
            environ[key] = value
    return environ


def build() -> Front:
    """Return the front of masthead.wsgi's application (granian's factory).

    The pool's size is MASTHEAD_THREADS (`masthead serve --threads`).
    """
    from django.conf import settings

    from masthead import wsgi

    app = wsgi.application
    cache = app if isinstance(app, pagecache.PageCacheApp) else None
    from masthead.cli import pool_threads

    return Front(
        app,
        cache,
        pool_threads(),
        settings.MASTHEAD_MAX_REQUEST_BYTES,
        settings.MASTHEAD_MAX_BUFFERED_BYTES,
    )
