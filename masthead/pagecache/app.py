"""`PageCacheApp`: the WSGI wrapper that answers anonymous readers from the cache.

A request is served from the cache when it is a GET or HEAD without a session
cookie, outside the admin, the previews, static files and media, and not
carrying a commenter's own pending-comment token. Query strings other than
``replytocom`` are dropped from the key: views ignore them, and a flood of
``?random=…`` must not render a page per request.

What is stored: the status, headers and body of a response Django marked
public (`CachePolicyMiddleware`), with gzip and brotli copies of text made
once, at store time. A hit answers ``If-None-Match`` with 304 and picks the
encoding the reader accepts.
"""

import gzip
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import brotli
from django.conf import settings
from django.core.cache import caches

from masthead.pagecache import expiry, generation

KEPT_QUERY = ("replytocom",)
BYPASS_QUERY = ("comment",)
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml",
                "application/atom+xml", "application/json", "application/feed+json",
                "image/svg+xml")  # fmt: skip
MIN_COMPRESS = 256
# Headers a stored page must not repeat to another reader.
DROPPED_HEADERS = {"content-length", "content-encoding", "set-cookie", "vary"}


@dataclass
class Entry:
    status: str
    headers: list[tuple[str, str]]
    etag: str
    expires: float  # epoch seconds; the entry is stale from then on
    bodies: dict[str, bytes]  # by encoding: "identity", "gzip", "br"


class PageCacheApp:
    """Wrap the Django WSGI `app` with the page cache."""

    def __init__(self, app: Callable):
        self.app = app
        self.cache = caches["pages"]
        # Static files and media have their own caching (whitenoise, nginx).
        prefixes = ("/admin/", "/preview/", settings.STATIC_URL, settings.MEDIA_URL)
        self.excluded = tuple(prefix for prefix in prefixes if prefix)
        self.session_cookie = settings.SESSION_COOKIE_NAME + "="
        self.max_age = settings.MASTHEAD_PAGE_CACHE_SECONDS
        self.expiry_memo: tuple[str, float] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        entry = self.cache.get(key)
        if entry is not None and entry.expires > time.time():
            return self.answer(entry, environ, start_response, "hit")
        if environ["REQUEST_METHOD"] == "HEAD":
            return self.app(environ, start_response)  # no body worth storing
        return self.render(key, environ, start_response)

    def key(self, environ: dict) -> str | None:
        """Return the cache key of this request, or None when it must not be cached."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if self.session_cookie in environ.get("HTTP_COOKIE", ""):
            return None
        path = environ.get("PATH_INFO", "/")
        if path.startswith(self.excluded):
            return None
        query = environ.get("QUERY_STRING", "")
        kept = ""
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(name in BYPASS_QUERY for name, _ in pairs):
                return None
            kept = urlencode(sorted(p for p in pairs if p[0] in KEPT_QUERY))
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        raw = f"{host}{path}?{kept}".encode("utf-8", "surrogateescape")
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        return f"page:{generation.current()}:{digest}"

    def render(self, key: str, environ: dict, start_response: Callable):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.app(environ, capture)
        try:
            body = b"".join([*captured.get("written", []), *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured["status"], captured["headers"]
        entry = self.entry(status, headers, body)
        if entry is None:
            start_response(status, headers)
            return [body]
        self.cache.set(key, entry, timeout=max(int(entry.expires - time.time()), 1))
        return self.answer(entry, environ, start_response, "miss")

    def entry(self, status: str, headers: list, body: bytes) -> Entry | None:
        """Return what to store of a response, or None when it is not public."""
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
            f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        )
        etag = etag if etag.startswith("W/") else f"W/{etag}"
        kept = [(n, v) for n, v in kept if n.lower() != "etag"] + [("ETag", etag)]
        vary = [v.strip() for v in names.get("vary", "").split(",") if v.strip()]
        bodies = {"identity": body}
        if names.get("content-type", "").startswith(COMPRESSIBLE) and (
            len(body) >= MIN_COMPRESS
        ):
            bodies["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
            bodies["br"] = brotli.compress(body, quality=5)
        if len(bodies) > 1:
            vary.append("Accept-Encoding")
        if vary:
            kept.append(("Vary", ", ".join(vary)))
        return Entry(status, kept, etag, self.expires_at(), bodies)

    def expires_at(self) -> float:
        """Return when pages rendered now stop being true by the clock alone."""
        token, now = generation.current(), time.time()
        memo = self.expiry_memo
        if memo is None or memo[0] != token or memo[1] <= now:
            moment = expiry.next_change_at()
            limit = now + self.max_age
            at = min(moment.timestamp(), limit) if moment else limit
            self.expiry_memo = memo = (token, at)
        return memo[1]

    def answer(self, entry: Entry, environ, start_response, outcome: str):
        headers = [*entry.headers, ("X-Masthead-Cache", outcome)]
        if matches(environ.get("HTTP_IF_NONE_MATCH", ""), entry.etag):
            start_response("304 Not Modified", headers)
            return [b""]
        accepted = environ.get("HTTP_ACCEPT_ENCODING", "")
        encoding = "identity"
        for candidate in ("br", "gzip"):
            if candidate in entry.bodies and candidate in accepted:
                encoding = candidate
                break
        body = entry.bodies[encoding]
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        start_response(entry.status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def matches(if_none_match: str, etag: str) -> bool:
    """Return whether an If-None-Match header names `etag` (weak comparison)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(
        tag.strip() == "*" or tag.strip().removeprefix("W/") == wanted
        for tag in if_none_match.split(",")
    )
