"""Removing pages from nginx's cache at once, when an essay is published, edited or withdrawn.

nginx (open source) has no purge command, but its cache is plain files: each page is stored in
a file named md5(proxy_cache_key), in directories taken from the end of that name
(`levels=1:2`: `…/c/29/b7f54b2df7773722d382f4809d65029c`). Deleting the file makes the next
request a MISS, which Django answers afresh. This needs the web processes to run on the
machine that holds the cache, as a user allowed to delete its files; where they do not (or
REDINK_NGINX_CACHE_DIR is unset) purging does nothing and pages change within the cache
lifetime (REDINK_SHARED_CACHE_SECONDS) instead.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def purge_configured() -> bool:
    return bool(settings.REDINK_NGINX_CACHE_DIR)


def cache_key(path: str) -> str:
    """The proxy_cache_key nginx computes for a GET of `path` on SITE_URL (the key may use
    $scheme, $host, $request_uri and $uri)."""
    site = urlsplit(settings.SITE_URL)
    key = settings.REDINK_NGINX_CACHE_KEY
    for variable, value in (
        ("$request_uri", path),
        ("$scheme", site.scheme),
        ("$host", site.hostname or ""),
        ("$uri", path.split("?", 1)[0]),
    ):
        key = key.replace(variable, value)
    return key


def cache_file(path: str) -> Path:
    """Where nginx keeps its copy of `path` (whether or not it has one)."""
    digest = hashlib.md5(cache_key(path).encode(), usedforsecurity=False).hexdigest()
    directory = Path(settings.REDINK_NGINX_CACHE_DIR)
    end = len(digest)
    for width in (int(n) for n in settings.REDINK_NGINX_CACHE_LEVELS.split(":") if n):
        directory /= digest[end - width : end]
        end -= width
    return directory / digest


def purge_paths(paths: Iterable[str]) -> int:
    """Delete nginx's cached copies of these URL paths; returns how many it deleted.

    A no-op without REDINK_NGINX_CACHE_DIR. A copy that cannot be deleted is logged, never
    raised: the page then changes when its cache lifetime ends."""
    if not purge_configured():
        return 0
    deleted = 0
    for path in sorted(set(paths)):
        target = cache_file(path)
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("could not purge %s from the page cache (%s): %s", path, target, exc)
            continue
        deleted += 1
    return deleted


def essay_paths(*, essay_ids: Collection[int]) -> set[str]:
    """The pages an essay changes that are cheap to name: its own page, the home page and its
    level's, subject's and section's listings (first pages; later pages and other essays'
    related lists change within the cache lifetime)."""
    from django.urls import reverse

    from redink.catalogue.models import Essay

    paths = {reverse("catalogue:home")} if essay_ids else set()
    rows = Essay.objects.filter(pk__in=essay_ids).values_list("slug", "level__slug", "subject__slug", "section__slug")
    for slug, level, subject, section in rows:
        paths |= {
            reverse("catalogue:essay", kwargs={"slug": slug}),
            reverse("catalogue:level", kwargs={"level": level}),
            reverse("catalogue:subject", kwargs={"level": level, "subject": subject}),
            reverse("catalogue:section", kwargs={"level": level, "subject": subject, "section": section}),
        }
    return paths


def purge_essays_on_commit(*, essay_ids: Collection[int]) -> None:
    """Once the current transaction commits, purge the essays' pages (named now, so a deleted
    essay's page is found too). Does nothing, not even a query, when purging is not configured."""
    if not purge_configured():
        return
    paths = essay_paths(essay_ids=essay_ids)
    transaction.on_commit(lambda: purge_paths(paths))
    if settings.DATABASE_REPLICA_URL:
        # A visitor's page fetched just after the purge may come from a replica still behind
        # the primary, and would then be cached for the whole lifetime: purge once more when
        # the replica has caught up (it lags less than REDINK_REPLICA_PIN_SECONDS).
        transaction.on_commit(lambda: _purge_again_later(paths))


def _purge_again_later(paths: Collection[str]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from .tasks import purge_pages

    if not purge_pages.get_backend().supports_defer:
        return  # the immediate backend (tests, the demo) has no later; and the demo has no replica
    later = timezone.now() + timedelta(seconds=settings.REDINK_REPLICA_PIN_SECONDS)
    purge_pages.using(run_after=later).enqueue(sorted(paths))
