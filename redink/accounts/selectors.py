"""Reads for accounts: what the account page tells a user about their access (read from where
access is decided, redink.access and redink.billing, never decided here), display names and
the public author pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models.functions import Lower

from redink.access.models import Entitlement
from redink.access.visibility import reads_everything
from redink.billing.selectors import MembershipSummary, membership_summary
from redink.catalogue.models import Essay
from redink.marking.models import Review

from .models import PreviousDisplayName, User
from .names import display_name_clean


@dataclass(frozen=True)
class AccessPeriod:
    """Full access until `ends_at`, from one source other than a subscription."""

    ends_at: datetime
    source: str  # "granted by staff", "earned by contributing", "trial"


@dataclass(frozen=True)
class AccountAccess:
    membership: MembershipSummary
    periods: list[AccessPeriod]
    is_moderator: bool
    is_teacher: bool
    reads_everything: bool

    @property
    def offer_to_join(self) -> bool:
        """Only someone who reads previews only, with no subscription that still bills."""
        return not self.reads_everything and not self.membership.is_subscribed


def account_access(*, user: Any) -> AccountAccess:
    membership = membership_summary(user=user)
    latest: dict[str, Entitlement] = {}
    for entitlement in membership.other_entitlements:  # latest end first
        latest.setdefault(entitlement.source, entitlement)
    periods = [
        AccessPeriod(ends_at=entitlement.ends_at, source=entitlement.get_source_display().lower())
        for entitlement in latest.values()
    ]
    return AccountAccess(
        membership=membership,
        periods=periods,
        is_moderator=bool(user.is_staff),
        is_teacher=bool(user.is_verified_teacher),
        reads_everything=reads_everything(user),
    )


# --- Display names and author pages ---------------------------------------------------------


def display_name_taken(*, name: str, user: Any = None) -> bool:
    """Whether someone else has `name`, ignoring case, now or as a name that still redirects."""
    key = display_name_clean(name).lower()
    others = User.objects.all()
    history = PreviousDisplayName.objects.all()
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
        history = history.exclude(user_id=user.pk)
    if others.annotate(key=Lower("display_name")).filter(key=key).exists():
        return True
    return history.annotate(key=Lower("name")).filter(key=key).exists()


@dataclass(frozen=True)
class AuthorLookup:
    """Who `/authors/<name>/` is about; `redirect_to` is set when the page lives elsewhere
    (an old name, or the name in other letter case)."""

    author: User | None
    redirect_to: str = ""


def author_find(*, name: str) -> AuthorLookup:
    """The author a page address names, only while their page is public."""
    key = name.lower()
    public = User.objects.filter(profile_public=True, is_active=True).exclude(display_name="")
    author = public.annotate(key=Lower("display_name")).filter(key=key).first()
    if author is None:
        previous = (
            PreviousDisplayName.objects.annotate(key=Lower("name"))
            .filter(key=key, user__in=public)
            .select_related("user")
            .first()
        )
        if previous is None:
            return AuthorLookup(author=None)
        return AuthorLookup(author=previous.user, redirect_to=previous.user.author_page_url)
    if author.display_name != name:
        return AuthorLookup(author=author, redirect_to=author.author_page_url)
    return AuthorLookup(author=author)


@dataclass(frozen=True)
class AuthorPage:
    author: User
    essays: Page[Essay]
    essay_count: int
    marked_count: int | None  # verified teachers only: essays they published a review of


def author_page(*, author: User, page: Any, per_page: int) -> AuthorPage:
    essays = Essay.objects.published().filter(author=author).for_listing().sorted_by("newest")
    paginator = Paginator(essays, per_page)
    marked = None
    if author.is_verified_teacher:
        marked = (
            Review.objects.filter(teacher=author, status=Review.Status.PUBLISHED, essay__status=Essay.Status.PUBLISHED)
            .values("essay")
            .distinct()
            .count()
        )
    chosen = paginator.get_page(page)
    return AuthorPage(author=author, essays=chosen, essay_count=paginator.count, marked_count=marked)
