"""The content generation: one token for "what the public site shows".

Any change readers could see (an article published, edited or unpublished, a
comment approved, an author, section, tag or page edited) bumps it once the
transaction commits. All server processes must see the same token:

- with REDIS_URL, it is a counter in Redis, shared by every app server;
- otherwise it is a number kept in a file under var/, shared by every process
  on this machine (the embedded default runs on one machine).
"""

import contextvars
import fcntl
import mmap
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
    """A token kept as eight bytes in a file, read through a shared memory map.

    Every page-cache hit reads the token, so reading it costs no system call:
    each process maps the file, and the kernel shows it a bump written by any
    other process at once (the map and the writes share the file's pages).
    A stat() of the file, as an earlier version read it, cost 2 µs of a hit's
    7 µs of Python. Once a second the file's identity is checked, so a file
    deleted and made anew (someone clearing var/cache) is followed within a
    second rather than never.
    """

    SIZE = 8
    RECHECK_SECONDS = 1.0

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.map, self.inode = self.open()
        self.checked = time.monotonic()

    def open(self) -> tuple[mmap.mmap, int]:
        """Map the file, giving it a first token if it has none (never a new one:
        a process starting must not start a new generation)."""
        with self.locked() as fd:
            if os.fstat(fd).st_size < self.SIZE:
                os.pwrite(fd, time.time_ns().to_bytes(self.SIZE, "little"), 0)
            mapped = mmap.mmap(fd, self.SIZE, prot=mmap.PROT_READ)
            return mapped, os.fstat(fd).st_ino

    def current(self) -> str:
        if time.monotonic() - self.checked > self.RECHECK_SECONDS:
            self.recheck()
        return self.map[: self.SIZE].hex()

    def recheck(self) -> None:
        self.checked = time.monotonic()
        try:
            same = os.stat(self.path).st_ino == self.inode
        except FileNotFoundError:
            same = False
        if not same:
            self.map, self.inode = self.open()

    def bump(self) -> None:
        # Under the lock, never the same number as before: two changes within
        # one tick of the clock (or from two processes) must differ.
        with self.locked() as fd:
            previous = int.from_bytes(os.pread(fd, self.SIZE, 0), "little")
            stamp = max(time.time_ns(), previous + 1)
            os.pwrite(fd, stamp.to_bytes(self.SIZE, "little"), 0)

    @contextmanager
    def locked(self):
        """Open the file (made if missing) and hold its lock: yield the descriptor."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            # A map made of fd keeps a duplicate of it, which would keep the
            # lock past close: unlock first.
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


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
