"""How soon `masthead publish-files --watch` puts a change into the files.

Usage (the site is the one the environment names, as for `masthead serve`;
the runner changes it: use a copy):

    python bench/watch.py [--publications 3] [--comments 3] [--dir DIR]

It starts `masthead publish-files --watch DIR` (a full build first: about 7
minutes at 100,000 articles), then publishes articles one after another, a
second apart, and approves held comments on the most commented articles,
each time timing how long until the home page's file and the article's file
show the change. A publication makes every article page's "Latest articles"
stale, so the second publication comes while the first one's pages are still
being written: its home page must not wait for them.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIMIT_SECONDS = 300


def seconds_until(path: Path, text: str, started: float) -> float:
    """Return seconds from `started` until the file at `path` holds `text`."""
    while time.monotonic() - started < LIMIT_SECONDS:
        try:
            if text in path.read_text(errors="replace"):
                return time.monotonic() - started
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    return float("inf")


def page_file(root: Path, address: str) -> Path:
    return root / address.strip("/") / "index.html"


def start_watcher(root: Path, log: Path) -> subprocess.Popen:
    """Start the watcher; return it once its full build is done."""
    process = subprocess.Popen(
        [PYTHON, "-m", "masthead", "publish-files", "--watch", str(root)],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    while "full build:" not in log.read_text():
        if process.poll() is not None:
            raise SystemExit(f"publish-files stopped: see {log}")
        time.sleep(1)
    return process


def publications(root: Path, count: int) -> list[tuple[float, float]]:
    from masthead.articles.models import Article, Section
    from masthead.articles.services import article_publish
    from masthead.authors.models import Author

    timings = []
    for _ in range(count):
        headline = f"Watched publication {time.time_ns()}"
        article = Article(
            headline=headline, section=Section.objects.first(), status="draft",
            body_source="A paragraph written by the benchmark.",
        )  # fmt: skip
        article.save()
        article.bylines.create(author=Author.objects.first(), position=0)
        time.sleep(1)
        started = time.monotonic()
        article_publish(article=article)
        article.refresh_from_db()
        home = seconds_until(page_file(root, "/"), headline, started)
        own = seconds_until(page_file(root, article.get_absolute_url()), headline,
                            started)  # fmt: skip
        timings.append((home, own))
    return timings


def approvals(root: Path, count: int) -> list[float]:
    from masthead.comments.models import Comment
    from masthead.comments.services import comments_moderate

    held = (
        Comment.objects.filter(status=Comment.Status.PENDING)
        .select_related("article")
        .order_by("-article__comment_count", "pk")[:count]
    )
    timings = []
    for comment in held:
        time.sleep(1)
        started = time.monotonic()
        comments_moderate(comments=[comment], status=Comment.Status.APPROVED)
        page = page_file(root, comment.article.get_absolute_url())
        timings.append(seconds_until(page, f'id="comment-{comment.pk}"', started))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--publications", type=int, default=3)
    parser.add_argument("--comments", type=int, default=3)
    parser.add_argument(
        "--dir", type=Path, help="the folder to write (default: a new one)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="mh-watch-") as tmp:
        root = args.dir or Path(tmp) / "site"
        log = Path(tmp) / "publish-files.log"
        started = time.monotonic()
        watcher = start_watcher(root, log)
        print(f"full build: {time.monotonic() - started:.0f} s")
        try:
            for n, (home, own) in enumerate(publications(root, args.publications), 1):
                print(f"publication {n}: home page file after {home * 1000:.0f} ms,"
                      f" its own page after {own * 1000:.0f} ms")  # fmt: skip
            for n, seconds in enumerate(approvals(root, args.comments), 1):
                print(f"approved comment {n}: its article's file after"
                      f" {seconds * 1000:.0f} ms")  # fmt: skip
        finally:
            watcher.terminate()
            watcher.wait(timeout=30)
        print("".join(line + "\n" for line in log.read_text().splitlines()
                      if "changes:" in line), end="")  # fmt: skip


if __name__ == "__main__":
    main()
