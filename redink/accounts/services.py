"""Writes for accounts: the profile chosen at sign-up, renames, the public author page."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Lower

from .ages import public_by_default
from .models import PreviousDisplayName, User
from .names import display_name_clean


def signup_profile_fill(*, user: User, display_name: str, birth_year: int) -> None:
    """The profile of an account being signed up (saved by allauth with the rest)."""
    user.display_name = display_name_clean(display_name)
    user.birth_year = birth_year
    user.profile_public = public_by_default(birth_year=birth_year)


@transaction.atomic
def display_name_change(*, user: User, name: str) -> User:
    """Rename `user`. The old name is kept in the author's history so `/authors/<old>/`
    redirects to the new page, and nobody else can take the old name meanwhile. A change of
    case alone needs no history: author pages are found ignoring case."""
    new = display_name_clean(name)
    old = user.display_name
    if new == old:
        return user
    if old and old.lower() != new.lower():
        PreviousDisplayName.objects.filter(user=user).annotate(key=Lower("name")).filter(key=old.lower()).delete()
        PreviousDisplayName.objects.create(user=user, name=old)
    # Taking back one of one's own old names: it is no longer a redirect.
    PreviousDisplayName.objects.filter(user=user).annotate(key=Lower("name")).filter(key=new.lower()).delete()
    user.display_name = new
    user.save(update_fields=["display_name"])
    return user


def profile_visibility_set(*, user: User, public: bool) -> User:
    user.profile_public = public
    user.save(update_fields=["profile_public"])
    return user
