"""Time `masthead import-wordpress` on 10,000 posts and 100,000 comments.

`python bench/import_wordpress.py` writes the export with `bench/wxrgen.py` into
/tmp, migrates a fresh SQLite database under a temporary MASTHEAD_VAR_DIR, then
imports the export in a child process, as an operator would, and prints the
wall time and the peak memory (RSS) of that import process alone.

`--read-only` instead streams the export through the WXR reader alone (no
database), in a child process: with `--posts 200000 --comments 2000000` that
is a file of about 1.4 GB, the proof that memory stays flat whatever the size.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wxrgen import wxr_write  # noqa: E402

TIME = "/usr/bin/time"


def masthead(*args: str, env: dict, measure: bool = False) -> tuple[float, int]:
    """Run `python -m masthead ARGS`; return its wall time and peak RSS in KB.

    The peak comes from /usr/bin/time when it exists, else from
    RUSAGE_CHILDREN (the peak of every child so far, this one included).
    """
    command = [sys.executable, "-m", "masthead", *args]
    use_time = measure and os.path.exists(TIME)
    if use_time:
        command = [TIME, "-f", "peak-rss-kb %M", *command]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if measure:
        print(result.stdout)
    peak = 0
    if use_time:
        peak = int(result.stderr.rsplit("peak-rss-kb ", 1)[1].split()[0])
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak


def main() -> None:
    """Generate, migrate, import, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument(
        "--read-only", action="store_true", help="time the streaming reader alone"
    )
    options = parser.parse_args()
    export = Path(tempfile.gettempdir()) / "masthead-bench-wxr.xml"
    started = time.perf_counter()
    size = wxr_write(export, posts=options.posts, comments=options.comments)
    print(
        f"Wrote {export} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
    )
    if options.read_only:
        read_only(export)
        return
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as var_dir:
        env = {**os.environ, "MASTHEAD_VAR_DIR": var_dir}
        env.pop("DATABASE_URL", None)
        masthead("migrate", "-v0", env=env)
        elapsed, peak = masthead("import-wordpress", str(export), env=env, measure=True)
        database = Path(var_dir) / "masthead.sqlite3"
        print(
            f"Import: {options.posts:,} posts, {options.comments:,} comments in "
            f"{elapsed:.1f} s wall; peak RSS {peak / 1024:.0f} MB; "
            f"database {database.stat().st_size / 1e6:.0f} MB"
        )


READER = """
import sys, time, resource
from masthead.wordpress.wxr import WpItem, read_wxr
started, items, comments = time.perf_counter(), 0, 0
with open(sys.argv[1], "rb") as stream:
    for record in read_wxr(stream):
        if isinstance(record, WpItem):
            items += 1
            comments += len(record.comments)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{items} items, {comments} comments in {time.perf_counter() - started:.0f} s;"
      f" peak RSS {peak / 1024:.0f} MB")
"""


def read_only(export: Path) -> None:
    """Stream `export` through the WXR reader in a child; print time and peak RSS."""
    result = subprocess.run(
        [sys.executable, "-c", READER, str(export)],
        capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    print(f"Reader alone, {export.stat().st_size / 1e6:,.0f} MB: {result.stdout}")


if __name__ == "__main__":
    main()
