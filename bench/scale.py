"""Compare a small site's tails with a large one's, both served in the same run.

Usage:

    python bench/scale.py --small VAR_DIR --large VAR_DIR [--rounds 6] [--duration 6]

Each VAR_DIR is a site's MASTHEAD_VAR_DIR (built by bench/sitegen.py), its
SQLite database there; for sites on PostgreSQL, --small-db and --large-db give
each one's DATABASE_URL (the environment's own is not used).

The target (issue #5): every page's p99 at 100,000 articles and a million
comments no more than 1.5 times its p99 at 1,000 articles.

bench/run.py measures one site a run, so its two sites' p99s are minutes
apart on a shared machine whose tails follow its neighbours: the article's hit
measured a p99 ratio of 1.67 in one pair of full runs and 2.63 in the next,
with the same code. Here both sites' servers run side by side, as run.py
starts them (a page cache, and one with no room for pages, whose every
request renders), and every case is measured on the small site and on the
large one back to back, the order swapped each round, so the machine's drift
falls on both alike. Printed per case: each site's median p99 and their ratio,
the median of the rounds' own ratios, and the same for requests/s.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from run import (  # bench/run.py
    FLOODED,
    PYTHON,
    ROOT,
    comment_script,
    masthead,
    page_cases,
    wrk,
)

PORTS = {"small": (8791, 8792), "large": (8793, 8794)}  # (cached, missing)
TARGET = 1.5


def site_env(base: dict, var_dir: str, database: str | None) -> dict:
    env = {**base, "MASTHEAD_VAR_DIR": var_dir}
    if database:
        env["DATABASE_URL"] = database
    return env


def urls_of(env: dict) -> dict[str, str]:
    """The pages run.py would measure, picked from the site's own database."""
    output = subprocess.run(
        [PYTHON, "-c", "import json, run; print(json.dumps(run.site_urls()))"],
        env=env, cwd=ROOT / "bench", check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


DEEP = "section's deepest page measured, cache miss"  # page 18 at 1k, 1,944 at 100k


def compared(small: list[dict], large: list[dict]) -> dict:
    """Return a case's figures from its rounds on each site (wrk's figures,
    the rounds in order): each site's median p99 and their ratio, the median
    of each round's own ratio, and the median ratio of requests/s."""
    p99 = [statistics.median(r["p99_ms"] for r in side) for side in (small, large)]
    pairs = list(zip(small, large, strict=True))
    return {
        "p99_small_ms": p99[0], "p99_large_ms": p99[1], "p99_ratio": p99[1] / p99[0],
        "p99_ratio_of_rounds": statistics.median(
            b["p99_ms"] / a["p99_ms"] for a, b in pairs),
        "rps_ratio": statistics.median(b["rps"] / a["rps"] for a, b in pairs),
        "small": small, "large": large,
    }  # fmt: skip


def measure(case: tuple, duration: int, connections: int, posting: Path) -> dict:
    name, port, path, script = case
    for _ in range(0 if script else 8):  # warm both workers' caches
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
        except OSError:
            pass
    flood = None
    if name == FLOODED:
        flood = subprocess.Popen(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration + 2}s", "-s",
             str(posting), f"http://127.0.0.1:{port}/"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        return wrk(f"http://127.0.0.1:{port}{path}", duration, connections, script)
    finally:
        if flood is not None:
            flood.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", required=True, help="the small site's var dir")
    parser.add_argument("--large", required=True, help="the large site's var dir")
    parser.add_argument("--small-db", help="the small site's DATABASE_URL")
    parser.add_argument("--large-db", help="the large site's DATABASE_URL")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", action="append", help="cases whose name holds this")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings",
            "MASTHEAD_SECURE": "false",
            "MASTHEAD_COMMENTS_RATE_LIMIT_IP": "off",
            "MASTHEAD_COMMENTS_RATE_LIMIT_EMAIL": "off"}  # fmt: skip
    base.pop("REDIS_URL", None)  # the embedded default, as run.py's servers
    base.pop("DATABASE_URL", None)  # each site's own: --small-db, --large-db
    sites = {
        "small": site_env(base, args.small, args.small_db),
        "large": site_env(base, args.large, args.large_db),
    }
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mh-scale-")))
        cases: dict[str, list[tuple]] = {}
        postings = {}
        for size, env in sites.items():
            subprocess.run(
                [PYTHON, "-m", "masthead", "collectstatic", "--noinput", "-v0"],
                env=env, check=True, cwd=ROOT,
            )  # fmt: skip
            urls = urls_of(env)
            print(
                f"{size}: {urls['articles']} articles; article {urls['article']}"
                f" with {urls['article_comments']} comments; section page"
                f" {urls['section_deep_number']}"
            )
            cached_port, missing_port = PORTS[size]
            masthead(stack, env, cached_port, tmp, f"{size}-cached", args.workers)
            no_room = {**env, "MASTHEAD_PAGE_CACHE_LOCAL_MB": "0"}
            masthead(stack, no_room, missing_port, tmp, f"{size}-missing", args.workers)
            (tmp / size).mkdir()
            postings[size] = comment_script(tmp / size, urls["article_id"])
            cases[size] = page_cases(
                urls, cached_port, missing_port, postings[size], DEEP
            )

        rounds: dict[str, dict[str, list[dict]]] = {}
        print(
            f"\nwrk -t2 -c{args.connections} -d{args.duration}s, {args.rounds}"
            " rounds, each case on both sites back to back, the order swapped"
            " each round"
        )
        for number in range(args.rounds):
            order = ("small", "large") if number % 2 == 0 else ("large", "small")
            for index, (name, *_) in enumerate(cases["small"]):
                if args.only and not any(w in name for w in args.only):
                    continue
                for size in order:
                    figures = measure(cases[size][index], args.duration,
                                      args.connections, postings[size])  # fmt: skip
                    rounds.setdefault(name, {}).setdefault(size, []).append(figures)
            print(f"  round {number + 1} done", flush=True)

        print(
            f"\n{'case':<46} {'p99 small':>9} {'p99 large':>9} {'ratio':>6}"
            f" {'rounds':>7} {'req/s ratio':>11}"
        )
        results = {}
        for name, by_size in rounds.items():
            figures = results[name] = compared(by_size["small"], by_size["large"])
            ratio = figures["p99_ratio"]
            flag = "" if ratio <= TARGET else "  over 1.5"
            print(
                f"{name:<46} {figures['p99_small_ms']:>9.2f}"
                f" {figures['p99_large_ms']:>9.2f} {ratio:>6.2f}"
                f" {figures['p99_ratio_of_rounds']:>7.2f}"
                f" {figures['rps_ratio']:>11.2f}{flag}",
                flush=True,
            )
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
