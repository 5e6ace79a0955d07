"""Every kind of reader page passes the Nu HTML Checker (vnu.jar) without errors."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, fetch

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu():
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail(
            "the Nu HTML Checker needs `npm install` and Java: `make test` does both"
        )
    return VNU


def test_reader_pages_are_valid_html(vnu, demo_urls, tmp_path):
    files = []
    for kind, url in demo_urls.items():
        status, html = fetch(url)
        assert status == (404 if kind == "not found" else 200), kind
        path = tmp_path / (kind.replace(" ", "-") + ".html")
        path.write_text(html)
        files.append(path)

    result = subprocess.run(
        [
            "java",
            "-jar",
            str(vnu),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
