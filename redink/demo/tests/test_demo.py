import re

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
    assert user_has_membership(user=member)
    assert member.entitlements.count() == 1  # renewed, not piled up
    assert User.objects.get(email="teacher@demo.redink.invalid").is_verified_teacher
    assert User.objects.get(email="moderator@demo.redink.invalid").is_staff
    student = User.objects.get(email="student@demo.redink.invalid")
    assert not user_has_membership(user=student) and not student.is_staff
    response = client.post("/accounts/login/", {"login": "member@demo.redink.invalid", "password": DEMO_PASSWORD})
    assert response.status_code == 302, "a demo login with a verified e-mail goes straight in"


def _home_list(body: str, heading_id: str) -> list[str]:
    section = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', body, flags=re.S)
    assert section, heading_id
    return re.findall(r'<h3><a href="/essays/[^"]+/"><bdi>([^<]+)</bdi></a></h3>', section.group(1))


def test_demo_shows_both_preview_styles(client):
    call_command("load_demo", "--essays-only")
    styles = {e.slug: e.headers.get("preview_style", "") for e in demo_essays()}
    extracts = [slug for slug, style in styles.items() if style == "extracts"]
    leads = [slug for slug, style in styles.items() if style != "extracts"]
    assert len(extracts) >= 3 and len(leads) >= 10
    levels = {e.headers["level"] for e in demo_essays() if e.slug in extracts}
    assert len(levels) >= 3, "extracts can be seen at most levels"
    for slug in extracts:
        body = client.get(f"/essays/{slug}/").content.decode()
        assert "Extracts from this document..." in body and body.count("...read more.") == 3, slug
    lead = client.get(f"/essays/{leads[0]}/").content.decode()
    assert "Extracts from this document..." not in lead and 'class="cta-inline"' in lead


def test_fresh_demo_home_lists_recent_and_popular_differently(client):
    call_command("load_demo", "--essays-only")
    body = client.get("/").content.decode()
    recent, popular = _home_list(body, "recent-heading"), _home_list(body, "popular-heading")
    assert len(recent) == len(popular) == 8
    assert len(set(recent) & set(popular)) <= 2, (recent, popular)
    counts = [Essay.objects.get(title=title.replace("&#x27;", "'")).reading_count for title in popular]
    assert counts == sorted(counts, reverse=True) and counts[-1] > 0


def test_seeded_reading_counts_never_replace_real_ones():
    call_command("load_demo", "--essays-only")
    seeded = dict(Essay.objects.values_list("slug", "reading_count"))
    assert all(seeded.values()), "every demo essay has a plausible count"
    read, unread = sorted(seeded)[:2]
    Essay.objects.filter(slug=read).update(reading_count=seeded[read] + 3)  # real readings since
    Essay.objects.filter(slug=unread).update(reading_count=0)  # an essay with none (say, an older demo)

    call_command("load_demo", "--essays-only")
    call_command("load_demo", "--essays-only")

    now = dict(Essay.objects.values_list("slug", "reading_count"))
    assert now[read] == seeded[read] + 3, "real counts are kept"
    assert now[unread] == seeded[unread], "an essay with no count gets the seeded one"
    assert now == {**seeded, read: seeded[read] + 3}, "running it again changes nothing else"
