"""An essay's margin comments as a W3C Web Annotation collection (/essays/<slug>/annotations.jsonld):
every response is checked against JSON Schemas of the model's classes written here; readers of
the whole essay get the comments with both selectors, anyone else only their number; hidden
comments, orphans and comments by teachers no longer verified are never exported; ETag and
conditional GET; the media type; 404, 410 and 405."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.catalogue.services import essay_save_text, essay_withdraw
from redink.marking.comments import comment_add, comment_hide
from redink.marking.models import MarginComment
from redink.marking.selectors_comments import comment_count, essay_comments_for
from redink.marking.views.annotations import essay_annotations
from redink.marking.webannotation import MEDIA_TYPE, annotation_collection
from redink.testing.factories import UserFactory, make_essay

pytestmark = pytest.mark.django_db

ANNO = "http://www.w3.org/ns/anno.jsonld"

# --- JSON Schemas of the W3C Web Annotation Data Model's classes used here -------------------
# Each lists the properties the model defines for its class and no others (a term of our own
# would need a context of our own), and requires what the model says MUST be there.

IRI = {"type": "string", "pattern": r"^https?://[^\s]+$"}
DATE_TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"}
BCP47 = {"type": "string", "pattern": r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"}
MOTIVATIONS = [
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
]


def _of_type(name: str) -> dict[str, Any]:
    """`type` is the class's name, or a list of classes that includes it."""
    return {"anyOf": [{"const": name}, {"type": "array", "contains": {"const": name}}]}


TEXT_QUOTE_SELECTOR = {
    "type": "object",
    "required": ["type", "exact"],
    "properties": {
        "type": {"const": "TextQuoteSelector"},
        "exact": {"type": "string", "minLength": 1},
        "prefix": {"type": "string"},
        "suffix": {"type": "string"},
        "refinedBy": {"type": "object"},
    },
    "additionalProperties": False,
}

TEXT_POSITION_SELECTOR = {
    "type": "object",
    "required": ["type", "start", "end"],
    "properties": {
        "type": {"const": "TextPositionSelector"},
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 0},
        "refinedBy": {"type": "object"},
    },
    "additionalProperties": False,
}

TEXTUAL_BODY = {
    "type": "object",
    "required": ["type", "value"],
    "properties": {
        "id": IRI,
        "type": _of_type("TextualBody"),
        "value": {"type": "string", "minLength": 1},
        "format": {"type": "string", "pattern": r"^[a-z]+/[a-z0-9.+-]+$"},
        "language": {"anyOf": [BCP47, {"type": "array", "items": BCP47}]},
        "processingLanguage": BCP47,
        "textDirection": {"enum": ["ltr", "rtl", "auto"]},
        "purpose": {"enum": MOTIVATIONS},
        "created": DATE_TIME,
        "modified": DATE_TIME,
        "creator": {"$ref": "#/$defs/Agent"},
    },
    "additionalProperties": False,
}

# A Person, Organization or Software. The model also defines `email` and `email_sha1`; Redink
# never publishes a teacher's address, so this schema has neither.
AGENT = {
    "type": "object",
    "required": ["type", "name"],
    "properties": {
        "id": IRI,
        "type": {"enum": ["Person", "Organization", "Software"]},
        "name": {"type": "string", "minLength": 1},
        "nickname": {"type": "string"},
        "homepage": IRI,
    },
    "additionalProperties": False,
}

SPECIFIC_RESOURCE = {
    "type": "object",
    "required": ["source"],
    "properties": {
        "id": IRI,
        "type": {"const": "SpecificResource"},
        "source": IRI,
        "selector": {
            "anyOf": [
                {"$ref": "#/$defs/Selector"},
                {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Selector"}},
            ]
        },
        "purpose": {"enum": MOTIVATIONS},
    },
    "additionalProperties": False,
}

ANNOTATION = {
    "type": "object",
    "required": ["id", "type", "target"],
    "properties": {
        "@context": {"anyOf": [{"const": ANNO}, {"type": "array", "contains": {"const": ANNO}}]},
        "id": IRI,
        "type": _of_type("Annotation"),
        "motivation": {"anyOf": [{"enum": MOTIVATIONS}, {"type": "array", "items": {"enum": MOTIVATIONS}}]},
        "created": DATE_TIME,
        "modified": DATE_TIME,
        "generated": DATE_TIME,
        "creator": {"anyOf": [IRI, {"$ref": "#/$defs/Agent"}]},
        "generator": {"anyOf": [IRI, {"$ref": "#/$defs/Agent"}]},
        "bodyValue": {"type": "string"},
        "body": {
            "anyOf": [
                IRI,
                {"$ref": "#/$defs/TextualBody"},
                {"type": "array", "items": {"anyOf": [IRI, {"$ref": "#/$defs/TextualBody"}]}},
            ]
        },
        "target": {
            "anyOf": [
                IRI,
                {"$ref": "#/$defs/SpecificResource"},
                {"type": "array", "minItems": 1, "items": {"anyOf": [IRI, {"$ref": "#/$defs/SpecificResource"}]}},
            ]
        },
        "audience": {},
        "rights": {},
        "canonical": IRI,
        "via": IRI,
    },
    "additionalProperties": False,
}

ANNOTATION_PAGE = {
    "type": "object",
    "required": ["id", "type", "items"],
    "properties": {
        "@context": {"const": ANNO},
        "id": IRI,
        "type": {"const": "AnnotationPage"},
        "partOf": {"anyOf": [IRI, {"type": "object", "required": ["id"], "properties": {"id": IRI}}]},
        "startIndex": {"type": "integer", "minimum": 0},
        "next": IRI,
        "prev": IRI,
        "items": {"type": "array", "items": {"$ref": "#/$defs/Annotation"}},
    },
    "additionalProperties": False,
}

ANNOTATION_COLLECTION = {
    "type": "object",
    "required": ["@context", "id", "type"],
    "properties": {
        "@context": {"anyOf": [{"const": ANNO}, {"type": "array", "contains": {"const": ANNO}}]},
        "id": IRI,
        "type": {"const": "AnnotationCollection"},
        "label": {"type": "string", "minLength": 1},
        "total": {"type": "integer", "minimum": 0},
        "first": {"anyOf": [IRI, {"$ref": "#/$defs/AnnotationPage"}]},
        "last": {"anyOf": [IRI, {"$ref": "#/$defs/AnnotationPage"}]},
    },
    # The model: a collection with annotations MUST have its first page.
    "if": {"properties": {"total": {"exclusiveMinimum": 0}}, "required": ["total"]},
    "then": {"required": ["first"]},
    "additionalProperties": False,
}

SCHEMAS = {
    "AnnotationCollection": ANNOTATION_COLLECTION,
    "AnnotationPage": ANNOTATION_PAGE,
    "Annotation": ANNOTATION,
    "TextualBody": TEXTUAL_BODY,
    "TextQuoteSelector": TEXT_QUOTE_SELECTOR,
    "TextPositionSelector": TEXT_POSITION_SELECTOR,
    "Agent": AGENT,
    "SpecificResource": SPECIFIC_RESOURCE,
    "Selector": {"anyOf": [{"$ref": "#/$defs/TextQuoteSelector"}, {"$ref": "#/$defs/TextPositionSelector"}]},
}


def validator(name: str) -> Draft202012Validator:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": SCHEMAS, "$ref": f"#/$defs/{name}"}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_collection(data: dict[str, Any]) -> None:
    """Valid as a whole, and each part valid as its own class."""
    validator("AnnotationCollection").validate(data)
    validator("AnnotationPage").validate(data["first"])
    for item in data["first"]["items"]:
        validator("Annotation").validate(item)
        validator("TextualBody").validate(item["body"])
        quote, position = item["target"]["selector"]
        validator("TextQuoteSelector").validate(quote)
        validator("TextPositionSelector").validate(position)


class TestTheSchemas:
    """The schemas are not vacuous: they refuse what the model refuses."""

    @pytest.mark.parametrize(
        ("name", "instance"),
        [
            ("TextPositionSelector", {"type": "TextPositionSelector", "start": -1, "end": 4}),
            ("TextPositionSelector", {"type": "TextPositionSelector", "start": 1}),
            ("TextQuoteSelector", {"type": "TextQuoteSelector", "prefix": "a"}),
            ("TextualBody", {"type": "TextualBody", "format": "text/plain"}),
            ("Annotation", {"id": "https://example.org/a/1", "type": "Annotation"}),
            (
                "Annotation",
                {
                    "id": "https://example.org/a/1",
                    "type": "Annotation",
                    "target": "https://example.org/e/",
                    "creator": {"type": "Person", "name": "A", "email": "mailto:a@example.org"},
                },
            ),
            ("AnnotationPage", {"id": "https://example.org/p", "type": "AnnotationPage"}),
            (
                "AnnotationCollection",
                {"@context": ANNO, "id": "https://example.org/c", "type": "AnnotationCollection", "total": 2},
            ),
            ("AnnotationCollection", {"id": "https://example.org/c", "type": "AnnotationCollection"}),
        ],
    )
    def test_invalid_instances_are_refused(self, name, instance):
        with pytest.raises(SchemaError):
            validator(name).validate(instance)

    def test_the_models_own_minimum_is_accepted(self):
        validator("Annotation").validate(
            {
                "@context": ANNO,
                "id": "https://example.org/annotations/17",
                "type": "Annotation",
                "created": "2015-01-28T12:00:00Z",
                "creator": {"type": "Person", "name": "A teacher"},
                "body": {"type": "TextualBody", "value": "Good.", "format": "text/plain"},
                "target": {
                    "source": "https://example.org/essays/slug/",
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": "abc", "prefix": "", "suffix": "d"},
                        {"type": "TextPositionSelector", "start": 120, "end": 123},
                    ],
                },
            }
        )


# --- The endpoint --------------------------------------------------------------------------

COMMENT_BODY = "A precise claim zqmarginbody, well supported."


def url(essay: Essay) -> str:
    return f"/essays/{essay.slug}/annotations.jsonld"


def fetch(client: Client, essay: Essay, **headers: str) -> tuple[Any, dict[str, Any]]:
    response = client.get(url(essay), headers=headers)
    assert response.status_code == 200, response.status_code
    data = json.loads(response.content)
    assert_collection(data)
    return response, data


def passage(essay: Essay, words: str) -> tuple[int, int]:
    start = essay.body.index(words)
    return start, start + len(words)


def add(essay: Essay, teacher: Any, words: str, body: str = COMMENT_BODY) -> MarginComment:
    start, end = passage(essay, words)
    return comment_add(
        essay=essay, teacher=teacher, body=body, start=start, end=end, quote=words, text_version=essay.text_version
    )


@pytest.fixture
def commented(essay, teacher):  # type: ignore[no-untyped-def]
    """The essay with two comments by one verified teacher."""
    first = add(essay, teacher, "It weighs that evidence and says how far it supports the argument.")
    second = add(essay, teacher, "compares it with the first", body="Say which mattered more.")
    return first, second


class TestReaders:
    def test_a_member_gets_each_comment_with_both_selectors_on_the_text(
        self, client, member, essay, commented, teacher
    ):
        client.force_login(member)
        response, data = fetch(client, essay)
        essay_url = settings.SITE_URL + essay.get_absolute_url()
        assert data["@context"] == ANNO and data["type"] == "AnnotationCollection"
        assert data["id"] == settings.SITE_URL + url(essay)
        assert data["total"] == 2 and essay.title in data["label"]
        page = data["first"]
        assert page["partOf"] == data["id"] and page["startIndex"] == 0 and page["id"].startswith(data["id"])
        items = page["items"]
        # In the order of the text.
        assert [item["id"] for item in items] == [f"{essay_url}#comment-{c.pk}" for c in commented]
        first = items[0]
        assert first["type"] == "Annotation" and first["motivation"] == "commenting"
        assert first["body"] == {"type": "TextualBody", "value": COMMENT_BODY, "format": "text/plain"}
        assert first["creator"] == {"type": "Person", "name": "Verified Teacher"}
        assert first["target"]["source"] == essay_url
        quote, position = first["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert quote["exact"] == essay.body[position["start"] : position["end"]]
        assert quote["exact"] == "It weighs that evidence and says how far it supports the argument."
        assert essay.body[: position["start"]].endswith(quote["prefix"]) and quote["prefix"]
        assert essay.body[position["end"] :].startswith(quote["suffix"]) and quote["suffix"]
        assert first["created"].endswith("Z") and first["modified"].endswith("Z")
        # Never an e-mail address.
        assert teacher.email not in response.content.decode() and "@" not in json.dumps(items)

    def test_positions_count_code_points(self, client, member, section, teacher):
        essay = make_essay(
            section=section,
            text="Emoji 😀 and \U0001d504 come first, then é twice é. The commented passage follows here.\n\n"
            "A second paragraph closes it.",
        )
        add(essay, teacher, "The commented passage follows here.")
        client.force_login(member)
        _, data = fetch(client, essay)
        quote, position = data["first"]["items"][0]["target"]["selector"]
        assert (
            essay.body[position["start"] : position["end"]] == quote["exact"] == "The commented passage follows here."
        )
        # Two astral characters before it: UTF-16 would count two more.
        assert position["start"] == len("Emoji 😀 and \U0001d504 come first, then é twice é. ")

    @pytest.mark.parametrize("kind", ["teacher", "staff", "author"])
    def test_every_full_reader_gets_the_same_collection(self, client, member, essay, commented, kind, staff):
        client.force_login(member)
        member_copy = client.get(url(essay)).content
        reader = {"teacher": UserFactory(is_verified_teacher=True), "staff": staff}.get(kind)
        if kind == "author":
            reader = UserFactory()
            Essay.objects.filter(pk=essay.pk).update(author=reader)
        client.force_login(reader)
        assert client.get(url(essay)).content == member_copy

    def test_the_export_is_what_an_ordinary_member_reads_beside_the_essay(self, client, member, essay, commented):
        other = UserFactory(is_verified_teacher=True, display_name="Second Marker")
        add(essay, other, "makes a final judgement")
        client.force_login(member)
        _, data = fetch(client, essay)
        visible = essay_text_for(essay=essay, viewer=member)
        shown = essay_comments_for(essay=essay, viewer=member, visible=visible)
        assert [i["id"].rsplit("-", 1)[1] for i in data["first"]["items"]] == [str(n.comment.pk) for n in shown.notes]
        assert data["total"] == shown.count == comment_count(essay=essay) == 3

    def test_the_selector_takes_a_base_url_for_its_identifiers(self, essay, commented, member):
        data = annotation_collection(essay=essay, viewer=member, request_or_base_url="https://mirror.example/")
        assert data["id"] == f"https://mirror.example/essays/{essay.slug}/annotations.jsonld"
        assert data["first"]["items"][0]["target"]["source"] == f"https://mirror.example/essays/{essay.slug}/"
        assert_collection(data)


class TestVisitors:
    @pytest.mark.parametrize("who", ["visitor", "free student"])
    def test_a_visitor_is_told_how_many_and_given_none(self, client, student, essay, commented, who):
        if who == "free student":
            client.force_login(student)
        response, data = fetch(client, essay)
        assert data["total"] == 2 and data["first"]["items"] == []
        text = response.content.decode()
        for comment in commented:
            for words in (comment.body, comment.exact, comment.prefix, comment.suffix):
                assert words not in text
        assert "zqmarginbody" not in text and "Verified Teacher" not in text

    def test_an_essay_without_comments(self, client, essay, member):
        _, data = fetch(client, essay)
        assert data["total"] == 0 and data["first"]["items"] == []
        client.force_login(member)
        _, data = fetch(client, essay)
        assert data["total"] == 0 and data["first"]["items"] == []


class TestNeverExported:
    def test_a_hidden_comment_is_exported_to_nobody(self, client, essay, commented, member, staff, teacher):
        hidden = add(essay, teacher, "makes a final judgement", body="Hidden words zqhiddenbody.")
        comment_hide(comment=hidden, moderator=staff, reason="Unkind zqhiddenreason.")
        for viewer in (member, staff, teacher, None):
            if viewer is None:
                client.logout()
            else:
                client.force_login(viewer)
            response, data = fetch(client, essay)
            text = response.content.decode()
            assert data["total"] == 2
            assert "zqhidden" not in text and f"#comment-{hidden.pk}" not in text

    def test_orphans_and_comments_by_teachers_no_longer_verified_are_not_exported(
        self, client, essay, commented, member
    ):
        lapsed = UserFactory(is_verified_teacher=True, display_name="Lapsed Teacher")
        add(essay, lapsed, "makes a final judgement", body="Lapsed words zqlapsed.")
        lapsed.is_verified_teacher = False
        lapsed.save(update_fields=["is_verified_teacher"])
        # The writer deletes the passage of the first comment: it loses its place.
        sentence = commented[0].exact
        essay_save_text(essay=essay, text=essay.body.replace(" " + sentence, ""))
        orphan = MarginComment.objects.get(pk=commented[0].pk)
        assert orphan.state == MarginComment.State.ORPHAN
        client.force_login(member)
        response, data = fetch(client, essay)
        text = response.content.decode()
        assert data["total"] == 1 and sentence not in text and "zqlapsed" not in text
        (item,) = data["first"]["items"]
        quote, position = item["target"]["selector"]
        assert quote["exact"] == essay.body[position["start"] : position["end"]] == "compares it with the first"


class TestHttp:
    def test_the_media_type(self, client, essay, commented):
        response = client.get(url(essay))
        assert (
            response["Content-Type"] == MEDIA_TYPE == 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
        )

    def test_an_etag_and_a_304_for_the_same_copy(self, client, essay, commented, member, teacher):
        response = client.get(url(essay))
        etag = response["ETag"]
        assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
        again = client.get(url(essay), headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
        # The 304 stands for the shareable 200: it says so too.
        assert "public" in again["Cache-Control"]
        assert client.get(url(essay), headers={"if-none-match": '"something-else"'}).status_code == 200
        # A member's copy is another: the visitor's tag gets the whole answer.
        client.force_login(member)
        members = client.get(url(essay), headers={"if-none-match": etag})
        assert members.status_code == 200 and members["ETag"] != etag
        assert client.get(url(essay), headers={"if-none-match": members["ETag"]}).status_code == 304
        # A new comment makes a new copy, for visitors (the total) and members (the item).
        add(essay, teacher, "makes a final judgement")
        assert client.get(url(essay), headers={"if-none-match": members["ETag"]}).status_code == 200
        client.logout()
        assert client.get(url(essay), headers={"if-none-match": etag}).status_code == 200

    def test_a_visitor_is_answered_without_the_session_and_the_copy_is_shareable(self, client, essay, commented):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(essay))
        assert not [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
        assert not response.cookies and "Cookie" not in response.get("Vary", "")
        assert "public" in response["Cache-Control"]
        assert Client().get(url(essay)).content == response.content

    def test_the_view_never_opens_a_visitors_session(self, rf, essay, commented):
        def unread() -> Any:
            raise AssertionError("the view looked the visitor up")

        request = rf.get(url(essay))
        request.session = SessionStore()
        request.user = SimpleLazyObject(unread)
        response = essay_annotations(request, slug=essay.slug)
        assert response.status_code == 200 and not request.session.accessed
        assert json.loads(response.content)["total"] == 2

    def test_a_signed_in_readers_copy_is_private_and_varies_on_the_cookie(self, client, essay, commented, member):
        client.force_login(member)
        response = client.get(url(essay))
        assert "Cookie" in response["Vary"]
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        not_modified = client.get(url(essay), headers={"if-none-match": response["ETag"]})
        assert not_modified.status_code == 304 and "Cookie" in not_modified["Vary"]
        assert "public" not in not_modified["Cache-Control"]

    def test_unknown_and_pending_essays_are_404_and_withdrawn_ones_410(self, client, essay, commented, section):
        assert client.get("/essays/no-such-essay/annotations.jsonld").status_code == 404
        pending = make_essay(section=section, status=Essay.Status.PENDING)
        assert client.get(url(pending)).status_code == 404
        essay_withdraw(essay=essay)
        gone = client.get(url(essay))
        assert gone.status_code == 410 and COMMENT_BODY not in gone.content.decode()

    def test_only_get_and_head(self, client, essay, commented):
        assert client.head(url(essay)).status_code == 200
        response = client.post(url(essay))
        assert response.status_code == 405 and "GET" in response["Allow"]
        assert response.content  # the site's page, not an empty answer
