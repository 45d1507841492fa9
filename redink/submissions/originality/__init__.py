"""Originality: is a text a copy, or partly a copy, of an essay in the library or the review queue?

1. `shingles`: the text's 5-word shingles.
2. `minhash`: their MinHash signature (datasketch) and LSH band keys.
3. `index`: candidates, by one indexed query on the stored band keys (`SignatureBand`), so
   any process can ask and none holds the index in memory.
4. `compare`: the exact Jaccard similarity, containment both ways and shared passages of each
   candidate, and `verdict` of copy / partial copy against the thresholds in settings.
"""
