"""An RSGI app that answers every request with one stored response.

`bench/run.py` serves Masthead's cache hit of the article from it (the same
status, headers and gzipped body) on granian with as many workers: what
granian itself costs a request, so the hit path's own share can be read off
every run. BENCH_CONSTANT_DIR names the folder holding `response.json`
([status, [[name, value], ...]]) and `body`.
"""

import json
import os
from pathlib import Path


class Constant:
    def __init__(self, folder: Path):
        status, headers = json.loads((folder / "response.json").read_text())
        self.status = status
        self.headers = [(name, value) for name, value in headers]
        self.body = (folder / "body").read_bytes()

    async def __rsgi__(self, scope, proto) -> None:
        proto.response_bytes(self.status, self.headers, self.body)


def build() -> Constant:
    return Constant(Path(os.environ["BENCH_CONSTANT_DIR"]))
