"""The `masthead` command: `serve`, then every Django management command.

``masthead serve`` runs the site on granian, a production server (never
Django's development server); anything else is handed to Django, so
``masthead migrate``, ``masthead demo`` and ``masthead check --deploy`` work.
"""

import argparse
import os
import sys

# Threads per worker of `masthead serve` (bench/README.md, "Threads per worker").
DEFAULT_THREADS = 4


def pool_threads() -> int:
    """Return the worker's pool size (newsroom, feeds): MASTHEAD_THREADS, or 4."""
    return int(os.environ.get("MASTHEAD_THREADS", DEFAULT_THREADS))


def parse_bind(value: str) -> tuple[str, int]:
    """Return (host, port) from "HOST:PORT" or "[IPv6]:PORT"; raise ValueError."""
    host, separator, port = value.rpartition(":")
    if not separator or not port.isdigit() or not host:
        raise ValueError(f"--bind expects HOST:PORT, got {value!r}")
    if not 0 < int(port) < 65536:
        raise ValueError(f"--bind: port {port} is out of range")
    return host.removeprefix("[").removesuffix("]"), int(port)


def serve(argv: list[str]) -> None:
    """Collect static files, then serve the site with granian (masthead.front)."""
    parser = argparse.ArgumentParser(
        prog="masthead serve", description="Serve Masthead with granian."
    )
    parser.add_argument(
        "--bind",
        default=f"127.0.0.1:{os.environ.get('PORT', '8000')}",
        help="HOST:PORT to listen on (default 127.0.0.1:$PORT, PORT=8000)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("MASTHEAD_WORKERS", os.cpu_count() or 1)),
        help="worker processes (default: one per CPU core)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=pool_threads(),
        help="threads per worker for the newsroom, static files, feeds and sitemaps"
        f" (default {DEFAULT_THREADS}); readers' pages are rendered by one thread"
        " of their own, comment posts answered by another, and page-cache hits on"
        " the worker's event loop",
    )
    parser.add_argument(
        "--no-collectstatic",
        action="store_true",
        help="skip collecting static files into var/static before serving",
    )
    options = parser.parse_args(argv)
    if options.threads < 1:
        parser.error("--threads must be at least 1")
    try:
        host, port = parse_bind(options.bind)
    except ValueError as exc:
        parser.error(str(exc))

    import django
    from django.core.management import call_command

    django.setup()
    if not options.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)

    from granian import Granian
    from granian.constants import Interfaces, Loops

    print(f"Masthead is serving http://{options.bind}/ (Ctrl+C stops it)", flush=True)
    os.environ["MASTHEAD_THREADS"] = str(options.threads)  # read by the workers
    Granian(
        "masthead.front:build",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        loop=Loops.uvloop,
        workers=options.workers,
        websockets=False,
    ).serve()


def main(argv: list[str] | None = None) -> None:
    """Run `masthead serve` or a Django management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    argv = sys.argv if argv is None else argv
    if len(argv) > 1 and argv[1] == "serve":
        serve(argv[2:])
        return
    from django.core.management import execute_from_command_line

    # A command is a module, so "import-wordpress" runs import_wordpress.py.
    command = argv[1:2]
    if command and not command[0].startswith("-"):
        command = [command[0].replace("-", "_")]
    execute_from_command_line(["masthead", *command, *argv[2:]])
