"""Reads of a user's reading list and history, always scoped to that user."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from redink.accounts.models import User
from redink.catalogue.models import Essay

from .models import HISTORY_KEPT, ReadingHistoryEntry, ReadingSettings, SavedEssay

PAGE_SIZE = 20
# A list shows titles and taxonomy, never the text: leave it in the database.
ESSAY_TEXT = ("essay__body", "essay__preview_lead", "essay__preview_extracts")


def saved_essay_items(*, user: User) -> dict[int, int]:
    """Essay id → reading-list item id for everything the user saved, in one query: what a
    listing needs to show "Save" or "Saved" on each card without a query per card."""
    return dict(SavedEssay.objects.filter(user=user, essay__isnull=False).order_by().values_list("essay_id", "pk"))


def saved_item_subquery(*, user_id: Any) -> Subquery:
    """The reading-list item by which the user saved the essay of the outer query (or NULL): a
    page that shows one essay asks it inside that essay's query, and hands the answer to the
    Save button with `remember_saved_item`."""
    items = SavedEssay.objects.filter(user_id=user_id, essay_id=OuterRef("pk")).order_by().values("pk")[:1]
    return Subquery(items)


_KNOWN_ATTR = "_reading_known_items"


def remember_saved_item(*, request: HttpRequest, essay_id: int, item_id: int | None) -> None:
    """What the request already knows of one essay's Save state (the Save button then asks no
    query for it)."""
    known = getattr(request, _KNOWN_ATTR, None)
    if known is None:
        known = {}
        setattr(request, _KNOWN_ATTR, known)
    known[essay_id] = item_id


def known_saved_item(*, request: HttpRequest, essay_id: int) -> tuple[bool, int | None]:
    """(known, item id) of one essay's Save state, as `remember_saved_item` left it."""
    known = getattr(request, _KNOWN_ATTR, None) or {}
    return (essay_id in known, known.get(essay_id))


def reading_list_page(*, user: User, page: str | int | None, per_page: int = PAGE_SIZE) -> Page:
    items = (
        SavedEssay.objects.filter(user=user)
        .select_related("essay__level", "essay__subject", "essay__section")
        .defer(*ESSAY_TEXT)
    )
    return Paginator(items, per_page).get_page(page)


def reading_history_entries(*, user: User) -> QuerySet[ReadingHistoryEntry]:
    """Published essays the user read within the retention period, most recent first."""
    return (
        ReadingHistoryEntry.objects.filter(
            user=user,
            read_at__gte=timezone.now() - HISTORY_KEPT,
            essay__status=Essay.Status.PUBLISHED,
        )
        .select_related("essay__level", "essay__subject", "essay__section")
        .defer(*ESSAY_TEXT)
    )


def reading_history_page(*, user: User, page: str | int | None, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(reading_history_entries(user=user), per_page).get_page(page)


def reading_history_enabled(*, user: User) -> bool:
    return not ReadingSettings.objects.filter(user=user, history_enabled=False).exists()
