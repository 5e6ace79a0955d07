"""`masthead demo`: load the demo newsroom; print the admin password once."""

from django.conf import settings
from django.core.management.base import BaseCommand

from masthead.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo newsroom (safe to run again: it adds nothing twice)."

    def handle(self, *args, **options):
        report = demo_load()
        for kind in ["sections", "authors", "pages", "articles"]:
            created = report.created.get(kind, 0)
            existing = report.existing.get(kind, 0)
            self.stdout.write(f"{kind}: {created} created, {existing} already there")
        admin_url = f"{settings.MASTHEAD_SITE_URL.rstrip('/')}/admin/"
        if report.admin_password:
            self.stdout.write(
                self.style.SUCCESS(
                    "\nThe newsroom's admin account (shown this once, keep it):\n"
                    f"  {admin_url}\n  username: admin\n"
                    f"  password: {report.admin_password}\n"
                )
            )
        else:
            self.stdout.write(
                f"\nThe admin account already exists; its password is unchanged "
                f"({admin_url}). To set a new one: masthead changepassword admin"
            )
