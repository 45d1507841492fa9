"""Failed background tasks and the scheduler's jobs, for staff: read-only, with a "Retry" action."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import FailedTask, ScheduledJob
from .retries import failed_task_retry

logger = logging.getLogger(__name__)

RETRYABLE_BY_STAFF = (FailedTask.Status.FAILED, FailedTask.Status.UNQUEUED)


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ("task_name", "status", "attempts", "exception_class", "last_failed_at", "retried_at")
    list_filter = ("status", "task_path")
    search_fields = ("task_path", "exception_class", "exception_text")
    date_hierarchy = "last_failed_at"
    actions = ["retry"]
    readonly_fields = [f.name for f in FailedTask._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ops.retry_failedtask")

    @admin.action(description="Retry the selected tasks now", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        queued, skipped, unreachable = 0, 0, 0
        for record in queryset.order_by("pk"):
            if record.status not in RETRYABLE_BY_STAFF:
                skipped += 1
                continue
            if not failed_task_retry(record=record, user=request.user):
                unreachable += 1
                continue
            queued += 1
            self.log_change(request, record, "Retried: queued again.")
            logger.info("%s retried failed task %s (%s)", request.user, record.pk, record.task_path)
        if queued:
            self.message_user(request, f"{queued} task(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} task(s) left alone: already queued again or succeeded.", messages.WARNING
            )
        if unreachable:
            self.message_user(
                request,
                f"{unreachable} task(s) could not be queued: the queue is unreachable, or the task no longer "
                "exists. Try again in a moment.",
                messages.ERROR,
            )


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ("name", "last_outcome", "last_started_at", "last_finished_at", "locked_by")
    readonly_fields = [f.name for f in ScheduledJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
