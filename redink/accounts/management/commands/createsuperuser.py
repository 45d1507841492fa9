"""`createsuperuser`, whose new account can log in to the site as well as the admin.

The site's logins (allauth, with mandatory e-mail verification) send an account whose e-mail
address is not verified to "Verify your e-mail address". The person running this command on the
server vouches for the address, so it is recorded as verified and primary.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.management.commands import createsuperuser

from redink.accounts.models import User


class Command(createsuperuser.Command):
    help = createsuperuser.Command.help + " Its e-mail address is recorded as verified, so it can log in to the site."

    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        superusers = User._default_manager.db_manager(database).filter(is_superuser=True)
        existing = set(superusers.values_list("pk", flat=True))
        # No transaction around it: the interactive prompts would hold SQLite's write lock.
        super().handle(*args, **options)
        for user in superusers.exclude(pk__in=existing):
            if user.email:
                EmailAddress.objects.db_manager(database).update_or_create(
                    user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
                )
