"""Rebuild the stored signatures and band keys from the texts: after changing how signatures are made,
after deleting essays outright, or to load a library written straight into the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction

from redink.catalogue.models import Essay

from ..models import SignatureBand, Submission, TextSignature
from .index import bands_insert
from .minhash import band_keys, minhash_of, to_bytes
from .shingles import shingle

BATCH = 500


def _batches(queryset: Any, text_field: str) -> Iterator[list[Any]]:
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk").only("pk", text_field, *_extra(queryset))[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _extra(queryset: Any) -> tuple[str, ...]:
    return ("text_version",) if queryset.model is Essay else ()


def signatures_store_many(*, owners: list[Any], texts: list[str], kind: str) -> None:
    """Signatures for many essays (kind "essay") or submissions ("submission") in two bulk inserts."""
    shingle_sets = [shingle(text).hash_set for text in texts]
    minhashes = [minhash_of(hashes) for hashes in shingle_sets]
    rows = TextSignature.objects.bulk_create(
        TextSignature(
            **{kind: owner},
            minhash=to_bytes(minhash),
            shingle_count=len(hashes),
            text_version=getattr(owner, "text_version", 0) or 0,
        )
        for owner, hashes, minhash in zip(owners, shingle_sets, minhashes, strict=True)
    )
    bands_insert(
        rows=[(key, row.pk) for row, minhash in zip(rows, minhashes, strict=True) for key in band_keys(minhash)]
    )


def signatures_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Drop every signature and band, then store one for each published essay and each upload in review."""
    with transaction.atomic():
        SignatureBand.objects.all().delete()
        TextSignature.objects.all().delete()
    done = 0
    sources = (
        (Essay.objects.published(), "body", "essay"),
        (Submission.objects.in_review(), "extracted_text", "submission"),
    )
    for queryset, field, kind in sources:
        for batch in _batches(queryset, field):
            with transaction.atomic():
                signatures_store_many(owners=batch, texts=[getattr(o, field) for o in batch], kind=kind)
            done += len(batch)
            if progress:
                progress(done)
    return done


def signatures_total() -> int:
    return Essay.objects.published().count() + Submission.objects.in_review().count()
