"""Uploads and what happens to them: extraction, originality, moderation, takedowns, imports.

    Submission: uploaded → extracting → failed (reason) | in_review → published | rejected (reason)

A submission's file (or pasted text) is saved before anything else happens and kept whatever
the outcome. Duplicate signatures are stored per published essay and per submission in review.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .storage import submission_storage


def _upload_path(instance: Any, filename: str) -> str:
    # The name a contributor chose is kept in `original_filename`; on disk a neutral name.
    stamp = timezone.now()
    suffix = filename.rsplit(".", 1)[-1][:10].lower() if "." in filename else "bin"
    return f"{stamp:%Y/%m}/{stamp:%d%H%M%S%f}.{suffix}"


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def in_review(self) -> SubmissionQuerySet:
        return self.filter(status=Submission.Status.IN_REVIEW)

    def of(self, user: Any) -> SubmissionQuerySet:
        return self.filter(contributor=user)

    def for_queue(self) -> SubmissionQuerySet:
        return self.select_related("contributor", "section__subject__level").defer(
            "extracted_text", "pasted_text", "contributor__password"
        )


class Submission(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        EXTRACTING = "extracting", "Processing"
        FAILED = "failed", "Failed"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        FILE = "file", "File"
        PASTE = "paste", "Pasted text"
        IMPORT = "import", "Bulk import"

    class RejectionReason(models.TextChoices):
        COPY = "copy", "A copy of an essay already in the library"
        PARTIAL_COPY = "partial_copy", "Too much of it is taken from other work"
        NOT_OWN_WORK = "not_own_work", "Not the contributor's own work"
        NOT_AN_ESSAY = "not_an_essay", "Not an essay or piece of coursework"
        QUALITY = "quality", "Unfinished, or too hard to read"
        WRONG_PLACE = "wrong_place", "Does not fit any level, subject or section we have"
        PERSONAL_DATA = "personal_data", "Contains personal information"
        INAPPROPRIATE = "inappropriate", "Offensive or inappropriate content"
        OTHER = "other", "Another reason (see the note)"

    FINAL_STATUSES = frozenset({Status.FAILED, Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN})

    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED, db_index=True)

    title = models.CharField(max_length=250)
    section = models.ForeignKey("catalogue.Section", on_delete=models.PROTECT, related_name="+")
    exam_board = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    # A corrected version of one of the contributor's essays replaces that essay's text.
    replaces = models.ForeignKey(
        "catalogue.Essay", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    # The essay this submission became (or, for a correction, the essay it corrected).
    essay = models.ForeignKey(
        "catalogue.Essay", null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )

    file = models.FileField(storage=submission_storage, upload_to=_upload_path, blank=True, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    detected_format = models.CharField(max_length=20, blank=True)
    pasted_text = models.TextField(blank=True)

    extracted_text = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)

    failure_code = models.CharField(max_length=30, blank=True)
    failure_message = models.TextField(blank=True)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    rejection_note = models.TextField(blank=True)

    # The originality check's summary; the details are OverlapMatch rows.
    is_flagged = models.BooleanField("flagged as a partial copy", default=False, db_index=True)
    max_jaccard = models.FloatField(null=True, blank=True)
    max_containment = models.FloatField(null=True, blank=True)

    declaration = models.BooleanField("declared to be the contributor's own work", default=False)
    licence_version = models.CharField(max_length=20, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The status the contributor was last e-mailed about, so a repeated task sends nothing twice.
    notified_status = models.CharField(max_length=12, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["contributor", "-created_at"], name="submission_by_contributor")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def reason(self) -> str:
        """What the contributor is told about a failure or a rejection, worded as things are now
        (`reasons.py`); in a template it links what it names."""
        from .reasons import submission_reason

        return submission_reason(self)


class OverlapMatch(models.Model):
    """How much of a submission overlaps one essay of the library or one submission in the queue."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="matches")
    essay = models.ForeignKey("catalogue.Essay", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    other_submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=250)
    jaccard = models.FloatField()
    containment = models.FloatField(help_text="Share of this text found in the other.")
    containment_other = models.FloatField(help_text="Share of the other text found in this one.")
    shared_words = models.PositiveIntegerField(default=0)
    longest_passage_words = models.PositiveIntegerField(default=0)
    passage_count = models.PositiveIntegerField(default=0)
    is_copy = models.BooleanField(default=False)
    is_partial = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-jaccard", "-containment", "id")

    def __str__(self) -> str:
        return f"{self.submission_id} ~ {self.title}: J={self.jaccard:.2f}"


class TextSignature(models.Model):
    """The MinHash of one text's word shingles: a published essay's, or a submission's in review."""

    essay = models.OneToOneField(
        "catalogue.Essay", null=True, blank=True, on_delete=models.CASCADE, related_name="text_signature"
    )
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="text_signature"
    )
    minhash = models.BinaryField()
    shingle_count = models.PositiveIntegerField(default=0)
    text_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(essay__isnull=False) | Q(submission__isnull=False), name="signature_has_owner"
            )
        ]

    def __str__(self) -> str:
        return f"signature of essay {self.essay_id}" if self.essay_id else f"signature of upload {self.submission_id}"


class SignatureBand(models.Model):
    """One LSH band of a signature: `key` combines the band's number and the hash of its rows.

    Any process finds the candidates of a text with one indexed query (`key IN (...)`), so no
    process holds the index in memory. Rows are deleted with their signature by the services;
    a row whose signature is gone (an essay deleted outright) is ignored by the join and cleared
    by `rebuild_originality_index`.
    """

    key = models.BigIntegerField()
    signature = models.ForeignKey(
        TextSignature, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["key", "signature"], name="signature_band_lookup")]

    def __str__(self) -> str:
        return f"{self.key} → {self.signature_id}"


class TakedownRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WITHDRAWN = "withdrawn", "Essay withdrawn"
        ANSWERED = "answered", "Answered"

    essay = models.ForeignKey("catalogue.Essay", on_delete=models.CASCADE, related_name="takedown_requests")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    claim = models.TextField()
    original_url = models.URLField("where the original work is", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # When the requester was e-mailed that the request arrived (None: not, or not yet).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Takedown of essay {self.essay_id} by {self.name}"

    @property
    def reference(self) -> str:
        """What the requester quotes when they write to us about it."""
        return f"TD-{self.pk}"


class ModerationEvent(models.Model):
    """Every decision, by whom (None: the system) and when."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        FAILED = "failed", "Extraction failed"
        QUEUED = "queued", "Sent for review"
        FLAGGED = "flagged", "Flagged as a partial copy"
        REFUSED_COPY = "refused_copy", "Refused as a copy"
        APPROVED = "approved", "Approved and published"
        REPLACED = "replaced", "Corrected version published"
        REJECTED = "rejected", "Rejected"
        EDITED = "edited", "Details edited"
        WITHDRAWN_BY_AUTHOR = "withdrawn_by_author", "Withdrawn by its author"
        TAKEDOWN_FILED = "takedown_filed", "Takedown request filed"
        TAKEDOWN_WITHDRAWN = "takedown_withdrawn", "Withdrawn after a takedown request"
        TAKEDOWN_ANSWERED = "takedown_answered", "Takedown request answered"
        IMPORTED = "imported", "Imported and published"

    action = models.CharField(max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    essay = models.ForeignKey("catalogue.Essay", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    takedown = models.ForeignKey(
        TakedownRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def actor_name(self) -> str:
        """Who made it, as the logs say: an account's public name, a visitor who filed a
        takedown request without one, or the system (processing, imports)."""
        if self.actor_id is not None and self.actor is not None:
            return self.actor.public_name
        if self.action == self.Action.TAKEDOWN_FILED:
            return "a visitor"
        return "the system"


class ImportRecord(models.Model):
    """One file of a bulk import, so that a re-run skips what is done and duplicates nothing."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused as a copy"
        FLAGGED = "flagged", "Flagged for review"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of the path and the file's content.")
    path = models.CharField(max_length=1000)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.TextField(blank=True)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    essay = models.ForeignKey("catalogue.Essay", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # False while an imported essay's search rows and related lists wait for the end of the run.
    refreshed = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(fields=["key"], condition=models.Q(refreshed=False), name="import_waiting_refresh"),
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.outcome}"
