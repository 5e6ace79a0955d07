"""The `masthead` command: its own `serve` and Django's commands."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from masthead.cli import parse_bind
from masthead.publishing.writer import MANIFEST


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("[::1]:9000", ("::1", 9000)),
        ("localhost:65535", ("localhost", 65535)),
    ],
)
def test_bind_is_host_and_port(value, expected):
    assert parse_bind(value) == expected


@pytest.mark.parametrize(
    "value", ["8000", ":8000", "host:", "host:http", "host:0", "host:70000"]
)
def test_bad_bind_is_refused(value):
    with pytest.raises(ValueError):
        parse_bind(value)


def run_masthead(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "masthead", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


def test_serve_with_a_bad_bind_says_why(tmp_path):
    result = run_masthead("serve", "--bind", "nonsense", MASTHEAD_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "--bind expects HOST:PORT" in result.stderr


def test_serve_with_no_threads_says_why(tmp_path):
    result = run_masthead("serve", "--threads", "0", MASTHEAD_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "--threads must be at least 1" in result.stderr


def test_deploy_check_passes_in_production_mode(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MASTHEAD_", "DEBUG"))
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "masthead",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        capture_output=True,
        text=True,
        env={**env, "MASTHEAD_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_made_once_and_kept(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {
        "MASTHEAD_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
    }
    env_without_key = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    first, second = (
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**env_without_key, **env},
            check=True,
        ).stdout
        for _ in range(2)
    )
    assert first == second
    assert len(first.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_publish_files_watch_saves_its_manifest_when_stopped(tmp_path):
    """A service manager stops the watcher with SIGTERM, as Ctrl+C would: what
    it wrote is in the manifest the next start reads."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL")}  # fmt: skip
    env |= {"MASTHEAD_VAR_DIR": str(tmp_path / "var"), "MASTHEAD_SECURE": "false"}
    for step in (["migrate"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "-m", "masthead", *step, "-v0"], env=env,
                       check=True)  # fmt: skip
    site = tmp_path / "site"
    watcher = subprocess.Popen(
        [sys.executable, "-m", "masthead", "publish-files", "--watch", str(site)],
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines = []
    while not any("full build:" in line for line in lines):
        lines.append(watcher.stdout.readline())
        assert lines[-1] or watcher.poll() is None, lines
    manifest = site / MANIFEST
    built = manifest.stat().st_mtime_ns
    time.sleep(2)  # into its loop of steps
    watcher.send_signal(signal.SIGTERM)
    rest, _ = watcher.communicate(timeout=30)
    assert "Stopped." in rest, rest
    assert watcher.returncode == 0
    assert manifest.stat().st_mtime_ns > built
    assert "/" in json.loads(manifest.read_text())
