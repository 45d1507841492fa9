"""Precomputed related-essay lists, and what it takes to keep them fresh one essay at a time.

A page reads one `RelatedCards` value, written with the `RelatedEssay` rows it shows. The rest is working state for the refresh: each
published essay's signature (its most distinctive terms, weighted) and, per level, how many
essays use each term (document frequencies), snapshotted when the level was last rebuilt.
"""

from __future__ import annotations

from django.db import models

from redink.catalogue.models import Essay, Level


class RelatedEssay(models.Model):
    """One entry of an essay's related list: `related` is shown at `rank` under `essay`."""

    class Tier(models.IntegerChoices):
        SECTION = 0, "Same section"
        SUBJECT = 1, "Same subject"
        LEVEL = 2, "Same level"

    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="related_entries")
    related = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    score = models.FloatField(help_text="Cosine similarity of the two essays' signatures.")
    # Cut from the related essay's free preview.
    snippet = models.TextField()
    # What the card shows of the related essay, copied when the row is written, so that a
    # list's cards can be rewritten from its rows alone (`cards.restore_cards`). Every change to
    # an essay goes through catalogue.services.essay_changed, whose refresh rewrites the rows
    # naming it; a section's rename rewrites the copies of its name (`related_section_renamed`).
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120)
    word_count = models.PositiveIntegerField()
    is_teacher_marked = models.BooleanField()
    section_name = models.CharField(max_length=120)

    class Meta:
        ordering = ("essay", "rank")
        constraints = [
            models.UniqueConstraint(fields=["essay", "rank"], name="related_unique_rank"),
            models.UniqueConstraint(fields=["essay", "related"], name="related_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.essay_id} → {self.related_id} (#{self.rank})"


class RelatedCards(models.Model):
    """An essay's related list as its page shows it: a JSON array of ready cards, in rank order
    (see `redink.related.cards`). Derived from the essay's `RelatedEssay` rows and rewritten
    with them; an essay with no related essay has none."""

    essay = models.OneToOneField(Essay, on_delete=models.CASCADE, primary_key=True, related_name="+")
    cards = models.TextField()

    class Meta:
        verbose_name_plural = "related cards"

    def __str__(self) -> str:
        return f"related cards of essay {self.essay_id}"


class RelatedSignature(models.Model):
    """A published essay's most distinctive terms with their tf-idf weights (unit length)."""

    essay = models.OneToOneField(Essay, on_delete=models.CASCADE, primary_key=True, related_name="related_signature")
    terms = models.JSONField(default=dict)
    # The widest tier (0 section, 1 subject, 2 level) from which a newly published essay could
    # still enter this essay's list: 3 while the list is short, else the tier of its last entry.
    # Publishing looks only at lists open to its tier, so it need not scan the whole level.
    open_to_tier = models.PositiveSmallIntegerField(default=3, db_index=True)

    def __str__(self) -> str:
        return f"signature of essay {self.essay_id}"


class RelatedLevel(models.Model):
    """When a level's term statistics were taken, and how much has changed since."""

    level = models.OneToOneField(Level, on_delete=models.CASCADE, primary_key=True, related_name="+")
    documents = models.PositiveIntegerField(default=0)
    changes = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"related statistics of level {self.level_id}"


class RelatedTerm(models.Model):
    """How many published essays of a level use a term (only terms used by two or more)."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=40)
    documents = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "term"], name="related_unique_term_per_level")]

    def __str__(self) -> str:
        return f"{self.term} ({self.documents})"
