from django.db import models


class ImpactThreshold(models.Model):
    """Per common word, the bm25 term scores that put an essay among its top and its best
    matches (see impact.py)."""

    AVERAGE_LENGTH = "__average_length__"

    word = models.CharField(max_length=100, primary_key=True)
    score = models.FloatField()
    best_score = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.word} ≥ {self.score:.3f}"
