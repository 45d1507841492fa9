"""Duplicate and partial-copy detection: the exact measures, the LSH candidates, and what an upload of each
kind of copy made by the corpus generator gets (refused, or flagged with its scores)."""

from __future__ import annotations

import itertools

import pytest

from redink.catalogue.models import Essay
from redink.corpus.models import CorpusEssay
from redink.corpus.writer import corpus_write_database
from redink.submissions.models import OverlapMatch, SignatureBand, Submission, TextSignature
from redink.submissions.originality.compare import compare
from redink.submissions.originality.highlight import highlight
from redink.submissions.originality.index import candidates, signature_drop, signature_store
from redink.submissions.originality.matching import Thresholds, find_matches
from redink.submissions.originality.minhash import BANDS, band_keys, from_bytes, minhash_of, to_bytes
from redink.submissions.originality.rebuild import signatures_rebuild
from redink.submissions.originality.shingles import shingle
from redink.testing.factories import make_essay

THRESHOLDS = Thresholds(copy_jaccard=0.9, partial_containment=0.3, partial_passage_words=40)

# What each kind of copy made by the corpus generator scores against its source: (low, high) ranges
# of Jaccard, of the copy's share found in the source, and of the source's share found in the copy.
EXPECTED = {
    "exact": {"jaccard": (0.99, 1.0), "containment": (0.99, 1.0), "containment_other": (0.99, 1.0)},
    "edited": {"jaccard": (0.3, 0.6), "containment": (0.45, 0.75), "containment_other": (0.45, 0.75)},
    "first_half": {"jaccard": (0.4, 0.6), "containment": (0.99, 1.0), "containment_other": (0.4, 0.6)},
    "extracts": {"jaccard": (0.03, 0.25), "containment": (0.05, 0.45), "containment_other": (0.05, 0.45)},
    "interleaved": {"jaccard": (0.15, 0.55), "containment": (0.25, 0.75), "containment_other": (0.25, 0.75)},
}
VERDICT = {
    "exact": "copy",
    "edited": "partial",
    "first_half": "partial",
    "extracts": "partial",
    "interleaved": "partial",
}


def verdict(overlap) -> str:  # type: ignore[no-untyped-def]
    return "copy" if THRESHOLDS.is_copy(overlap) else "partial" if THRESHOLDS.is_partial(overlap) else ""


def within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


class TestExactMeasures:
    def test_identical_disjoint_and_contained(self):
        text = " ".join(f"word{n}" for n in range(200))
        other = " ".join(f"other{n}" for n in range(200))
        same = compare(shingle(text), shingle(text))
        assert (same.jaccard, same.containment, same.containment_other) == (1.0, 1.0, 1.0)
        assert compare(shingle(text), shingle(other)).jaccard == 0.0
        half = " ".join(f"word{n}" for n in range(100))
        inside = compare(shingle(half), shingle(text))
        assert inside.containment == 1.0 and 0.45 < inside.containment_other < 0.5
        assert inside.passages[0].words == 100

    def test_small_edits_leave_one_passage(self):
        words = [f"w{n}" for n in range(120)]
        edited = list(words)
        for at in (30, 60, 90):
            edited[at] = "changed"
        overlap = compare(shingle(" ".join(edited)), shingle(" ".join(words)))
        assert len(overlap.passages) == 1 and overlap.longest_passage == 120

    def test_case_and_punctuation_do_not_hide_a_copy(self):
        original = "The Treaty of Versailles, signed in 1919, blamed Germany for the war. " * 20
        shouting = original.upper().replace(",", "").replace(".", "!")
        assert compare(shingle(shouting), shingle(original)).jaccard == 1.0

    def test_highlight_splits_paragraphs_and_numbers_passages(self):
        text = "Alpha beta gamma.\n\nDelta epsilon zeta."
        pieces = highlight(text, [(6, 24, 1)])
        assert [[(p.text, p.passage) for p in paragraph] for paragraph in pieces] == [
            [("Alpha ", None), ("beta gamma.", 1)],
            [("Delta", 1), (" epsilon zeta.", None)],
        ]

    def test_signatures_round_trip_and_bands(self):
        hashes = shingle(" ".join(f"w{n}" for n in range(300))).hash_set
        signature = minhash_of(hashes)
        assert len(band_keys(signature)) == BANDS
        assert band_keys(from_bytes(to_bytes(signature))) == band_keys(signature)
        assert band_keys(minhash_of(hashes)) == band_keys(signature)  # the same in every process


class TestCorpusCopies:
    """Every kind of copy the corpus generator makes, scored against its source."""

    @pytest.mark.parametrize("kind", sorted(EXPECTED))
    def test_scores_and_verdict(self, drafts, kind):
        copies = [d for d in drafts if d.plan.copy_kind == kind]
        assert copies, f"the corpus has no {kind} copy"
        for copy in copies:
            sources = [copy.plan.copy_of] + ([copy.plan.copy_of_second] if copy.plan.copy_of_second else [])
            for source in sources:
                overlap = compare(shingle(copy.body), shingle(drafts[source].body))
                for measure, bounds in EXPECTED[kind].items():
                    assert within(getattr(overlap, measure), bounds), f"{kind}: {measure} {getattr(overlap, measure)}"
                assert verdict(overlap) == VERDICT[kind], (kind, overlap.jaccard, overlap.containment_max)
                # The copied passages are found, and shown as long passages.
                assert overlap.longest_passage >= 60
                # MinHash LSH makes the source a candidate: at least one band in common.
                shared = set(band_keys(minhash_of(shingle(copy.body).hash_set))) & set(
                    band_keys(minhash_of(shingle(drafts[source].body).hash_set))
                )
                assert shared

    def test_unrelated_essays_are_neither(self, originals):
        for first, second in itertools.pairwise(originals[:31]):
            overlap = compare(shingle(first.body), shingle(second.body))
            assert verdict(overlap) == "" and overlap.jaccard < 0.02 and not overlap.passages


@pytest.mark.django_db
class TestIndex:
    def test_candidates_come_from_stored_bands_and_leave_with_them(self, originals):
        essay = make_essay(text=originals[0].body)
        signature_store(shingled=shingle(essay.body), essay=essay)
        assert SignatureBand.objects.count() == BANDS
        found = candidates(shingled=shingle(originals[0].body), limit=5)
        assert [(c.essay_id, c.bands) for c in found] == [(essay.pk, BANDS)]
        assert candidates(shingled=shingle(originals[1].body), limit=5) == []
        signature_drop(essay=essay)
        assert not SignatureBand.objects.exists() and not TextSignature.objects.exists()
        assert candidates(shingled=shingle(originals[0].body), limit=5) == []

    def test_the_whole_generated_library(self, corpus, drafts):
        """A library written straight to the database, its index rebuilt from the texts: every copy finds
        its source with the expected verdict, whatever else is in the library."""
        corpus_write_database(corpus=corpus, batch_size=200)
        assert signatures_rebuild() == Essay.objects.published().count() == len(drafts)
        labels = CorpusEssay.objects.filter(seed=corpus.seed).exclude(copy_kind="").select_related("essay")
        assert {label.copy_kind for label in labels} == set(EXPECTED)
        for label in labels:
            matches = find_matches(shingled=shingle(label.essay.body), exclude_essays={label.essay_id})
            by_essay = {m.essay.pk: m for m in matches if m.essay is not None}
            assert label.copy_of_id in by_essay, f"{label.copy_kind} copy did not find its source"
            match = by_essay[label.copy_of_id]
            expected = VERDICT[label.copy_kind]
            assert (match.is_copy, match.is_partial) == (expected == "copy", expected == "partial")
            # Nothing unrelated is reported.
            related = {label.copy_of_id, label.copy_of_second_id}
            copies_of_same = set(
                CorpusEssay.objects.filter(copy_of_id__in=related - {None}).values_list("essay_id", flat=True)
            )
            sources_of_copies = set(
                CorpusEssay.objects.filter(essay_id__in=related - {None}).values_list("copy_of_id", flat=True)
            )
            assert set(by_essay) <= related | copies_of_same | sources_of_copies


@pytest.mark.django_db
class TestUploadsOfCopies:
    """Through the upload pipeline: sources published, copies uploaded as files."""

    @pytest.fixture
    def library(self, drafts, section):  # type: ignore[no-untyped-def]
        used = {d.plan.copy_of for d in drafts if d.plan.copy_kind} | {
            d.plan.copy_of_second for d in drafts if d.plan.copy_of_second is not None
        }
        essays = {}
        for index in sorted(used):
            essays[index] = make_essay(title=drafts[index].title, text=drafts[index].body, section=section)
            signature_store(shingled=shingle(essays[index].body), essay=essays[index])
        return essays

    @pytest.mark.parametrize("kind", sorted(EXPECTED))
    def test_each_kind(self, kind, drafts, library, contributor, section, mailoutbox):
        from .helpers import upload_document

        copy = next(d for d in drafts if d.plan.copy_kind == kind)
        submission = upload_document(
            contributor=contributor, section=section, paragraphs=copy.paragraphs, fmt="docx", title=copy.title
        )
        source = library[copy.plan.copy_of]
        match = OverlapMatch.objects.get(submission=submission, essay=source)
        for measure, bounds in EXPECTED[kind].items():
            assert within(getattr(match, measure), bounds), (kind, measure, getattr(match, measure))
        if kind == "exact":
            assert submission.status == Submission.Status.REJECTED
            assert submission.rejection_reason == Submission.RejectionReason.COPY
            assert submission.rejection_note == f"It is a copy of “{source.title}”, which is already in the library."
            assert not TextSignature.objects.filter(submission=submission).exists()
            assert mailoutbox[-1].subject == f"Your upload “{copy.title}” was not published"
        else:
            assert submission.status == Submission.Status.IN_REVIEW
            assert submission.is_flagged and match.is_partial and match.longest_passage_words >= 40
            assert TextSignature.objects.filter(submission=submission).exists()  # the queue is covered
            assert not mailoutbox
        if kind == "interleaved":
            second = library[copy.plan.copy_of_second]
            assert OverlapMatch.objects.get(submission=submission, essay=second).is_partial
