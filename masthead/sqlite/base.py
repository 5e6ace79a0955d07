"""Django's SQLite backend, with a queue for writers.

Every transaction takes SQLite's write lock at BEGIN (IMMEDIATE, settings.py).
A writer that finds it taken polls: SQLite's busy handler sleeps 1, 2, 5, 10 …
up to 100 ms between tries, and a writer arriving in the meantime may take the
lock first. Under a flood of comment posts most posts waited a few tens of
milliseconds and some a second (bench/README.md).

Here a transaction first waits its turn without polling: for a lock shared by
the process's threads (bounded by WAIT_SECONDS, after which it fails as SQLite
would), then for an advisory lock on a file beside the database, which the
kernel hands from one process to the next. SQLite's own lock is then free, or
held only by a write outside any transaction, which the busy handler still
waits for. An in-memory database (tests) is one process's: no lock is taken.

The kernel's lock has no time limit: the one thread per process that waits on
it waits as long as another process's transaction lasts (an import is one
transaction). The process's other threads still give up after WAIT_SECONDS.
"""

import fcntl
import logging
import os
import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

# As long as a writer waits for its turn, as settings.py's busy_timeout.
WAIT_SECONDS = 5.0

logger = logging.getLogger("masthead.sqlite")


class WriterTurn:
    """The turn to write to one database file, for this process's threads."""

    def __init__(self, path: str):
        self.path = path
        self.pid = os.getpid()
        self.threads = threading.Lock()
        self.fd: int | None = None

    def take(self) -> None:
        if not self.threads.acquire(timeout=WAIT_SECONDS):
            raise OperationalError("database is locked")
        try:
            if self.fd is None:
                self.fd = self.open()
            if self.fd >= 0:
                fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.threads.release()
            raise

    def give(self) -> None:
        try:
            if self.fd >= 0:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.threads.release()

    def open(self) -> int:
        """Open the lock file, or return -1: then only this process's threads
        are queued, and other processes' writers meet at SQLite's lock."""
        # Read-only is enough to lock, and lets another user's process (an
        # import run as root) share the file with the server's, both ways.
        try:
            return os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as error:
            logger.warning("Writers of other processes are not queued: %s", error)
            return -1


_turns: dict[str, WriterTurn] = {}
_turns_lock = threading.Lock()


def turn_for(database: str) -> WriterTurn:
    """Return this process's turn for `database`'s writers (a forked child gets
    its own: an inherited file description would share the parent's lock)."""
    path = os.path.abspath(database) + "-writer.lock"
    with _turns_lock:
        turn = _turns.get(path)
        if turn is None or turn.pid != os.getpid():
            turn = _turns[path] = WriterTurn(path)
        return turn


class DatabaseWrapper(base.DatabaseWrapper):
    holding: WriterTurn | None = None

    def _start_transaction_under_autocommit(self):
        if not self.is_in_memory_db():
            turn = turn_for(str(self.settings_dict["NAME"]))
            turn.take()
            self.holding = turn
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._give_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._give_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._give_turn()

    def _give_turn(self):
        if self.holding is not None:
            turn, self.holding = self.holding, None
            turn.give()
