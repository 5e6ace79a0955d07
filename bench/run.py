"""Load-test Masthead with wrk against a real server, with nginx as the yardstick.

Usage (the site is the one the environment names: MASTHEAD_VAR_DIR and
DATABASE_URL, as for `masthead serve`):

    python bench/run.py [--duration 10] [--repeat 3] [--files] [--demo]

--demo builds a throwaway demo site first. The runner starts, on 127.0.0.1:

- nginx (Debian's package) serving a saved copy of the article page as a
  static file: the reference every figure is divided by, measured right
  before each case because this machine is shared and noisy;
- `masthead serve` with the page cache (hits), and a second one whose page
  cache has no room (MASTHEAD_PAGE_CACHE_LOCAL_MB=0, no Redis), so every
  request misses as a real miss does: it renders, compresses the page for
  the reader and stores it, which drops it at once (until 2026-11-28 the
  misses were read off a server with the page cache off, which sent the
  page as rendered, without making a gzip copy);
- granian, with as many workers, answering every request with the article's
  stored hit (bench/constant_app.py): what granian itself costs a request,
  the ceiling of a hit;
- when --files DIR is given, nginx serving `masthead publish-files DIR`
  with deploy/nginx.conf's rules;
- when --redis URL is given, a third `masthead serve` whose page cache and
  content generation are in that Redis, as app servers share them (the
  others run without Redis, whatever REDIS_URL says).

and runs `wrk -t2 -c16` against each page, every client asking for gzip (so
nginx and Masthead send the same compressed bytes), printing requests/s, p50,
p99 and the ratio to nginx of each case's median round (the p99: the median of
the rounds'). It also times how long a newly published article takes
to reach the home page, and reads each server process's resident memory.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from masthead.publishing.nginxconf import adapted

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NGINX_PORT, CACHED_PORT, MISSING_PORT, FILES_PORT = 8781, 8782, 8783, 8784
CONSTANT_PORT = 8785
SHARED_PORT = 8787
# The second nginx's copy of the reference server (its config is NGINX_CONF's).
FILES_NGINX_SPARE_PORT = 8786
# Sent by granian itself, or hop-by-hop (urllib asks to close the connection).
SERVER_HEADERS = {"server", "date", "connection"}
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  default_type text/html;
  gzip_static on;
  server {{
    listen 127.0.0.1:{port};
    root {root};
  }}
}}
"""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} within {seconds} s")


def start(stack: ExitStack, command: list[str], env: dict, log: Path):
    process = subprocess.Popen(
        command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True, cwd=ROOT,
    )  # fmt: skip

    def stop():
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)

    stack.callback(stop)
    return process


def masthead(stack, env, port, tmp, name, workers, threads=None):
    command = [PYTHON, "-m", "masthead", "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--no-collectstatic"]  # fmt: skip
    if threads:
        command += ["--threads", str(threads)]
    process = start(stack, command, env, tmp / f"{name}.log")
    wait_for(f"http://127.0.0.1:{port}/robots.txt")
    return process


def constant(stack, tmp: Path, url: str, workers: int):
    """Serve the gzipped response `url` gives from bench/constant_app.py, on granian."""
    folder = tmp / "constant"
    folder.mkdir()
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        kept = [(name, value) for name, value in response.getheaders()
                if name.lower() not in SERVER_HEADERS]  # fmt: skip
        (folder / "response.json").write_text(json.dumps([response.status, kept]))
        (folder / "body").write_bytes(response.read())
    command = [PYTHON, "-m", "granian", "--interface", "rsgi", "--factory",
               "--host", "127.0.0.1", "--port", str(CONSTANT_PORT),
               "--workers", str(workers), "--loop", "uvloop", "--no-ws",
               "constant_app:build"]  # fmt: skip
    env = {**os.environ, "BENCH_CONSTANT_DIR": str(folder),
           "PYTHONPATH": str(ROOT / "bench")}  # fmt: skip
    process = start(stack, command, env, tmp / "constant.log")
    wait_for(f"http://127.0.0.1:{CONSTANT_PORT}/")
    return process


def nginx(stack, tmp: Path, root: Path, port: int, conf: str | None = None):
    conf_path = tmp / f"nginx-{port}.conf"
    conf_path.write_text(conf or NGINX_CONF.format(tmp=tmp, root=root, port=port))
    log = tmp / f"nginx-{port}.log"
    process = start(stack, ["nginx", "-c", str(conf_path)], os.environ.copy(), log)
    wait_for(f"http://127.0.0.1:{port}/")
    time.sleep(0.3)
    if process.poll() is not None:  # another server answered on its port
        raise SystemExit(f"nginx stopped: {(tmp / 'nginx-error.log').read_text()}")
    return process


def wrk(url: str, duration: int, connections: int, script: Path | None = None):
    """Run wrk; return requests/s, p50 and p99 in milliseconds, and non-2xx count."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
               "-H", "Accept-Encoding: gzip"]  # fmt: skip
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])

    def percentile(p):
        value, unit = re.search(
            rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M
        ).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {"rps": rate, "p50_ms": percentile(50), "p99_ms": percentile(99),
            "non_2xx": int(errors[1]) if errors else 0}  # fmt: skip


def summary(runs: list[dict]) -> dict:
    """Return a case's figures over its rounds: the median round by its ratio to
    the nginx run before it (the reference itself: by its rate), with the
    median of the rounds' p99s.

    The p99 is not that round's own: at a p50 of a fraction of a millisecond,
    one round's p99 is a scheduling hiccup of the shared machine (nginx serving
    the same file ranged over 0.7–2.7 ms in six rounds), and the round that has
    the median ratio need not have the median tail.
    """
    figures = sorted(runs, key=lambda r: (r["ratio"], r["rps"]))[len(runs) // 2]
    return {
        **figures,
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "all_ratios": [r["ratio"] for r in runs],
        "all_p99_ms": [r["p99_ms"] for r in runs],
    }


def resident_mb(pid: int) -> float:
    """Return the largest resident set of `pid`'s process group, in MB."""
    largest = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            if os.getpgid(int(status.parent.name)) != pid:
                continue
        except (OSError, ProcessLookupError):
            continue
        if found := re.search(r"VmRSS:\s+(\d+) kB", text):
            largest = max(largest, int(found[1]) / 1024)
    return largest


def site_urls() -> dict[str, str]:
    """Pick the pages to measure from the site's own database."""
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count

    from masthead.articles.models import Article, Section

    published = Article.objects.published()
    article = (
        published.filter(comment_count__gte=50).order_by("comment_count").first()
        or published.order_by("-comment_count").first()
    )
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    per_page = settings.MASTHEAD_ARTICLES_PER_PAGE
    in_section = published.filter(section=section).count()
    deep = min(2000, max(in_section // per_page, 1))
    section_url = section.get_absolute_url()
    return {
        "article": article.get_absolute_url(),
        "article_id": str(article.pk),
        "article_comments": str(article.comment_count),
        "home": "/",
        "section": section_url,
        "section_deep": f"{section_url}page/{deep}/" if deep > 1 else section_url,
        "section_deep_number": str(deep),
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "articles": str(published.count()),
    }


# Readers of the cached article while other clients post comments flat out.
FLOODED = "article, cache hit, during a comment-post flood"
SHARED = "article, cache hit, pages and generation in Redis"
CEILING = "granian alone: the article's hit, stored"


def page_cases(
    urls: dict, cached: int, missing: int, posting: Path, deep: str | None = None
) -> list[tuple]:
    """The site's pages as measured on Masthead's servers: (name, port, path,
    wrk script), the article's hit first. `cached` is the server with the page
    cache, `missing` the one with no room for pages; `deep` names the
    section's deep page (by its number, unless given)."""
    deep = deep or f"section page {urls['section_deep_number']}, cache miss"
    return [
        ("article, cache hit", cached, urls["article"], None),
        ("article, cache miss (full render)", missing, urls["article"], None),
        ("home, cache hit", cached, "/", None),
        ("home, cache miss", missing, "/", None),
        ("section page 1, cache miss", missing, urls["section"], None),
        (deep, missing, urls["section_deep"], None),
        ("section page 1, cache hit", cached, urls["section"], None),
        ("site feed, cache hit", cached, "/feed/", None),
        ("site feed, cache miss", missing, "/feed/", None),
        ("sitemap index, cache miss", missing, "/sitemap.xml", None),
        ("comment post (held for moderation)", cached, "/", posting),
        (FLOODED, cached, urls["article"], None),
    ]  # fmt: skip


def comment_script(tmp: Path, article_id: str) -> Path:
    """A wrk script posting a different valid comment each request."""
    script = tmp / "comment.lua"
    script.write_text(f"""
counter = 0
request = function()
  counter = counter + 1
  local body = "author_name=Bench+Reader&email=reader" .. counter .. "%40example.net"
    .. "&author_url=&homepage=&parent=&body=Comment+number+" .. counter
    .. "+" .. math.random(1, 1000000000) .. "+about+the+council+vote."
  return wrk.format("POST", "/comments/{article_id}/",
    {{["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end
""")
    return script


def publish_latency(port: int) -> float:
    """Publish an article now; return seconds until the home page shows it."""
    from masthead.articles.models import Article, Section
    from masthead.articles.services import article_publish
    from masthead.authors.models import Author

    headline = f"Bench publication {time.time_ns()}"
    article = Article(
        headline=headline, section=Section.objects.first(),
        body_source="A paragraph written by the benchmark.", status="draft",
    )  # fmt: skip
    article.save()
    article.bylines.create(author=Author.objects.first(), position=0)
    # Warm the home page so the next change must invalidate a stored copy.
    urllib.request.urlopen(f"http://127.0.0.1:{port}/").read()
    started = time.monotonic()
    article_publish(article=article)
    while (
        headline
        not in urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()
    ):
        if time.monotonic() - started > 30:
            return float("inf")
        time.sleep(0.01)
    elapsed = time.monotonic() - started
    article.delete()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description="Masthead load test (wrk).")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, help="Python threads per worker")
    parser.add_argument("--demo", action="store_true", help="build a demo site first")
    parser.add_argument(
        "--files", action="store_true",
        help="also run publish-files (timed) and measure nginx serving its files",
    )  # fmt: skip
    parser.add_argument("--files-dir", help="publish-files into this folder (kept)")
    parser.add_argument(
        "--redis", metavar="URL",
        help="also measure the article's hit on a server sharing its page cache"
        " and generation through this Redis database, which the run empties",
    )  # fmt: skip
    parser.add_argument(
        "--only", action="append",
        help="run only the cases whose name contains this text (case names hold"
        " commas, so give --only once per text: --only 'cache hit' --only feed)",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=int, default=3,
        help="rounds of every case; the median round is reported (default 3)",
    )  # fmt: skip
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install {tool}")

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mh-bench-")))
        tmp.chmod(0o755)  # nginx's workers run as another user
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings",
               "MASTHEAD_SECURE": "false",
               "MASTHEAD_COMMENTS_RATE_LIMIT_IP": "off",
               "MASTHEAD_COMMENTS_RATE_LIMIT_EMAIL": "off"}  # fmt: skip
        env.pop("REDIS_URL", None)  # the embedded default; --redis for the other
        if args.demo:
            env["MASTHEAD_VAR_DIR"] = str(tmp / "var")
            for step in (["migrate", "-v0"], ["demo"]):
                subprocess.run([PYTHON, "-m", "masthead", *step], env=env, check=True,
                               cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
        os.environ.update(env)
        subprocess.run([PYTHON, "-m", "masthead", "collectstatic", "--noinput", "-v0"],
                       env=env, check=True, cwd=ROOT)  # fmt: skip
        urls = site_urls()
        print(
            f"site: {urls['articles']} published articles; article"
            f" {urls['article']} with {urls['article_comments']} comments;"
            f" section page {urls['section_deep_number']} is {urls['section_deep']}"
        )

        cached = masthead(stack, env, CACHED_PORT, tmp, "cached", args.workers,
                          args.threads)  # fmt: skip
        # No room for a page: each one is stored and dropped at once. Without
        # Redis, which would keep the page for the next request.
        no_room = {**env, "MASTHEAD_PAGE_CACHE_LOCAL_MB": "0"}
        missing = masthead(stack, no_room, MISSING_PORT, tmp, "missing",
                           args.workers, args.threads)  # fmt: skip
        static_root = tmp / "static-root"
        static_root.mkdir()
        page = urllib.request.urlopen(
            f"http://127.0.0.1:{CACHED_PORT}{urls['article']}"
        ).read()
        (static_root / "index.html").write_bytes(page)
        # The same representation everyone sends: gzip, compressed ahead.
        (static_root / "index.html.gz").write_bytes(gzip.compress(page, 9, mtime=0))
        print(f"article page: {len(page) / 1024:.1f} KB")
        nginx(stack, tmp, static_root, NGINX_PORT)
        constant(stack, tmp, f"http://127.0.0.1:{CACHED_PORT}{urls['article']}",
                 args.workers)  # fmt: skip

        if args.redis:
            import redis

            redis.Redis.from_url(args.redis).flushdb()
            shared = masthead(stack, {**env, "REDIS_URL": args.redis}, SHARED_PORT,
                              tmp, "shared", args.workers, args.threads)  # fmt: skip
        posting = comment_script(tmp, urls["article_id"])
        pages = page_cases(urls, CACHED_PORT, MISSING_PORT, posting)
        cases = [
            ("nginx: the article as a static file", NGINX_PORT, "/", None),
            pages[0],  # the article's hit, then what bounds it and its variant
            (CEILING, CONSTANT_PORT, "/", None),
            *([(SHARED, SHARED_PORT, urls["article"], None)] if args.redis else []),
            *pages[1:],
        ]
        if args.files:
            site_dir = Path(args.files_dir) if args.files_dir else tmp / "site"
            started = time.monotonic()
            subprocess.run(
                [PYTHON, "-m", "masthead", "publish-files", str(site_dir)],
                env={**env, "MASTHEAD_SITE_URL": f"http://127.0.0.1:{FILES_PORT}"},
                check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            build_seconds = time.monotonic() - started
            print(
                f"publish-files: every file written or checked in {build_seconds:.0f} s"
            )
            site_dir.chmod(0o755)
            conf = adapted(
                site_dir.resolve(),
                backend=f"127.0.0.1:{CACHED_PORT}",
                listen=f"127.0.0.1:{FILES_PORT}",
                proxy_params=ROOT / "deploy" / "masthead_proxy_params",
            )
            (tmp / "deploy.conf").write_text(conf)
            nginx_files = (
                NGINX_CONF.format(
                    tmp=tmp, root=static_root, port=FILES_NGINX_SPARE_PORT
                )
                .replace("  server {", f"  include {tmp}/deploy.conf;\n  server {{", 1)
                .replace(f"pid {tmp}/nginx.pid", f"pid {tmp}/nginx-files.pid")
            )
            nginx(stack, tmp, static_root, FILES_NGINX_SPARE_PORT, nginx_files)
            cases.insert(1, ("nginx + publish-files: the article", FILES_PORT,
                             urls["article"], None))  # fmt: skip
        wanted = args.only

        try:
            latency = publish_latency(CACHED_PORT)
        except OSError:
            print((tmp / "cached.log").read_text()[-3000:])
            raise
        print(f"new article on the home page after {latency * 1000:.0f} ms")
        rounds: dict[str, list[dict]] = {}
        print(
            f"\nwrk -t2 -c{args.connections} -d{args.duration}s,"
            f" {args.repeat} round(s); ratio: to nginx serving the same article"
            " as a file in the same round"
        )
        reference_url = f"http://127.0.0.1:{NGINX_PORT}/"
        for round_number in range(1, args.repeat + 1):
            for name, port, path, script in cases[1:]:
                if wanted and not any(w in name for w in wanted):
                    continue
                # Warm every worker's cache first (each keeps its own), as the
                # first readers would: new connections land on either worker.
                for _ in range(0 if script else 8):
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
                    except OSError:
                        pass
                # The reference right before each case: the machine's speed
                # drifts within a round (one round's nginx figure, divided
                # into cases two minutes later, gave a hit ratio of 41–68%).
                reference = wrk(reference_url, args.duration, args.connections)
                reference["ratio"] = 1.0
                rounds.setdefault(cases[0][0], []).append(reference)
                flood = None
                if name == FLOODED:  # posts from as many clients as the readers
                    flood = subprocess.Popen(
                        ["wrk", "-t1", f"-c{args.connections}",
                         f"-d{args.duration + 2}s", "-s",
                         str(posting),
                         f"http://127.0.0.1:{port}/"],
                        stdout=subprocess.DEVNULL,
                    )  # fmt: skip
                    time.sleep(1)
                figures = wrk(f"http://127.0.0.1:{port}{path}", args.duration,
                              args.connections, script)  # fmt: skip
                if flood is not None:
                    flood.wait()
                figures["ratio"] = figures["rps"] / reference["rps"]
                rounds.setdefault(name, []).append(figures)
            print(f"  round {round_number} done", flush=True)

        results = {}
        print(f"{'case':<42} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>8}")
        for name, runs in rounds.items():
            figures = results[name] = summary(runs)
            note = f"  ({figures['non_2xx']} non-2xx)" if figures["non_2xx"] else ""
            print(
                f"{name:<42} {figures['rps']:>9.0f} {figures['p50_ms']:>8.2f}"
                f" {figures['p99_ms']:>8.2f} {figures['ratio']:>7.1%}{note}",
                flush=True,
            )

        memory = {
            "cached": resident_mb(cached.pid),
            "no_room": resident_mb(missing.pid),
        }
        if args.redis:
            memory["shared"] = resident_mb(shared.pid)
        print(
            f"largest server process: {memory['cached']:.0f} MB (cache on),"
            f" {memory['no_room']:.0f} MB (no room for pages)"
        )
        if args.json:
            Path(args.json).write_text(json.dumps(
                {"urls": urls, "results": results, "publish_seconds": latency,
                 "resident_mb": memory}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
