"""The content generation in Redis, as several app servers share it."""

import gc
import itertools
import logging
import os
import socket
import threading
import time

import pytest
import redis

from masthead.pagecache.generation import RedisGeneration

# The Redis the suite may use (`make test` names it); the tests' keys are their own.
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get(
    "REDIS_TEST_URL", "redis://127.0.0.1:6379/15"
)
serial = itertools.count()


def reachable(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        return False


pytestmark = pytest.mark.skipif(
    not reachable(REDIS_URL), reason=f"no Redis answers at {REDIS_URL}"
)


@pytest.fixture
def servers():
    """Return a function giving one more app server's generation, all on one key."""
    key = f"masthead:test-generation:{os.getpid()}:{next(serial)}"
    made = []

    def server(recheck_seconds: float = 3600) -> RedisGeneration:
        generation = RedisGeneration(REDIS_URL, key)
        generation.RECHECK_SECONDS = recheck_seconds
        made.append(generation)
        return generation

    yield server
    for generation in made:
        with generation.lock:
            generation.forget()
    redis.Redis.from_url(REDIS_URL).delete(key)


def counting(generation: RedisGeneration, name: str) -> list:
    """Count the calls `generation` makes of its method `name` from now on
    ("read": reads of the counter; "poll": polls of the subscription)."""
    calls, method = [], getattr(generation, name)

    def counted(*args):
        calls.append(1)
        return method(*args)

    setattr(generation, name, counted)
    return calls


def until_changed(generation: RedisGeneration, token: str, seconds: float = 5) -> str:
    deadline = time.monotonic() + seconds
    while (now := generation.current()) == token and time.monotonic() < deadline:
        time.sleep(0.001)
    return now


def drop_subscription(editor: RedisGeneration, reader: RedisGeneration) -> None:
    """Have Redis close the reader's subscription, as a restart of it would."""
    host, port = reader.subscription.connection._sock.getsockname()[:2]
    editor.client.execute_command("CLIENT", "KILL", "ADDR", f"{host}:{port}")


def heard_without(editor: RedisGeneration, reader: RedisGeneration, name: str) -> list:
    """With the reader's rechecks paused, bump on the editor until the reader
    hears it; return the calls of the reader's `name` made meanwhile
    (counting())."""
    reader.RECHECK_SECONDS = reader.pause = 3600
    calls = counting(reader, name)
    token = reader.current()
    editor.bump()
    assert until_changed(reader, token) == editor.current()
    return calls


def test_a_bump_on_one_server_is_heard_on_another_without_reading_redis(servers):
    editor, reader = servers(), servers()
    before = reader.current()
    assert editor.current() == before
    reads = counting(reader, "read")

    editor.bump()

    assert editor.current() != before  # its own change, at once
    assert until_changed(reader, before) == editor.current()
    for _ in range(1000):  # a page-cache hit's read asks Redis nothing
        reader.current()
    assert reads == []


def test_the_server_that_bumps_sees_its_change_on_its_next_read(servers):
    editor = servers()
    tokens = [editor.current()]
    for _ in range(3):
        editor.bump()
        tokens.append(editor.current())
    assert len(set(tokens)) == 4
    assert [int(t) for t in tokens] == sorted(int(t) for t in tokens)


def test_a_dropped_subscription_is_made_again_and_no_bump_is_missed(servers):
    editor, reader = servers(), servers(recheck_seconds=0.05)
    before = reader.current()
    drop_subscription(editor, reader)

    editor.bump()  # published while the reader has no subscription

    assert until_changed(reader, before) == editor.current()
    # Subscribed again: the next bump is heard, not read.
    time.sleep(0.1)
    reader.current()
    assert heard_without(editor, reader, "read") == []


def test_a_subscription_gone_deaf_misses_a_bump_for_a_second_at_most(servers):
    editor, reader = servers(), servers(recheck_seconds=0.05)
    before = reader.current()
    reader.subscription.unsubscribe()  # still connected, told nothing more

    editor.bump()

    assert until_changed(reader, before) == editor.current()  # read once a second


def test_a_subscription_that_stops_answering_is_made_anew(servers, caplog):
    reader = servers(recheck_seconds=0.02)
    reader.current()
    silent = reader.subscription
    silent.ping = lambda: None  # its PINGs get no answer, as over a dead link
    deadline = time.monotonic() + 5
    while reader.subscription in (silent, None) and time.monotonic() < deadline:
        time.sleep(0.005)
        reader.current()
    assert reader.subscription not in (silent, None)
    assert "did not answer a PING" in caplog.text


def test_a_read_sent_before_a_bump_heard_does_not_undo_it(servers):
    editor, reader = servers(), servers()
    before = reader.current()
    news = reader.news
    reader.read = lambda: before.encode()  # a read Redis answered before the bump

    editor.bump()
    after = until_changed(reader, before)
    reader.read_back(reader.read(), news)  # its answer arrives now

    assert after != before and reader.current() == after
    reader.read_back(reader.read(), reader.news)  # no bump heard meanwhile: it is right
    assert reader.current() == before


def test_a_bump_while_the_counter_is_lost_makes_a_new_one_heard_everywhere(servers):
    editor, reader = servers(), servers()
    before = reader.current()
    editor.client.delete(editor.key)  # Redis restarted empty, or the key evicted

    editor.bump()

    assert until_changed(reader, before) == editor.current()
    assert editor.client.get(editor.key).decode() == editor.current()


def test_redis_gone_keeps_the_last_token_and_says_so(servers, caplog):
    reader = servers(recheck_seconds=0.01)
    before = reader.current()
    reader.client = reader.connect("redis://127.0.0.1:1/0")  # nothing listens there
    reader.forget()
    time.sleep(0.02)

    with caplog.at_level(logging.WARNING, logger="masthead.pagecache"):
        assert reader.current() == before
        deadline = time.monotonic() + 5  # said by the thread subscribing again
        while "serving generation" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.01)
    assert "serving generation" in caplog.text


@pytest.mark.parametrize(
    "subscribed", [True, False], ids=["reading the counter", "subscribing again"]
)
def test_a_redis_that_stops_answering_does_not_hold_a_read(servers, subscribed):
    reader = servers(recheck_seconds=0.01)
    before = reader.current()
    with socket.create_server(("127.0.0.1", 0)) as silent:  # connects, never answers
        reader.TIMEOUT = 2.0
        reader.client = reader.connect(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        if not subscribed:
            reader.forget()  # the subscription lost too
        longest = 0.0
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:  # the event loop's reads meanwhile
            started = time.monotonic()
            assert reader.current() == before
            longest = max(longest, time.monotonic() - started)
            time.sleep(0.005)
        # Still waiting for Redis, on a thread of its own: reading the counter
        # with the subscription kept, or subscribing again.
        assert reader.busy
        assert (reader.subscription is not None) is subscribed
    assert longest < reader.TIMEOUT / 2


def test_checks_back_off_while_redis_is_gone(servers):
    reader = servers(recheck_seconds=0.01)
    reader.LONGEST_PAUSE = 0.08
    before = reader.current()
    reader.client = reader.connect("redis://127.0.0.1:1/0")
    reader.forget()
    attempts, joined = [], reader.joined
    reader.joined = lambda: attempts.append(1) or joined()

    deadline = time.monotonic() + 0.6
    while time.monotonic() < deadline:  # a busy event loop's reads
        assert reader.current() == before
        time.sleep(0.001)

    assert reader.pause == reader.LONGEST_PAUSE
    assert 3 <= len(attempts) <= 12  # not one per 10 ms, as before the first failure


def test_a_server_started_without_redis_serves_and_joins_once_it_answers(servers):
    editor = servers()
    shared = editor.current()
    alone = RedisGeneration("redis://127.0.0.1:1/0", editor.key)  # nothing there
    alone.RECHECK_SECONDS = alone.LONGEST_PAUSE = 0.01

    own = alone.current()
    assert own != shared and own.startswith("unshared-")
    assert alone.current() == own  # pages stored meanwhile stay found

    alone.client = alone.connect(REDIS_URL)  # Redis answers
    assert until_changed(alone, own) == shared
    editor.bump()
    assert until_changed(alone, shared) == editor.current()
    alone.forget()


def until(condition, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.001)
    return condition()


def listeners() -> set[threading.Thread]:
    return {
        t for t in threading.enumerate() if t.name == "masthead-generation-listener"
    }


def test_a_listening_server_hears_a_bump_with_reads_that_poll_nothing(servers):
    editor, reader = servers(), servers()
    before = reader.current()
    reader.listen()
    assert until(lambda: reader.listening)
    polls, reads = counting(reader, "poll"), counting(reader, "read")

    for _ in range(3):
        token = reader.current()
        editor.bump()
        assert until_changed(reader, token) == editor.current()

    assert reader.current() != before
    assert polls == [] and reads == []  # the listener took each message in


def test_a_listener_follows_the_subscription_made_again(servers):
    editor, reader = servers(), servers(recheck_seconds=0.05)
    reader.current()
    reader.listen()
    assert until(lambda: reader.listening)
    first = reader.subscription
    drop_subscription(editor, reader)

    # The listener sees the hang-up; reads poll while the reader subscribes again.
    assert until(lambda: reader.current() and reader.subscription not in (first, None))
    assert until(lambda: reader.listening)
    assert heard_without(editor, reader, "poll") == []


def test_reads_poll_again_should_the_listener_fail(servers, caplog):
    editor, reader = servers(), servers()
    reader.current()
    reader.listen()
    assert until(lambda: reader.listening)

    def broken(watched, events):
        raise RuntimeError("a fault in the listener")

    reader.take_news = broken
    token = reader.current()
    editor.bump()  # wakes the listener, which fails

    assert until(lambda: not reader.listening)
    assert until_changed(reader, token) == editor.current()  # read by polling
    assert "listener failed" in caplog.text


def test_a_listener_ends_with_its_generation():
    before = listeners()
    key = f"masthead:test-generation:{os.getpid()}:{next(serial)}"
    reader = RedisGeneration(REDIS_URL, key)
    reader.current()
    reader.listen()
    reader.listen()  # once is enough
    assert until(lambda kept=reader: kept.listening)
    (listener,) = listeners() - before

    with reader.lock:
        reader.forget()
    time.sleep(0.2)  # the listener has seen it, and waits again
    del reader
    gc.collect()

    listener.join(timeout=5)
    assert not listener.is_alive()
    redis.Redis.from_url(REDIS_URL).delete(key)


def test_the_channel_names_the_database():
    a = RedisGeneration("redis://127.0.0.1:6379/3", "masthead:generation")
    b = RedisGeneration("redis://127.0.0.1:6379/4", "masthead:generation")
    assert a.channel != b.channel
