"""Labels of generated essays: which corpus, which topic, and whether (and of what) it is a copy."""

from __future__ import annotations

from django.db import models


class CorpusEssay(models.Model):
    class CopyKind(models.TextChoices):
        ORIGINAL = "", "Original"
        EXACT = "exact", "Exact copy"
        EDITED = "edited", "Copy with about 10% of words edited"
        FIRST_HALF = "first_half", "First half of another essay"
        EXTRACTS = "extracts", "Passages from another essay"
        INTERLEAVED = "interleaved", "Two essays interleaved"

    essay = models.OneToOneField("catalogue.Essay", on_delete=models.CASCADE, related_name="corpus_label")
    seed = models.BigIntegerField()
    index = models.PositiveIntegerField()
    topic = models.PositiveIntegerField()
    copy_kind = models.CharField(max_length=12, choices=CopyKind.choices, blank=True, default="")
    copy_of = models.ForeignKey("catalogue.Essay", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    copy_of_second = models.ForeignKey(
        "catalogue.Essay", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("seed", "index")
        constraints = [models.UniqueConstraint(fields=["seed", "index"], name="corpus_essay_unique_index_per_seed")]

    def __str__(self) -> str:
        kind = f" ({self.copy_kind})" if self.copy_kind else ""
        return f"corpus {self.seed} #{self.index}, topic {self.topic}{kind}"
