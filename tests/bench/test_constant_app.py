"""bench/constant_app.py: granian's ceiling answers with exactly what it stored."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import constant_app  # noqa: E402


class Proto:
    def response_bytes(self, status, headers, body):
        self.sent = (status, headers, body)


def test_every_request_gets_the_stored_response(tmp_path, monkeypatch):
    headers = [["content-type", "text/html"], ["content-encoding", "gzip"],
               ["content-length", "5"]]  # fmt: skip
    (tmp_path / "response.json").write_text(json.dumps([200, headers]))
    (tmp_path / "body").write_bytes(b"\x1f\x8b\x08\x00\x00")
    monkeypatch.setenv("BENCH_CONSTANT_DIR", str(tmp_path))
    app = constant_app.build()
    for path in ("/", "/anything/"):
        proto = Proto()
        step = app.__rsgi__(type("Scope", (), {"path": path}), proto)
        # Driven by hand: the browser tests leave an event loop running.
        with pytest.raises(StopIteration):
            step.send(None)
        assert proto.sent == (
            200,
            [("content-type", "text/html"), ("content-encoding", "gzip"),
             ("content-length", "5")],
            b"\x1f\x8b\x08\x00\x00",
        )  # fmt: skip
