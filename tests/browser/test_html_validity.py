"""Every kind of reader page passes the Nu HTML Checker (vnu.jar) without errors."""

from tests.browser.conftest import fetch
from tests.htmlcheck import validation_errors


def test_reader_pages_are_valid_html(vnu, demo_urls, tmp_path):
    files = []
    for kind, url in demo_urls.items():
        status, html = fetch(url)
        assert status == (404 if kind == "not found" else 200), kind
        path = tmp_path / (kind.replace(" ", "-") + ".html")
        path.write_text(html)
        files.append(path)

    assert validation_errors(vnu, files) == []
