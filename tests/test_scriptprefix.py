"""A site mounted under a path (SCRIPT_NAME) prints every address under it."""

import io
import re
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.wsgi import get_wsgi_application
from django.urls import get_script_prefix, set_script_prefix

from masthead.pagecache.app import call, readers_handler
from masthead.scriptprefix import script_prefix


@pytest.fixture
def prefix_restored():
    """Django keeps the last request's prefix after it: put "/" back."""
    yield
    set_script_prefix("/")


def test_pages_under_a_mount_point_link_within_it(
    in_process_requests, prefix_restored, make_article, make_comment
):
    article = make_article("Storm reaches the coast", tags=["Weather"])
    make_comment(article)
    article_path = article.get_absolute_url()
    section = article.section.get_absolute_url()
    for handler in (get_wsgi_application(), readers_handler()):
        for path in ("/", article_path):
            environ = {"PATH_INFO": path, "SCRIPT_NAME": "/news",
                       "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver",
                       "wsgi.input": io.BytesIO(b"")}  # fmt: skip
            setup_testing_defaults(environ)
            status, _, body = call(handler, environ)
            assert status.startswith("200"), path
            links = re.findall(r'href="(/[^"]*)"', body.decode())
            site_links = [link for link in links if not link.startswith("/static/")]
            assert f"/news{section}" in site_links
            assert "/news/feed/" in site_links
            assert all(link.startswith("/news/") for link in site_links), site_links
            if path == "/":
                assert f"/news{article_path}" in site_links
    # Outside a request, Django's own prefix (the last request's, as Django
    # leaves it).
    assert script_prefix() == get_script_prefix() == "/news/"
    set_script_prefix("/")
    assert script_prefix() == "/"
