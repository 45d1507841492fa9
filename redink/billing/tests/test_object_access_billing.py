"""Another member's billing stays theirs: their checkout, their portal, their subscription and
what they paid cannot be opened, paid, cancelled or claimed by someone who changes an id in an
address or names it in a form, and each attempt leaves their subscription as it was. Run on the
test-mode checkout, whose pages stand in for Stripe's and go through the same services."""

from __future__ import annotations

import re

import pytest

from redink.access.models import Entitlement
from redink.billing.models import Subscription
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _checkout(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.post("/join/monthly/checkout/")
    assert response.status_code == 303
    return str(response["Location"])


def _subscribe(client, user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Join and pay as `user`; their checkout, portal and subscription's addresses and ids."""
    checkout = _checkout(client, user)
    assert client.post(checkout, {"action": "pay"}).status_code == 303
    portal = client.post("/join/manage/")["Location"]
    session_id = re.search(r"/test-checkout/([^/]+)/", checkout).group(1)  # type: ignore[union-attr]
    return {
        "checkout": checkout,
        "session_id": session_id,
        "portal": portal,
        "subscription": Subscription.objects.get(user=user).stripe_id,
    }


def _state(user) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    sub = Subscription.objects.get(user=user)
    ends = list(Entitlement.objects.filter(user=user).values_list("ends_at", flat=True))
    return (sub.status, sub.cancel_at_period_end, sub.ended_at, sub.current_period_end, ends)


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Paying Owner")


@pytest.fixture
def intruder(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Someone Else")


@pytest.fixture
def owners(client, test_mode, plans, owner):  # type: ignore[no-untyped-def]
    made = _subscribe(client, owner)
    client.logout()
    return made


def test_another_members_checkout_cannot_be_opened_or_paid(client, test_mode, plans, owner, intruder):
    checkout = _checkout(client, owner)
    client.force_login(intruder)
    assert client.get(checkout).status_code == 404
    assert client.post(checkout, {"action": "pay"}).status_code == 404
    assert client.post(checkout, {"action": "abandon"}).status_code == 404
    assert not Subscription.objects.exists() and not Entitlement.objects.exists()


@pytest.mark.parametrize("action", ["cancel", "cancel-now", "refund", "fail-renewal"])
def test_another_members_portal_refuses_every_action(client, owners, owner, intruder, action):
    before = _state(owner)
    client.force_login(intruder)
    assert client.get(owners["portal"]).status_code == 404
    response = client.post(owners["portal"], {"action": action, "subscription": owners["subscription"]})
    assert response.status_code == 404
    assert _state(owner) == before


@pytest.mark.parametrize("action", ["cancel", "cancel-now", "refund"])
def test_ones_own_portal_will_not_act_on_another_members_subscription(client, owners, owner, intruder, action):
    before = _state(owner)
    own = _subscribe(client, intruder)
    response = client.post(own["portal"], {"action": action, "subscription": owners["subscription"]})
    assert response.status_code == 404
    assert _state(owner) == before
    assert Subscription.objects.get(user=intruder).status == "active"


def test_the_welcome_page_with_another_members_checkout_gives_nothing(client, owners, owner, intruder):
    before = _state(owner)
    client.force_login(intruder)
    response = client.get(f"/join/welcome/?session_id={owners['session_id']}")
    assert response.status_code == 200
    assert "Welcome: you are a member" not in response.content.decode()
    assert not Entitlement.objects.filter(user=intruder).exists()
    assert not Subscription.objects.filter(user=intruder).exists()
    assert _state(owner) == before


def test_managing_opens_no_portal_without_a_subscription_of_ones_own(client, owners, owner, intruder):
    client.force_login(intruder)
    response = client.post("/join/manage/", {"customer": owners["subscription"], "user": owner.pk})
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    account = client.get("/accounts/").content.decode()
    assert "Renews on" not in account
    assert owners["subscription"] not in account
