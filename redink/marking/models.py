"""Teacher marking: applications to be a verified teacher, the assessment objectives essays are
marked against, teachers' reviews with their marks, margin comments on passages, and the
comments teachers reuse.

An essay's rating (average stars, count, and the lower bound it is ranked by) and whether it is
"marked by a teacher" are derived from its published reviews (`services.essay_rating_refresh`)
and stored on the essay, where listings and search sort by them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from redink.submissions.storage import submission_storage

# Shown instead of a teacher's name once they have deleted their account: their published
# reviews and margin comments stay, detached from them (`redink.accounts.deletion`).
FORMER_TEACHER = "Former teacher"


def by_a_teacher(*, active: bool = False) -> Q:
    """Reviews or margin comments written by a verified teacher (`active`: whose account is
    active too), or kept after their teacher deleted their account: only a verified teacher's
    are kept then, so an empty `teacher` counts as one."""
    verified = (
        Q(teacher__is_verified_teacher=True, teacher__is_active=True)
        if active
        else Q(teacher__is_verified_teacher=True)
    )
    return verified | Q(teacher__isnull=True)


class TeacherApplication(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    class DeclineReason(models.TextChoices):
        NOT_CONFIRMED = "not_confirmed", "We could not confirm that you teach at the school or institution you named"
        INCOMPLETE = "incomplete", "The application does not say enough about where and what you teach"
        NOT_A_TEACHER = "not_a_teacher", "Verified teachers must teach, or have taught, the subjects they mark"
        OTHER = "other", "Another reason (see the note)"

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher_applications"
    )
    institution = models.CharField("school or institution", max_length=200)
    subjects = models.ManyToManyField(
        "catalogue.Subject", related_name="+", help_text="The subjects, at each level, that the applicant teaches."
    )
    qualification = models.CharField(max_length=200, help_text="For example: PGCE and QTS, 2016.")
    experience = models.TextField(blank=True, help_text="Anything else a moderator should know.")
    evidence = models.FileField(
        storage=submission_storage, upload_to="teacher-evidence/%Y/%m/", blank=True, max_length=300
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"], condition=Q(status="pending"), name="one_pending_application_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant} ({self.get_status_display()})"

    @property
    def reason(self) -> str:
        if self.status != self.Status.DECLINED:
            return ""
        label = self.get_decline_reason_display()
        return f"{label}. {self.decision_note}".strip() if self.decision_note else label


class AssessmentObjective(models.Model):
    """One objective an essay of a level and subject is marked against, e.g. GCSE English
    Literature AO1, 12 marks."""

    subject = models.ForeignKey("catalogue.Subject", on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(max_length=12, help_text="As the exam boards write it, e.g. AO1.")
    title = models.CharField(max_length=200, help_text="What the objective asks of the writer.")
    max_marks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("subject", "position", "code")
        constraints = [models.UniqueConstraint(fields=["subject", "code"], name="objective_code_per_subject")]

    def __str__(self) -> str:
        return f"{self.code} ({self.max_marks} marks)"


class MarkBand(models.Model):
    """A level descriptor of an objective: the marks it spans and what work at that level does."""

    objective = models.ForeignKey(AssessmentObjective, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(max_length=40, help_text="e.g. Level 4")
    low = models.PositiveSmallIntegerField()
    high = models.PositiveSmallIntegerField()
    descriptor = models.TextField()

    class Meta:
        ordering = ("objective", "low")
        constraints = [models.CheckConstraint(condition=Q(low__lte=models.F("high")), name="band_low_not_above_high")]

    def __str__(self) -> str:
        return f"{self.label}: {self.low} to {self.high}"


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden by a moderator"

    essay = models.ForeignKey("catalogue.Essay", on_delete=models.CASCADE, related_name="reviews")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text="Empty once the teacher has deleted their account.",
    )
    stars = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    strengths = models.TextField("what this essay does well")
    next_steps = models.TextField("what would lift it to the next grade")
    overall = models.CharField(
        "overall mark or grade", max_length=40, blank=True, help_text="Optional, e.g. 7, A or 26/34."
    )
    total_override = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The total of the marks per objective, when it is not their sum."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    hidden_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True, help_text="When it last changed after being published.")

    class Meta:
        ordering = ("-published_at", "-id")
        constraints = [models.UniqueConstraint(fields=["essay", "teacher"], name="one_review_per_teacher_per_essay")]
        indexes = [models.Index(fields=["essay", "status"], name="review_essay_status")]

    def __str__(self) -> str:
        return f"{self.teacher_name} on {self.essay} ({self.stars}★)"

    @property
    def teacher_name(self) -> str:
        return self.teacher.public_name if self.teacher is not None else FORMER_TEACHER

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReviewMark(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="marks")
    objective = models.ForeignKey(AssessmentObjective, on_delete=models.PROTECT, related_name="+")
    marks = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("objective__position", "objective__code")
        constraints = [models.UniqueConstraint(fields=["review", "objective"], name="one_mark_per_objective")]

    def __str__(self) -> str:
        return f"{self.objective.code}: {self.marks}"


class BankComment(models.Model):
    """A comment a teacher reuses, optionally for one assessment objective's code (e.g. AO2)."""

    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bank_comments")
    text = models.TextField()
    objective_code = models.CharField("objective", max_length=12, blank=True, help_text="e.g. AO2 (optional).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("objective_code", "id")

    def __str__(self) -> str:
        return self.text[:60]


class MarginComment(models.Model):
    """A teacher's comment on a passage of an essay, in the W3C Web Annotation model.

    The target is held as both selectors of one text version of the essay: a TextQuoteSelector
    (`exact`, and up to 32 characters of `prefix` and `suffix`) and a TextPositionSelector
    (`start`, `end` exclusive, in Unicode code points over the paragraphs joined by a blank
    line). Whenever the essay's text changes, `comments.comments_reanchor` carries the selectors
    to the new version and records how the passage was found (`state`); a comment whose passage
    is gone is an orphan, kept at the last version it was placed in until its teacher re-attaches
    or deletes it.
    """

    class State(models.TextChoices):
        EXACT = "exact", "On its passage"
        EDITED = "edited", "On its passage, which has been edited since"
        FUZZY = "fuzzy", "Found again after the passage moved and changed"
        ORPHAN = "orphan", "Lost its passage"

    essay = models.ForeignKey("catalogue.Essay", on_delete=models.CASCADE, related_name="margin_comments")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="margin_comments",
        help_text="Empty once the teacher has deleted their account.",
    )
    body = models.TextField("comment")
    exact = models.TextField(help_text="The passage, as it is in the text version below.")
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text_version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.EXACT, db_index=True)
    original_exact = models.TextField(help_text="The passage as it was when the comment was written.")
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("start", "end", "id")
        indexes = [models.Index(fields=["essay", "state"], name="margin_comment_essay_state")]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="margin_comment_not_empty")]

    def __str__(self) -> str:
        return f"{self.teacher_name} on “{self.exact[:40]}”"

    @property
    def teacher_name(self) -> str:
        return self.teacher.public_name if self.teacher is not None else FORMER_TEACHER

    @property
    def is_orphan(self) -> bool:
        return self.state == self.State.ORPHAN


class MarkingEvent(models.Model):
    """Every decision about teachers and reviews, by whom and when."""

    class Action(models.TextChoices):
        APPLIED = "applied", "Applied to be a verified teacher"
        APPROVED = "approved", "Teacher application approved"
        DECLINED = "declined", "Teacher application declined"
        REVIEW_PUBLISHED = "review_published", "Review published"
        REVIEW_EDITED = "review_edited", "Published review edited"
        REVIEW_HIDDEN = "review_hidden", "Review hidden"
        REVIEW_SHOWN = "review_shown", "Review shown again"
        COMMENT_HIDDEN = "comment_hidden", "Margin comment hidden"
        COMMENT_SHOWN = "comment_shown", "Margin comment shown again"
        COMMENT_ORPHANED = "comment_orphaned", "Margin comment lost its passage"
        COMMENT_REATTACHED = "comment_reattached", "Margin comment re-attached"

    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    application = models.ForeignKey(
        TeacherApplication, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    comment = models.ForeignKey(MarginComment, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.get_action_display()
