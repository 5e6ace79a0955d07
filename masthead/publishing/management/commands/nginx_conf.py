"""`masthead nginx-conf --site DIR`: deploy/nginx.conf for this server (see README)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.publishing.nginxconf import adapted


class Command(BaseCommand):
    help = (
        "Print deploy/nginx.conf adapted to the folder publish-files writes, the"
        " address `masthead serve` listens on and the port nginx listens on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", type=Path, required=True, metavar="DIR",
            help="the folder `masthead publish-files --watch` writes",
        )  # fmt: skip
        parser.add_argument(
            "--backend", default="127.0.0.1:8000", metavar="HOST:PORT",
            help="where `masthead serve` listens (default 127.0.0.1:8000)",
        )  # fmt: skip
        parser.add_argument(
            "--listen", default="80",
            help="nginx's listen address or port (default 80)",
        )  # fmt: skip

    def handle(self, *args, site: Path, backend: str, listen: str, **options):
        try:
            conf = adapted(
                site.resolve(),
                backend,
                listen,
                policy=settings.MASTHEAD_CONTENT_SECURITY_POLICY,
            )
        except (OSError, ValueError) as exc:
            raise CommandError(exc) from exc
        self.stdout.write(conf, ending="")
