"""Distinct readers a day, counted without keeping anyone's address.

The reading beacon hands each reading's client (`core.clients.client_key`: an IPv4 address or
an IPv6 /64) to `reader_arrive`. The client is hashed (HMAC-SHA256) with a random salt made
for the day; the salt and the hashes seen that day live only in the shared cache (Redis, or
the database cache of the one-command install) and expire when the day ends (midnight in
TIME_ZONE). The first sighting of a hash in a day adds one to that day's `DailyReaders` row,
which holds the count and nothing else.

The salt is what could tie a hash back to an address (there are only four billion IPv4
addresses to try), so besides expiring it is deleted outright by the first reading of the
next day and by every recomputation of the library's figures (the database cache keeps an
expired row until something reads or culls it). Once it is gone the day's hashes are noise.

A reader is a client address: a school behind one address counts once, a phone and a laptop
count twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from .models import DailyReaders

logger = logging.getLogger(__name__)

SALT_KEY = "readers:salt:{day}"
SEEN_KEY = "readers:seen:{day}:{pseudonym}"
# Past days whose salts are deleted whenever a day's salt is made (one statement, once a day).
FORGET_DAYS = 31
# "Every month": the readers of the last 30 days, today included.
MONTH_DAYS = 30


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _seconds_left(now: dt.datetime) -> int:
    """Seconds from `now` to the end of its day: how long the day's salt and hashes may live."""
    return max(1, math.ceil((_end_of_day(timezone.localdate(now)) - now).total_seconds()))


def readers_forget_past_salts(*, today: dt.date) -> None:
    """Delete the salts of the days before `today`, in case they outlived their expiry."""
    past = (today - dt.timedelta(days=n) for n in range(1, FORGET_DAYS + 1))
    cache.delete_many([SALT_KEY.format(day=day.isoformat()) for day in past])


def _salt(*, day: dt.date, now: dt.datetime) -> str:
    key = SALT_KEY.format(day=day.isoformat())
    salt = cache.get(key)
    if salt is not None:
        return str(salt)
    fresh = secrets.token_hex(32)
    if cache.add(key, fresh, timeout=_seconds_left(now)):
        readers_forget_past_salts(today=day)  # the first reading of a day closes the days before
        return fresh
    # Another process made the day's salt first: use theirs, so each client has one hash a day.
    salt = cache.get(key)
    if salt is None:  # evicted in between: ours it is (a client may count twice that day)
        cache.set(key, fresh, timeout=_seconds_left(now))
        return fresh
    return str(salt)


def _count_one(day: dt.date) -> None:
    if DailyReaders.objects.filter(day=day).update(readers=F("readers") + 1):
        return
    try:
        with transaction.atomic():
            DailyReaders.objects.create(day=day, readers=1)
    except IntegrityError:  # another process made the day's row first
        DailyReaders.objects.filter(day=day).update(readers=F("readers") + 1)


def reader_arrive(*, client: str, now: dt.datetime | None = None) -> str:
    """Count `client` among today's distinct readers (once a day, however many readings) and
    return today's pseudonym for it: a hash that tells this client apart for the rest of the
    day, for keys that need to, and means nothing once the day's salt is gone."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    salt = _salt(day=day, now=now)
    pseudonym = hmac.new(salt.encode(), client.encode(), hashlib.sha256).hexdigest()[:32]
    if cache.add(SEEN_KEY.format(day=day.isoformat(), pseudonym=pseudonym), 1, timeout=_seconds_left(now)):
        _count_one(day)
    return pseudonym


def readers_in_month(*, today: dt.date | None = None) -> int:
    """At least this many distinct readers in the last 30 days: the busiest day's count.

    Days cannot be added up honestly: a reader is a new hash every day, so a sum would count
    someone who reads on twenty days twenty times. The busiest day is a true lower bound, read
    from at most 30 rows by their key."""
    today = today or timezone.localdate()
    try:  # housekeeping, on each recomputation of the figures: one statement
        readers_forget_past_salts(today=today)
    except Exception:
        logger.warning("Past readers' salts not deleted: the cache is unreachable", exc_info=True)
    month = DailyReaders.objects.filter(day__gt=today - dt.timedelta(days=MONTH_DAYS), day__lte=today)
    return month.aggregate(busiest=Max("readers"))["busiest"] or 0
