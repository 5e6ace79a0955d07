"""`masthead publish-files DIR`: write the public site as files (see README)."""

import os
import signal
from pathlib import Path

from django.core.management.base import BaseCommand

from masthead.publishing.build import build_all, watch


class Command(BaseCommand):
    help = (
        "Write every public page, feed, sitemap and asset into DIR for nginx or a"
        " CDN to serve; with --watch, keep DIR current as content changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--watch", action="store_true", help="keep running and follow changes"
        )
        parser.add_argument(
            "--interval", type=float, default=0.5,
            help="seconds between checks for changes (default 0.5)",
        )  # fmt: skip
        parser.add_argument(
            "--processes", type=int, default=os.cpu_count() or 1,
            help="processes for a full build (default: one per CPU core)",
        )  # fmt: skip

    def handle(self, *args, directory, watch: bool, interval, processes, **options):
        def report(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        directory = directory.resolve()
        if watch:
            report(f"Writing the site into {directory}, then following changes")
            watch_loop(directory, interval, processes, report)
        else:
            counts = build_all(directory, processes=processes, report=report)
            report(f"Wrote the site into {directory}: {counts}")


def watch_loop(directory, interval, processes, report):
    # Stopped by a service manager (SIGTERM) as by Ctrl+C: the manifest of
    # what was written is saved on the way out.
    signal.signal(signal.SIGTERM, interrupt)
    try:
        watch(directory, interval=interval, report=report, processes=processes)
    except KeyboardInterrupt:
        report("Stopped.")


def interrupt(signum, frame):
    raise KeyboardInterrupt
