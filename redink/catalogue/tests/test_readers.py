"""Distinct readers a day, counted by the reading beacon: each address once a day, and nothing
that could name an address kept past its day."""

from __future__ import annotations

import base64
import datetime as dt
import pickle

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.utils import timezone

from redink.catalogue.models import DailyReaders, Essay
from redink.catalogue.readers import SALT_KEY, reader_arrive, readers_in_month
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db

ADDRESSES = ["203.0.113.5", "198.51.100.7", "2001:db8:0:1::1"]


def read(client, essay: Essay, address: str) -> None:  # type: ignore[no-untyped-def]
    assert client.post(f"/essays/{essay.slug}/read/", REMOTE_ADDR=address).status_code == 204


def readers_on(day: dt.date) -> int:
    return DailyReaders.objects.filter(day=day).values_list("readers", flat=True).first() or 0


def cache_entries() -> list[tuple[str, str]]:
    """Every key in the shared cache with its value written out."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key, value FROM {connection.ops.quote_name(backend._table)}")  # noqa: S608
            return [(key, repr(pickle.loads(base64.b64decode(value)))) for key, value in cursor.fetchall()]  # noqa: S301
    client = backend._cache.get_client(None)  # type: ignore[attr-defined]
    return [(key.decode(), repr(client.get(key))) for key in client.scan_iter()]


def test_each_address_counts_once_a_day_however_many_readings(client, section):
    first, second = make_essay(section=section, title="First"), make_essay(section=section, title="Second")
    for address in ADDRESSES:
        read(client, first, address)
        read(client, first, address)
        read(client, second, address)
    read(client, first, "2001:db8:0:1::2")  # the same /64 network: the same household or phone

    assert readers_on(timezone.localdate()) == 3
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reading_count, second.reading_count) == (3, 3), "each reading still counted once per visitor"


def test_nothing_kept_names_an_address(client, section):
    essay = make_essay(section=section)
    for address in ADDRESSES:
        read(client, essay, address)

    entries = cache_entries()
    assert entries, "the beacon keeps its working state in the shared cache"
    for address in (*ADDRESSES, "2001:db8:0:1::"):
        assert not [entry for entry in entries if address in entry[0] or address in entry[1]], address
    assert {field.name for field in DailyReaders._meta.get_fields()} == {"day", "readers"}


def test_the_days_salt_goes_with_the_day():
    now = timezone.now()
    today, tomorrow = timezone.localdate(now), timezone.localdate(now + dt.timedelta(days=1))
    salt_key = SALT_KEY.format(day=today.isoformat())

    pseudonym = reader_arrive(client="203.0.113.5", now=now)
    assert reader_arrive(client="203.0.113.5", now=now) == pseudonym
    assert readers_on(today) == 1
    assert cache.get(salt_key) is not None
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):  # it expires when its day ends
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(backend._table)
            cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s", [backend.make_key(salt_key)])  # noqa: S608
            (expires,) = cursor.fetchone()
        end_of_day = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
        if timezone.is_naive(expires):
            expires = timezone.make_aware(expires, dt.UTC)
        assert expires <= end_of_day + dt.timedelta(seconds=1)

    # The next day's first reading: a new salt, so the same address is a stranger again ...
    assert reader_arrive(client="203.0.113.5", now=now + dt.timedelta(days=1)) != pseudonym
    assert (readers_on(today), readers_on(tomorrow)) == (1, 1)
    # ... and yesterday's salt is deleted, not merely expired: its hashes can no longer be tied to anyone.
    assert cache.get(salt_key) is None
    assert not [key for key, _ in cache_entries() if salt_key in key]


def test_the_monthly_figure_is_the_busiest_day_of_the_last_30():
    """A reader is a new hash each day, so days are not added up: the busiest day is a true floor."""
    today = timezone.localdate()
    for days_ago, readers in [(40, 900), (30, 500), (29, 120), (3, 80), (0, 10)]:
        DailyReaders.objects.create(day=today - dt.timedelta(days=days_ago), readers=readers)

    assert readers_in_month(today=today) == 120
    assert readers_in_month(today=today - dt.timedelta(days=35)) == 900
    DailyReaders.objects.all().delete()
    assert readers_in_month(today=today) == 0
