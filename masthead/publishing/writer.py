"""Render addresses through Django and write them as files, only when changed.

Each page is asked of Django exactly as a reader's request would be (same
middleware, same views), for the site's public host. What Django marks public
(Cache-Control: public) is written; an address that now answers 404 or a
redirect has its files removed, so nginx falls back to Masthead for it.

The manifest (DIR/.masthead-files.json) remembers each address's files, the
hash of its body and, for an article page, the article's id.
"""

import hashlib
import io
import json
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

import brotli
from django.conf import settings
from zlib_ng import gzip_ng

from masthead.pagecache.app import call, django_handler
from masthead.publishing.targets import Target

MANIFEST = ".masthead-files.json"
EXTENSIONS = {
    "text/html": "html",
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
    "application/xml": "xml",
    "text/plain": "txt",
}
COMPRESSED_FROM = 256
# Of Django's middleware, what a file needs: the cache policy, as only public
# pages are written, and the script prefix read once a page. The rest sets
# headers a file does not keep (nginx sends its own) or serves visitors
# (sessions, CSRF, sign-in, messages, old WordPress addresses, static files),
# and took 7.5% of an article page's render for publish-files.
FILE_MIDDLEWARE = [
    "masthead.scriptprefix.ScriptPrefixMiddleware",
    "masthead.pagecache.middleware.CachePolicyMiddleware",
]
BROTLI_QUALITY = 5


def file_for(path: str, content_type: str) -> str:
    """Return the file, relative to DIR, that holds the page at `path`.

    /a/b/ is a folder whose index file is named by the type (index.html,
    index.rss, index.atom): nginx's try_files looks for each in turn.
    """
    if ".." in path.split("/") or not path.startswith("/"):
        raise ValueError(f"not a site path: {path!r}")
    if not path.endswith("/"):
        return path.lstrip("/")
    extension = EXTENSIONS.get(content_type.split(";")[0].strip(), "html")
    return f"{path.lstrip('/')}index.{extension}"


def write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.tmp{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def not_a_404(record: logging.LogRecord) -> bool:
    """Let a django.request record through unless it is of a 404.

    To the publisher an address answering 404 is news (its files go), not a
    problem: an operator's terminal would otherwise show "Not Found:
    /sitemap-pages.xml" on every build of a site with no static pages.
    """
    return getattr(record, "status_code", None) != 404


class Publisher:
    """Write addresses under `root`, as the site at MASTHEAD_SITE_URL serves them."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.handler = django_handler(FILE_MIDDLEWARE)
        site = urlsplit(settings.MASTHEAD_SITE_URL)
        self.host, self.scheme = site.netloc, site.scheme or "https"
        self.manifest: dict[str, dict] = {}
        if (root / MANIFEST).exists():
            self.manifest = json.loads((root / MANIFEST).read_text())
        self.article_paths: dict[int, set[str]] = {}
        for path, entry in self.manifest.items():
            if entry.get("article"):
                self.article_paths.setdefault(entry["article"], set()).add(path)

    def render(self, path: str) -> tuple[int, dict, bytes]:
        """Return status, headers and body of GET `path`, as a reader gets it."""
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
                   "HTTP_HOST": self.host, "wsgi.url_scheme": self.scheme,
                   "SERVER_PORT": "443" if self.scheme == "https" else "80",
                   "wsgi.input": io.BytesIO(b"")}  # fmt: skip
        setup_testing_defaults(environ)
        requests = logging.getLogger("django.request")
        requests.addFilter(not_a_404)
        try:
            status, headers, body = call(self.handler, environ)
        finally:
            requests.removeFilter(not_a_404)
        headers = {name.lower(): value for name, value in headers}
        return int(status.split()[0]), headers, body

    def publish(self, target: Target) -> str:
        """Write, keep or remove the files of `target`; return what was done."""
        if target.path is None:  # an article's earlier addresses
            paths = sorted(self.article_paths.get(target.article_id, ()))
            outcomes = [self.publish(Target(path, target.article_id)) for path in paths]
            return "removed" if "removed" in outcomes else "unchanged"
        status, headers, body = self.render(target.path)
        public = "public" in headers.get("cache-control", "")
        if status != 200 or not public:
            return "removed" if self.remove(target.path) else "skipped"
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        name = file_for(target.path, headers.get("content-type", "text/html"))
        entry = self.manifest.get(target.path)
        compressed = len(body) >= COMPRESSED_FROM
        wants_brotli = compressed and settings.MASTHEAD_FILES_BROTLI
        if (
            entry
            and entry["hash"] == digest
            and (self.root / name).exists()
            # Turning brotli copies on or off rewrites every page once.
            and (self.root / f"{name}.br").exists() == wants_brotli
        ):
            return "unchanged"
        if entry and entry["file"] != name:
            self.remove(target.path)
        (self.root / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.root / name, body)
        # Brotli's quality 9 took 20 ms on an 83 KB article page, more than
        # rendering it, for 2% fewer bytes than quality 5 (1.4 ms). zlib-ng's
        # gzip level 8 makes 0.4% fewer bytes than zlib's 9 in 53% of its time
        # (64 of the bench site's pages).
        for suffix, packed, wanted in (
            (".gz", lambda: gzip_ng.compress(body, compresslevel=8, mtime=0),
             compressed),
            (".br", lambda: brotli.compress(body, quality=BROTLI_QUALITY),
             wants_brotli),
        ):  # fmt: skip
            if wanted:
                write_atomically(self.root / f"{name}{suffix}", packed())
            else:
                (self.root / f"{name}{suffix}").unlink(missing_ok=True)
        self.manifest[target.path] = {"file": name, "hash": digest,
                                      "article": target.article_id}  # fmt: skip
        if target.article_id:
            self.article_paths.setdefault(target.article_id, set()).add(target.path)
        return "written"

    def remove(self, path: str) -> bool:
        """Remove the files of `path`; return whether there were any."""
        entry = self.manifest.pop(path, None)
        if entry is None:
            return False
        for suffix in ("", ".gz", ".br"):
            (self.root / f"{entry['file']}{suffix}").unlink(missing_ok=True)
        if entry.get("article"):
            self.article_paths.get(entry["article"], set()).discard(path)
        return True

    def publish_all(self, targets: Iterable[Target]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for target in targets:
            outcome = self.publish(target)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def prune(self, kept: set[str]) -> int:
        """Remove the files of every address not in `kept` (a full build's set)."""
        gone = [path for path in self.manifest if path not in kept]
        for path in gone:
            self.remove(path)
        return len(gone)

    def save(self) -> None:
        write_atomically(self.root / MANIFEST, json.dumps(self.manifest).encode())

    def copy_assets(self) -> int:
        """Copy static files and media into DIR; return how many files were copied."""
        copied = 0
        for source, name in ((settings.STATIC_ROOT, "static"),
                             (settings.MEDIA_ROOT, "media")):  # fmt: skip
            source = Path(source)
            if not source.is_dir():
                continue
            for file in source.rglob("*"):
                if not file.is_file():
                    continue
                target = self.root / name / file.relative_to(source)
                stat = file.stat()
                if (
                    target.exists()
                    and target.stat().st_size == stat.st_size
                    and (target.stat().st_mtime >= stat.st_mtime)
                ):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)
                copied += 1
        return copied
