"""The content generation: one token for "what the public site shows".

Any change readers could see (an article published, edited or unpublished, a
comment approved, an author, section, tag or page edited) bumps it once the
transaction commits. All server processes must see the same token:

- with REDIS_URL, it is a counter in Redis, shared by every app server;
- otherwise it is the modification time of a file under var/, shared by every
  process on this machine (the embedded default runs on one machine).
"""

import contextvars
import os
import time
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

KEY = "masthead:generation"


class FileGeneration:
    """A token kept as a file's modification time, in nanoseconds."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create it if missing, never touch it: touching would start a new
        # generation each time a process starts (or two threads race here).
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            pass

    def current(self) -> str:
        return str(os.stat(self.path).st_mtime_ns)

    def bump(self) -> None:
        # Set an explicit time, never the same as before: file-system clocks
        # tick coarsely, and two changes within one tick must differ.
        previous = os.stat(self.path).st_mtime_ns
        stamp = max(time.time_ns(), previous + 1)
        os.utime(self.path, ns=(stamp, stamp))


class CacheGeneration:
    """A token kept as a counter in a shared cache (Redis)."""

    def __init__(self, alias: str):
        self.cache = caches[alias]

    def current(self) -> str:
        value = self.cache.get(KEY)
        if value is None:
            self.cache.add(KEY, time.time_ns(), timeout=None)
            value = self.cache.get(KEY)
        return str(value)

    def bump(self) -> None:
        try:
            self.cache.incr(KEY)
        except ValueError:  # not set yet, or evicted
            self.cache.set(KEY, time.time_ns(), timeout=None)


@cache
def store() -> FileGeneration | CacheGeneration:
    if settings.MASTHEAD_PAGE_CACHE_SHARED:
        return CacheGeneration("pages")
    return FileGeneration(settings.VAR_DIR / "cache" / "generation")


def current() -> str:
    """Return the token of the content generation readers see now."""
    return store().current()


def bump_now() -> None:
    store().bump()


def bump() -> None:
    """Start a new generation once the current transaction commits.

    Once per transaction, however many objects it changes: an import of a
    hundred thousand articles registers one callback, not a hundred thousand.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is bump_now for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(bump_now, robust=True)


# Set inside `bulk_change()`: changes are not logged one by one.
in_bulk_change = contextvars.ContextVar("masthead_in_bulk_change", default=False)


def changed(kind: str, object_id: int | None = None) -> None:
    """Log a change readers could see, and start a new generation on commit."""
    from masthead.pagecache.models import Change

    if in_bulk_change.get():
        return
    Change.objects.create(kind=kind, object_id=object_id)
    bump()


@contextmanager
def bulk_change():
    """Log everything done inside as one change to the whole site.

    For imports and other bulk writes: one row in the change log (publish-files
    rebuilds everything, skipping files whose bytes did not change) instead
    of one per object.
    """
    from masthead.pagecache.models import Change

    token = in_bulk_change.set(True)
    try:
        yield
    finally:
        in_bulk_change.reset(token)
    connection = transaction.get_connection()
    if not (connection.in_atomic_block and connection.get_rollback()):
        changed(Change.Kind.SITE)  # (a dry run rolls back: nothing changed)


def articles_changed(article_ids) -> None:
    """Log changes to many articles at once (a bulk update sends no signal)."""
    from masthead.pagecache.models import Change

    if in_bulk_change.get():
        return
    Change.objects.bulk_create(
        [Change(kind=Change.Kind.ARTICLE, object_id=pk) for pk in article_ids]
    )
    bump()
