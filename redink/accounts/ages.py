"""Ages from a year of birth alone. A year cannot tell 12 from 13 (someone born in 2013 is 12
until their birthday in 2026, 13 after it), so the borderline year always counts as the
younger age: that way no 12-year-old is let in, and no 15-year-old is taken for 16."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

OLDEST_YEAR = 1900
# Authors under this age (or whose age we do not know) start with the most private settings.
PRIVATE_BY_DEFAULT_UNDER = 16


def this_year() -> int:
    return timezone.localdate().year


def may_be_under(*, birth_year: int, age: int, year: int | None = None) -> bool:
    """Whether someone born in `birth_year` may still be younger than `age` at some point of `year`."""
    return (year or this_year()) - birth_year <= age


def old_enough(*, birth_year: int, year: int | None = None) -> bool:
    return not may_be_under(birth_year=birth_year, age=settings.REDINK_MINIMUM_AGE, year=year)


def public_by_default(*, birth_year: int | None) -> bool:
    """An author page starts public only for someone who is certainly 16 or over."""
    return birth_year is not None and not may_be_under(birth_year=birth_year, age=PRIVATE_BY_DEFAULT_UNDER)
