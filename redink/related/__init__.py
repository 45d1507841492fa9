"""Related essays: "Related <level> <section> essays" under every essay ("More <level> <subject>
essays" or "More <level> essays" when the list reaches beyond the section).

Lists are precomputed (`RelatedEssay` rows, and their cards ready to show) by content similarity — the cosine of tf-idf
signatures of each essay's most distinctive terms — within the same section first, then the
subject, then the level. Snippets are cut from the related essay's free preview only, through
`access.visibility.essay_text_for`.

    rebuild.py    every list of a level at once (rebuild_related, and when statistics drift)
    refresh.py    the lists one essay's change affects (task enqueued on commit)
    ranking.py    tiers, the similarity threshold, the order of a list (pure)
    signatures.py tf-idf signatures and similarity (numpy/scipy)
    snippets.py   the passage of a free preview closest to the essay being read
    cards.py      each list's cards as the page shows them, one stored value per essay
    selectors.py  the block on the essay page: one value read by key
    bench.py      precision@8 against newest-in-section, rebuild and page timings
"""
