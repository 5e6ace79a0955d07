"""`PageCacheApp`: the WSGI wrapper that answers anonymous readers from the cache.

A request is served from the cache when it is a GET or HEAD without a session
cookie, outside the admin, the previews, static files and media, and not
carrying a commenter's own pending-comment token. Query strings other than
``replytocom`` are dropped from the key: views ignore them, and a flood of
``?random=…`` must not render a page per request. Likewise, pages are stored
only for the hosts the site names (`hosts_named`): any other Host header, a
port or a letter's case changed, gets its page rendered and not stored, so
a flood of made-up hosts cannot crowd the readers' pages out of the cache.

What is stored: the status, headers and body of a response Django marked
public (`CachePolicyMiddleware`), and a gzip or brotli copy of text in each
encoding a reader has asked for, made once, the first time one does (both at
store time took 1.1 ms of a 75 KB page's miss), each with its headers ready
to send. The copy a miss makes is made fast (`QUICK`), as its reader waits;
once the page is read again, a thread of its own makes it anew, smaller
(`COMPRESS`, `PageCacheApp.polish`): a page read once, as crawlers read the
archive, never pays for the smaller copy. A hit answers ``If-None-Match``
with 304 (and ``If-Modified-Since``, for pages that say when they last
changed: the feeds) and picks the encoding the reader accepts.

Two levels: each process keeps the pages of the current generation in its
own memory (no copying, no pickling: a hit is a dict lookup), bounded by
MASTHEAD_PAGE_CACHE_LOCAL_MB; with REDIS_URL, Redis is the shared second
level, so a page one app server rendered is not rendered again by another.
The page an entry holds never changes under its key (the key names the
generation; only its compressed copies may be made again, smaller), so the
first level can never serve a page the second level would not.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit

import brotli
from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.test.utils import override_settings
from django.utils.http import parse_http_date_safe
from isal import igzip
from zlib_ng import gzip_ng

from masthead.pagecache import expiry, generation
from masthead.pagecache.middleware import PRIVATE_PREFIXES

logger = logging.getLogger("masthead.pagecache")

KEPT_QUERY = ("replytocom",)
# A commenter's own held comment; old WordPress addresses (/?p=10), which
# Django redirects (masthead.wordpress). A sitemap file's page (?p=2) is kept.
BYPASS_QUERY = ("comment", "p", "page_id", "attachment_id")
SITEMAP_QUERY = ("p",)
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml",
                "application/atom+xml", "application/json", "application/feed+json",
                "image/svg+xml")  # fmt: skip
MIN_COMPRESS = 256
# Headers a stored page must not repeat to another reader, or that it sets anew.
DROPPED_HEADERS = {"content-length", "content-encoding", "set-cookie", "vary", "etag"}
ENCODINGS = ("br", "gzip")
# zlib-ng rather than the standard library's zlib: at the same level, on 64 of
# the bench site's pages, 0.2% fewer bytes in 44% of the time. Each miss of a
# 67 KB article page compressed it in 1.06 ms, as long as a fifth of its
# render; now 0.53 ms.
COMPRESS = {
    "br": lambda body: brotli.compress(body, quality=5),
    "gzip": lambda body: gzip_ng.compress(body, compresslevel=6, mtime=0),
}
# The copy a miss makes while its reader waits, made again with COMPRESS if
# the page is read again. On the 68 KB article page (bench/README.md, the
# session from 10:10 on 2026-11-28): gzip by ISA-L at level 1 in 61 µs for
# 9,455 bytes, against 563 µs and 8,403 bytes by zlib-ng at 6 (zlib-ng's
# fastest: 145 µs, 11,699 bytes); brotli at quality 3 in 314 µs for 8,379
# bytes, against 868 µs and 7,299 bytes at 5.
QUICK = {
    "br": lambda body: brotli.compress(body, quality=3),
    "gzip": lambda body: igzip.compress(body, compresslevel=1, mtime=0),
}
# How long a request waits for another thread's render of the same page.
RENDER_WAIT_SECONDS = 10
# Django's middleware that serves visitors, not readers: sessions, CSRF,
# sign-in, messages and static files. A reader's request (an anonymous GET or
# HEAD outside the newsroom, static files and media) shows none of their work:
# no session to load, no one signed in, no form with a CSRF token (comments
# are posted without one), no messages (the newsroom's), no static file. On
# a miss they took 3.4% of the 50-comment article's render and 5.7% of the
# home page's, so readers' pages are rendered without them.
VISITOR_MIDDLEWARE = frozenset({
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
})  # fmt: skip


@dataclass
class Entry:
    status: str
    etag: str
    expires: float  # epoch seconds; the entry is stale from then on
    # By encoding ("identity", "gzip", "br"): the headers to send, and the body.
    variants: dict[str, tuple[list[tuple[str, str]], bytes]]
    not_modified: list[tuple[str, str]]  # headers of a 304
    # Its Last-Modified, in epoch seconds, when the page sent one (feeds do).
    modified: int | None = None
    compressible: bool = False  # text worth a gzip or brotli copy
    # The encodings whose copy was made QUICK, to be made again with COMPRESS
    # once the page is read again.
    rough: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return sum(len(body) + 512 for _, body in self.variants.values())


class LocalPages:
    """This process's pages of one generation, least recently used dropped first."""

    def __init__(self, limit_bytes: int):
        self.limit = limit_bytes
        self.token = None
        self.pages: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, token: str, key: str) -> Entry | None:
        with self.lock:  # a worker's threads share the pages
            if token != self.token:
                return None
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def put(self, token: str, key: str, entry: Entry) -> None:
        with self.lock:
            if token != self.token:  # a new generation: the old pages are stale
                self.token, self.pages, self.size = token, OrderedDict(), 0
            if (old := self.pages.pop(key, None)) is not None:
                self.size -= old.size
            self.pages[key] = entry
            self.size += entry.size
            self.evict()

    def change(self, token: str, key: str, entry: Entry, copies: dict) -> None:
        """Put `copies` (encoding: (headers, body)) among `entry`'s variants,
        counting its new size if it is stored under `key`.

        Under the lock, so that dropping the page in between cannot count it
        at one size and take it off at another.
        """
        with self.lock:
            before = entry.size
            entry.variants.update(copies)
            if token == self.token and self.pages.get(key) is entry:
                self.size += entry.size - before
                self.evict()

    def evict(self) -> None:
        """Drop the least recently used pages while over the limit (lock held)."""
        while self.size > self.limit and self.pages:
            self.size -= self.pages.popitem(last=False)[1].size


class ReaderRequests:
    """Tell an anonymous reader's request for a public page from the rest.

    A GET or HEAD without a session cookie, outside the newsroom, static
    files and media (which have their own caching: whitenoise, nginx).
    """

    def __init__(self):
        prefixes = (*PRIVATE_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL)
        self.excluded = tuple(prefix for prefix in prefixes if prefix)
        self.session_cookie = settings.SESSION_COOKIE_NAME + "="

    def __call__(self, method: str, path: str, cookie: str) -> bool:
        return method in ("GET", "HEAD") and self.anonymous(path, cookie)

    def anonymous(self, path: str, cookie: str) -> bool:
        """Return whether a request comes from no one signed in, outside the
        newsroom, static files and media (a reader's, or a commenter's post)."""
        return self.session_cookie not in cookie and not path.startswith(self.excluded)


def split_host(host: str) -> tuple[str, str]:
    """Split a Host header's value into its name and port ("" when it has none)."""
    if ":" not in host or host.endswith("]"):  # a name, or an IPv6 address alone
        return host, ""
    name, _, port = host.rpartition(":")
    return name, port


@cache
def hosts_named() -> tuple[frozenset[str], str, str]:
    """Return the hosts pages are stored for, and MASTHEAD_SITE_URL's name and port.

    The hosts: MASTHEAD_SITE_URL's and the names ALLOWED_HOSTS spells out
    (not its patterns, ".example.org" or "*"), in lower case. Django accepts
    any port and any case, and a feed prints the host it was asked under, so
    keying pages by whatever Host came let one page be stored under as many
    keys as a client could make up, each render pushing readers' pages out.
    """
    site = urlsplit(settings.MASTHEAD_SITE_URL)
    site_name, site_port = split_host(site.netloc.rpartition("@")[2].lower())
    names = {site_name}
    names.update(
        name.lower()
        for name in settings.ALLOWED_HOSTS
        if name and name != "*" and not name.startswith(".")
    )
    names.discard("")
    return frozenset(names), site_name, site_port


# Hosts with a port found storable, and the server's port they were found
# with: a few per site (only storable ones are kept), read on every hit.
_storable: dict[str, str] = {}


@receiver(setting_changed)
def _forget_hosts(*, setting, **kwargs):
    if setting in ("ALLOWED_HOSTS", "MASTHEAD_SITE_URL"):
        hosts_named.cache_clear()
        _storable.clear()


def stored_under(host: str, server_port: str) -> bool:
    """Return whether pages asked for under `host` may be stored.

    A named host, alone or with the port the server listens on (`server_port`,
    as a reader reaching `masthead serve` directly names it) or, for the
    site's host, MASTHEAD_SITE_URL's port.
    """
    names, site_name, site_port = hosts_named()
    if host in names or _storable.get(host) == server_port:
        return True
    name, port = split_host(host)
    if (
        name in names
        and port != ""
        and (port == server_port or (name == site_name and port == site_port))
    ):
        _storable[host] = server_port
        return True
    return False


def django_handler(middleware: list[str]) -> WSGIHandler:
    """Return Django's WSGI handler running only `middleware` (dotted paths).

    A handler loads its middleware from the settings when it is made, and
    Django has no other way to give it a list: it is made under settings
    overridden for that moment.
    """
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()  # its middleware is loaded here


def readers_handler() -> WSGIHandler:
    """Return Django's WSGI handler without the VISITOR_MIDDLEWARE."""
    return django_handler(
        [name for name in settings.MIDDLEWARE if name not in VISITOR_MIDDLEWARE]
    )


class PageCacheApp:
    """Wrap the Django WSGI `app` with the page cache.

    `readers_app`, when given, renders the pages the cache stores (readers'
    requests): `app` with less middleware (`readers_handler`). Everything
    else, and a commenter's own held comment, goes to `app`.
    """

    def __init__(self, app: Callable, readers_app: Callable | None = None):
        self.app = app
        self.readers_app = readers_app or app
        self.local = LocalPages(settings.MASTHEAD_PAGE_CACHE_LOCAL_MB * 2**20)
        self.shared = caches["pages"] if settings.MASTHEAD_PAGE_CACHE_SHARED else None
        self.readers = ReaderRequests()
        self.max_age = settings.MASTHEAD_PAGE_CACHE_SECONDS
        self.rendering: dict[tuple[str, str], threading.Event] = {}
        self.rendering_lock = threading.Lock()
        self.polisher: ThreadPoolExecutor | None = None  # made at its first use
        self.polishing: set[int] = set()  # the entries (ids) it has in hand

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        token = generation.current()
        entry = self.stored(token, key)
        if entry is not None:
            return self.answer(token, key, entry, environ, start_response, "hit")
        if environ["REQUEST_METHOD"] == "HEAD":
            # No body worth storing.
            return self.readers_app(environ, start_response)
        return self.render_once(token, key, environ, start_response)

    def stored(self, token: str, key: str, shared: bool = True) -> Entry | None:
        """Return the fresh page stored under `key` in generation `token`, if any.

        With `shared` false, only this process's pages are looked at (no
        network read: masthead.front asks so on its event loop).
        """
        entry = self.local.get(token, key)
        if entry is None and shared and self.shared is not None:
            entry = self.shared.get(shared_key(token, key))
            if entry is not None:
                self.local.put(token, key, entry)
        if entry is not None and entry.expires > time.time():
            return entry
        return None

    def render_once(self, token: str, key: str, environ: dict, start_response):
        """Render a missing page in one thread; the others wait and reuse it.

        When a change lands while a story is being read, every request for the
        page misses at once: one render serves them all (per process).
        """
        with self.rendering_lock:
            # Stored while this request was on its way here: a hit after all.
            entry = self.local.get(token, key)
            stored = entry is not None and entry.expires > time.time()
            if not stored:
                event = self.rendering.get((token, key))
                leader = event is None
                if leader:
                    event = self.rendering[(token, key)] = threading.Event()
        if stored:  # answered out of the lock: it may compress a copy
            return self.answer(token, key, entry, environ, start_response, "hit")
        if not leader:
            event.wait(timeout=RENDER_WAIT_SECONDS)
            entry = self.local.get(token, key)
            if entry is not None and entry.expires > time.time():
                return self.answer(token, key, entry, environ, start_response, "hit")
            # Not stored (not public, or the render failed): render for this one.
            return self.render(token, key, environ, start_response)
        try:
            return self.render(token, key, environ, start_response)
        finally:
            with self.rendering_lock:
                self.rendering.pop((token, key), None)
            event.set()

    def key(self, environ: dict) -> str | None:
        """Return the cache key of this request, or None when it must not be cached."""
        return self.key_of(
            environ.get("REQUEST_METHOD", ""),
            environ.get("PATH_INFO", "/"),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
            environ.get("HTTP_COOKIE", ""),
            environ.get("SERVER_PORT", ""),
        )

    def key_of(
        self,
        method: str,
        path: str,
        query: str,
        host: str,
        cookie: str,
        server_port: str = "",
    ) -> str | None:
        """Return the cache key of a request, or None when it must not be cached.

        `path` is as WSGI gives it: the decoded path's UTF-8 bytes read as Latin-1.
        """
        if not self.readers(method, path, cookie):
            return None
        return self.key_for(path, query, host, server_port)

    def key_for(
        self, path: str, query: str, host: str, server_port: str = ""
    ) -> str | None:
        """Return key_of() a request known to be an anonymous reader's."""
        if not stored_under(host, server_port):
            return None
        kept = ""
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            keep = KEPT_QUERY + SITEMAP_QUERY if path.endswith(".xml") else KEPT_QUERY
            if any(name in BYPASS_QUERY and name not in keep for name, _ in pairs):
                return None
            kept = urlencode(sorted(p for p in pairs if p[0] in keep))
        return f"{host}{path}?{kept}"

    def render(self, token: str, key: str, environ: dict, start_response: Callable):
        status, headers, body = call(self.readers_app, environ)
        entry = self.entry(
            status, headers, body, environ.get("HTTP_ACCEPT_ENCODING", "")
        )
        if entry is None:
            start_response(status, headers)
            return [body]
        self.local.put(token, key, entry)
        self.share(token, key, entry)
        return answer(entry, environ, start_response, "miss")

    def share(self, token: str, key: str, entry: Entry) -> None:
        """Store `entry` for the other app servers' readers too, when there are.

        Should Redis fail, the page is not shared and nothing else is lost
        (masthead.pagecache.backends).
        """
        if self.shared is not None:
            timeout = max(int(entry.expires - time.time()), 1)
            self.shared.set(shared_key(token, key), entry, timeout=timeout)

    def entry(
        self, status: str, headers: list, body: bytes, accepted: str = ""
    ) -> Entry | None:
        """Return what to store of a response, or None when it is not public.

        Besides the page itself, a copy in the encoding `accepted` (the
        reader's Accept-Encoding) asks for.
        """
        if not status.startswith("200"):
            return None
        names = {name.lower(): value for name, value in headers}
        if "public" not in names.get("cache-control", ""):
            return None
        if "set-cookie" in names or "content-encoding" in names:
            return None
        kept = [(n, v) for n, v in headers if n.lower() not in DROPPED_HEADERS]
        # Weak: the same page is sent in several encodings under one tag.
        etag = names.get("etag") or (
            # SHA-256 by the processor's own instructions, where it has them
            # (x86 since 2017, 64-bit ARM): 49 µs for a 68 KB page here,
            # against 120 µs for Python's BLAKE2.
            f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        )
        etag = etag if etag.startswith("W/") else f"W/{etag}"
        vary = [v.strip() for v in names.get("vary", "").split(",") if v.strip()]
        compressible = names.get("content-type", "").startswith(COMPRESSIBLE) and (
            len(body) >= MIN_COMPRESS
        )
        if compressible:
            vary.append("Accept-Encoding")
        common = [*kept, ("ETag", etag)]
        if vary:
            common.append(("Vary", ", ".join(vary)))
        variants = {"identity": variant(common, "identity", body)}
        modified = parse_http_date_safe(names.get("last-modified"))
        entry = Entry(status, etag, self.expires_at(), variants, common, modified,
                      compressible)  # fmt: skip
        if (encoding := wanted(entry, accepted)) != "identity":
            variants[encoding] = variant(common, encoding, QUICK[encoding](body))
            entry.rough = (encoding,)
        return entry

    def answer(self, token: str, key: str, entry: Entry, environ: dict,
               start_response: Callable, outcome: str):  # fmt: skip
        """Send a stored page, first making the copy the reader wants if need be."""
        encoding = wanted(entry, environ.get("HTTP_ACCEPT_ENCODING", ""))
        if encoding not in entry.variants and not unchanged(
            entry,
            environ.get("HTTP_IF_NONE_MATCH"),
            environ.get("HTTP_IF_MODIFIED_SINCE"),
        ):
            body = COMPRESS[encoding](entry.variants["identity"][1])
            copy = variant(entry.not_modified, encoding, body)
            self.local.change(token, key, entry, {encoding: copy})
            self.share(token, key, entry)
        sent = answer(entry, environ, start_response, outcome, encoding)
        if outcome == "hit":  # once this reader's copy is chosen
            self.polish_soon(token, key, entry)
        return sent

    def polish_soon(self, token: str, key: str, entry: Entry) -> None:
        """Have `entry`'s QUICK copies made again with COMPRESS, by a thread of
        the cache's own, unless that is done or under way.

        Called for each hit, on masthead.front's event loop too: for a page
        already polished it is one attribute read.
        """
        if not entry.rough:
            return
        with self.rendering_lock:  # one check and one polisher between threads
            if id(entry) in self.polishing:
                return
            self.polishing.add(id(entry))
            if self.polisher is None:
                self.polisher = ThreadPoolExecutor(
                    1, thread_name_prefix="masthead-polish"
                )
        self.polisher.submit(self.polish, token, key, entry)

    def polish(self, token: str, key: str, entry: Entry) -> None:
        """Make `entry`'s QUICK copies again with COMPRESS, in place.

        Readers who got the quick copy keep a valid one: the ETag is weak, and
        the page it decompresses to is the same.
        """
        try:
            body = entry.variants["identity"][1]
            copies = {
                encoding: variant(
                    entry.not_modified, encoding, COMPRESS[encoding](body)
                )
                for encoding in entry.rough
            }
            self.local.change(token, key, entry, copies)
            entry.rough = ()
            self.share(token, key, entry)
        except Exception:
            logger.exception("Compressing the page %s again failed", key)
        finally:
            with self.rendering_lock:
                self.polishing.discard(id(entry))

    def expires_at(self) -> float:
        """Return when pages rendered now stop being true by the clock alone."""
        limit = time.time() + self.max_age
        moment = expiry.next_change()
        return min(moment.timestamp(), limit) if moment else limit


def shared_key(token: str, key: str) -> str:
    digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16)
    return f"page:{token}:{digest.hexdigest()}"


def call(app: Callable, environ: dict) -> tuple[str, list, bytes]:
    """Call the WSGI `app`; return its status line, headers and whole body."""
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return lambda data: captured.setdefault("written", []).append(data)

    result = app(environ, capture)
    try:
        body = b"".join([*captured.get("written", []), *result])
    finally:
        if hasattr(result, "close"):
            result.close()
    return captured["status"], captured["headers"], body


def answer(
    entry: Entry,
    environ: dict,
    start_response: Callable,
    outcome: str,
    encoding: str | None = None,
):
    """Send a stored page, in the encoding the reader accepts, or a 304.

    `encoding` is wanted()'s answer for this reader, when already known.
    """
    if encoding is None:
        encoding = wanted(entry, environ.get("HTTP_ACCEPT_ENCODING", ""))
    status, headers, body = choose(
        entry,
        environ.get("HTTP_IF_NONE_MATCH"),
        encoding,
        outcome,
        environ.get("HTTP_IF_MODIFIED_SINCE"),
    )
    start_response(status, headers)
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def choose(
    entry: Entry,
    if_none_match: str | None,
    encoding: str,
    outcome: str,
    if_modified_since: str | None = None,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Return the status, headers and body to send of a stored page: a 304 when
    the reader's copy is this page, else its copy in `encoding` (`wanted()`)."""
    if unchanged(entry, if_none_match, if_modified_since):
        return (
            "304 Not Modified",
            [*entry.not_modified, ("X-Masthead-Cache", outcome)],
            b"",
        )
    # A copy not made yet: the page itself (masthead.front asks the threads
    # to make it instead).
    headers, body = entry.variants.get(encoding) or entry.variants["identity"]
    return entry.status, [*headers, ("X-Masthead-Cache", outcome)], body


def wanted(entry: Entry, accepted: str) -> str:
    """Return the encoding to send `entry` in to a reader who accepts `accepted`."""
    # An entry stored before pages said whether they compress has its copies.
    if entry.compressible or len(entry.variants) > 1:
        for encoding in ENCODINGS:
            if encoding in accepted:
                return encoding
    return "identity"


def variant(common: list, encoding: str, data: bytes) -> tuple[list, bytes]:
    """Return the headers to send a page's copy `data` in `encoding` with, and it."""
    sent = list(common)
    if encoding != "identity":
        sent.append(("Content-Encoding", encoding))
    sent.append(("Content-Length", str(len(data))))
    return sent, data


def unchanged(
    entry: Entry, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """Return whether the reader's copy is `entry`'s page (RFC 9110, 13.1).

    If-Modified-Since counts only without If-None-Match, and only for a page
    that sent a Last-Modified: a page without one changes with the content
    generation, which a date to the second cannot tell apart.
    """
    if if_none_match:
        return matches(if_none_match, entry.etag)
    if if_modified_since and entry.modified is not None:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and entry.modified <= since
    return False


def matches(if_none_match: str, etag: str) -> bool:
    """Return whether an If-None-Match header names `etag` (weak comparison)."""
    tag = etag.removeprefix("W/")
    return any(
        named.strip() == "*" or named.strip().removeprefix("W/") == tag
        for named in if_none_match.split(",")
    )
