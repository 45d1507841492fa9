"""MinHash signatures (datasketch) of a text's shingles, and their LSH band keys.

64 permutations in 64 bands of one row: two texts are candidates when any one of their 64
minimum hashes agree, which happens with probability 1 - (1 - J)^64 for Jaccard similarity J:
0.995 at J = 0.08, the similarity of a typical "extracts" copy, so partial copies are found as
well as near-duplicates. Unrelated essays share almost no 5-word shingles (J ≈ 0.0005 at the
99th percentile of corpus pairs), so few false candidates reach the exact comparison, and the
candidates are ranked by how many bands they share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
ROWS_PER_BAND = 1
BANDS = NUM_PERM // ROWS_PER_BAND
SEED = 20240917
SCHEME = "affine32"
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
_PERMUTATIONS = _TEMPLATE.permutations


def _identity(value: int) -> int:
    return value


def minhash_of(hashes: Iterable[int]) -> MinHash:
    """The MinHash of a set of 32-bit shingle hashes (already hashed, so datasketch hashes nothing again)."""
    signature = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=_identity, permutations=_PERMUTATIONS)
    signature.update_batch(hashes)
    return signature


def to_bytes(signature: MinHash) -> bytes:
    return np.asarray(signature.hashvalues, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(bytes(data), dtype="<u4")
    return MinHash(seed=SEED, scheme=SCHEME, hashvalues=values, permutations=_PERMUTATIONS)


def band_keys(signature: MinHash) -> list[int]:
    """One key per band: the band's number and its rows' hash values, packed into a signed 64-bit integer."""
    values = np.asarray(signature.hashvalues, dtype=np.uint64)
    if ROWS_PER_BAND == 1:
        return [(band << 32) | int(value) for band, value in enumerate(values)]
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND].tobytes()
        digest = int.from_bytes(hashlib.blake2b(rows, digest_size=6).digest(), "big")
        keys.append((band << 48) | digest)
    return keys
