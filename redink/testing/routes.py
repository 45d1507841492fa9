"""Every route of the site, a small world of objects to fill their addresses, and the people who ask.

The permission matrix (redink/core/tests/test_permission_matrix.py) and the route fuzzer
(redink/core/tests/test_fuzz_routes.py) both walk `site_routes()`: a route added to any URLconf
is met by both without anyone listing it. The whole /admin/ tree is one route, "admin/", asked
through `admin_urls()`: its hundreds of model pages are Django's, and all answer to the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from redink.testing import factories

ADMIN = "admin/"

# The seven kinds of people the role table in the product specification names, as test users.
ROLES = ("visitor", "student", "member", "teacher", "moderator", "author", "superuser")


@dataclass(frozen=True)
class Route:
    """One URL pattern: `key` is its route as the URLconfs write it ("essays/<slug:slug>/")."""

    key: str
    name: str
    params: tuple[str, ...]


# `<int:item_id>`, `<item_id>` (ninja) and `(?P<key>[-:\w]+)` (allauth's regular expressions).
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or ""
            yield prefix + str(pattern.pattern), name


def site_routes() -> list[Route]:
    """Every route Django resolves, once each (the first of two equal routes is the one that
    answers), with the admin's whole tree as the single route `ADMIN`."""
    routes: dict[str, Route] = {}
    for key, name in _walk(get_resolver()):
        if key.startswith(ADMIN):
            key, name = ADMIN, "admin"
        if key not in routes:
            params = tuple(a or b for a, b in _PARAM.findall(key))
            routes[key] = Route(key=key, name=name, params=params)
    return list(routes.values())


def fill(route: Route, values: dict[str, Any]) -> str:
    """The route's address with each parameter replaced by its value (URL-quoted)."""
    missing = [p for p in route.params if p not in values]
    if missing:
        raise KeyError(f"No value for {missing} in the route {route.key!r}: add it to redink/testing/routes.py.")

    def value(match: re.Match[str]) -> str:
        return quote(str(values[match.group(1) or match.group(2)]), safe="")

    # Regular-expression routes (allauth's, the API's catch-all) carry anchors within the path.
    path = _PARAM.sub(value, route.key).replace("^", "").replace("$", "")
    return "/" + path


@dataclass
class World:
    """A published essay by `author`, with everything around it that an address can name."""

    users: dict[str, Any]
    essay: Any
    submission: Any
    match: Any
    takedown: Any
    application: Any
    review: Any
    margin_comment: Any
    bank_comment: Any
    saved: Any
    export: Any
    token: Any
    unsubscribe: str
    values: dict[str, Any] = field(default_factory=dict)

    def values_for(self, route: Route) -> dict[str, Any]:
        """This route's parameters as the world fills them (a route may name its own objects)."""
        own = {name: pick(self) for name, pick in _ROUTE_VALUES.get(route.key, {}).items()}
        return {p: own[p] if p in own else self.values[p] for p in route.params if p in own or p in self.values}

    def address(self, route: Route) -> str:
        return fill(route, self.values_for(route))


# Parameters whose object depends on the route: `comment_id` names a comment-bank entry at one
# address and a margin comment at the others; `token` an export's link or an unsubscribe link.
_ROUTE_VALUES: dict[str, dict[str, Callable[[World], Any]]] = {
    "teach/comments/<int:comment_id>/delete/": {"comment_id": lambda world: world.bank_comment.pk},
    "unsubscribe/<str:token>/": {"token": lambda world: world.unsubscribe},
}


def make_user(role: str, **extra: Any) -> Any:
    """A user of one of the ROLES (None for the visitor), made as the site's own tests make them."""
    if role == "visitor":
        return None
    if role == "superuser":
        # As `createsuperuser` makes one: staff as well as superuser, its address verified.
        return factories.UserFactory(display_name="Site Administrator", is_staff=True, is_superuser=True, **extra)
    user: Any = factories.UserFactory(
        display_name={
            "student": "Free Student",
            "member": "Paying Member",
            "teacher": "Verified Teacher",
            "moderator": "Moderator",
            "author": "Essay Author",
        }[role],
        is_verified_teacher=role == "teacher",
        is_staff=role == "moderator",
        profile_public=role == "author",  # so the author's page exists
        **extra,
    )
    if role == "member":
        factories.grant_membership(user)
    return user


def build_world() -> World:
    """The objects every route can be asked about. Call inside a test with database access (and,
    for the upload's file, REDINK_SUBMISSION_FILES_DIR pointed at a temporary folder)."""
    from redink.api.tokens import token_create
    from redink.marking.comments import comment_add
    from redink.marking.models import BankComment, TeacherApplication
    from redink.marking.services import ReviewInput, review_save
    from redink.privacy.mail import unsubscribe_token
    from redink.privacy.models import DataExport
    from redink.reading.services import reading_list_save
    from redink.submissions.models import OverlapMatch, TakedownRequest
    from redink.submissions.services.uploads import submission_create

    users = {role: make_user(role) for role in ROLES}
    author, teacher = users["author"], users["teacher"]
    level: Any = factories.LevelFactory(name="GCSE", slug="gcse")
    subject: Any = factories.SubjectFactory(level=level, name="History", slug="history")
    section: Any = factories.SectionFactory(subject=subject, name="Cold War", slug="cold-war")
    essay = factories.make_essay(title="Why did the Cold War begin?", section=section, author=author)
    other = factories.make_essay(title="How did the Cold War end?", section=section)

    with TestCase.captureOnCommitCallbacks(execute=False):  # the upload stays as it arrived
        submission = submission_create(
            contributor=author,
            title="The Berlin airlift and the start of the Cold War",
            section=section,
            declaration=True,
            file=SimpleUploadedFile("airlift.txt", "\n\n".join(factories.SAMPLE_PARAGRAPHS).encode()),
        )
    match = OverlapMatch.objects.create(
        submission=submission, essay=other, title=other.title, jaccard=0.2, containment=0.3, containment_other=0.3
    )
    takedown = TakedownRequest.objects.create(
        essay=essay, name="A Rights Holder", email="rights@example.org", claim="This copies my book's chapter."
    )
    application = TeacherApplication.objects.create(
        applicant=users["student"], institution="Hilltop School", qualification="PGCE, 2019"
    )
    application.subjects.set([subject])
    review = review_save(
        essay=essay,
        teacher=teacher,
        data=ReviewInput(stars=4, strengths="A clear line of argument.", next_steps="Weigh the evidence more."),
        publish=True,
    )
    sentence = factories.SAMPLE_PARAGRAPHS[2].split(". ")[0]
    start = essay.body.index(sentence)
    margin_comment = comment_add(
        essay=essay,
        teacher=teacher,
        body="The turning point of the argument.",
        start=start,
        end=start + len(sentence),
        quote=sentence,
        text_version=essay.text_version,
    )
    bank_comment = BankComment.objects.create(teacher=teacher, text="Use a quotation here.")
    saved = reading_list_save(user=author, essay=other)
    export = DataExport.objects.create(user=author)
    token = token_create(user=author, name="Revision app", scope="read").record
    world = World(
        users=users,
        essay=essay,
        submission=submission,
        match=match,
        takedown=takedown,
        application=application,
        review=review,
        margin_comment=margin_comment,
        bank_comment=bank_comment,
        saved=saved,
        export=export,
        token=token,
        unsubscribe=unsubscribe_token(user=author, kind="reviews"),
    )
    world.values = {
        "slug": essay.slug,
        "level": level.slug,
        "subject": subject.slug,
        "section": section.slug,
        "name": author.display_name,
        "token_id": token.pk,
        "item_id": saved.pk,
        "submission_id": submission.pk,
        "match_id": match.pk,
        "takedown_id": takedown.pk,
        "application_id": application.pk,
        "review_id": review.pk,
        "comment_id": margin_comment.pk,
        "token": export.token,
        "plan": "monthly",
        "session_id": "cs_test_nothing_here",
        "portal_id": "bps_test_nothing_here",
        "key": "not-a-real-key",
        "uidb36": "1z",
        "rest": "no-such-endpoint/",
        "path": "avatars/no-such-picture.png",
    }
    return world


def admin_urls(world: World) -> list[str]:
    """A handful of the admin's pages standing for the whole tree: its index, an app, a model's
    list, one object's change page, its user list, and its login page."""
    return [
        "/admin/",
        "/admin/catalogue/",
        "/admin/catalogue/essay/",
        f"/admin/catalogue/essay/{world.essay.pk}/change/",
        "/admin/accounts/user/",
        "/admin/login/",
    ]
