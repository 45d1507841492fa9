import pytest
from django.core.management import CommandError, call_command

from redink.access.selectors import user_has_membership
from redink.accounts.models import User
from redink.catalogue.models import Essay, Level, Subject
from redink.demo.library import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_essays

pytestmark = pytest.mark.django_db


def test_demo_library_meets_the_brief():
    essays = demo_essays()
    assert len(essays) >= 20
    assert len({e.headers["level"] for e in essays}) >= 3
    assert len({e.headers["subject"] for e in essays}) >= 8
    for essay in essays:
        words = len(essay.text.split())
        assert 500 <= words <= 1500, (essay.slug, words)
    assert any(e.headers.get("exam_board") and e.headers.get("grade") for e in essays)


def test_loading_twice_duplicates_nothing():
    call_command("load_demo", "--essays-only")
    counts = (Essay.objects.count(), Level.objects.count(), Subject.objects.count(), User.objects.count())
    call_command("load_demo", "--essays-only")
    assert (Essay.objects.count(), Level.objects.count(), Subject.objects.count(), User.objects.count()) == counts
    assert Essay.objects.published().count() == len(demo_essays())


def test_demo_accounts_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("load_demo")
    assert not User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).exists()


def test_demo_accounts_in_demo_mode(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    member = User.objects.get(email="member@demo.redink.invalid")
    assert user_has_membership(member)
    assert member.entitlements.count() == 1  # renewed, not piled up
    assert User.objects.get(email="teacher@demo.redink.invalid").is_verified_teacher
    assert User.objects.get(email="moderator@demo.redink.invalid").is_staff
    student = User.objects.get(email="student@demo.redink.invalid")
    assert not user_has_membership(student) and not student.is_staff
    response = client.post("/accounts/login/", {"login": "member@demo.redink.invalid", "password": DEMO_PASSWORD})
    assert response.status_code == 302, "a demo login with a verified e-mail goes straight in"
