"""The account page tells each user the truth about their access: where it comes from and until
when, and an offer to join only to those who read previews only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from redink.access.models import Entitlement
from redink.billing.models import Mode, Plan, Subscription
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def membership_section(client, user) -> str:  # type: ignore[no-untyped-def]
    """The words of the page's membership section, tags left out."""
    client.force_login(user)
    response = client.get("/accounts/")
    assert response.status_code == 200
    found = re.search(
        r'<section[^>]*aria-labelledby="membership-heading">(.*?)</section>', response.content.decode(), re.S
    )
    assert found
    return (
        " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())
        .replace(" .", ".")
        .replace(" ,", ",")
        .replace(" )", ")")
    )


def entitle(user, *, source: str, ends_at: datetime) -> Entitlement:  # type: ignore[no-untyped-def]
    return Entitlement.objects.create(
        user=user, source=source, starts_at=timezone.now() - timedelta(days=1), ends_at=ends_at
    )


def test_a_member_by_staff_grant_reads_until_when_and_is_not_asked_to_join(client):
    user = UserFactory()
    entitle(user, source=Entitlement.Source.GRANT, ends_at=datetime(2027, 12, 1, 12, tzinfo=UTC))
    words = membership_section(client, user)
    assert "Full access until 1 December 2027 (granted by staff)." in words
    assert "not a paying member" not in words
    assert "Join now" not in words and "Join to read" not in words


def test_stacked_grants_say_the_latest_end_once(client):
    user = UserFactory()
    entitle(user, source=Entitlement.Source.GRANT, ends_at=datetime(2027, 1, 5, 12, tzinfo=UTC))
    entitle(user, source=Entitlement.Source.GRANT, ends_at=datetime(2027, 12, 1, 12, tzinfo=UTC))
    entitle(user, source=Entitlement.Source.CONTRIBUTION, ends_at=datetime(2027, 3, 2, 12, tzinfo=UTC))
    words = membership_section(client, user)
    assert words.count("(granted by staff)") == 1
    assert "Full access until 1 December 2027 (granted by staff)." in words
    assert "Full access until 2 March 2027 (earned by contributing)." in words


def test_a_verified_teacher_reads_that_teachers_have_full_access(client, teacher):
    words = membership_section(client, teacher)
    assert "You are a verified teacher: teachers have full access to every essay." in words
    assert "not a paying member" not in words and "Join now" not in words


def test_a_moderator_is_told_they_read_everything(client, staff):
    words = membership_section(client, staff)
    assert "As a moderator, you have full access to every essay." in words
    assert "Join now" not in words


def test_a_paying_member_sees_their_plan_and_renewal(client):
    user = UserFactory()
    plan, _ = Plan.objects.get_or_create(
        slug="monthly", defaults={"name": "Monthly", "interval": "month", "amount": 699, "position": 1}
    )
    renews = datetime(2027, 6, 15, 12, tzinfo=UTC)
    Subscription.objects.create(
        stripe_id="sub_account_page",
        mode=Mode.LOCAL,
        user=user,
        plan=plan,
        status="active",
        amount=699,
        currency="gbp",
        interval="month",
        started_at=timezone.now() - timedelta(days=3),
        current_period_start=timezone.now() - timedelta(days=3),
        current_period_end=renews,
        entitlement=entitle(user, source=Entitlement.Source.SUBSCRIPTION, ends_at=renews),
    )
    words = membership_section(client, user)
    assert f"{plan.name}, £6.99 per month. Renews on 15 June 2027." in words
    assert "not a paying member" not in words and "Join now" not in words
    assert "(subscription)" not in words, "the subscription's own access is its renewal line"


def test_a_free_student_sees_what_joining_gives_and_a_link_to_join(client, student, settings):
    settings.REDINK_CONTRIBUTION_DAYS = 30
    words = membership_section(client, student)
    assert "You are not a paying member." in words
    assert "Join to read every essay in the library in full, not just its preview" in words
    assert "each essay of yours we publish earns you 30 days of full access" in words
    client.force_login(student)
    assert '<a class="button" href="/join/">Join now</a>' in client.get("/accounts/").content.decode()


def test_a_grant_that_has_ended_offers_to_join_again(client):
    user = UserFactory()
    Entitlement.objects.create(
        user=user,
        source=Entitlement.Source.GRANT,
        starts_at=timezone.now() - timedelta(days=40),
        ends_at=timezone.now() - timedelta(days=10),
    )
    words = membership_section(client, user)
    assert "Full access until" not in words and "Join now" in words
