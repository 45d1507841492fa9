"""The caller's own: what they may read (entitlements), their reading list, their uploads.

Only for a signed-in caller (a token, or the site's session); the reading list's writes take
the session with its CSRF token, or a read+write token. Each call goes through the reading and
submissions services and selectors the pages use, which act on this user's own rows only.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Path, Query, Router

from redink.access.models import Entitlement
from redink.access.selectors import membership_ends_at, user_has_membership
from redink.access.visibility import reads_everything
from redink.catalogue.models import Essay
from redink.core.links import site_url
from redink.reading.models import SavedEssay
from redink.reading.selectors import reading_list_page
from redink.reading.services import reading_list_note_set, reading_list_remove, reading_list_save
from redink.submissions.selectors import upload_statuses

from ..auth import Anonymous, api_viewer, viewer_auth, write_auth
from ..errors import ApiError
from ..schemas import (
    EntitlementOut,
    MeOut,
    ReadingListAdd,
    ReadingListItemOut,
    ReadingListNote,
    ReadingListPage,
    UploadStatusOut,
    essay_card,
)
from . import errors

# A token or the session, but not an anonymous caller: these are someone's own.
signed_in_auth = [auth for auth in viewer_auth if not isinstance(auth, Anonymous)]
router = Router(tags=["me"], auth=signed_in_auth)

ItemPath = Path(..., ge=1, le=2**31 - 1)


@router.get("/", response={200: MeOut, **errors()})
def me(request: HttpRequest) -> MeOut:
    """Who the credentials are for, and what they may read."""
    user = api_viewer(request)
    active = Entitlement.objects.active().filter(user=user).order_by("-ends_at")
    return MeOut(
        name=user.public_name,
        reads_everything=reads_everything(user),
        is_member=user_has_membership(user=user),
        member_until=membership_ends_at(user=user),
        is_verified_teacher=bool(user.is_verified_teacher),
        entitlements=[EntitlementOut(source=e.source, starts_at=e.starts_at, ends_at=e.ends_at) for e in active],
    )


def _item(item: SavedEssay) -> ReadingListItemOut:
    available = item.is_available
    return ReadingListItemOut(
        id=item.pk,
        title=item.title,
        note=item.note,
        saved_at=item.saved_at,
        available=available,
        essay=essay_card(item.essay) if available and item.essay else None,
    )


def _item_of(user: Any, item_id: int) -> SavedEssay:
    item = (
        SavedEssay.objects.filter(user=user, pk=item_id)
        .select_related("essay__level", "essay__subject", "essay__section", "essay__author")
        .first()
    )
    if item is None:
        raise ApiError(404, "Your reading list has no item with that id.")
    return item


@router.get("/reading-list/", response={200: ReadingListPage, **errors(422)})
def reading_list(request: HttpRequest, page: int = Query(1, ge=1, le=10_000)) -> ReadingListPage:
    """The essays the caller saved, the most recent first, 20 to a page."""
    found = reading_list_page(user=api_viewer(request), page=page)
    rows = list(found.object_list) if found.number == page else []  # past the last page: none
    prefetch_related_objects(rows, "essay__author")  # the cards name the author: one query, not one each
    items = [_item(item) for item in rows]
    next_url = None
    if items and found.has_next():
        next_url = site_url(f"{request.path}?page={found.next_page_number()}")
    return ReadingListPage(items=items, next=next_url)


@router.post("/reading-list/", auth=write_auth, response={201: ReadingListItemOut, **errors(400, 403, 404, 422)})
def reading_list_add(request: HttpRequest, payload: ReadingListAdd) -> tuple[int, ReadingListItemOut]:
    """Save a published essay (by slug) to the list, with a note if given. Saving it again keeps
    the first save and sets the note."""
    user = api_viewer(request)
    essay = Essay.objects.published().filter(slug=payload.essay).first()
    if essay is None:
        raise ApiError(404, "No published essay has that slug.", fields={"essay": ["not found"]})
    try:
        saved = reading_list_save(user=user, essay=essay)
    except IntegrityError:  # saved by another request at the same moment
        saved = SavedEssay.objects.get(user=user, essay=essay)
    if payload.note:
        reading_list_note_set(user=user, item_id=saved.pk, note=payload.note)
    return 201, _item(_item_of(user, saved.pk))


@router.patch(
    "/reading-list/{item_id}/", auth=write_auth, response={200: ReadingListItemOut, **errors(400, 403, 404, 422)}
)
def reading_list_note(request: HttpRequest, payload: ReadingListNote, item_id: int = ItemPath) -> ReadingListItemOut:
    """Set the note on an item of the list (an empty note clears it)."""
    user = api_viewer(request)
    _item_of(user, item_id)
    reading_list_note_set(user=user, item_id=item_id, note=payload.note)
    return _item(_item_of(user, item_id))


@router.delete("/reading-list/{item_id}/", auth=write_auth, response={204: None, **errors(403, 404, 422)})
def reading_list_delete(request: HttpRequest, item_id: int = ItemPath) -> tuple[int, None]:
    """Take an item off the list."""
    if not reading_list_remove(user=api_viewer(request), item_id=item_id):
        raise ApiError(404, "Your reading list has no item with that id.")
    return 204, None


@router.get("/uploads/", response={200: list[UploadStatusOut], **errors()})
def uploads(request: HttpRequest) -> list[UploadStatusOut]:
    """The caller's uploads with their status, as the uploads page polls them."""
    return [UploadStatusOut(**row) for row in upload_statuses(user=api_viewer(request))]
