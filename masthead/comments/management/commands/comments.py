"""`masthead comments export|erase|purge`: a commenter's requests, and housekeeping."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from masthead.comments.services import (
    comments_erase,
    comments_export,
    personal_data_expire,
)


class Command(BaseCommand):
    help = "Export or erase a commenter's data; purge expired IP hashes."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="print a commenter's data as JSON")
        export.add_argument("--email", required=True)
        erase = actions.add_parser("erase", help="delete every comment by an email")
        erase.add_argument("--email", required=True)
        erase.add_argument("--yes", action="store_true", help="do not ask to confirm")
        actions.add_parser(
            "purge", help="erase IP hashes and user agents past their days"
        )

    def handle(self, *args, action, **options):
        if action == "purge":
            count = personal_data_expire()
            self.stdout.write(f"Erased the IP hash and user agent of {count} comments.")
            return
        email = options["email"]
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"not an email address: {email!r}") from None
        if action == "export":
            data = comments_export(email=email)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if not options["yes"] and not self.confirm():
            raise CommandError("nothing erased")
        count = comments_erase(email=email)
        self.stdout.write(f"Erased {count} comment{'s' if count != 1 else ''}.")

    def confirm(self) -> bool:
        answer = input("Delete every comment by this email, for good? [y/N] ")
        return answer.strip().lower() in {"y", "yes"}
