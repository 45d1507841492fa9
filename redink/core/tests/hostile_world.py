"""A library whose every user-written field holds hostile text, and what each channel answers.

Each field gets its own payload, marked by a token of letters (so search finds it and a failure
names the field): markup that would run script, an attribute break-out, a javascript: address,
template syntax, and the bidirectional and zero-width controls. The world is built through the
services the site uses (so e-mails go out as they would), with the data planted as older rows
could hold it: titles and names that the forms now refuse are still stored here, to show that
what is already stored renders inert.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from redink.marking.comments import comment_add
from redink.marking.services import ReviewInput, application_submit, bank_comment_add, review_save
from redink.reading.services import reading_list_note_set, reading_list_save
from redink.submissions.models import Submission
from redink.submissions.services.moderation import submission_approve, submission_reject
from redink.submissions.services.takedowns import takedown_answer, takedown_file
from redink.submissions.services.uploads import submission_create
from redink.testing import factories

BIDI = "\u202e\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d"
ZERO_WIDTH = "\u200b\u200d\ufeff"


def payload(token: str, *, slash: bool = True) -> str:
    """The hostile text for one field. Without `slash` (a display name: an address path segment,
    /authors/<name>/, of at most 40 characters) the closing tags and the rest are left out."""
    if not slash:
        # A display name holds at most 40 characters: the opening tag and a direction override.
        return f"<script>alert('{token}') \u202e{token}\u202c"
    return (
        f"<script>alert('{token}')</script> {token} \"><img src=x onerror=alert('{token}')> javascript:alert('{token}') "
        f'{{{{ 7*7 }}}} {{% now "Y" %}} \u202e{token}\u202c \u2066{token}\u2069 {token}\u200b\u200d\ufeff'
    )


def escaped_core(token: str, *, slash: bool = True) -> str:
    """What must be read as text wherever the field is shown whole."""
    return f"<script>alert('{token}')</script>" if slash else f"<script>alert('{token}')"


FIELDS: dict[str, str] = {
    # Eight letters each, none inside another: a token found names its field, and the whole
    # hostile text stays inside the shortest column it is planted in (200 characters).
    "essay_title": "zqestitl",
    "essay_paragraph": "zqparagr",
    "hidden_paragraph": "zqhidden",
    "review_strengths": "zqstreng",
    "review_next_steps": "zqnextst",
    "margin_comment": "zqmargin",
    "bank_comment": "zqbankcm",
    "author_name": "zqauthor",
    "teacher_name": "zqteachr",
    "takedown_claim": "zqclaimx",
    "takedown_answer": "zqanswer",
    "upload_title": "zqupload",
    "rejected_title": "zqrejtit",
    "rejection_note": "zqrejnot",
    "reading_note": "zqreadng",
    "application_institution": "zqinstit",
    "application_experience": "zqexperi",
}
NAMES = {"author_name", "teacher_name"}


def planted(name: str) -> str:
    return payload(FIELDS[name], slash=name not in NAMES)


_WORDS = (
    "river harbour engine treaty famine empire colony charter league reform ballot strike union "
    "railway canal cotton coal steel market merchant guild parish council bishop abbey monastery "
    "castle siege knight archer battle frontier border tariff export import census plague harvest "
    "drought flood bridge tunnel factory mill loom spindle furnace forge anvil chisel quarry marble "
    "statue temple forum senate consul tribune legion province governor satrap dynasty throne crown "
    "sceptre heir regent minister cabinet parliament assembly delegate envoy embassy alliance pact"
).split()


def original_text(seed: int, *, words: int = 320) -> str:
    """Text that shares no run of words with any other seed's, so no upload is a copy."""
    pick = random.Random(seed)
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        chosen = [pick.choice(_WORDS) for _ in range(12)]
        sentences.append(" ".join(chosen).capitalize() + ".")
    return "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


@dataclass
class World:
    objects: dict[str, Any] = field(default_factory=dict)
    # Channel name -> (status, content type, body).
    answers: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    # Channel name -> the e-mail's subject, text body and any HTML alternatives.
    emails: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)


def _committed(service: Any, **kwargs: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def build() -> World:
    world = World()
    mail.outbox = []
    old_enough = timezone.now().year - 30
    author = factories.UserFactory(display_name=planted("author_name"), profile_public=True, birth_year=old_enough)
    teacher = factories.UserFactory(
        display_name=planted("teacher_name"), is_verified_teacher=True, profile_public=True, birth_year=old_enough
    )
    member = factories.UserFactory(display_name="Paying Member")
    factories.grant_membership(member)
    moderator = factories.UserFactory(display_name="Moderator", is_staff=True, is_superuser=True)
    contributor = factories.UserFactory(display_name="Keen Contributor")
    applicant = factories.UserFactory(display_name="Hopeful Teacher")

    level = factories.LevelFactory(name="GCSE", slug="gcse")
    subject = factories.SubjectFactory(level=level, name="History", slug="history")
    section = factories.SectionFactory(subject=subject, name="Cold War", slug="cold-war")
    free, *rest = factories.SAMPLE_PARAGRAPHS
    # The planted paragraph opens the essay (the free preview); another sits in the hidden part.
    paragraphs = [planted("essay_paragraph"), free, *rest, planted("hidden_paragraph"), *rest]
    essay = factories.make_essay(
        title=planted("essay_title"), text="\n\n".join(paragraphs), section=section, author=author
    )
    neighbour = factories.make_essay(
        title="A neighbouring essay on the superpowers", section=section, text="\n\n".join(factories.SAMPLE_PARAGRAPHS)
    )
    world.objects.update(essay=essay, neighbour=neighbour, author=author, teacher=teacher, member=member)
    world.objects.update(moderator=moderator, contributor=contributor, applicant=applicant, section=section)

    mail.outbox = []
    review = _committed(
        review_save,
        essay=essay,
        teacher=teacher,
        data=ReviewInput(stars=4, strengths=planted("review_strengths"), next_steps=planted("review_next_steps")),
        publish=True,
    )
    world.emails["review notification"] = _last_mail()
    start = essay.body.index(free)
    comment = comment_add(
        essay=essay,
        teacher=teacher,
        body=planted("margin_comment"),
        start=start,
        end=start + 40,
        quote=free[:40],
        text_version=essay.text_version,
    )
    bank = bank_comment_add(teacher=teacher, text=planted("bank_comment"))
    saved = reading_list_save(user=member, essay=essay)
    reading_list_note_set(user=member, item_id=saved.pk, note=planted("reading_note"))
    application = application_submit(
        applicant=applicant,
        institution=planted("application_institution"),
        subjects=[subject],
        qualification="PGCE, 2016",
        experience=planted("application_experience"),
    )
    world.objects.update(review=review, comment=comment, bank=bank, saved=saved, application=application)

    mail.outbox = []
    takedown = _committed(
        takedown_file,
        essay=essay,
        name="A Rights Holder",
        email="rights@example.org",
        claim=planted("takedown_claim"),
    )
    world.emails["takedown acknowledgement"] = _last_mail()
    mail.outbox = []
    _committed(takedown_answer, takedown=takedown, moderator=moderator, answer=planted("takedown_answer"))
    world.emails["takedown answer"] = _last_mail()
    open_takedown = _committed(
        takedown_file,
        essay=essay,
        name="Another Holder",
        email="other@example.org",
        claim=planted("takedown_claim"),
    )
    world.objects.update(takedown=takedown, open_takedown=open_takedown)

    def upload(title: str, seed: int) -> Submission:
        submission = _committed(
            submission_create,
            contributor=contributor,
            title=title,
            section=section,
            declaration=True,
            text=original_text(seed),
        )
        submission.refresh_from_db()
        return submission

    waiting = upload(planted("upload_title"), 1)
    rejected = upload(planted("rejected_title"), 2)
    published = upload(planted("upload_title"), 3)
    mail.outbox = []
    reason = Submission.RejectionReason.NOT_AN_ESSAY
    _committed(
        submission_reject, submission=rejected, moderator=moderator, reason=reason, note=planted("rejection_note")
    )
    world.emails["rejection"] = _last_mail()
    mail.outbox = []
    published_essay = _committed(submission_approve, submission=published, moderator=moderator)
    world.emails["publication"] = _last_mail()
    world.objects.update(waiting=waiting, rejected=rejected, published=published, published_essay=published_essay)
    _fetch_all(world)
    return world


def _last_mail() -> tuple[str, str, list[str]]:
    if not mail.outbox:
        return ("", "", [])
    message = mail.outbox[-1]
    alternatives = [content for content, mimetype in getattr(message, "alternatives", []) if "html" in mimetype]
    return (str(message.subject), str(message.body), [str(a) for a in alternatives])


def channels(world: World) -> dict[str, tuple[Any, str]]:
    """Every page and answer to check: name -> (who asks, address)."""
    o = world.objects
    essay, slug = o["essay"], o["essay"].slug
    name_path = f"/authors/{quote(o['author'].display_name, safe='')}/"
    teacher_path = f"/authors/{quote(o['teacher'].display_name, safe='')}/"
    search = f"/search/?q={FIELDS['essay_title']}"
    paths: dict[str, tuple[Any, str]] = {
        "essay page (visitor)": (None, f"/essays/{slug}/"),
        "essay page (member)": (o["member"], f"/essays/{slug}/"),
        "essay page (teacher)": (o["teacher"], f"/essays/{slug}/"),
        "essay page (moderator)": (o["moderator"], f"/essays/{slug}/"),
        "neighbour's related list": (None, f"/essays/{o['neighbour'].slug}/"),
        "home page": (None, "/"),
        "level listing": (None, "/gcse/"),
        "subject listing": (None, "/gcse/history/"),
        "section listing": (None, "/gcse/history/cold-war/"),
        "search (visitor)": (None, search),
        "search (member)": (o["member"], search),
        "search paragraph (visitor)": (None, f"/search/?q={FIELDS['essay_paragraph']}"),
        "search paragraph (member)": (o["member"], f"/search/?q={FIELDS['hidden_paragraph']}"),
        "search suggestions": (None, f"/search/suggest/?q={FIELDS['essay_title'][:6]}"),
        "author page": (None, name_path),
        "teacher's author page": (None, teacher_path),
        "reading list": (o["member"], "/reading-list/"),
        "my uploads": (o["contributor"], "/contribute/uploads/"),
        "moderation queue": (o["moderator"], "/moderation/"),
        "moderation review": (o["moderator"], f"/moderation/uploads/{o['waiting'].pk}/"),
        "moderation rejected": (o["moderator"], f"/moderation/uploads/{o['rejected'].pk}/"),
        "takedown list": (o["moderator"], "/moderation/takedowns/"),
        "takedown detail": (o["moderator"], f"/moderation/takedowns/{o['takedown'].pk}/"),
        "open takedown detail": (o["moderator"], f"/moderation/takedowns/{o['open_takedown'].pk}/"),
        "teacher applications": (o["moderator"], "/moderation/teachers/"),
        "teacher application": (o["moderator"], f"/moderation/teachers/{o['application'].pk}/"),
        "comment bank": (o["teacher"], "/teach/comments/"),
        "review form": (o["teacher"], f"/teach/essays/{slug}/review/"),
        "annotations.jsonld": (o["member"], f"/essays/{slug}/annotations.jsonld"),
        "api essays": (o["member"], "/api/v1/essays/"),
        "api essay": (o["member"], f"/api/v1/essays/{slug}/"),
        "api essay (visitor)": (None, f"/api/v1/essays/{slug}/"),
        "api reviews": (o["member"], f"/api/v1/essays/{slug}/reviews/"),
        "api annotations": (o["member"], f"/api/v1/essays/{slug}/annotations/"),
        "api related": (None, f"/api/v1/essays/{o['neighbour'].slug}/related/"),
        "api search": (o["member"], f"/api/v1/search/?q={FIELDS['essay_title']}"),
        "api reading list": (o["member"], "/api/v1/me/reading-list/"),
        "api uploads": (o["contributor"], "/api/v1/me/uploads/"),
    }
    # (Reviews, margin comments and teacher applications are not in the admin: moderators
    # handle them on their own pages, checked above.)
    admin_pages = {
        "essay": ("catalogue", "essay", essay.pk),
        "submission": ("submissions", "submission", o["rejected"].pk),
        "takedown": ("submissions", "takedownrequest", o["takedown"].pk),
        "saved essay": ("reading", "savedessay", o["saved"].pk),
        "user": ("accounts", "user", o["author"].pk),
    }
    for label, (app, model, pk) in admin_pages.items():
        paths[f"admin {label} list"] = (o["moderator"], f"/admin/{app}/{model}/")
        paths[f"admin {label} form"] = (o["moderator"], f"/admin/{app}/{model}/{pk}/change/")
    return paths


def _fetch_all(world: World) -> None:
    clients: dict[Any, Client] = {}
    for name, (user, path) in channels(world).items():
        client = clients.get(user)
        if client is None:
            client = clients[user] = Client()
            if user is not None:
                client.force_login(user)
        response = client.get(path, HTTP_ACCEPT="text/html,application/json;q=0.9")
        body = response.content.decode()
        world.answers[name] = (response.status_code, response.get("Content-Type", ""), body)
