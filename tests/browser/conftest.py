"""A real demo site for end-to-end tests: `masthead migrate`, `demo`, `serve`.

The server is the one operators run (granian, whitenoise), in a process of its
own, on the database the suite runs against: a throwaway SQLite file, or a
throwaway PostgreSQL database when DATABASE_URL names a PostgreSQL server.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_database():
    """Yield a DATABASE_URL for a fresh database like the suite's, then drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    name = f"masthead_e2e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """Return the base URL of a running `masthead serve` with the demo loaded."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    env = {
        **os.environ,
        "MASTHEAD_VAR_DIR": str(var_dir),
        "MASTHEAD_SECURE": "false",
        "MASTHEAD_SITE_NAME": "The Masthead Demo",
    }
    env.pop("DATABASE_URL", None)
    masthead = [sys.executable, "-m", "masthead"]
    databases = throwaway_database()
    if url := next(databases):
        env["DATABASE_URL"] = url
    run = dict(env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    subprocess.run([*masthead, "migrate", "--noinput"], **run)
    demo = subprocess.run([*masthead, "demo"], **run)
    try:
        with serving(env, var_dir / "serve.log") as base:
            yield type(
                "DemoSite", (), {"url": base, "demo_output": demo.stdout, "env": env}
            )
    finally:
        next(databases, None)


@contextmanager
def serving(env: dict, log_path: Path):
    """Run `masthead serve` (one worker) with `env`; yield its base URL."""
    port = free_port()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "masthead", "serve", "--bind",
             f"127.0.0.1:{port}", "--workers", "1"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base, server, log_path)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def wait_for(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"masthead serve exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"masthead serve did not answer in 60 s:\n{log_path.read_text()}")


def fetch(url: str) -> tuple[int, str]:
    """Return the status and text of GET `url`, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="session")
def demo_urls(demo_server):
    """Return one URL of each kind of reader page, found by following links."""
    base = demo_server.url
    home = fetch(base + "/")[1]

    def first(pattern, html):
        return base + re.search(pattern, html).group(1)

    article = first(r'href="(/\d{4}/\d\d/\d\d/[\w-]+/)"', home)
    article_html = fetch(article)[1]
    return {
        "home": base + "/",
        "home page 2": base + "/page/2/",
        "article": article,
        "section": first(r'href="(/section/[\w-]+/)"', home),
        "tag": first(r'href="(/tag/[\w-]+/)"', article_html),
        "author": first(r'href="(/author/[\w-]+/)"', article_html),
        "static page": first(r'href="(/about/)"', home),
        "not found": base + "/no-such-page/",
    }


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def reader(browser, demo_server):
    """A fresh browser tab; requests leaving 127.0.0.1 are recorded and blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.third_party_requests = []
    # What the page's Content-Security-Policy refused, as Chromium reports it.
    page.policy_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and page.policy_violations.append(message.text)
        ),
    )

    def guard(route):
        host = urllib.parse.urlparse(route.request.url).hostname
        if host in {"127.0.0.1", "localhost"} or route.request.url.startswith("data:"):
            route.continue_()
        else:
            page.third_party_requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()
