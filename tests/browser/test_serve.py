"""`masthead serve` over real sockets: granian, the RSGI front, Django behind it."""

import http.client
import shutil
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ROOT, fetch, free_port, serving


def connect(demo_server) -> http.client.HTTPConnection:
    address = urlsplit(demo_server.url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=10)


def test_a_stored_page_is_a_hit_and_answers_304(demo_server, demo_urls):
    connection = connect(demo_server)
    path = urlsplit(demo_urls["article"]).path
    outcomes = []
    for _ in range(4):  # one worker: the first request stores, the rest hit
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
        outcomes.append(response.headers["X-Masthead-Cache"])
    assert outcomes[-1] == "hit"
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(body)
    connection.request("GET", path, headers={"If-None-Match": response.headers["ETag"]})
    unchanged = connection.getresponse()
    assert unchanged.status == 304
    assert unchanged.read() == b""


def test_head_sends_no_body_and_the_connection_goes_on(demo_server, demo_urls):
    connection = connect(demo_server)
    path = urlsplit(demo_urls["static page"]).path
    connection.request("HEAD", path)
    head = connection.getresponse()
    assert head.status == 200
    assert head.read() == b""
    connection.request("GET", path)  # on the same connection: nothing left over
    page = connection.getresponse()
    assert page.status == 200
    assert int(page.headers["Content-Length"]) == len(page.read()) > 0


def test_a_body_over_the_limit_is_refused_before_it_is_sent(demo_server):
    address = urlsplit(demo_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as s:
        s.sendall(
            b"POST /comments/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100000000\r\n\r\nauthor_name=A"
        )
        status_line = s.recv(4096).split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 413 Payload Too Large"


def test_a_change_made_anywhere_shows_on_the_next_request_to_every_server(
    demo_server, demo_urls, tmp_path
):
    """Two app servers on one database (and one Redis, when the run has one)."""
    path = urlsplit(demo_urls["article"]).path
    slug = path.rstrip("/").rsplit("/", 1)[1]
    with serving(demo_server.env, tmp_path / "second.log") as second:
        for base in (demo_server.url, second):  # both store the pages
            for page in ("/", path, "/", path):
                fetch(base + page)
        title = f"Headline {uuid.uuid4().hex[:8]}"
        # As the newsroom would, from a third process.
        own_headline = set_headline(demo_server.env, slug, title)
        try:
            for base in (second, demo_server.url):
                for page in ("/", path):
                    status, html = fetch(base + page)
                    assert status == 200
                    assert title in html, f"{base}{page} is stale"
        finally:
            set_headline(demo_server.env, slug, own_headline)


def set_headline(env: dict, slug: str, title: str) -> str:
    """Give the article `slug` the headline `title`; return the one it had."""
    code = (
        "from masthead.articles.models import Article\n"
        f"article = Article.objects.get(slug={slug!r})\n"
        "print(article.headline)\n"
        f"article.headline = {title!r}\n"
        "article.save()\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "masthead", "shell", "-c", code],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is missing")
def test_readers_are_served_while_redis_is_down_and_changes_flow_after(
    demo_server, demo_urls, tmp_path
):
    """An app server sharing its cache through a Redis that stops, then comes back."""
    port = free_port()
    redis_server = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", str(tmp_path),
    ]  # fmt: skip
    env = {**demo_server.env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    pages = [urlsplit(demo_urls[name]).path for name in ("home", "article", "section")]
    slug = pages[1].rstrip("/").rsplit("/", 1)[1]
    redis = started(redis_server, port)
    with serving(env, tmp_path / "served.log") as base:
        for page in pages:  # stored in the server's memory and in Redis
            assert fetch(base + page)[0] == 200
        stop(redis)

        # Pages stored are answered; one never asked for is rendered.
        for page in [*pages, urlsplit(demo_urls["tag"]).path]:
            assert fetch(base + page)[0] == 200

        redis = started(redis_server, port)  # back, and empty
        title = f"Headline {uuid.uuid4().hex[:8]}"
        own_headline = set_headline(env, slug, title)
        try:
            deadline = time.monotonic() + 5  # the server reads Redis once a second
            while title not in fetch(base + "/")[1] and time.monotonic() < deadline:
                time.sleep(0.05)
            assert title in fetch(base + "/")[1]
        finally:
            set_headline(demo_server.env, slug, own_headline)
            stop(redis)
    assert "going on without it" in (tmp_path / "served.log").read_text()


def started(command: list[str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail("redis-server did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=10)
