from django.db import models


class ImpactThreshold(models.Model):
    """Per common word, the bm25 term score that puts an essay among its top matches (see impact.py)."""

    AVERAGE_LENGTH = "__average_length__"

    word = models.CharField(max_length=100, primary_key=True)
    score = models.FloatField()

    def __str__(self) -> str:
        return f"{self.word} ≥ {self.score:.3f}"
