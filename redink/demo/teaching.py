"""The demo's marking: assessment objectives for every demo subject, verified teachers, their
published reviews with marks per objective, and the demo teacher's comment bank.

All of it is data (objectives.toml, teachers.toml, reviews/<essay slug>.toml), written through
the marking services, so each essay's rating and "marked by a teacher" are derived as they are
for any review. Loading again changes nothing: objectives and bands are brought in line with
the files, and a teacher's review or bank comment is added only while it is missing, so one a
teacher has edited since (or a moderator has hidden) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from redink.catalogue.models import Essay, Subject
from redink.marking.models import AssessmentObjective, BankComment, MarkBand, Review
from redink.marking.services import ReviewInput, bank_comment_add, essay_rating_refresh, objectives_for, review_save

DEMO_DIR = Path(__file__).resolve().parent
REVIEW_DIR = DEMO_DIR / "reviews"
# The key of the demo teacher account in teachers.toml and in reviews' `teacher`.
DEMO_TEACHER = "demo"


class DemoMarkingError(ValueError):
    pass


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise DemoMarkingError(f"{path.name}: {exc}") from exc


@cache
def teachers_data() -> dict[str, dict[str, Any]]:
    return _read(DEMO_DIR / "teachers.toml")["teacher"]


def demo_reviews() -> dict[str, list[dict[str, Any]]]:
    """The reviews of each demo essay, by the essay's slug."""
    return {path.stem: _read(path).get("review", []) for path in sorted(REVIEW_DIR.glob("*.toml"))}


# --- Objectives ------------------------------------------------------------------------------


def objectives_load() -> int:
    """Create or update the objectives (and their bands) of every demo subject; returns how many."""
    count = 0
    for scheme in _read(DEMO_DIR / "objectives.toml")["scheme"]:
        for name in scheme["subjects"]:
            subject = _subject(name)
            for position, item in enumerate(scheme["objective"]):
                objective, _ = AssessmentObjective.objects.update_or_create(
                    subject=subject,
                    code=item["code"],
                    defaults={"title": item["title"], "max_marks": item["marks"], "position": position},
                )
                _bands_load(objective, item["bands"])
                count += 1
    return count


def _subject(name: str) -> Subject:
    level, _, subject = (part.strip() for part in name.partition("/"))
    found = Subject.objects.filter(level__name=level, name=subject).first()
    if found is None:
        raise DemoMarkingError(f"objectives.toml: no demo subject {name!r}")
    return found


def _bands_load(objective: AssessmentObjective, bands: list[dict[str, Any]]) -> None:
    for band in bands:
        if not 0 <= band["low"] <= band["high"] <= objective.max_marks:
            raise DemoMarkingError(f"objectives.toml: {objective.code} band {band['label']!r} is out of range")
        MarkBand.objects.update_or_create(
            objective=objective,
            label=band["label"],
            defaults={"low": band["low"], "high": band["high"], "descriptor": band["descriptor"]},
        )
    objective.bands.exclude(label__in=[band["label"] for band in bands]).delete()


# --- Teachers and their reviews ----------------------------------------------------------------


def _library_teacher(key: str):
    """A demo teacher nobody logs in as (like the demo authors): verified, with no password."""
    data = teachers_data()[key]
    User = get_user_model()
    user, created = User.objects.get_or_create(email=data["email"], defaults={"display_name": data["name"]})
    if created:
        user.set_unusable_password()
    if created or not user.is_verified_teacher:
        user.is_verified_teacher = True
        user.save()
    return user


def reviews_load(*, teacher_key: str | None = None, teacher: Any = None) -> int:
    """Publish the demo reviews still missing: those of the library's own teachers, or (with
    `teacher`) those written under `teacher_key` by that account. Returns how many were added."""
    added = 0
    teachers: dict[str, Any] = {}
    essays = Essay.objects.published().in_bulk(list(demo_reviews()), field_name="slug")
    for slug, reviews in demo_reviews().items():
        essay = essays.get(slug)
        if essay is None:
            raise DemoMarkingError(f"reviews/{slug}.toml: no published demo essay {slug!r}")
        for item in reviews:
            key = item["teacher"]
            wanted = key == teacher_key if teacher_key else key != DEMO_TEACHER
            if not wanted:
                continue
            if key not in teachers:
                teachers[key] = teacher if teacher_key else _library_teacher(key)
            added += _review_add(essay=essay, teacher=teachers[key], item=item, slug=slug)
    return added


def _review_add(*, essay: Essay, teacher: Any, item: dict[str, Any], slug: str) -> int:
    if Review.objects.filter(essay=essay, teacher=teacher).exists():
        return 0
    codes = {objective.code: objective.pk for objective in objectives_for(essay=essay)}
    unknown = set(item.get("marks", {})) - set(codes)
    if unknown:
        raise DemoMarkingError(f"reviews/{slug}.toml: {', '.join(sorted(unknown))} not objectives of this essay")
    data = ReviewInput(
        stars=item["stars"],
        strengths=item["strengths"],
        next_steps=item["next_steps"],
        overall=item.get("overall", ""),
        marks={codes[code]: value for code, value in item.get("marks", {}).items()},
    )
    review = review_save(essay=essay, teacher=teacher, data=data, publish=True)
    # Dated as the file says, so the demo's reviews read as written over the years.
    written = timezone.make_aware(dt.datetime.combine(item["reviewed"], dt.time(16, 0)))
    Review.objects.filter(pk=review.pk).update(created_at=written, published_at=written)
    return 1


def ratings_refresh(*, essay_ids: list[int]) -> None:
    """Derive these essays' ratings and "marked by a teacher" from their reviews (a database
    made before reviews had the flag set by hand)."""
    for essay_id in essay_ids:
        essay_rating_refresh(essay_id=essay_id)


# --- The demo teacher account ------------------------------------------------------------------


@transaction.atomic
def demo_teacher_load(*, teacher: Any) -> int:
    """The demo teacher account's comment bank and reviews; returns how many reviews were added."""
    kept = set(BankComment.objects.filter(teacher=teacher).values_list("text", flat=True))
    for comment in teachers_data()[DEMO_TEACHER].get("bank", []):
        if comment["text"] not in kept:
            bank_comment_add(teacher=teacher, text=comment["text"], objective_code=comment.get("objective", ""))
    return reviews_load(teacher_key=DEMO_TEACHER, teacher=teacher)
