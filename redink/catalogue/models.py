from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

# Top-level URL segments that a level's slug may not take.
RESERVED_LEVEL_SLUGS = frozenset(
    {
        "essays",
        "search",
        "accounts",
        "admin",
        "static",
        "media",
        "sitemap.xml",
        "robots.txt",
        "api",
        "join",
        "about",
        "contribute",
        "check",
        "moderation",
        "report",
        "site-map",
        "teach",
        "contact",
        "authors",
        "reading-list",
        "reading-history",
        "privacy",
        "terms",
        "licence",
        "unsubscribe",
        "healthz",
        "readyz",
        "metrics",
    }
)


class Level(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    aliases = models.CharField(
        max_length=200,
        blank=True,
        help_text="Other names people search by, separated by commas (e.g. A Level, AS). A search that names "
        "the level by any of them is filtered to it.",
    )

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:level", kwargs={"level": self.slug})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.slug in RESERVED_LEVEL_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is reserved for another part of the site."})


class Subject(models.Model):
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="subjects")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    aliases = models.CharField(
        max_length=200,
        blank=True,
        help_text="Other names people search by, separated by commas (e.g. Maths, English Lit).",
    )

    class Meta:
        ordering = ("name",)
        constraints = [models.UniqueConstraint(fields=["level", "slug"], name="subject_unique_slug_per_level")]

    def __str__(self) -> str:
        return f"{self.level.name} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:subject", kwargs={"level": self.level.slug, "subject": self.slug})


class Section(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)

    class Meta:
        ordering = ("name",)
        constraints = [models.UniqueConstraint(fields=["subject", "slug"], name="section_unique_slug_per_subject")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        subject = self.subject
        return reverse(
            "catalogue:section",
            kwargs={"level": subject.level.slug, "subject": subject.slug, "section": self.slug},
        )


class EssayQuerySet(models.QuerySet["Essay"]):
    def published(self) -> EssayQuerySet:
        return self.filter(status=Essay.Status.PUBLISHED)

    def published_among(self, ids: Iterable[int]) -> EssayQuerySet:
        """The published essays among these ids, in no order. Found by id: with the default
        order (newest first) SQLite would walk the status index over every published essay
        instead (15 ms at 160,000 essays, against well under a millisecond)."""
        return self.published().filter(pk__in=list(ids)).order_by()

    def for_listing(self) -> EssayQuerySet:
        """What a listing shows, in one query: no essay text, taxonomy and author joined."""
        return self.select_related("section", "subject", "level", "author").defer(
            "body", "preview_lead", "preview_extracts", "author__password"
        )

    def sorted_by(self, sort: str) -> EssayQuerySet:
        return self.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])[1])


class Essay(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class PreviewStyle(models.TextChoices):
        SITE_DEFAULT = "", "Site default"
        LEAD = "lead", "Lead (the opening)"
        EXTRACTS = "extracts", "Extracts (beginning, middle and end)"

    title = models.CharField(max_length=250, db_index=True)
    slug = models.SlugField(max_length=120, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="essays"
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="essays")
    # Denormalised from the section so listings filter and count without joins.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", editable=False)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+", editable=False)

    # The canonical text: plain-text paragraphs separated by one blank line.
    body = models.TextField()
    text_version = models.PositiveIntegerField(default=1, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # Previews are derived from the body once per text version (see services.essay_set_text).
    preview_lead = models.JSONField(default=dict, editable=False)
    preview_extracts = models.JSONField(default=dict, editable=False)
    preview_style = models.CharField(max_length=10, choices=PreviewStyle.choices, blank=True, default="")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    exam_board = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    grade = models.CharField(max_length=20, blank=True, help_text="The grade or mark the essay received.")
    # Derived from the essay's published reviews (redink.marking.services.essay_rating_refresh).
    is_teacher_marked = models.BooleanField("marked by a teacher", default=False, editable=False)
    review_count = models.PositiveIntegerField(default=0, editable=False)
    rating_average = models.FloatField(default=0, editable=False)  # stars, 1-5 (0 with no review)
    rating_score = models.FloatField(default=0, editable=False)  # the lower bound it is ranked by (marking.rating)
    reading_count = models.PositiveIntegerField(default=0, editable=False)
    # Margin comments on its current text that readers see (redink.marking.comments.comment_count_refresh).
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EssayQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at", "-id")
        indexes = [
            models.Index(fields=["status", "section", "-published_at"], name="essay_section_newest"),
            models.Index(fields=["status", "subject", "-published_at"], name="essay_subject_newest"),
            models.Index(fields=["status", "level", "-published_at"], name="essay_level_newest"),
            models.Index(fields=["status", "-reading_count"], name="essay_most_read"),
            models.Index(fields=["status", "-rating_score"], name="essay_best_rated"),
            models.Index(fields=["status", "-published_at"], name="essay_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalogue:essay", kwargs={"slug": self.slug})

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def author_name(self) -> str:
        # No author: they deleted their account and chose to leave their essays published.
        return self.author.public_name if self.author else "Former contributor"

    @property
    def effective_preview_style(self) -> str:
        return self.preview_style or settings.REDINK_PREVIEW_STYLE


DEFAULT_SORT = "newest"
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "newest": ("Newest", ("-published_at", "-id")),
    "most-read": ("Most read", ("-reading_count", "-published_at", "-id")),
    # By the lower bound of the essay's rating (redink.marking.rating), so that one 5-star
    # review does not outrank forty that average 4.8.
    "best-rated": ("Best rated", ("-rating_score", "-review_count", "-published_at", "-id")),
}


class EssayRevision(models.Model):
    """An earlier text of an essay, kept when its text changed, so that what was written against
    it (margin comments) can be carried through the diff to the new text."""

    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="revisions")
    text_version = models.PositiveIntegerField()
    body = models.TextField()
    word_count = models.PositiveIntegerField(default=0)
    replaced_at = models.DateTimeField(default=timezone.now, help_text="When a newer text replaced this one.")

    class Meta:
        ordering = ("essay", "-text_version")
        constraints = [models.UniqueConstraint(fields=["essay", "text_version"], name="one_revision_per_text_version")]

    def __str__(self) -> str:
        return f"{self.essay} — text version {self.text_version}"


class DailyReaders(models.Model):
    """How many distinct readers the reading beacon saw on one day, and nothing else.

    Readers are told apart by a hash of their address with a salt made for the day, both kept
    only in the shared cache until the day ends (see `redink.catalogue.readers`): no address,
    hash or salt is stored here."""

    day = models.DateField(primary_key=True)
    readers = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-day",)
        verbose_name_plural = "daily readers"

    def __str__(self) -> str:
        return f"{self.readers:,} readers on {self.day:%d %B %Y}"
