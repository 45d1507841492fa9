"""'Export my data': asking for a copy, building it in the background, e-mailing its link, and
the link's expiry, checked whenever the link is used (so nothing runs on a schedule)."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from redink.core.links import site_url

from .export import export_archive_write
from .models import DataExport

logger = logging.getLogger(__name__)

# A request still pending after this long lost its task (a worker died): it no longer blocks a new one.
STALE_AFTER = timedelta(hours=2)
# Archives a user may ask for in a day: each one reads everything they have and copies their files.
EXPORTS_PER_DAY = 5


class ExportRefused(Exception):
    """Why a new export is not started, in words for the user."""


def data_export_latest(*, user: Any) -> DataExport | None:
    return DataExport.objects.filter(user=user).first()


def data_export_find(*, user: Any, token: str) -> DataExport | None:
    """The export this link names, if it is `user`'s; None for anyone else's or a made-up token."""
    if not token or len(token) > 64 or user is None or not user.is_authenticated:
        return None
    return DataExport.objects.filter(user=user, token=token).first()


def data_export_request(*, user: Any) -> DataExport:
    """Start building a copy of `user`'s data: one at a time, a few a day."""
    from .tasks import build_data_export

    now = timezone.now()
    with transaction.atomic():
        # Two clicks at once queue one export, not two: the second waits here and then sees the first.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        pending = DataExport.objects.filter(user=user, status=DataExport.Status.PENDING)
        pending.filter(created_at__lt=now - STALE_AFTER).update(status=DataExport.Status.FAILED)
        if pending.exists():
            raise ExportRefused(
                "A copy of your data is already being prepared. We will e-mail you a link when it is ready."
            )
        if DataExport.objects.filter(user=user, created_at__gte=now - timedelta(days=1)).count() >= EXPORTS_PER_DAY:
            raise ExportRefused(
                f"You have asked for {EXPORTS_PER_DAY} copies of your data today. Please use the latest link, "
                "or ask again tomorrow."
            )
        export = DataExport.objects.create(user=user)
        transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export


def data_export_build(*, export_id: int) -> bool:
    """Build the archive of a pending export, then e-mail its link. Safe to run twice."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return False
    try:
        with tempfile.TemporaryFile() as spool:
            export_archive_write(export.user, spool)
            size = spool.tell()
            spool.seek(0)
            export.archive.save("data.zip", File(spool), save=False)
    except Exception:
        logger.exception("Could not build data export %s", export.pk)
        DataExport.objects.filter(pk=export.pk, status=DataExport.Status.PENDING).update(
            status=DataExport.Status.FAILED
        )
        return False
    now = timezone.now()
    export.status = DataExport.Status.READY
    export.size = size
    export.ready_at = now
    export.expires_at = now + timedelta(days=settings.REDINK_DATA_EXPORT_DAYS)
    export.save(update_fields=["archive", "status", "size", "ready_at", "expires_at"])
    # Only the newest copy is kept: the older links stop working, and their files go.
    for older in DataExport.objects.filter(user=export.user, created_at__lte=export.created_at).exclude(pk=export.pk):
        data_export_expire(export=older)
    data_export_email_send(export=export)
    return True


def data_export_email_send(*, export: DataExport) -> bool:
    """The link, always sent: the user asked for it, and it says so if they did not (like an
    account-security e-mail, it is not among the kinds a user may turn off)."""
    user = export.user
    if not user.email:
        return False
    context = {
        "name": user.public_name,
        "download_url": site_url(reverse("privacy:export-download", args=[export.token])),
        "account_url": site_url(reverse("accounts:overview")) + "#your-data",
        "expires_at": export.expires_at,
        "days": settings.REDINK_DATA_EXPORT_DAYS,
        "SITE_NAME": settings.SITE_NAME,
    }
    body = render_to_string("privacy/email/data_export_ready.txt", context)
    EmailMessage(f"Your {settings.SITE_NAME} data is ready to download", body, None, [user.email]).send()
    return True


def data_export_expire(*, export: DataExport) -> None:
    """The link no longer works: its archive is deleted (the row stays, saying when it was asked for)."""
    if export.archive:
        export.archive.delete(save=False)
    if export.status == DataExport.Status.READY:
        export.status = DataExport.Status.EXPIRED
    export.save(update_fields=["archive", "status"])


def data_export_check_expiry(*, export: DataExport) -> bool:
    """Whether the export has expired, now that its link is used (expiring it if so)."""
    if export.status == DataExport.Status.READY and export.is_expired():
        data_export_expire(export=export)
        return True
    return export.status == DataExport.Status.EXPIRED
