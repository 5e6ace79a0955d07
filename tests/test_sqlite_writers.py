"""masthead.sqlite: writers to a database file take turns, without polling.

Each test opens its own SQLite file with the backend, whatever database the
suite runs on, and writes to it from threads or another process. (Marked as
database tests so that they run before the browser tests, whose Playwright
leaves an event loop that Django's connections refuse to run under.)
"""

import fcntl
import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

from masthead.sqlite import base as sqlite

pytestmark = pytest.mark.django_db

PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
TABLE = "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, what TEXT)"


@pytest.fixture
def database(tmp_path):
    """Return a function giving this thread a connection, named "writers"."""
    path = tmp_path / "writers.sqlite3"
    opened = []

    def connect():
        wrapper = sqlite.DatabaseWrapper(
            {
                "NAME": str(path),
                "OPTIONS": {
                    "init_command": PRAGMAS,
                    "transaction_mode": "IMMEDIATE",
                },
                "TIME_ZONE": None,
                "CONN_MAX_AGE": None,
                "CONN_HEALTH_CHECKS": False,
                "AUTOCOMMIT": True,
                "ATOMIC_REQUESTS": False,
                "USER": "",
                "PASSWORD": "",
                "HOST": "",
                "PORT": "",
                "TEST": {},
            },
            alias="writers",
        )
        connections["writers"] = wrapper  # this thread's own
        opened.append(wrapper)
        return wrapper

    connect().cursor().execute(TABLE)
    yield connect
    for wrapper in opened:
        wrapper.inc_thread_sharing()  # closed from the test's thread
        wrapper.close()
    del connections["writers"]


def note(wrapper, what: str) -> None:
    wrapper.cursor().execute("INSERT INTO events (what) VALUES (%s)", [what])


def events(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT what FROM events ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_a_second_writer_waits_for_the_first_to_commit(database):
    first = database()
    started, second_done = threading.Event(), threading.Event()

    def second_writer():
        connection = database()
        started.set()
        with transaction.atomic(using="writers"):
            note(connection, "second")
        second_done.set()

    with transaction.atomic(using="writers"):
        note(first, "first, begun")
        thread = threading.Thread(target=second_writer)
        thread.start()
        started.wait()
        # The other writer is waiting for its turn, not failing.
        assert not second_done.wait(0.3)
        note(first, "first, committing")
    thread.join(5)
    assert second_done.is_set()
    assert events(first) == ["first, begun", "first, committing", "second"]


def test_the_turn_is_given_back_when_a_transaction_fails(database):
    connection = database()
    with pytest.raises(RuntimeError):
        with transaction.atomic(using="writers"):
            note(connection, "rolled back")
            raise RuntimeError("the view failed")
    with pytest.raises(OperationalError):
        with transaction.atomic(using="writers"):
            connection.cursor().execute("INSERT INTO no_such_table VALUES (1)")
    # Another thread gets the turn at once.
    done = []

    def writer():
        other = database()
        with transaction.atomic(using="writers"):
            note(other, "after")
        done.append(True)

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(2)
    assert done == [True]
    assert events(connection) == ["after"]


def test_a_writer_waiting_too_long_fails_as_sqlite_would(database, monkeypatch):
    monkeypatch.setattr(sqlite, "WAIT_SECONDS", 0.2)
    first = database()
    failures = []

    def impatient():
        database()
        try:
            with transaction.atomic(using="writers"):
                pass
        except OperationalError as error:
            failures.append(str(error))

    with transaction.atomic(using="writers"):
        note(first, "held")
        thread = threading.Thread(target=impatient)
        thread.start()
        thread.join(5)
    assert failures == ["database is locked"]


def test_another_process_holding_the_turn_is_waited_for(database, tmp_path):
    connection = database()
    lock = str(tmp_path / "writers.sqlite3") + "-writer.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({lock!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(0.5)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "held\n"
    began = time.monotonic()
    with transaction.atomic(using="writers"):
        waited = time.monotonic() - began
        note(connection, "after the other process")
    holder.wait(5)
    assert waited >= 0.3
    assert events(connection) == ["after the other process"]


def test_a_forked_process_takes_turns_with_its_parent(tmp_path):
    turn = sqlite.turn_for(str(tmp_path / "db.sqlite3"))
    turn.take()
    read, write = os.pipe()
    try:
        pid = os.fork()
        if pid == 0:  # the child: its turn must be its own, and must wait
            child_turn = sqlite.turn_for(str(tmp_path / "db.sqlite3"))
            fd = os.open(child_turn.path, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                taken = True
            except BlockingIOError:
                taken = False
            os.write(write, b"%d%d" % (child_turn is not turn, taken))
            os._exit(0)
        answer = os.read(read, 2)
        os.waitpid(pid, 0)
    finally:
        turn.give()
    assert answer == b"10"  # its own turn, and the parent's lock held it off


def test_without_a_lock_file_a_process_still_queues_its_threads(tmp_path, caplog):
    turn = sqlite.WriterTurn(str(tmp_path / "no-such-folder" / "db-writer.lock"))
    turn.take()
    assert not turn.threads.acquire(blocking=False)  # held
    turn.give()
    turn.take()  # and given back
    turn.give()
    assert "not queued" in caplog.text
