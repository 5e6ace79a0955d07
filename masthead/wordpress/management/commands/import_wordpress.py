"""`masthead import-wordpress EXPORT.xml`: bring a WordPress site into Masthead."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.wordpress.importer import wordpress_import
from masthead.wordpress.wxr import WxrError

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR): authors, categories, "
        "tags, posts, pages, comments and old addresses. Importing again updates "
        "what changed and leaves the rest."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the WXR file (EXPORT.xml)")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="a copy of wp-content/uploads, to copy images and files from",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read and check everything, report, then save nothing",
        )

    def handle(self, *args, export: Path, uploads: Path | None, **options):
        if not export.is_file():
            raise CommandError(f"{export}: no such file")
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: not a folder")
        progress = self.progress_bar(export.stat().st_size)
        try:
            with export.open("rb") as stream:
                report = wordpress_import(
                    stream=stream,
                    uploads=uploads,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except WxrError as error:
            self.end_progress(progress)
            self.stderr.write(f"{export} line {error.line}: {error.message}")
            self.stderr.write("Nothing was imported.")
            sys.exit(1)
        self.end_progress(progress)
        self.stdout.write("\n".join(report.lines()))

    def progress_bar(self, size: int):
        """Return a callback drawing a progress bar on a terminal, or None."""
        stream = self.stderr._out
        if not (hasattr(stream, "isatty") and stream.isatty()) or not size:
            return None
        shown = {"percent": -1}

        def draw(done: int) -> None:
            percent = min(100, done * 100 // size)
            if percent == shown["percent"]:
                return
            shown["percent"] = percent
            filled = BAR_WIDTH * percent // 100
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            stream.write(
                f"\rReading the export [{bar}] {percent:3d}% "
                f"({done / 1e6:.1f} of {size / 1e6:.1f} MB)"
            )
            stream.flush()

        return draw

    def end_progress(self, progress) -> None:
        """End the progress bar's line, if one was drawn."""
        if progress is not None:
            self.stderr._out.write("\n")
            self.stderr._out.flush()
