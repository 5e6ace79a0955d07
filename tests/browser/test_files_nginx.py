"""The deploy/ nginx configuration, for real: files first, Masthead behind."""

import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from masthead.publishing.nginxconf import adapted
from tests.browser.conftest import ROOT, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PROXY_PARAMS = ROOT / "deploy" / "masthead_proxy_params"


def standalone(tmp: Path, site_conf: str) -> Path:
    """Write nginx.conf in tmp: site_conf in an `http` block, run as this user."""
    (tmp / "site.conf").write_text(site_conf)
    temp_paths = " ".join(
        f"{kind}_temp_path {tmp}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp / "nginx.conf").write_text(
        f"worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/error.log;"
        f" daemon off; events {{ worker_connections 256; }}"
        f" http {{ access_log off; {temp_paths} include {tmp}/site.conf; }}"
    )
    return tmp / "nginx.conf"


def request(url, *, method="GET", data=None, headers=None):
    """Return status, headers and body of a request; errors and redirects included."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with opener.open(req, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except OSError:  # not listening yet
        return 0, {}, b""


@pytest.fixture(scope="module")
def nginx_site(demo_server):
    """Return the URL of nginx serving publish-files' output, Masthead behind."""
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    # nginx's workers run as another user: a folder they may read.
    tmp = Path(tempfile.mkdtemp(prefix="masthead-nginx-"))
    tmp.chmod(0o755)
    site = tmp / "site"
    port = free_port()
    env = {**demo_server.env, "MASTHEAD_SITE_URL": f"http://127.0.0.1:{port}"}
    subprocess.run(
        [sys.executable, "-m", "masthead", "publish-files", str(site),
         "--processes", "2"],
        env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    conf = adapted(
        site,
        backend=demo_server.url.removeprefix("http://"),
        listen=f"127.0.0.1:{port}",
        proxy_params=PROXY_PARAMS,
    )
    server = subprocess.Popen([NGINX, "-c", str(standalone(tmp, conf))],
                              stderr=subprocess.PIPE)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while request(base + "/robots.txt")[0] != 200:
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"nginx did not start: {server.stderr.read().decode()}")
        time.sleep(0.1)
    yield type("Site", (), {"url": base, "dir": site})
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)


def test_articles_come_from_the_files(nginx_site, demo_urls):
    path = demo_urls["article"].removeprefix(demo_urls["home"].rstrip("/"))
    status, headers, body = request(nginx_site.url + path)
    assert status == 200
    assert headers["Server"].startswith("nginx")
    assert "X-Masthead-Cache" not in headers  # not Masthead: the file
    assert body == (nginx_site.dir / path.strip("/") / "index.html").read_bytes()
    assert "s-maxage=60" in headers["Cache-Control"]
    assert headers["Content-Type"].startswith("text/html")


def test_compressed_copies_are_sent_to_who_accepts_them(nginx_site):
    status, headers, body = request(
        nginx_site.url + "/", headers={"Accept-Encoding": "gzip"}
    )
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert gzip.decompress(body) == (nginx_site.dir / "index.html").read_bytes()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/feed/", "application/rss+xml"),
        ("/feed/atom/", "application/atom+xml"),
        ("/feed.json", "application/feed+json"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
    ],
)
def test_feeds_and_sitemaps_have_their_types(nginx_site, path, content_type):
    status, headers, _ = request(nginx_site.url + path)
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert "X-Masthead-Cache" not in headers


def test_what_no_file_answers_goes_to_masthead(nginx_site, demo_urls):
    status, headers, body = request(nginx_site.url + "/no-such-page/")
    assert status == 404
    assert b"Page not found" in body  # Masthead's own 404 page
    status, headers, _ = request(nginx_site.url + "/?p=12345")
    assert status == 404 and "X-Masthead-Cache" not in headers
    # A comment post reaches Masthead (a 400 with the form, not nginx's 405).
    path = demo_urls["article"].removeprefix(demo_urls["home"].rstrip("/"))
    article_id = request(nginx_site.url + path)[2].split(b'action="/comments/')[1]
    article_id = article_id.split(b"/")[0].decode()
    status, _, body = request(
        nginx_site.url + f"/comments/{article_id}/", method="POST",
        data=b"author_name=&email=", headers={"Origin": nginx_site.url},
    )  # fmt: skip
    assert status == 400
    assert b"Leave a Reply" in body
    assert request(nginx_site.url + "/admin/login/")[0] == 200


def test_editors_upload_photographs_readers_post_no_more_than_a_megabyte(
    nginx_site, demo_urls
):
    photograph = b"x" * (3 * 2**20)
    # Through to Masthead (which asks for a login), not refused by nginx.
    status, _, _ = request(
        nginx_site.url + "/admin/articles/article/add/", method="POST",
        data=photograph, headers={"Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert status in (302, 403)
    status, _, _ = request(
        nginx_site.url + "/comments/1/", method="POST", data=photograph,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert status == 413


NGINX_FILE_ETAG = re.compile(r'"[0-9a-f]+-[0-9a-f]+"')  # nginx's, for a file


@pytest.mark.parametrize(
    ("query", "headers", "from_file"),
    [
        ("", {}, True),
        ("?utm_source=newsletter", {}, True),
        ("?fbclid=x&ref=home", {"Cookie": "theme=dark"}, True),
        ("?replytocom=1", {}, False),
        ("?utm_source=x&comment=1", {}, False),
        ("?p=1", {}, False),
        ("", {"Cookie": "theme=dark; sessionid=forged"}, False),
    ],
)
def test_which_article_requests_reach_masthead(
    nginx_site, demo_urls, query, headers, from_file
):
    path = demo_urls["article"].removeprefix(demo_urls["home"].rstrip("/"))
    status, sent, _ = request(nginx_site.url + path + query, headers=headers)
    assert status < 500
    assert bool(NGINX_FILE_ETAG.fullmatch(sent.get("ETag", ""))) == from_file
    head = request(nginx_site.url + path + query, method="HEAD", headers=headers)
    assert bool(NGINX_FILE_ETAG.fullmatch(head[1].get("ETag", ""))) == from_file


def test_a_flood_on_masthead_is_cut_while_files_still_serve(nginx_site, demo_urls):
    statuses = [request(nginx_site.url + f"/flood-{n}/")[0] for n in range(80)]
    assert 429 in statuses  # nginx's limit_req, before Masthead
    assert statuses[0] == 404  # the first ones reached Masthead
    path = demo_urls["article"].removeprefix(demo_urls["home"].rstrip("/"))
    assert request(nginx_site.url + path)[0] == 200
