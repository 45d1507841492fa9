"""Recomputing every related list of a level at once, from the essays' text.

The level's essays are read once, in order of subject and section, into a sparse term-count
matrix; document frequencies come from it, then one signature per essay. Similarities are
only ever computed within a candidate pool — the section, and for the essays whose section
does not give a full list, the subject and then the level — so the cost grows with the size
of the pools, never with the square of the library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from django.db import transaction
from django.db.models import Subquery
from more_itertools import chunked
from scipy import sparse

from redink.catalogue.models import Essay

from .models import RelatedCards, RelatedEssay, RelatedSignature
from .ranking import LEVEL, MIN_SIMILARITY, RELATED_LIMIT, SECTION, SUBJECT, Choice, best_in_tier
from .signatures import MIN_DOCUMENTS, signature_matrix, signature_rows
from .snippets import best_snippet
from .sources import Source, load_sources
from .store import Entry, store_level_terms, store_lists, store_signatures
from .text import term_counts

Advance = Callable[[float], None]
READ_CHUNK = 1000
WIDE_CHUNK = 256
SIGNATURE_BLOCK = 4096


@dataclass(frozen=True)
class LevelTexts:
    """A level's published essays (ordered by subject, section, id) and their term counts."""

    essay_ids: np.ndarray
    section_ids: np.ndarray
    subject_ids: np.ndarray
    counts: sparse.csr_matrix  # one row per essay, one column per term, terms in alphabetical order
    terms: list[str]
    documents: np.ndarray  # per term: how many of the essays use it

    def __len__(self) -> int:
        return len(self.essay_ids)


def _no_progress(done: float) -> None:
    pass


def read_level(*, level_id: int, advance: Advance = _no_progress) -> LevelTexts:
    rows = (
        Essay.objects.published()
        .filter(level_id=level_id)
        .order_by("subject_id", "section_id", "pk")
        .values_list("pk", "section_id", "subject_id", "title", "body")
    )
    vocabulary: dict[str, int] = {}
    ids, sections, subjects, term_ids, term_counts_, lengths = [], [], [], [], [], []
    for n, (pk, section_id, subject_id, title, body) in enumerate(rows.iterator(chunk_size=READ_CHUNK), start=1):
        counts = term_counts(f"{title}\n{body}")
        ids.append(pk)
        sections.append(section_id)
        subjects.append(subject_id)
        term_ids.append(np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in counts), np.int32, len(counts)))
        term_counts_.append(np.fromiter(counts.values(), np.float32, len(counts)))
        lengths.append(len(counts))
        if n % READ_CHUNK == 0:
            advance(READ_CHUNK / 2)
    advance(len(ids) % READ_CHUNK / 2)
    terms = sorted(vocabulary)
    alphabetical = np.empty(len(terms), dtype=np.int32)
    alphabetical[[vocabulary[t] for t in terms]] = np.arange(len(terms), dtype=np.int32)
    columns = alphabetical[np.concatenate(term_ids)] if term_ids else np.zeros(0, dtype=np.int32)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    data = np.concatenate(term_counts_) if term_counts_ else np.zeros(0, dtype=np.float32)
    matrix = sparse.csr_matrix((data, columns, indptr), shape=(len(ids), max(len(terms), 1)))
    return LevelTexts(
        essay_ids=np.array(ids, dtype=np.int64),
        section_ids=np.array(sections, dtype=np.int64),
        subject_ids=np.array(subjects, dtype=np.int64),
        counts=matrix,
        terms=terms,
        documents=np.bincount(columns, minlength=len(terms)),
    )


def _blocks(keys: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal keys."""
    if not len(keys):
        return []
    cuts = (np.flatnonzero(np.diff(keys)) + 1).tolist()
    return list(pairwise([0, *cuts, len(keys)]))


def _strong(product: sparse.spmatrix) -> sparse.csr_matrix:
    """A similarity matrix with the entries too weak to count dropped."""
    product = product.tocsr()
    product.data[product.data < MIN_SIMILARITY] = 0
    product.eliminate_zeros()
    return product


def choose_lists(texts: LevelTexts, signatures: sparse.csr_matrix) -> list[list[Choice]]:
    """Every essay's related list, as choices, in the order of `texts`."""
    ids = texts.essay_ids
    chosen: list[list[Choice]] = [[] for _ in range(len(ids))]
    section_of = np.zeros((len(ids), 2), dtype=np.int64)
    subject_of = np.zeros((len(ids), 2), dtype=np.int64)
    for start, end in _blocks(texts.section_ids):
        section_of[start:end] = (start, end)
        block = signatures[start:end]
        product = _strong(block @ block.T)
        for i in range(end - start):
            cols = product.indices[product.indptr[i] : product.indptr[i + 1]]
            vals = product.data[product.indptr[i] : product.indptr[i + 1]]
            others = cols != i
            chosen[start + i] = best_in_tier(
                tier=SECTION, scores=vals[others], essay_ids=ids[start + cols[others]], limit=RELATED_LIMIT
            )
    for start, end in _blocks(texts.subject_ids):
        subject_of[start:end] = (start, end)
        _widen(chosen, signatures, ids, rows=range(start, end), pool=(start, end), inner=section_of, tier=SUBJECT)
    _widen(chosen, signatures, ids, rows=range(len(ids)), pool=(0, len(ids)), inner=subject_of, tier=LEVEL)
    return chosen


def _widen(
    chosen: list[list[Choice]],
    signatures: sparse.csr_matrix,
    ids: np.ndarray,
    *,
    rows: range,
    pool: tuple[int, int],
    inner: np.ndarray,
    tier: int,
) -> None:
    """Fill the lists of `rows` that are short from the pool, outside each row's own inner block."""
    short = [r for r in rows if len(chosen[r]) < RELATED_LIMIT]
    low, high = pool
    for chunk in chunked(short, WIDE_CHUNK):
        product = _strong(signatures[chunk] @ signatures[low:high].T)
        for k, r in enumerate(chunk):
            cols = low + product.indices[product.indptr[k] : product.indptr[k + 1]]
            vals = product.data[product.indptr[k] : product.indptr[k + 1]]
            outside = (cols < inner[r, 0]) | (cols >= inner[r, 1])
            chosen[r] += best_in_tier(
                tier=tier, scores=vals[outside], essay_ids=ids[cols[outside]], limit=RELATED_LIMIT - len(chosen[r])
            )


def level_signatures(texts: LevelTexts) -> sparse.csr_matrix:
    """Every essay's signature, a block of rows at a time (the sort behind it needs memory in
    proportion to what it sorts)."""
    documents = texts.documents.astype(np.float64)
    blocks = [
        signature_matrix(texts.counts[start : start + SIGNATURE_BLOCK], documents=documents, total=len(texts))
        for start in range(0, len(texts), SIGNATURE_BLOCK)
    ]
    if not blocks:
        return sparse.csr_matrix(texts.counts.shape)
    return sparse.vstack(blocks, format="csr")


def rebuild_level(*, level_id: int, advance: Advance = _no_progress) -> int:
    """Recompute the signatures, term statistics and related lists of one level. Returns the essays done."""
    texts = read_level(level_id=level_id, advance=advance)
    signatures = level_signatures(texts)
    chosen = choose_lists(texts, signatures)
    for start, end in _blocks(texts.section_ids):
        weights = signature_rows(signatures[start:end], texts.terms)
        sources: dict[int, Source] = {}
        load_sources({c.related_id for r in range(start, end) for c in chosen[r]}, sources)
        lists = {}
        for r in range(start, end):
            lists[int(texts.essay_ids[r])] = [
                Entry(
                    choice=choice,
                    snippet=best_snippet(sources[choice.related_id].free, weights=weights[r - start]),
                    facts=sources[choice.related_id].facts,
                )
                for choice in chosen[r]
            ]
        with transaction.atomic():
            store_signatures(dict(zip(texts.essay_ids[start:end].tolist(), weights, strict=True)))
            store_lists(lists)
        advance((end - start) / 2)
    store_level_terms(
        level_id=level_id,
        documents=len(texts),
        terms=((t, int(n)) for t, n in zip(texts.terms, texts.documents, strict=True) if n >= MIN_DOCUMENTS),
    )
    gone = Subquery(Essay.objects.filter(level_id=level_id).exclude(status=Essay.Status.PUBLISHED).values("pk"))
    RelatedEssay.objects.filter(essay_id__in=gone).delete()
    RelatedCards.objects.filter(essay_id__in=gone).delete()
    RelatedSignature.objects.filter(essay_id__in=gone).delete()
    return len(texts)
