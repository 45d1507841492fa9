"""Signatures: each essay's most distinctive terms, tf-idf weighted, as unit-length sparse vectors.

Similarity is the cosine of two signatures ("more like this" over distinctive terms). Terms
that only one essay of the level uses are left out: they cannot relate it to any other, and
would only dilute the terms that can.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

SIGNATURE_TERMS = 64
MIN_DOCUMENTS = 2

Signature = dict[str, float]


def inverse_document_frequency(documents: np.ndarray, total: int) -> np.ndarray:
    return np.log((1.0 + total) / (1.0 + documents)) + 1.0


def signature_matrix(counts: sparse.csr_matrix, *, documents: np.ndarray, total: int) -> sparse.csr_matrix:
    """One signature per row of a term-count matrix whose columns are in alphabetical order.

    Weights are (1 + log tf) * idf; each row keeps its SIGNATURE_TERMS heaviest terms (ties to
    the alphabetically first, so the result never depends on the order essays were read in)
    and is scaled to unit length.
    """
    counts = counts.tocsr()
    counts.sort_indices()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    columns = counts.indices
    usable = documents[columns] >= MIN_DOCUMENTS
    weights = np.where(usable, (1.0 + np.log(counts.data)) * inverse_document_frequency(documents[columns], total), 0)
    order = np.lexsort((columns, -weights, rows))
    rows, columns, weights = rows[order], columns[order], weights[order]
    place = np.arange(len(rows)) - counts.indptr[rows]
    keep = (place < SIGNATURE_TERMS) & (weights > 0)
    rows, columns, weights = rows[keep], columns[keep], weights[keep]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=counts.shape[0]))
    weights = weights / norms[rows]
    result = sparse.csr_matrix((weights, (rows, columns)), shape=counts.shape)
    result.sort_indices()
    return result


def signature_of(counts: Mapping[str, int], *, documents: Mapping[str, int], total: int) -> Signature:
    """One essay's signature, from its term counts and the level's document frequencies."""
    terms = sorted(counts)
    if not terms:
        return {}
    row = sparse.csr_matrix(
        (np.array([counts[t] for t in terms], dtype=np.float64), np.arange(len(terms)), [0, len(terms)]),
        shape=(1, len(terms)),
    )
    frequencies = np.array([documents.get(t, 0) for t in terms], dtype=np.float64)
    vector = signature_matrix(row, documents=frequencies, total=total)
    return {terms[c]: float(w) for c, w in zip(vector.indices, vector.data, strict=True)}


def signature_rows(matrix: sparse.csr_matrix, terms: Sequence[str]) -> list[Signature]:
    """Each row of a signature matrix as a {term: weight} dict, for storing."""
    out = []
    for i in range(matrix.shape[0]):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        out.append(
            {
                terms[c]: round(float(w), 6)
                for c, w in zip(matrix.indices[start:end], matrix.data[start:end], strict=True)
            }
        )
    return out


@dataclass(frozen=True)
class SignaturePool:
    """Stored signatures of some essays, as a matrix, to score one signature against all of them."""

    essay_ids: np.ndarray
    section_ids: np.ndarray
    subject_ids: np.ndarray
    matrix: sparse.csr_matrix
    vocabulary: dict[str, int]
    signatures: list[Signature]

    @classmethod
    def build(cls, rows: Sequence[tuple[int, int, int, Signature]]) -> SignaturePool:
        vocabulary: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for _, _, _, signature in rows:
            for term, weight in signature.items():
                indices.append(vocabulary.setdefault(term, len(vocabulary)))
                data.append(weight)
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(rows), max(len(vocabulary), 1)),
        )
        return cls(
            essay_ids=np.array([r[0] for r in rows], dtype=np.int64),
            section_ids=np.array([r[1] for r in rows], dtype=np.int64),
            subject_ids=np.array([r[2] for r in rows], dtype=np.int64),
            matrix=matrix,
            vocabulary=vocabulary,
            signatures=[r[3] for r in rows],
        )

    def __len__(self) -> int:
        return len(self.essay_ids)

    def similarities(self, signature: Signature) -> np.ndarray:
        vector = np.zeros(self.matrix.shape[1])
        for term, weight in signature.items():
            column = self.vocabulary.get(term)
            if column is not None:
                vector[column] = weight
        return np.asarray(self.matrix @ vector)


def cosine(a: Signature, b: Signature) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())
