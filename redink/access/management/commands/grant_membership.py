from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from redink.access.services import entitlement_grant


class Command(BaseCommand):
    help = "Grant a user full access for a number of days (a staff grant entitlement)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--reference", default="granted from the command line")

    def handle(self, *args: object, **options: object) -> None:
        email = str(options["email"])
        days = int(options["days"])  # type: ignore[call-overload]
        if days <= 0:
            raise CommandError("--days must be a positive number of days.")
        try:
            user = get_user_model().objects.get(email__iexact=email)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No account with the e-mail address {email}.") from exc
        entitlement = entitlement_grant(user=user, days=days, reference=str(options["reference"]))
        self.stdout.write(
            self.style.SUCCESS(f"{email} may read every essay until {entitlement.ends_at:%Y-%m-%d %H:%M %Z}.")
        )
