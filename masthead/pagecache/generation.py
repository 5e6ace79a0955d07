"""The content generation: one token for "what the public site shows".

Any change readers could see (an article published, edited or unpublished, a
comment approved, an author, section, tag or page edited) bumps it once the
transaction commits. All server processes must see the same token:

- with REDIS_URL, it is a counter in Redis, shared by every app server, whose
  bumps each process hears of by subscription;
- otherwise it is a number kept in a file under var/, shared by every process
  on this machine (the embedded default runs on one machine).
"""

import contextvars
import fcntl
import logging
import math
import mmap
import os
import select
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

KEY = "masthead:generation"

logger = logging.getLogger("masthead.pagecache")


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


# A bump, in one step Redis runs whole: the counter is moved (or made, when
# missing) and its new value published, so no reader can find the counter
# moved before the message is on its way to every subscriber.
BUMP = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCR', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
local token = redis.call('GET', KEYS[1])
redis.call('PUBLISH', ARGV[2], token)
return token
"""
# The counter, made first (a new generation) if Redis has none, in one step:
# between a read finding none and one after making it, Redis may be emptied.
READ = """
local token = redis.call('GET', KEYS[1])
if not token then
  redis.call('SET', KEYS[1], ARGV[1])
  token = ARGV[1]
end
return token
"""


class RedisGeneration:
    """A token kept as a counter in Redis, shared by every app server.

    Every page-cache hit reads the token. Asked of Redis each time, it cost a
    round trip per hit (about 130 µs here) with the worker's event loop held:
    hits fell to 11% of nginx's rate, against 47% with the file
    (bench/README.md). Instead each process subscribes to a channel on which
    every bump publishes the new token. A read polls that connection for news:
    one system call, no round trip, so it sees every bump whose message
    reached this machine before it, as a read from Redis would. A server's
    worker calls `listen()`: a thread of its own then waits on the connection
    and takes in each message as it comes, and a read is two attribute reads
    and the clock, with no system call: 0.1 µs in-process, against 0.8 µs for
    the poll (bench/README.md, "A listener for the generation"). A message is then
    taken in as soon as that thread gets the interpreter, at most a switch
    interval (5 ms) after it came: as if it had come that much later.

    Once a second the counter itself is read, and a PING sent down the
    subscription must have come back by the next second: a message lost, or a
    connection dropped without an error, is caught within a second or two.
    While Redis is unreachable the last token known is kept, so readers keep
    their stored pages (a process that never reached it makes one of its
    own, shared with no one), and the checks back off to one every
    `LONGEST_PAUSE` seconds. What may wait `TIMEOUT` on a Redis that does
    not answer (reading the counter, subscribing again) is done on a thread
    of its own, never on the event loop.
    """

    RECHECK_SECONDS = 1.0
    LONGEST_PAUSE = 8.0
    TIMEOUT = 0.5

    def __init__(self, url: str, key: str):
        import redis

        self.errors = (redis.RedisError, OSError)
        self.client = self.connect(url)
        self.key = key
        # Channels are server-wide, not per database: name the database too.
        database = self.client.connection_pool.connection_kwargs.get("db", 0)
        self.channel = f"{key}@{database}"
        self.bump_script = self.client.register_script(BUMP)
        self.read_script = self.client.register_script(READ)
        self.lock = threading.Lock()  # a subscription is one connection
        self.token: str | None = None  # None until first asked
        self.newest = -1  # the token as a number, for messages out of order
        self.subscription = None
        self.poll: Callable[[int], list] | None = None
        self.polled = None  # the socket polled
        self.pinged = False  # a PING sent down the subscription, not yet answered
        self.checked = -math.inf
        self.pause = self.RECHECK_SECONDS  # between checks; longer while failing
        self.busy = False  # talking to Redis on a thread of its own (apart())
        self.news = 0  # bumps heard (messages and this process's own)
        # listen(): the pipe that wakes the listener when the socket to
        # watch changes, and whether it watches `polled` now (then a read
        # need not poll).
        self.wake: int | None = None
        self.listening = False
        self.listener_failed = False
        os.register_at_fork(after_in_child=_forgetting(self))

    def connect(self, url: str):
        """Return a client of the Redis at `url` that fails fast.

        No retries: redis-py's (with waits between them) held the event loop
        for five seconds when Redis was down; this class tries again later,
        serving the last token meanwhile.
        """
        from redis import Redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return Redis.from_url(
            url,
            socket_timeout=self.TIMEOUT,
            socket_connect_timeout=self.TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )

    def current(self) -> str:
        if self.listening and time.monotonic() - self.checked <= self.pause:
            return self.token  # the listener has taken in every message
        with self.lock:
            if self.poll is not None and self.poll(0):
                try:
                    self.hear()
                except self.errors:  # gone: subscribe again now
                    self.forget()
                    self.checked = -math.inf
            if time.monotonic() - self.checked > self.pause:
                self.checked = time.monotonic()
                if self.subscription is not None:
                    self.check()
                elif self.token is None:  # nothing to serve meanwhile
                    self.join()
                elif not self.busy:
                    self.apart(self.joined, self.rejoined)
            return self.token

    def check(self) -> None:
        """See that the subscription answered its last PING; read the counter apart.

        Called right after current() took in the messages waiting, its pong
        among them.
        """
        try:
            if self.pinged:
                raise ConnectionError("the subscription did not answer a PING")
            self.subscription.ping()
            self.pinged = True
        except self.errors:
            self.forget()
            self.failed()
            return
        if not self.busy:
            news = self.news
            self.apart(self.read, lambda token: self.read_back(token, news))

    def read_back(self, token: bytes, news: int) -> None:
        """Take the counter read apart; `news`: the bumps heard when it was sent."""
        # A bump heard since the read was sent may be newer than it.
        self.heard(token, read=self.news == news)
        self.pause = self.RECHECK_SECONDS

    def join(self) -> None:
        """Subscribe and read the counter, on this thread (the lock held)."""
        try:
            self.install(*self.joined())
        except self.errors:
            self.failed()

    def rejoined(self, joined: tuple) -> None:
        """Install a subscription and counter made apart, in place of any other."""
        self.forget()
        self.install(*joined)

    def apart(self, work: Callable[[], object], then: Callable[[object], None]):
        """Run `work()` on a thread of its own, then `then(its result)` with the lock.

        For what may wait `TIMEOUT` on a Redis that stopped answering: not on
        the event loop, which serves the last token meanwhile. One at a time.
        """
        self.busy = True

        def run() -> None:
            try:
                result = work()
            except self.errors:
                with self.lock:
                    self.busy = False
                    self.forget()
                    self.failed()
                return
            except BaseException:
                self.busy = False  # the next check tries again
                raise
            with self.lock:
                self.busy = False
                then(result)

        threading.Thread(target=run, name="masthead-generation", daemon=True).start()

    def joined(self) -> tuple:
        """Return a new subscription, confirmed, and the counter read after it.

        In this order no bump can fall between the two. Touches nothing of
        this object's state: it may run apart from the lock.
        """
        subscription = self.client.pubsub()
        try:
            subscription.subscribe(self.channel)
            # Subscribed once Redis says so, not when asked.
            while True:
                message = subscription.get_message(timeout=self.TIMEOUT)
                if message is None:
                    raise ConnectionError("Redis did not confirm the subscription")
                if message["type"] == "subscribe":
                    break
            return subscription, self.read()
        except BaseException:
            close_quietly(subscription, self.errors)
            raise

    def read(self) -> bytes:
        """Return the counter, made first if Redis has none."""
        return self.read_script(
            keys=[self.key], args=[time.time_ns()], client=self.client
        )

    def install(self, subscription, token: bytes) -> None:
        self.subscription, self.pinged = subscription, False
        self.watch()
        self.heard(token, read=True)
        self.pause = self.RECHECK_SECONDS

    def failed(self) -> None:
        """Go on with the token known, and ask again later each time it fails."""
        if self.token is None:
            # Never reached: a token of this process's own, so that its pages
            # are still stored, and shared with no other server.
            self.token = f"unshared-{os.getpid()}-{time.time_ns()}"
        self.pause = min(2 * self.pause, self.LONGEST_PAUSE)
        logger.warning(
            "Redis did not answer about the content generation; serving"
            " generation %s, asking again in %.0f s",
            self.token,
            self.pause,
            exc_info=True,
        )

    def watch(self) -> None:
        """Poll the subscription's socket from now on.

        Polled here rather than through redis-py (5 µs a read, which sets the
        socket's timeout twice); redis-py names no public way to its socket.
        """
        self.polled = getattr(self.subscription.connection, "_sock", None)
        self.listening = False  # until the listener watches this socket
        self.nudge()
        if self.polled is None or isinstance(self.polled, ssl.SSLSocket):
            # Over TLS a message may wait decrypted in the socket object,
            # unseen by a poll of the file descriptor: ask redis-py each time.
            self.poll = lambda timeout: [True]
            return
        poller = select.poll()
        poller.register(self.polled, select.POLLIN | select.POLLPRI)
        self.poll = poller.poll

    def nudge(self) -> None:
        """Wake the listener, if any, to watch the socket polled now."""
        if self.wake is not None:
            try:
                os.write(self.wake, b".")
            except OSError:  # woken already, many times over
                pass

    def listen(self) -> None:
        """Take in the subscription's messages on a thread of its own, from now on.

        Reads then skip their poll while the thread watches the socket. Over
        TLS, or while the subscription is being made again, they still poll.
        """
        with self.lock:
            if self.wake is not None or self.listener_failed:
                return
            woken, self.wake = os.pipe()
        os.set_blocking(woken, False)
        os.set_blocking(self.wake, False)
        reference = weakref.ref(self)
        # Should this object go (a test's), its thread is woken to end too.
        weakref.finalize(self, wake_quietly, self.wake)
        threading.Thread(
            target=listening,
            args=(reference, woken),
            name="masthead-generation-listener",
            daemon=True,
        ).start()

    def take_news(self, watched: socket.socket, events: list) -> socket.socket | None:
        """Take in what the listener saw on `watched`; return the socket to watch.

        Called by the listener with the lock held, after each wait.
        """
        if events and watched is not None and watched is self.polled:
            # Hung up, failed, or closed under it (by redis-py): subscribe again.
            broken = any(
                event & ~(select.POLLIN | select.POLLPRI) for _, event in events
            )
            try:
                if not any(event & select.POLLNVAL for _, event in events):
                    self.hear()  # a last message may come before a hang-up
            except self.errors:
                broken = True
            if broken and watched is self.polled:
                self.forget()
                self.checked = -math.inf  # the next read subscribes again
        if watched is not None and watched is self.polled:
            return watched
        if self.poll is None or self.polled is None:
            return None  # no subscription now
        if isinstance(self.polled, ssl.SSLSocket) or self.listener_failed:
            return None
        self.listening = True
        return self.polled

    def hear(self) -> None:
        """Take in every message the subscription holds."""
        while (message := self.subscription.get_message(timeout=0)) is not None:
            if message["type"] == "message":
                self.heard(message["data"])
            elif message["type"] == "pong":
                self.pinged = False
        # Should redis-py have connected again (and subscribed again) by
        # itself, poll the new socket.
        if getattr(self.subscription.connection, "_sock", None) is not self.polled:
            self.watch()

    def heard(self, token: bytes, read: bool = False) -> None:
        """Take `token` as current if newer, or whatever it is when `read` from Redis.

        A message may arrive after a read that already saw its bump (they come
        by two connections); a read is always right, even when smaller (the
        counter made anew after Redis lost it, by a clock behind ours).
        """
        number = int(token)
        if read or number > self.newest:
            self.token, self.newest = token.decode(), number
        if not read:
            self.news += 1

    def forget(self) -> None:
        """Drop the subscription: the next check subscribes anew."""
        subscription, self.subscription, self.poll = self.subscription, None, None
        self.polled, self.listening = None, False
        self.nudge()
        if subscription is not None:
            close_quietly(subscription, self.errors)

    def bump(self) -> None:
        token = self.bump_script(
            keys=[self.key], args=[time.time_ns(), self.channel], client=self.client
        )
        with self.lock:
            self.heard(token)  # this process sees its own change at once


def close_quietly(subscription, errors: tuple) -> None:
    try:
        subscription.close()
    except errors:
        pass


def listening(reference: weakref.ref, woken: int) -> None:
    """The listener's thread: wait on the subscription's socket, take in its news.

    It holds the generation only between waits, so that it can go (a test's
    generation), and ends then. Should it fail, reads poll again.
    """
    poller = select.poll()
    poller.register(woken, select.POLLIN)
    watched, watched_fd, events = None, -1, []
    try:
        while (generation := reference()) is not None:
            with generation.lock:
                now = generation.take_news(watched, events)
            del generation
            if now is not watched:
                if watched is not None:
                    poller.unregister(watched_fd)
                if now is not None:
                    watched_fd = now.fileno()
                    poller.register(watched_fd, select.POLLIN | select.POLLPRI)
                watched = now
            ready = poller.poll()
            if any(fd == woken for fd, _ in ready):
                try:
                    os.read(woken, 4096)
                except BlockingIOError:
                    pass
            events = [(fd, event) for fd, event in ready if fd != woken]
    except BaseException:
        logger.exception("The content generation's listener failed; reads poll")
    finally:
        if (generation := reference()) is not None:
            with generation.lock:
                generation.listening, generation.listener_failed = False, True
                generation.wake = None  # (closed when the generation goes)
        os.close(woken)


def wake_quietly(fd: int) -> None:
    """Wake the listener of a generation gone (it then ends), and close the pipe."""
    try:
        os.write(fd, b".")
    except OSError:  # the listener ended already
        pass
    os.close(fd)


def _forgetting(generation: RedisGeneration) -> Callable[[], None]:
    """Return what a forked child runs: its own subscription, not its parent's."""
    reference = weakref.ref(generation)

    def forget() -> None:
        if (kept := reference()) is not None:
            kept.subscription, kept.poll, kept.token = None, None, None
            kept.polled, kept.listening = None, False
            kept.wake, kept.listener_failed = None, False  # the parent's listener
            kept.busy = False  # its thread is the parent's
            kept.checked = -math.inf
            kept.lock = threading.Lock()

    return forget


@cache
def store() -> FileGeneration | RedisGeneration:
    if settings.MASTHEAD_PAGE_CACHE_SHARED:
        pages = caches["pages"]
        # The Redis the cache writes to (the first of LOCATION's, as Django
        # reads them), and the key that cache gave the counter before.
        return RedisGeneration(pages.address[0], pages.make_key(KEY))
    return FileGeneration(settings.VAR_DIR / "cache" / "generation")


def current() -> str:
    """Return the token of the content generation readers see now."""
    return store().current()


def listen() -> None:
    """Have this process's generation hear of bumps on a thread of its own.

    For a server's worker, whose every hit reads the generation: with Redis,
    the reads then make no system call. Nothing to do with the file.
    """
    kept = store()
    if isinstance(kept, RedisGeneration):
        kept.listen()


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
