"""A caller of the API reads exactly what the same caller's pages show: the essay text (compared
as the leak crawl compares, by runs of words: redink.testing.leaks), the teachers' words in
reviews, and the margin comments (the same JSON-LD as annotations.jsonld)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from redink.marking.comments import comment_add
from redink.marking.tests.test_reviews_helpers import make_objectives, publish
from redink.testing.factories import UserFactory
from redink.testing.leaks import page_runs, runs

from .helpers import bearer, get_json

pytestmark = pytest.mark.django_db

SECRET = "zqstrengthsecret"


@pytest.fixture
def marked(essay):  # type: ignore[no-untyped-def]
    teacher = UserFactory(is_verified_teacher=True, display_name="Ms Okafor")
    objectives = make_objectives(essay.subject)
    publish(essay, teacher=teacher, stars=4, marks={objectives[0].pk: 9}, strengths=f"Clear {SECRET} argument")
    comment_add(
        essay=essay,
        teacher=teacher,
        start=0,
        end=len(essay.paragraphs[0]),
        body="Fine opening zqcomment",
        text_version=essay.text_version,
    )
    essay.refresh_from_db()
    return essay


def _as(client: Client, who: str, users: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """Sign the page client in as `who`; the headers the API call sends (none: the same session)."""
    if users[who] is not None:
        client.force_login(users[who])
    return {}


@pytest.fixture
def users(student, member):  # type: ignore[no-untyped-def]
    return {"visitor": None, "free student": student, "member": member}


@pytest.mark.parametrize("who", ["visitor", "free student", "member"])
def test_the_essay_text_is_what_the_page_shows(client, marked, users, who):
    _as(client, who, users)
    page = client.get(marked.get_absolute_url()).content.decode()
    _, detail, _ = get_json(client, f"/essays/{marked.slug}/")
    # Runs within each paragraph: the page puts other words (a teacher's comment) between two.
    essay_runs = set().union(*map(runs, marked.paragraphs))
    from_page = essay_runs & page_runs(page)
    from_api = essay_runs & page_runs(json.dumps(detail["text"]["paragraphs"]))
    assert from_api == from_page
    assert detail["text"]["complete"] is (who == "member")
    assert (from_page == essay_runs) is (who == "member")


@pytest.mark.parametrize("who", ["visitor", "free student", "member"])
def test_the_teachers_words_reach_only_those_whose_page_shows_them(client, marked, users, who):
    _as(client, who, users)
    page = client.get(marked.get_absolute_url()).content.decode()
    _, reviews, _ = get_json(client, f"/essays/{marked.slug}/reviews/")
    assert (SECRET in page) is (SECRET in json.dumps(reviews)) is (who == "member")
    assert reviews["count"] == 1 and reviews["items"][0]["teacher_name"] == "Ms Okafor"
    assert reviews["items"][0]["marks"][0]["marks"] == 9


@pytest.mark.parametrize("who", ["visitor", "free student", "member"])
def test_the_annotations_are_the_jsonld_of_annotations_jsonld(client, marked, users, who):
    _as(client, who, users)
    site = client.get(f"/essays/{marked.slug}/annotations.jsonld")
    _, api, response = get_json(client, f"/essays/{marked.slug}/annotations/")
    assert api == json.loads(site.content)
    assert response["Content-Type"] == site["Content-Type"]
    assert api["total"] == 1 and len(api["first"]["items"]) == (1 if who == "member" else 0)


def test_a_members_token_reads_what_the_member_reads_and_a_moderators_token_no_more(client, marked, member, staff):
    from redink.marking.services import review_hide

    _, as_member, _ = get_json(client, f"/essays/{marked.slug}/reviews/", **bearer(member))
    assert SECRET in json.dumps(as_member)
    hidden = publish(marked, teacher=UserFactory(is_verified_teacher=True, display_name="Hidden Teacher"))
    review_hide(review=hidden, moderator=staff, reason="Names a pupil")
    client.force_login(staff)
    _, as_session, _ = get_json(client, f"/essays/{marked.slug}/reviews/")
    assert "Hidden Teacher" in json.dumps(as_session)  # the moderator's own session, as on the page
    client.logout()
    # A token never has staff powers: no hidden review, and the text only as far as a visitor's.
    _, as_token, _ = get_json(client, f"/essays/{marked.slug}/reviews/", **bearer(staff))
    assert "Hidden Teacher" not in json.dumps(as_token) and SECRET not in json.dumps(as_token)


def test_search_snippets_are_cut_only_from_what_the_caller_may_read(client, marked, member):
    hidden_words = marked.paragraphs[-1].split()[:3]
    query = " ".join(hidden_words)
    _, visitor, _ = get_json(client, f"/search/?q={query}")
    page = client.get("/search/", {"q": query}).content.decode()
    tail = runs(marked.paragraphs[-1])
    assert not (tail & page_runs(json.dumps([hit["snippet_html"] for hit in visitor["results"]])))
    assert not (tail & page_runs(page))
