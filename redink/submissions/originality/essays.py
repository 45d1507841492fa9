"""A published essay's signature follows its text, however the essay got into the library.

Every change of an essay's text goes through `catalogue.services.essay_set_text`, which moves the
essay to a new text version, and every save of an essay is followed by the catalogue's refresh of
what derives from it (`refresh_essay_derivatives`, or `refresh_in_bulk` after a bulk import). That
refresh calls `essays_sign`: a published essay whose signature is missing or was made from another
text version gets one made from its text now; an essay that has left the library loses its own.
Moderation and `import_essays` store signatures as they go, which the refresh then finds current.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from more_itertools import chunked

from redink.catalogue.models import Essay

from ..models import TextSignature
from .index import exclusive_check, signature_drop
from .rebuild import BATCH, signatures_store_many

# An essay whose signature is missing, or was made from another version of its text.
_UNSIGNED = Q(text_signature__isnull=True) | ~Q(text_signature__text_version=F("text_version"))


@dataclass(frozen=True)
class Signing:
    signed: int  # essays given a signature of their current text
    dropped: int  # signatures of essays no longer published


def essays_sign(*, essay_ids: Collection[int] | None = None, progress: Callable[[int], None] | None = None) -> Signing:
    """Bring the signatures of these essays (of every essay, given None) in step with their texts."""
    if essay_ids is None:
        return _sign_all(progress=progress)
    ids = sorted(set(essay_ids))
    signed = dropped = 0
    for chunk in chunked(ids, BATCH):
        with transaction.atomic():
            exclusive_check()
            dropped += _drop_unpublished(TextSignature.objects.filter(essay_id__in=chunk))
            signed += _sign(Essay.objects.published().filter(pk__in=chunk).filter(_UNSIGNED))
    return Signing(signed=signed, dropped=dropped)


def _sign_all(*, progress: Callable[[int], None] | None) -> Signing:
    with transaction.atomic():
        exclusive_check()
        dropped = _drop_unpublished(TextSignature.objects.filter(essay__isnull=False))
    signed = last = 0
    while True:
        with transaction.atomic():
            exclusive_check()
            batch = Essay.objects.published().filter(_UNSIGNED, pk__gt=last).order_by("pk")[:BATCH]
            pks = list(batch.values_list("pk", flat=True))
            if not pks:
                return Signing(signed=signed, dropped=dropped)
            signed += _sign(Essay.objects.filter(pk__in=pks))
        last = pks[-1]
        if progress:
            progress(signed)


def _drop_unpublished(signatures) -> int:
    gone = signatures.exclude(essay__status=Essay.Status.PUBLISHED).values_list("essay_id", flat=True)
    return sum(signature_drop(essay=essay_id) for essay_id in list(gone))


def _sign(essays) -> int:
    batch = list(essays.only("pk", "body", "text_version").order_by("pk"))
    # A stale signature goes first: an essay has at most one.
    for essay_id in TextSignature.objects.filter(essay__in=batch).values_list("essay_id", flat=True):
        signature_drop(essay=essay_id)
    if batch:
        signatures_store_many(owners=batch, texts=[essay.body for essay in batch], kind="essay")
    return len(batch)
