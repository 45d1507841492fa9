"""Titles and display names refuse invisible and direction-changing characters, wherever they
are typed: the upload form, the moderator's details form, the admin, the import manifest, the
profile and sign-up."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from redink.accounts.names import display_name_problems
from redink.catalogue.models import Essay
from redink.core.text import invisible_characters_in, without_invisible_characters
from redink.submissions.forms import EssayDetailsForm
from redink.submissions.models import Submission
from redink.testing.factories import UserFactory, make_essay

TITLE_MESSAGE = "Titles cannot contain invisible or direction-changing characters"
NAME_MESSAGE = "Display names cannot contain invisible or direction-changing characters"

# Each refused character, named as the message names it.
INVISIBLE = {
    "\u202a": "U+202A LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "U+202B RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "U+202C POP DIRECTIONAL FORMATTING",
    "\u202d": "U+202D LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "U+202E RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "U+2066 LEFT-TO-RIGHT ISOLATE",
    "\u2067": "U+2067 RIGHT-TO-LEFT ISOLATE",
    "\u2068": "U+2068 FIRST STRONG ISOLATE",
    "\u2069": "U+2069 POP DIRECTIONAL ISOLATE",
    "\u200e": "U+200E LEFT-TO-RIGHT MARK",
    "\u200f": "U+200F RIGHT-TO-LEFT MARK",
    "\u200b": "U+200B ZERO WIDTH SPACE",
    "\u200c": "U+200C ZERO WIDTH NON-JOINER",
    "\u200d": "U+200D ZERO WIDTH JOINER",
    "\u2060": "U+2060 WORD JOINER",
    "\ufeff": "U+FEFF ZERO WIDTH NO-BREAK SPACE",
}
ALLOWED_TITLES = [
    "The causes of the Cold War",
    "Macbeth: ambition, guilt — and the witches\u2019 “prophecy”",
    "Ötzi and the Copper Age in the Alps",
    "אהבה ומלחמה בשירה העברית",  # a right-to-left title needs no control characters
    "الثورة الصناعية في بريطانيا",
    "Photosynthesis 🌱 in C4 plants",
]


def disguised(character: str) -> str:
    # The classic disguise: an override that makes "gpj.exe" read as "exe.jpg".
    return f"My essay{character}gpj.exe"


@pytest.mark.parametrize("character", list(INVISIBLE), ids=[INVISIBLE[c] for c in INVISIBLE])
def test_the_moderators_details_form_names_the_character_it_refuses(character, section):
    form = EssayDetailsForm({"title": disguised(character), "section": section.pk})
    assert not form.is_valid()
    (message,) = form.errors["title"]
    assert message.startswith(TITLE_MESSAGE) and INVISIBLE[character] in message


@pytest.mark.parametrize("title", ALLOWED_TITLES)
def test_ordinary_titles_in_any_script_are_accepted(title, section):
    assert invisible_characters_in(title) == []
    assert EssayDetailsForm({"title": title, "section": section.pk}).is_valid()


def test_a_line_break_in_a_title_is_refused_so_it_cannot_end_an_email_subject(section):
    form = EssayDetailsForm({"title": "A title\r\nBcc: everyone@example.org", "section": section.pk})
    assert not form.is_valid() and form.errors["title"][0].startswith(TITLE_MESSAGE)


def upload_data(section, title):  # type: ignore[no-untyped-def]
    text = " ".join(f"Sentence {n} says something new about the question at hand." for n in range(60))
    return {"title": title, "section": section.pk, "text": text, "declaration": "on", "licence": "on"}


def test_the_upload_page_refuses_the_title_and_stores_nothing(client, section, student):
    client.force_login(student)
    response = client.post(reverse("submissions:upload"), upload_data(section, disguised("\u202e")))
    assert response.status_code == 200
    page = response.content.decode()
    assert TITLE_MESSAGE in page and "U+202E RIGHT-TO-LEFT OVERRIDE" in page
    assert not Submission.objects.exists()
    accepted = client.post(reverse("submissions:upload"), upload_data(section, "An honest title"))
    assert accepted.status_code == 302 and Submission.objects.get().title == "An honest title"


def admin_essay_data(essay: Essay, **changes: str) -> dict[str, str]:
    data = {
        "title": essay.title,
        "slug": essay.slug,
        "section": str(essay.section_id),
        "status": essay.status,
        "published_at_0": essay.published_at.strftime("%Y-%m-%d") if essay.published_at else "",
        "published_at_1": essay.published_at.strftime("%H:%M:%S") if essay.published_at else "",
        "body": essay.body,
        "preview_style": essay.preview_style,
        "exam_board": "",
        "year": "",
        "grade": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_the_admin_refuses_the_title_and_keeps_the_old_one(client, section):
    essay = make_essay(section=section, title="A title staff may edit")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:catalogue_essay_change", args=[essay.pk])
    page = client.get(url)
    formset = page.context["inline_admin_formsets"][0].formset
    prefix = formset.prefix
    data = admin_essay_data(essay, title="Staff\u200btitle")
    data[f"{prefix}-TOTAL_FORMS"] = data.pop("revisions-TOTAL_FORMS")
    data[f"{prefix}-INITIAL_FORMS"] = data.pop("revisions-INITIAL_FORMS")
    refused = client.post(url, data)
    assert refused.status_code == 200 and TITLE_MESSAGE in refused.content.decode()
    essay.refresh_from_db()
    assert essay.title == "A title staff may edit"
    saved = client.post(url, {**data, "title": "A title staff edited"})
    assert saved.status_code == 302
    essay.refresh_from_db()
    assert essay.title == "A title staff edited"


def essay_words(seed: int) -> str:
    sentences = [
        f"Point {seed}-{n} weighs how treaty {n * 7 + seed} changed alliance number {n * 3 + seed} in that decade."
        for n in range(40)
    ]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, 40, 5))


def test_an_import_manifest_title_is_refused_and_a_documents_own_title_is_cleaned(db, tmp_path):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "typed.txt").write_text(essay_words(1))
    (folder / "own.txt").write_text("Its own\u202e title\n\n" + essay_words(2))
    manifest = tmp_path / "manifest.csv"
    with manifest.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "title", "level", "subject", "section"])
        writer.writerow(["library/typed.txt", "Typed\u2067 title", "GCSE", "History", "Tudors"])
        writer.writerow(["library/own.txt", "", "GCSE", "History", "Tudors"])
    out = io.StringIO()
    call_command("import_essays", str(folder), "--manifest", str(manifest), "--quiet", stdout=out)
    report = out.getvalue()
    typed_line = next(line for line in report.splitlines() if "typed.txt" in line)
    assert typed_line.startswith("failed") and TITLE_MESSAGE in typed_line and "U+2067" in typed_line
    assert not Essay.objects.filter(title__contains="Typed").exists()
    assert Essay.objects.get().title == "Its own title"


@pytest.mark.parametrize("character", list(INVISIBLE), ids=[INVISIBLE[c] for c in INVISIBLE])
def test_display_names_refuse_the_character_with_its_name(character):
    (problem,) = display_name_problems(f"Ann{character}ie")
    assert problem.startswith(NAME_MESSAGE) and INVISIBLE[character] in problem


def test_the_profile_page_refuses_a_disguised_name_and_keeps_the_old_one(client, student):
    client.force_login(student)
    response = client.post("/accounts/profile/", {"display_name": "Free\u202eStudent"})
    assert response.status_code == 400 and NAME_MESSAGE in response.content.decode()
    student.refresh_from_db()
    assert student.display_name == "Free Student"


def test_the_user_model_refuses_a_disguised_display_name_for_the_admin(db):
    from redink.accounts.models import User

    user = User(email="someone@example.org", display_name="Some\u200dOne")
    with pytest.raises(Exception, match=NAME_MESSAGE):
        user.full_clean(exclude=["password"])


def test_cleaning_keeps_words_apart_and_drops_only_the_invisible():
    assert without_invisible_characters("Cold\nWar\u200b \u202eessay") == "Cold War essay"
    assert without_invisible_characters(ALLOWED_TITLES[3]) == ALLOWED_TITLES[3]
