"""The demo library: original sample essays shipped with Redink, and the demo accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from redink.access.models import Entitlement
from redink.catalogue.models import Essay, Level, Subject
from redink.catalogue.services import (
    essay_changed,
    essay_create,
    essay_set_text,
    essay_text_saved,
    taxonomy_get_or_create,
)

from . import comments, teaching

ESSAY_DIR = Path(__file__).resolve().parent / "essays"
LEVEL_ORDER = ["GCSE", "AS and A Level", "International Baccalaureate", "University Degree"]
# Other names a search may call the demo's levels by (Level.aliases).
LEVEL_ALIASES = {
    "GCSE": "IGCSE",
    "AS and A Level": "A Level, AS Level, AS, A2",
    "International Baccalaureate": "IB, IB Diploma",
    "University Degree": "Undergraduate, University",
}
SUBJECT_ALIASES = {
    "English Literature": "English Lit, English",
    "Theory of Knowledge": "TOK",
    "Business": "Business Studies",
}
DEMO_PASSWORD = "redink-demo"  # noqa: S105 - only ever set in demo mode (DEBUG on)


class DemoFileError(ValueError):
    pass


@dataclass
class DemoEssay:
    slug: str
    headers: dict[str, str]
    text: str
    extra: dict[str, object] = field(default_factory=dict)


def parse_demo_file(path: Path) -> DemoEssay:
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise DemoFileError(f"{path.name}: no '---' line between header and text")
    headers: dict[str, str] = {}
    for line in head.splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
    missing = {"title", "level", "subject", "section", "author", "published"} - headers.keys()
    if missing:
        raise DemoFileError(f"{path.name}: missing {', '.join(sorted(missing))}")
    if "teacher_marked" in headers:
        raise DemoFileError(
            f"{path.name}: 'marked by a teacher' comes from published reviews now; "
            f"write the essay's reviews in reviews/{path.stem}.toml instead of teacher_marked"
        )
    return DemoEssay(slug=path.stem, headers=headers, text=body.strip())


def demo_essays() -> list[DemoEssay]:
    return [parse_demo_file(p) for p in sorted(ESSAY_DIR.glob("*.txt"))]


def _demo_author(name: str):
    User = get_user_model()
    email = f"{slugify(name) or 'author'}@authors.redink.invalid"
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not user.profile_public:  # the demo's authors are made up: their author pages are public
        user.profile_public = True
        user.save(update_fields=["profile_public"])
    return user


@transaction.atomic
def load_demo_library() -> tuple[int, int]:
    """Create or update every demo essay, the objectives its subject is marked against and the
    reviews of the demo's own teachers. Returns (created, updated); idempotent."""
    created = updated = 0
    for position, name in enumerate(LEVEL_ORDER):
        Level.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "position": position, "aliases": LEVEL_ALIASES[name]}
        )
    items = demo_essays()
    slugs = [item.slug for item in items]
    for item in items:
        h = item.headers
        section = taxonomy_get_or_create(level=h["level"], subject=h["subject"], section=h["section"])
        published = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(h["published"]), dt.time(9, 0)))
        metadata = {
            "exam_board": h.get("exam_board", ""),
            "year": int(h["year"]) if h.get("year") else None,
            "grade": h.get("grade", ""),
            "preview_style": h.get("preview_style", ""),
        }
        essay = Essay.objects.filter(slug=item.slug).first()
        if essay is None:
            essay_create(
                title=h["title"],
                text=item.text,
                section=section,
                author=_demo_author(h["author"]),
                slug=item.slug,
                status=Essay.Status.PUBLISHED,
                published_at=published,
                **metadata,
            )
            created += 1
        else:
            essay_set_text(essay=essay, text=item.text)
            for key, value in metadata.items():
                setattr(essay, key, value)
            essay.title = h["title"]
            essay.save()
            essay_text_saved(essay=essay)
            essay_changed(essay_id=essay.pk)
            updated += 1
        _seed_readings(slug=item.slug, headers=h)
    for subject, aliases in SUBJECT_ALIASES.items():
        Subject.objects.filter(name=subject).update(aliases=aliases)
    teaching.objectives_load()
    teaching.reviews_load()
    comments.comments_load()
    teaching.ratings_refresh(essay_ids=list(Essay.objects.filter(slug__in=slugs).values_list("pk", flat=True)))
    return created, updated


def _seed_readings(*, slug: str, headers: dict[str, str]) -> None:
    """The demo's plausible reading count, so that "Most popular" is not "Recently added" again,
    set only while the essay has none: readings counted since (or set by hand) are never
    replaced, and loading the demo again changes nothing."""
    readings = int(headers.get("readings") or 0)
    if readings > 0:
        Essay.objects.filter(slug=slug, reading_count=0).update(reading_count=readings)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("member", "member@demo.redink.invalid", "Demo Member"),
    DemoAccount("student", "student@demo.redink.invalid", "Demo Student"),
    DemoAccount("teacher", "teacher@demo.redink.invalid", "Ms Demo Teacher"),
    DemoAccount("moderator", "moderator@demo.redink.invalid", "Demo Moderator"),
)


class NotInDemoMode(RuntimeError):
    pass


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    """Demo accounts with the documented demo password. Refuses unless DEBUG is on."""
    if not settings.DEBUG:
        raise NotInDemoMode("Demo accounts and demo passwords exist only in demo mode (DEBUG=1).")
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group, Permission

    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(email=account.email, defaults={"display_name": account.display_name})
        user.display_name = account.display_name
        user.set_password(DEMO_PASSWORD)
        user.is_verified_teacher = account.role == "teacher"
        user.is_staff = account.role == "moderator"
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.role == "moderator":
            group, _ = Group.objects.get_or_create(name="Moderators")
            group.permissions.set(
                Permission.objects.filter(content_type__app_label__in=["catalogue", "access"])
                | Permission.objects.filter(
                    content_type__app_label="accounts", codename__in=["view_user", "change_user"]
                )
            )
            user.groups.add(group)
        if account.role == "teacher":
            teaching.demo_teacher_load(teacher=user)
        if account.role == "member":
            now = timezone.now()
            Entitlement.objects.filter(user=user, source=Entitlement.Source.GRANT, reference="demo").delete()
            Entitlement.objects.create(
                user=user,
                source=Entitlement.Source.GRANT,
                starts_at=now,
                ends_at=now + timedelta(days=365),
                reference="demo",
            )
    return list(DEMO_ACCOUNTS)
