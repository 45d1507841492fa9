"""Another user's reading list entry and its note, on the site and through the API: an id that is
someone else's answers 404 exactly as one that never existed, and a form or payload naming the
other user (or their entry) still writes only to the caller's own list."""

from __future__ import annotations

import json

import pytest

from redink.api.tests.helpers import bearer
from redink.reading.models import SavedEssay
from redink.reading.services import reading_list_note_set, reading_list_save
from redink.testing.factories import UserFactory, make_essay

pytestmark = pytest.mark.django_db

NOTE = "owner's private note zqnote"


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Owner Of The List")


@pytest.fixture
def intruder(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Someone Else")


@pytest.fixture
def item(owner, section):  # type: ignore[no-untyped-def]
    saved = reading_list_save(user=owner, essay=make_essay(section=section, title="An essay the owner saved"))
    return reading_list_note_set(user=owner, item_id=saved.pk, note=NOTE)


def _state(item: SavedEssay) -> tuple[object, ...]:
    item.refresh_from_db()
    return (item.user_id, item.essay_id, item.note)


def _api(client, method: str, path: str, headers: dict[str, str], payload: object = None):  # type: ignore[no-untyped-def]
    kwargs = {"content_type": "application/json", "data": json.dumps(payload)} if payload is not None else {}
    return getattr(client, method)(f"/api/v1/me{path}", **kwargs, **headers)


class TestThroughTheApi:
    @pytest.mark.parametrize(("method", "payload"), [("patch", {"note": "defaced"}), ("delete", None)])
    def test_another_users_entry_answers_404_and_is_unchanged(self, client, item, intruder, method, payload):
        before = _state(item)
        headers = bearer(intruder, scope="read_write")
        response = _api(client, method, f"/reading-list/{item.pk}/", headers, payload)
        missing = _api(client, method, "/reading-list/2147483000/", headers, payload)
        assert response.status_code == missing.status_code == 404
        assert json.loads(response.content) == json.loads(missing.content)
        assert _state(item) == before

    def test_the_session_is_held_to_the_same_rule(self, client, item, intruder):
        before = _state(item)
        client.force_login(intruder)
        response = _api(client, "patch", f"/reading-list/{item.pk}/", {}, {"note": "defaced"})
        assert response.status_code == 404
        assert _state(item) == before

    def test_the_list_holds_only_the_callers_own(self, client, item, intruder):
        response = _api(client, "get", "/reading-list/", bearer(intruder))
        assert response.status_code == 200
        assert json.loads(response.content)["items"] == []
        assert "zqnote" not in response.content.decode()

    def test_saving_writes_only_to_the_callers_list(self, client, item, owner, intruder):
        before = _state(item)
        headers = bearer(intruder, scope="read_write")
        # A payload naming someone else's account or entry is refused outright, not half-read.
        naming = {"essay": item.essay.slug, "note": "mine", "user": owner.pk, "id": item.pk}
        assert _api(client, "post", "/reading-list/", headers, naming).status_code == 422
        assert not SavedEssay.objects.filter(user=intruder).exists()
        response = _api(client, "post", "/reading-list/", headers, {"essay": item.essay.slug, "note": "mine"})
        assert response.status_code == 201
        assert _state(item) == before
        mine = SavedEssay.objects.get(user=intruder)
        assert (mine.essay_id, mine.note) == (item.essay_id, "mine")
        assert json.loads(response.content)["id"] == mine.pk != item.pk

    def test_the_owners_own_token_still_reaches_it(self, client, item, owner):
        response = _api(client, "get", "/reading-list/", bearer(owner))
        assert [row["note"] for row in json.loads(response.content)["items"]] == [NOTE]


class TestOnTheSite:
    @pytest.mark.parametrize("action", ["note", "remove"])
    def test_a_script_asking_for_json_is_refused_alike(self, client, item, intruder, action):
        before = _state(item)
        client.force_login(intruder)
        response = client.post(
            f"/reading-list/{item.pk}/{action}/", {"note": "defaced"}, HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 404
        assert "zqnote" not in response.content.decode()
        assert _state(item) == before

    def test_the_save_form_saves_for_its_sender_only(self, client, item, owner, intruder):
        before = _state(item)
        client.force_login(intruder)
        client.post(f"/reading-list/save/{item.essay.slug}/", {"user": owner.pk, "item": item.pk})
        assert _state(item) == before
        assert SavedEssay.objects.filter(user=intruder, essay=item.essay).exists()
        assert SavedEssay.objects.filter(user=owner).count() == 1
