"""The essay listing: the browse pages' scopes, filters and sorts, walked with cursors."""

from __future__ import annotations

import pytest

from redink.catalogue.models import Essay
from redink.testing.factories import make_essay

from .helpers import get_json

pytestmark = pytest.mark.django_db


def walk(client, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    slugs: list[str] = []
    status, page, _ = get_json(client, f"/essays/?{query}")
    while True:
        assert status == 200
        slugs += [item["slug"] for item in page["items"]]
        if not page["next"]:
            return slugs
        status, page, _ = get_json(client, page["next"].split("/api/v1", 1)[1])


@pytest.mark.parametrize("sort", ["newest", "most-read", "best-rated"])
def test_cursors_walk_every_published_essay_once_in_the_listings_order(client, section, sort):
    essays = [make_essay(section=section, reading_count=n % 3) for n in range(7)]
    make_essay(section=section, status=Essay.Status.PENDING)
    Essay.objects.filter(pk=essays[2].pk).update(published_at=None)  # no date: last, on every database
    walked = walk(client, f"sort={sort}&limit=2")
    from redink.catalogue.models import SORTS

    expected = list(Essay.objects.published().order_by(*SORTS[sort][1]).values_list("slug", flat=True))
    dated = [slug for slug in expected if slug != essays[2].slug]
    assert walked == [*dated, essays[2].slug] if sort == "newest" else sorted(walked) == sorted(expected)
    assert len(walked) == len(set(walked)) == 7


def test_scopes_and_filters(client, section):
    other = make_essay(exam_board="OCR", year=2019)
    mine = make_essay(section=section, exam_board="AQA", year=2021, grade="A*")
    level, subject = section.subject.level.slug, section.subject.slug
    assert walk(client, f"level={level}") == [mine.slug]
    assert walk(client, f"level={level}&subject={subject}&section={section.slug}") == [mine.slug]
    assert walk(client, "exam_board=ocr") == [other.slug]
    assert walk(client, "year=2021&grade=a*") == [mine.slug]
    assert walk(client, f"subject={subject}") == [mine.slug]  # History at every level


def test_levels_subjects_and_sections_count_published_essays(client, essay):
    make_essay(section=essay.section, status=Essay.Status.PENDING)
    _, levels, _ = get_json(client, "/levels/")
    assert [(lv["slug"], lv["essay_count"]) for lv in levels] == [("gcse", 1)]
    _, subjects, _ = get_json(client, "/levels/gcse/subjects/")
    assert [(s["slug"], s["essay_count"]) for s in subjects] == [("history", 1)]
    _, sections, _ = get_json(client, "/levels/gcse/subjects/history/sections/")
    assert sections[0]["essay_count"] == 1 and sections[0]["url"] == essay.section.get_absolute_url()
