"""The LSH index, kept in the database: signatures and their band keys, and the candidate query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from ..models import SignatureBand, TextSignature
from .minhash import band_keys, from_bytes, to_bytes
from .shingles import Shingled

# A fixed key for PostgreSQL's advisory lock: one originality check-and-store at a time.
_LOCK_KEY = 0x5245_4449_4E4B  # "REDINK"


@dataclass(frozen=True)
class Candidate:
    signature_id: int
    essay_id: int | None
    submission_id: int | None
    bands: int


def candidates(
    *,
    shingled: Shingled,
    limit: int,
    published_only: bool = False,
    keys: list[int] | None = None,
    stored_after: int | None = None,
    stored_through: int | None = None,
) -> list[Candidate]:
    """Texts sharing at least one LSH band with this one, those sharing the most bands first.

    `stored_after` / `stored_through` keep to signatures with ids in that range (a bulk import
    checks the library up to a point in a worker process, and the rest in its writer).
    """
    keys = keys if keys is not None else band_keys(shingled.minhash)
    if not keys:
        return []
    # Hand-written (the same as the ORM's GROUP BY, at a third of the cost): this runs on every upload
    # and every "check my essay", and the band index answers it without touching the table.
    quote = connection.ops.quote_name
    bands, signatures = quote(SignatureBand._meta.db_table), quote(TextSignature._meta.db_table)
    only_essays = " AND s.essay_id IS NOT NULL" if published_only else ""
    bounds, bound_params = "", list[int]()
    if stored_after is not None:
        bounds += " AND b.signature_id > %s"
        bound_params.append(stored_after)
    if stored_through is not None:
        bounds += " AND b.signature_id <= %s"
        bound_params.append(stored_through)
    sql = (
        f"SELECT b.signature_id, s.essay_id, s.submission_id, COUNT(*) AS shared "  # noqa: S608 - no input
        f"FROM {bands} b JOIN {signatures} s ON s.id = b.signature_id "
        f"WHERE b.{quote('key')} IN ({', '.join(['%s'] * len(keys))}){only_essays}{bounds} "
        "GROUP BY b.signature_id, s.essay_id, s.submission_id ORDER BY shared DESC, b.signature_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, *bound_params, limit])
        rows = cursor.fetchall()
    return [Candidate(signature_id=r[0], essay_id=r[1], submission_id=r[2], bands=r[3]) for r in rows]


def last_signature_id() -> int:
    """The newest stored signature's id (0 when none): signatures are numbered as they are stored."""
    return TextSignature.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def signature_store(
    *, shingled: Shingled, essay: Any = None, submission: Any = None, replace: bool = True
) -> TextSignature:
    """Store (or replace) the signature of an essay or a submission, with its band keys.

    `replace=False` skips looking for an old signature, for an owner just created.
    """
    if (essay is None) == (submission is None):
        raise ValueError("A signature belongs to one essay or one submission.")
    if replace:
        signature_drop(essay=essay, submission=submission)
    minhash = shingled.minhash
    stored = TextSignature.objects.create(
        essay=essay,
        submission=submission,
        minhash=to_bytes(minhash),
        shingle_count=shingled.shingle_count,
        text_version=getattr(essay, "text_version", 0) or 0,
    )
    bands_insert(rows=[(key, stored.pk) for key in band_keys(minhash)])
    return stored


def bands_insert(*, rows: list[tuple[int, int]]) -> None:
    """(key, signature id) rows in one statement: a model instance per band costs more than the insert."""
    quote = connection.ops.quote_name
    table, key, owner = quote(SignatureBand._meta.db_table), quote("key"), quote("signature_id")
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({key}, {owner}) VALUES (%s, %s)", rows)  # noqa: S608 - no input


def signature_drop(*, essay: Any = None, submission: Any = None) -> int:
    """Take an essay's or a submission's signature out of the index. Returns how many were dropped."""
    owner = {"essay": essay} if essay is not None else {"submission": submission}
    dropped = 0
    for stored in TextSignature.objects.filter(**owner):
        keys = band_keys(from_bytes(stored.minhash))
        SignatureBand.objects.filter(key__in=keys, signature_id=stored.pk).delete()
        stored.delete()
        dropped += 1
    return dropped


def signature_move(*, submission: Any, essay: Any) -> None:
    """A submission became (or replaced the text of) an essay: its signature is now the essay's."""
    signature_drop(essay=essay)
    TextSignature.objects.filter(submission=submission).update(
        essay=essay, submission=None, text_version=essay.text_version
    )


def exclusive_check() -> None:
    """Within the current transaction, wait for any other originality check-and-store to finish.

    Two copies of one text uploaded at the same moment would otherwise each be checked before
    the other's signature is stored. SQLite already runs one writing transaction at a time.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exclusive_check() must run inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
