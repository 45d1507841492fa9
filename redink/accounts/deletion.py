"""Deleting an account ("Delete my account", issue 20).

What goes and what stays:

- Erased: the user row and everything personal that hangs from it (e-mail addresses,
  entitlements, reading list and history, preferences, terms acceptances, previous display
  names, teacher applications, the comment bank, exports, API tokens), the avatar and every other stored
  file those rows name, uploads that are not published, and every session of the account.
- Published essays: withdrawn, or kept published with no author ("Former contributor"), as
  the person chooses.
- A verified teacher's published (or hidden) reviews and margin comments stay, detached,
  under "Former teacher"; drafts, and anything written while not verified, go.
- Payment records stay, detached from the person, as tax law requires: the Stripe customer
  and subscription rows keep their Stripe ids and amounts, with no user. A live subscription
  is cancelled through the payment gateway first; if that fails nothing is deleted.
- `DeletionLog` keeps a random token and the date, nothing that leads back to the person.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any, Literal

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import Storage
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from redink.billing import gateway as payments
from redink.billing.models import BillingCustomer, Mode, Subscription
from redink.billing.stripe_api import StripeUnavailable
from redink.billing.sync import timestamp
from redink.catalogue.models import Essay
from redink.catalogue.services import essay_changed
from redink.marking.comments import comment_count_refresh
from redink.marking.models import MarginComment, Review
from redink.marking.services import essay_rating_refresh
from redink.submissions.models import Submission
from redink.submissions.services.moderation import essay_withdraw_by_author

from .models import DeletionLog, User

logger = logging.getLogger(__name__)

EssayChoice = Literal["withdraw", "keep"]
ESSAY_CHOICES: tuple[EssayChoice, ...] = ("withdraw", "keep")


class DeletionRefused(Exception):
    """The account cannot be deleted now; the message says why, and nothing was changed."""


def account_deletion_refusal(*, user: Any) -> str:
    """Why this account may not delete itself, or "" when it may."""
    if user.is_staff or user.is_superuser:
        return (
            "Moderator and administrator accounts cannot be deleted from here. Another administrator "
            "must first remove your staff role; then you can delete your account."
        )
    return ""


def account_delete(*, user: User, essays: EssayChoice) -> DeletionLog:
    """Delete `user`'s account as the module docstring says, and return the deletion's log entry."""
    if essays not in ESSAY_CHOICES:
        raise ValueError(f"essays must be one of {ESSAY_CHOICES}, not {essays!r}")
    refusal = account_deletion_refusal(user=user)
    if refusal:
        raise DeletionRefused(refusal)
    # Stripe is asked first: if it refuses, the account is still whole and the person can try
    # again, rather than being gone while a subscription goes on charging them.
    _subscriptions_cancel(user=user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        files: list[tuple[Storage, str]] = []
        essay_ids = _essays_settle(user=user, essays=essays)
        files += _uploads_delete(user=user)
        marked = _marking_settle(user=user)
        BillingCustomer.objects.filter(user=user).update(user=None)
        Subscription.objects.filter(user=user).update(user=None)
        _sessions_end(user_id=user.pk)
        files += _user_delete(user)
        for essay_id in marked:
            essay_rating_refresh(essay_id=essay_id)
            comment_count_refresh(essay_id=essay_id)
        for essay_id in essay_ids:
            essay_changed(essay_id=essay_id)  # search rows and related cards show the new byline
        log = DeletionLog.objects.create(token=secrets.token_urlsafe(18), deleted_on=timezone.localdate())
        transaction.on_commit(lambda: _files_delete(files))
    return log


def _subscriptions_cancel(*, user: User) -> None:
    live = list(Subscription.objects.live().filter(user=user))
    if not live:
        return
    try:
        here = payments.current_mode()
        gateway = payments.gateway()
    except payments.PaymentsUnavailable:
        here, gateway = None, None
    for row in live:
        if row.mode == Mode.LOCAL and here != Mode.LOCAL:
            continue  # a test-mode checkout's subscription, with the test mode since switched off: nobody pays
        if gateway is None or row.mode != here:
            raise DeletionRefused(
                "Your subscription could not be cancelled, so your account has not been deleted. "
                "Please contact us and we will cancel it for you."
            )
        try:
            data = gateway.subscription_cancel(subscription_id=row.stripe_id)
        except StripeUnavailable as exc:
            logger.warning("Subscription %s not cancelled for an account deletion: %s", row.stripe_id, exc)
            raise DeletionRefused(
                "We could not reach our payment provider to cancel your subscription, so your account has "
                "not been deleted and nothing is lost. Please try again in a few minutes."
            ) from exc
        row.status = str(data.get("status") or "canceled")
        row.canceled_at = timestamp(data.get("canceled_at")) or timezone.now()
        row.ended_at = timestamp(data.get("ended_at")) or row.canceled_at
        row.cancel_at_period_end = False
        row.synced_at = timezone.now()
        row.save(update_fields=["status", "canceled_at", "ended_at", "cancel_at_period_end", "synced_at"])


def _essays_settle(*, user: User, essays: EssayChoice) -> list[int]:
    """Withdraw the published essays, or leave them for "Former contributor"; the ids whose byline
    changes. An essay not yet published is withdrawn either way: nobody may publish it later
    under "Former contributor" without its author having chosen that."""
    kept: list[int] = []
    for essay in Essay.objects.filter(author=user).exclude(status=Essay.Status.WITHDRAWN):
        if essays == "keep" and essay.status == Essay.Status.PUBLISHED:
            kept.append(essay.pk)
        else:
            essay_withdraw_by_author(essay=essay, user=user)
    return kept


def _uploads_delete(*, user: User) -> list[tuple[Storage, str]]:
    """Every upload but those of essays that stay published (their records stay, with no contributor)."""
    stays = models.Q(status=Submission.Status.PUBLISHED, essay__status=Essay.Status.PUBLISHED)
    doomed = Submission.objects.filter(contributor=user).exclude(stays)
    files = _stored_files(doomed)
    doomed.delete()
    return files


def _marking_settle(*, user: User) -> set[int]:
    """Keep a verified teacher's published or hidden reviews and all their margin comments (the
    deletion detaches them); delete drafts and anything written while not verified. Returns
    the essays whose rating and comment count may have changed."""
    reviews = Review.objects.filter(teacher=user)
    comments = MarginComment.objects.filter(teacher=user)
    essay_ids = set(reviews.values_list("essay_id", flat=True)) | set(comments.values_list("essay_id", flat=True))
    if user.is_verified_teacher and user.is_active:
        reviews.filter(status=Review.Status.DRAFT).delete()
    else:
        reviews.delete()
        comments.delete()
    return essay_ids


def _sessions_end(*, user_id: int) -> None:
    """Delete every stored session signed in as the user. Where sessions live only in a cache
    that cannot be listed, they end anyway: they name a user that no longer exists."""
    engine = settings.SESSION_ENGINE
    if engine.endswith(("backends.db", "backends.cached_db")):
        wanted = str(user_id)
        doomed = [
            session.session_key
            for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if str(session.get_decoded().get("_auth_user_id", "")) == wanted
        ]
        Session.objects.filter(session_key__in=doomed).delete()
        if engine.endswith("cached_db"):
            _cached_sessions_forget(doomed)
    elif engine.endswith("backends.cache"):
        _redis_sessions_end(wanted=str(user_id))


def _cached_sessions_forget(keys: Iterable[str]) -> None:
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import caches

    cache = caches[settings.SESSION_CACHE_ALIAS]
    cache.delete_many([KEY_PREFIX + key for key in keys])


def _redis_sessions_end(*, wanted: str) -> None:
    """On Redis, scan the session keys (the cache backend's own prefix) and drop the user's."""
    from django.contrib.sessions.backends.cache import KEY_PREFIX
    from django.core.cache import caches

    cache: Any = caches[settings.SESSION_CACHE_ALIAS]
    client_of: Callable[..., Any] | None = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:
        return
    try:
        client = client_of(write=True)
        for raw in client.scan_iter(match=cache.make_key(KEY_PREFIX + "*"), count=500):
            key = raw.decode() if isinstance(raw, bytes) else str(raw)
            session_key = key.rsplit(KEY_PREFIX, 1)[-1]
            data = cache.get(KEY_PREFIX + session_key) or {}
            if isinstance(data, dict) and str(data.get("_auth_user_id", "")) == wanted:
                cache.delete(KEY_PREFIX + session_key)
    except Exception:
        logger.warning("Could not list the cached sessions; the deleted account's sessions end anyway", exc_info=True)


def _user_delete(user: User) -> list[tuple[Storage, str]]:
    """Delete the user row and what cascades from it, returning the stored files those rows named."""
    collector = Collector(using=router.db_for_write(User), origin=user)
    collector.collect([user])
    files: list[tuple[Storage, str]] = []
    for instances in collector.data.values():
        files += _stored_files(instances)
    for queryset in collector.fast_deletes:
        if isinstance(queryset, models.QuerySet):
            files += _stored_files(queryset)
    collector.delete()  # what user.delete() does, with the collection already made
    return files


def _stored_files(rows: Iterable[models.Model]) -> list[tuple[Storage, str]]:
    """The (storage, name) of every file field's file on `rows` (rows of one model)."""
    if isinstance(rows, models.QuerySet):
        model: type[models.Model] = rows.model
    else:
        rows = list(rows)
        if not rows:
            return []
        model = type(rows[0])
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if not fields:
        return []
    found: list[tuple[Storage, str]] = []
    for row in rows:
        for field in fields:
            value = getattr(row, field.attname)
            name = getattr(value, "name", value)
            if name:
                found.append((field.storage, str(name)))
    return found


def _files_delete(files: list[tuple[Storage, str]]) -> None:
    """After the commit (a rolled-back deletion must not have lost its files)."""
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:
            logger.warning("Could not delete a deleted account's stored file %s", name, exc_info=True)
