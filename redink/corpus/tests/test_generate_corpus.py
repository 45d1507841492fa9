from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from redink.catalogue.models import Essay, Section
from redink.catalogue.services import essay_set_text
from redink.corpus.models import CorpusEssay
from redink.corpus.writer import LABEL_COLUMNS

ESSAYS = 100  # the fewest with a copy of every kind


def generate(**options: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_corpus", stdout=out, stderr=err, **{"essays": ESSAYS, "workers": 1, **options})
    return out.getvalue(), err.getvalue()


def read_files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.django_db
class TestDatabase:
    def test_publishes_every_essay_with_its_label(self, client) -> None:
        out, err = generate(seed=5)
        assert f"Wrote {ESSAYS:,} essays (seed 5)" in out
        assert "essays/s" in err
        essays = Essay.objects.published().select_related("section__subject", "corpus_label")
        assert essays.count() == ESSAYS == CorpusEssay.objects.filter(seed=5).count()
        assert sorted(e.corpus_label.index for e in essays) == list(range(ESSAYS))
        for essay in essays:
            assert essay.slug.startswith(f"corpus-5-{essay.corpus_label.index}-")
            assert essay.author is None and essay.text_version == 1
            assert essay.subject_id == essay.section.subject_id and essay.level_id == essay.section.subject.level_id
            assert essay.word_count == len(essay.body.split())
        # The stored previews are exactly what the catalogue computes when an essay's text is set.
        sample = essays.get(corpus_label__index=7)
        again = essay_set_text(essay=Essay(), text=sample.body)
        assert (sample.preview_lead, sample.preview_extracts) == (again.preview_lead, again.preview_extracts)
        assert sample.preview_lead["blocks"] and sample.preview_extracts["blocks"]
        # Published over recent years, in corpus order.
        dates = [e.published_at for e in sorted(essays, key=lambda e: e.corpus_label.index)]
        assert dates == sorted(dates) and dates[0].year >= 2021 and dates[-1].year <= 2025
        # The catalogue can show them.
        page = client.get(sample.get_absolute_url())
        assert page.status_code == 200 and sample.title in page.content.decode()

    def test_copies_are_labelled_with_their_sources(self) -> None:
        generate(seed=5, quiet=True)
        copies = CorpusEssay.objects.exclude(copy_kind="").select_related("essay", "copy_of", "copy_of_second")
        assert {c.copy_kind for c in copies} == {"exact", "edited", "first_half", "extracts", "interleaved"}
        for copy in copies:
            assert copy.copy_of is not None
            source = copy.copy_of.corpus_label
            assert source.copy_kind == "" and source.index < copy.index
            if copy.copy_kind == "exact":
                assert copy.essay.body == copy.copy_of.body
            if copy.copy_kind == "first_half":
                assert copy.copy_of.body.startswith(copy.essay.body) and copy.essay.body != copy.copy_of.body
            if copy.copy_kind == "interleaved":
                assert copy.copy_of_second is not None
                sources = copy.copy_of.paragraphs + copy.copy_of_second.paragraphs
                assert all(p in sources for p in copy.essay.paragraphs)
            else:
                assert copy.copy_of_second is None

    def test_sections_mix_topics(self) -> None:
        generate(seed=5, quiet=True)
        topics_by_section: dict[int, set[int]] = defaultdict(set)
        sections_by_topic: dict[int, set[int]] = defaultdict(set)
        for label in CorpusEssay.objects.select_related("essay"):
            topics_by_section[label.essay.section_id].add(label.topic)
            sections_by_topic[label.topic].add(label.essay.section_id)
        assert len(topics_by_section) >= 3
        assert all(len(topics) >= 2 for topics in topics_by_section.values())
        assert all(len(sections) <= 2 for sections in sections_by_topic.values())
        assert any(len(sections) == 2 for sections in sections_by_topic.values())
        assert Section.objects.filter(id__in=topics_by_section).count() == len(topics_by_section)

    def test_running_again_with_the_same_seed_duplicates_nothing(self) -> None:
        generate(seed=5, quiet=True)
        with pytest.raises(CommandError, match="seed 5 already has 100 essays"):
            generate(seed=5, quiet=True)
        assert Essay.objects.count() == ESSAYS
        generate(seed=6, essays=20, quiet=True)  # another seed is another corpus
        assert Essay.objects.count() == ESSAYS + 20
        sections = Section.objects.count()

        out, _ = generate(seed=5, delete=True, quiet=True)
        assert "Removed 100 essays" in out
        assert Essay.objects.count() == 20 and not CorpusEssay.objects.filter(seed=5).exists()
        generate(seed=5, quiet=True)
        assert Essay.objects.count() == ESSAYS + 20
        assert Section.objects.count() == sections  # the same taxonomy, found again

    def test_database_text_matches_the_files(self, tmp_path: Path) -> None:
        generate(seed=5, quiet=True)
        generate(seed=5, out=tmp_path, quiet=True)
        for label in CorpusEssay.objects.filter(index__in=[0, 33, ESSAYS - 1]).select_related("essay"):
            text = (tmp_path / "essays" / f"{label.index}.txt").read_text(encoding="utf-8")
            assert text == f"{label.essay.title}\n\n{label.essay.body}\n"


class TestFiles:
    def test_writes_essays_and_labels(self, tmp_path: Path) -> None:
        out, err = generate(seed=5, out=tmp_path, quiet=True)
        assert err == ""
        assert str(tmp_path) in out
        files = sorted((tmp_path / "essays").iterdir())
        assert len(files) == ESSAYS
        title, blank, *paragraphs = (tmp_path / "essays" / "0.txt").read_text(encoding="utf-8").split("\n")
        assert title and blank == "" and paragraphs[-1] == ""
        text = "\n".join(paragraphs).strip()
        assert 5 <= len(text.split("\n\n")) <= 12
        with (tmp_path / "labels.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert tuple(rows[0]) == LABEL_COLUMNS
        assert [int(r["index"]) for r in rows] == list(range(ESSAYS))
        assert rows[0]["title"] == title and rows[0]["slug"].startswith("corpus-5-0-")
        copies = [r for r in rows if r["copy_kind"]]
        assert copies and all(int(r["copy_of_index"]) < int(r["index"]) for r in copies)
        assert all(bool(r["copy_of_second_index"]) == (r["copy_kind"] == "interleaved") for r in rows)
        assert all(r["level"] and r["subject"] and r["section"] and r["topic"].isdigit() for r in rows)

    def test_same_seed_gives_identical_bytes_whatever_the_workers(self, tmp_path: Path) -> None:
        generate(seed=5, out=tmp_path / "a", quiet=True)
        generate(seed=5, out=tmp_path / "b", quiet=True, workers=2, batch_size=25)
        generate(seed=6, out=tmp_path / "c", quiet=True)
        first, second, other = (read_files(tmp_path / name) for name in "abc")
        assert first == second
        assert first.keys() == other.keys()
        assert all(first[name] != other[name] for name in first)

    def test_refuses_a_directory_that_already_holds_a_corpus(self, tmp_path: Path) -> None:
        generate(seed=5, out=tmp_path, essays=10, quiet=True)
        with pytest.raises(CommandError, match="already holds a corpus"):
            generate(seed=5, out=tmp_path, essays=10, quiet=True)

    def test_progress_line_unless_quiet(self, tmp_path: Path) -> None:
        _, err = generate(seed=5, out=tmp_path / "loud", essays=10)
        assert "Generating" in err and "10/10" in err and "essays/s" in err
        _, err = generate(seed=5, out=tmp_path / "quiet", essays=10, quiet=True)
        assert err == ""
