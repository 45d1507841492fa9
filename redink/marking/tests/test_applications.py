"""Teacher applications as people meet them: a student applies (with evidence, kept privately),
is refused a second application, a moderator decides from the queue (the applicant verified or
told why, by e-mail), only moderators open the evidence, and a verified teacher's Mark essays
page lists the unreviewed essays of their subjects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redink.marking.models import MarkingEvent, Review, TeacherApplication
from redink.marking.services import ReviewInput, application_approve, application_submit, review_save
from redink.testing import factories
from redink.testing.browser import DESKTOP, PHONE, describe_axe_violations, log_in, serious_axe_violations
from redink.testing.browser import usability_problems as page_problems

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
IN = "\u203a"  # between level and subject, as pages write them
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-files"


@pytest.fixture
def history(section):  # type: ignore[no-untyped-def]
    return section.subject  # GCSE, History


@pytest.fixture
def geography(section):  # type: ignore[no-untyped-def]
    return factories.SubjectFactory(level=section.subject.level, name="Geography", slug="geography")


def application_data(*subjects, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "institution": "Northgate Academy, Leeds",
        "subjects": [s.pk for s in subjects],
        "qualification": "PGCE and QTS, 2016",
        "experience": "Head of humanities; AQA examiner.",
    }
    data.update(overrides)
    return data


def apply_as(client, user, data):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.post(reverse("marking:apply"), data)


def applied(user, *subjects, **fields) -> TeacherApplication:  # type: ignore[no-untyped-def]
    return application_submit(
        applicant=user,
        institution=fields.get("institution", "Northgate Academy"),
        subjects=subjects,
        qualification="PGCE",
        evidence=fields.get("evidence"),
    )


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def reviewed(essay, *, publish: bool, teacher=None) -> Review:  # type: ignore[no-untyped-def]
    data = ReviewInput(stars=4, strengths="A clear argument.", next_steps="More on context.")
    return review_save(
        essay=essay, teacher=teacher or factories.UserFactory(is_verified_teacher=True), data=data, publish=publish
    )


# --- Visitors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["marking:teach", "marking:apply", "marking:mark", "marking:applications"])
def test_visitors_are_sent_to_log_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


# --- Applying ---------------------------------------------------------------------------------------


class TestApplying:
    def test_the_teach_page_says_what_teachers_do_and_offers_to_apply(self, client, student):
        client.force_login(student)
        response = client.get(reverse("marking:teach"))
        page = text_of(response)
        assert "What verified teachers do" in page and "Read every essay in full" in page
        assert f'href="{reverse("marking:apply")}">Apply</a>' in response.content.decode()

    def test_the_form_groups_subjects_by_level(self, client, student, history, geography):
        a_level = factories.LevelFactory(name="A Level", slug="a-level", position=2)
        factories.SubjectFactory(level=a_level, name="History", slug="history")
        client.force_login(student)
        page = client.get(reverse("marking:apply")).content.decode()
        gcse_at, a_level_at = page.index("<legend>GCSE</legend>"), page.index("<legend>A Level</legend>")
        assert gcse_at < page.index("Geography") < a_level_at
        assert page.count('type="checkbox" name="subjects"') == 3
        for label in ("School or institution", "Teaching qualification", "Anything else", "Evidence"):
            assert f">{label}" in page
        assert "(optional)" in page

    def test_a_student_applies_with_evidence_kept_privately(self, client, student, history, settings):
        evidence = SimpleUploadedFile("staff-card.pdf", PDF, content_type="application/pdf")
        response = apply_as(client, student, {**application_data(history), "evidence": evidence})
        assert response.status_code == 302 and response["Location"] == reverse("marking:teach")
        application = TeacherApplication.objects.get(applicant=student)
        assert application.status == TeacherApplication.Status.PENDING
        assert list(application.subjects.all()) == [history]
        assert (application.institution, application.qualification) == (
            "Northgate Academy, Leeds",
            "PGCE and QTS, 2016",
        )
        stored = Path(application.evidence.path)
        assert stored.read_bytes() == PDF and Path(settings.REDINK_SUBMISSION_FILES_DIR) in stored.parents
        assert Path(settings.MEDIA_ROOT) not in stored.parents
        with pytest.raises(ValueError):
            application.evidence.url  # noqa: B018 - no public address exists
        assert MarkingEvent.objects.filter(application=application, action=MarkingEvent.Action.APPLIED).exists()
        page = text_of(client.get(reverse("marking:teach")))
        assert "Thank you: your application is with the moderators." in page
        assert "Your application is with the moderators" in page and f"GCSE {IN} History" in page

    def test_evidence_is_optional(self, client, student, history):
        assert apply_as(client, student, application_data(history)).status_code == 302
        assert not TeacherApplication.objects.get(applicant=student).evidence

    def test_missing_answers_are_said_under_their_fields(self, client, student, history):
        response = apply_as(client, student, application_data(institution=" ", qualification=""))
        assert response.status_code == 400
        page = text_of(response)
        for message in (
            "Say where you teach, or taught most recently.",
            "Choose at least one subject you teach.",
            "Give your teaching qualification",
        ):
            assert message in page
        assert not TeacherApplication.objects.exists()

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("notes.exe", b"MZ\x90\x00", "We do not take “notes.exe” as evidence."),
            (
                "card.pdf",
                b"<html><script>alert(1)</script></html>",
                "“card.pdf” is not the kind of file its name says.",
            ),
        ],
    )
    def test_evidence_of_another_kind_is_refused(self, client, student, history, name, content, message):
        evidence = SimpleUploadedFile(name, content)
        response = apply_as(client, student, {**application_data(history), "evidence": evidence})
        assert response.status_code == 400
        assert message in text_of(response)
        assert not TeacherApplication.objects.exists()

    def test_photos_and_documents_are_taken(self, client, student, history):
        evidence = SimpleUploadedFile("letter.png", PNG, content_type="image/png")
        assert apply_as(client, student, {**application_data(history), "evidence": evidence}).status_code == 302

    def test_evidence_over_the_size_limit_is_refused_with_the_limit(self, client, student, history, settings):
        settings.REDINK_UPLOAD_MAX_BYTES = 1024
        evidence = SimpleUploadedFile("scan.pdf", PDF + b"0" * 4096, content_type="application/pdf")
        response = apply_as(client, student, {**application_data(history), "evidence": evidence})
        assert response.status_code == 413
        assert "“scan.pdf” is over the 1 KB limit, so we kept nothing of it." in text_of(response)
        assert not TeacherApplication.objects.exists()
        assert not list(Path(settings.REDINK_SUBMISSION_FILES_DIR).rglob("*.pdf"))

    def test_a_second_application_is_refused_while_one_waits(self, client, student, history):
        assert apply_as(client, student, application_data(history)).status_code == 302
        page = text_of(client.get(reverse("marking:apply")))
        assert "is waiting for a moderator. You can send another once it is decided" in page
        assert "Send my application" not in page
        response = client.post(reverse("marking:apply"), application_data(history))
        assert response.status_code == 409
        assert TeacherApplication.objects.filter(applicant=student).count() == 1

    def test_a_verified_teacher_has_nothing_to_apply_for(self, client, teacher, history):
        client.force_login(teacher)
        assert "You are a verified teacher already" in text_of(client.get(reverse("marking:apply")))
        assert client.post(reverse("marking:apply"), application_data(history)).status_code == 409
        assert not TeacherApplication.objects.exists()

    def test_sending_the_form_is_limited_per_day(self, client, student, history, settings):
        settings.REDINK_TEACHER_APPLICATIONS_PER_DAY = 2
        client.force_login(student)
        for _ in range(2):
            assert client.post(reverse("marking:apply"), application_data()).status_code == 400
        response = client.post(reverse("marking:apply"), application_data(history))
        assert response.status_code == 429
        assert "You have sent this form 2 times today, the most we take in a day." in text_of(response)
        assert not TeacherApplication.objects.exists()
        # Another user is not held back by it.
        other = factories.UserFactory()
        assert apply_as(client, other, application_data(history)).status_code == 302


# --- Moderators -------------------------------------------------------------------------------------


class TestModerating:
    def test_the_queue_lists_waiting_applications_oldest_first(self, client, staff, history):
        first = applied(factories.UserFactory(display_name="First Applicant"), history)
        applied(factories.UserFactory(display_name="Second Applicant"), history)
        decided = applied(factories.UserFactory(display_name="Decided Applicant"), history)
        application_approve(application=decided, moderator=staff)
        client.force_login(staff)
        page = text_of(client.get(reverse("marking:applications")))
        assert page.index("First Applicant") < page.index("Second Applicant")
        assert "Decided Applicant" not in page
        assert "Teachers (2 waiting)" in page
        assert first.applicant.email in page and f"GCSE {IN} History" in page
        approved = text_of(client.get(reverse("marking:applications"), {"status": "approved"}))
        assert "Decided Applicant" in approved and "Second Applicant" not in approved

    def test_the_queue_takes_the_same_queries_for_many_applications(
        self, client, staff, history, geography, django_assert_max_num_queries
    ):
        for n in range(6):
            applied(factories.UserFactory(display_name=f"Applicant {n}"), history, geography)
        client.force_login(staff)
        client.get(reverse("marking:applications"))  # the session and the user
        with django_assert_max_num_queries(12):
            page = text_of(client.get(reverse("marking:applications")))
        assert "Applicant 5" in page

    def test_one_application_shows_everything_a_moderator_needs(self, client, staff, student, history):
        evidence = SimpleUploadedFile("staff-card.pdf", PDF)
        application = applied(student, history, institution="Riverside School", evidence=evidence)
        client.force_login(staff)
        response = client.get(reverse("marking:application", args=[application.pk]))
        ids = re.findall(r'\bid="([^"]+)"', response.content.decode())
        assert len(ids) == len(set(ids))  # each form's label names its own field
        page = text_of(response)
        for fact in (student.public_name, student.email, "Riverside School", f"GCSE {IN} History", "PGCE"):
            assert fact in page
        assert "Download staff-card.pdf" in page
        assert "Applied to be a verified teacher by Free Student" in page

    def test_approving_verifies_the_teacher_and_tells_them(
        self, client, staff, student, history, essay, django_capture_on_commit_callbacks
    ):
        application = applied(student, history)
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("marking:application-approve", args=[application.pk]),
                {"approve-note": "Checked the staff list."},
            )
        assert response.status_code == 302 and response["Location"] == reverse("marking:applications")
        student.refresh_from_db()
        assert student.is_verified_teacher
        application.refresh_from_db()
        assert (application.status, application.decided_by) == (TeacherApplication.Status.APPROVED, staff)
        assert [m.to for m in mail.outbox] == [[student.email]]
        assert "you are now a verified teacher" in mail.outbox[0].body
        assert reverse("marking:mark") in mail.outbox[0].body
        event = MarkingEvent.objects.get(application=application, action=MarkingEvent.Action.APPROVED)
        assert (event.actor, event.note) == (staff, "Checked the staff list.")

        # The teacher sees the badge, the header link, and reads essays in full.
        client.force_login(student)
        teach = client.get(reverse("marking:teach")).content.decode()
        assert 'class="badge badge-teacher"' in teach and f'href="{reverse("marking:mark")}"' in teach
        assert f'href="{reverse("marking:bank")}">Your comment bank</a>' in teach
        account = client.get(reverse("accounts:overview")).content.decode()
        assert 'class="badge badge-teacher"' in account
        essay_page = text_of(client.get(essay.get_absolute_url()))
        assert factories.SAMPLE_PARAGRAPHS[-1] in essay_page
        assert "Mark essays" in essay_page  # the header

    def test_declining_tells_the_applicant_why_and_lets_them_apply_again(
        self, client, staff, student, history, django_capture_on_commit_callbacks
    ):
        application = applied(student, history, institution="Riverside School")
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("marking:application-decline", args=[application.pk]),
                {
                    "decline-reason": TeacherApplication.DeclineReason.NOT_CONFIRMED,
                    "decline-note": "Riverside's staff list has no you.",
                },
            )
        application.refresh_from_db()
        assert application.status == TeacherApplication.Status.DECLINED
        reason = "We could not confirm that you teach at the school or institution you named"
        assert [m.to for m in mail.outbox] == [[student.email]]
        assert reason in mail.outbox[0].body and "Riverside's staff list has no you." in mail.outbox[0].body
        student.refresh_from_db()
        assert not student.is_verified_teacher

        client.force_login(student)
        teach = text_of(client.get(reverse("marking:teach")))
        assert "Your application was not approved" in teach and reason in teach and "Apply again" in teach
        form = client.get(reverse("marking:apply")).content.decode()
        assert 'value="Riverside School"' in form and "Your last application was not approved" in form
        assert apply_as(client, student, application_data(history)).status_code == 302
        assert TeacherApplication.objects.filter(applicant=student).count() == 2

    def test_another_reason_needs_a_note(self, client, staff, student, history):
        application = applied(student, history)
        client.force_login(staff)
        url = reverse("marking:application-decline", args=[application.pk])
        response = client.post(url, {"decline-reason": TeacherApplication.DeclineReason.OTHER, "decline-note": " "})
        assert response.status_code == 400
        assert "Say what the other reason is: the applicant is told it." in text_of(response)
        response = client.post(url, {"decline-reason": ""})
        assert response.status_code == 400 and "Choose the reason the applicant is told." in text_of(response)
        application.refresh_from_db()
        assert application.status == TeacherApplication.Status.PENDING

    def test_a_decided_application_cannot_be_decided_again(self, client, staff, student, history):
        application = applied(student, history)
        application_approve(application=application, moderator=staff)
        client.force_login(staff)
        url = reverse("marking:application-decline", args=[application.pk])
        response = client.post(url, {"decline-reason": TeacherApplication.DeclineReason.INCOMPLETE}, follow=True)
        assert "This application has been decided already." in text_of(response)
        application.refresh_from_db()
        assert application.status == TeacherApplication.Status.APPROVED

    def test_decisions_are_posted(self, client, staff, student, history):
        application = applied(student, history)
        client.force_login(staff)
        assert client.get(reverse("marking:application-approve", args=[application.pk])).status_code == 405

    def test_a_non_moderator_is_refused_every_moderator_page(self, client, student, teacher, history):
        application = applied(student, history, evidence=SimpleUploadedFile("card.pdf", PDF))
        client.force_login(teacher)
        for url in (
            reverse("marking:applications"),
            reverse("marking:application", args=[application.pk]),
            reverse("marking:application-evidence", args=[application.pk]),
        ):
            assert client.get(url).status_code == 403
        assert client.post(reverse("marking:application-approve", args=[application.pk])).status_code == 403
        application.refresh_from_db()
        assert application.status == TeacherApplication.Status.PENDING

    def test_the_evidence_goes_to_moderators_only_as_a_download(self, client, staff, student, history):
        application = applied(student, history, evidence=SimpleUploadedFile("card.pdf", PDF))
        url = reverse("marking:application-evidence", args=[application.pk])
        assert client.get(url).status_code == 302  # a visitor: log in first
        client.force_login(student)  # not even its own applicant
        assert client.get(url).status_code == 403
        client.force_login(staff)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"  # what the stored bytes are
        assert response["Content-Security-Policy"] == "sandbox"
        without = applied(factories.UserFactory(), history)
        assert client.get(reverse("marking:application-evidence", args=[without.pk])).status_code == 404
        assert client.get(reverse("marking:application", args=[987654])).status_code == 404


# --- Mark essays -------------------------------------------------------------------------------------


class TestMarkEssays:
    @pytest.fixture
    def history_teacher(self, history, staff):  # type: ignore[no-untyped-def]
        user = factories.UserFactory(display_name="History Teacher")
        application_approve(application=applied(user, history), moderator=staff)
        user.refresh_from_db()
        return user

    def test_lists_only_unreviewed_essays_of_the_teachers_subjects(
        self, client, history_teacher, section, geography, essay
    ):
        older = factories.make_essay(section=section, title="Why did the Cold War end?")
        marked = factories.make_essay(section=section, title="An essay someone has reviewed")
        reviewed(marked, publish=True)
        drafted = factories.make_essay(section=section, title="An essay with someone's draft review")
        reviewed(drafted, publish=False)
        factories.make_essay(section=factories.SectionFactory(subject=geography), title="A geography essay")
        factories.make_essay(section=section, title="Still waiting for a moderator", status="pending")
        factories.make_essay(section=section, title="The teacher's own essay", author=history_teacher)
        client.force_login(history_teacher)
        response = client.get(reverse("marking:mark"))
        # Newest first (each essay made here was published a minute before the one made before it).
        assert [e.title for e in response.context["page_obj"]] == [essay.title, older.title, drafted.title]
        page = text_of(response)
        assert f"GCSE {IN} History {IN} International relations 1945-1991" in page and "words" in page
        assert "3 essays waiting for a review" in page

    def test_the_teachers_own_draft_is_marked(self, client, history_teacher, essay):
        reviewed(essay, publish=False, teacher=history_teacher)
        client.force_login(history_teacher)
        response = client.get(reverse("marking:mark"))
        assert essay.title in text_of(response) and "Draft saved" in text_of(response)
        html = response.content.decode()
        assert f'href="{reverse("marking:review", args=[essay.slug])}"><bdi>{essay.title}</bdi></a>' in html
        assert f'href="{essay.get_absolute_url()}">Essay page</a>' in html

    def test_filters_by_subject(self, client, staff, section, geography, essay):
        teacher = factories.UserFactory()
        application_approve(application=applied(teacher, section.subject, geography), moderator=staff)
        teacher.refresh_from_db()
        factories.make_essay(section=factories.SectionFactory(subject=geography), title="A geography essay")
        client.force_login(teacher)
        both = [e.title for e in client.get(reverse("marking:mark")).context["page_obj"]]
        assert set(both) == {essay.title, "A geography essay"}
        only = client.get(reverse("marking:mark"), {"subject": geography.pk})
        assert [e.title for e in only.context["page_obj"]] == ["A geography essay"]
        assert f"GCSE {IN} Geography" in only.content.decode()

    def test_a_teacher_verified_by_the_admin_flag_marks_every_subject(self, client, teacher, essay, geography):
        other = factories.make_essay(section=factories.SectionFactory(subject=geography))
        client.force_login(teacher)
        titles = {e.title for e in client.get(reverse("marking:mark")).context["page_obj"]}
        assert titles == {essay.title, other.title}

    def test_is_paginated_without_a_query_per_essay(
        self, client, history_teacher, section, settings, django_assert_max_num_queries
    ):
        settings.REDINK_PAGE_SIZE = 3
        for n in range(7):
            factories.make_essay(section=section, title=f"Essay {n} on the Cold War")
        client.force_login(history_teacher)
        client.get(reverse("marking:mark"))  # warm the session and the user
        with django_assert_max_num_queries(8):
            response = client.get(reverse("marking:mark"), {"page": 2})
        assert len(response.context["page_obj"]) == 3 and "Page 2 of 3" in text_of(response)

    def test_others_are_sent_to_the_teach_page_with_the_reason(self, client, student):
        client.force_login(student)
        response = client.get(reverse("marking:mark"), follow=True)
        assert response.redirect_chain == [(reverse("marking:teach"), 302)]
        assert "Mark essays is for verified teachers; this page says how to become one." in text_of(response)


# --- In a browser -------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_apply_approve_and_mark_in_a_browser(browser_context, live_server, axe, tmp_path, settings):
    from playwright.sync_api import expect

    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-files"
    level = factories.LevelFactory(name="GCSE", slug="gcse")
    history = factories.SubjectFactory(level=level, name="History", slug="history")
    factories.SubjectFactory(level=level, name="Geography", slug="geography")
    section = factories.SectionFactory(subject=history, name="Weimar Germany", slug="weimar-germany")
    essay = factories.make_essay(section=section, title="How stable was the Weimar Republic by 1929?")
    student = factories.UserFactory(display_name="Applying Teacher")
    moderator = factories.UserFactory(display_name="The Moderator", is_staff=True)
    evidence = tmp_path / "staff-card.pdf"
    evidence.write_bytes(PDF)

    def check(page, screens=(DESKTOP,)) -> None:  # type: ignore[no-untyped-def]
        violations = serious_axe_violations(axe, page)
        assert not violations, describe_axe_violations(violations)
        for screen in screens:
            page.set_viewport_size({"width": screen.width, "height": screen.height})
            assert not page_problems(page, screen), page_problems(page, screen)
        page.set_viewport_size({"width": DESKTOP.width, "height": DESKTOP.height})

    applicant = browser_context()
    log_in(applicant, student, base_url=live_server.url)
    mine = applicant.new_page()
    mine.goto("/teach/")
    check(mine, (PHONE, DESKTOP))
    mine.get_by_role("link", name="Apply", exact=True).click()
    mine.get_by_role("button", name="Send my application").click()  # nothing filled in
    expect(mine.locator(".form-errors")).to_contain_text("Choose at least one subject you teach.")
    check(mine, (PHONE, DESKTOP))
    mine.get_by_label("School or institution").fill("Northgate Academy, Leeds")
    mine.get_by_role("group", name="GCSE").get_by_label("History").check()
    mine.get_by_label("Teaching qualification").fill("PGCE and QTS, 2016")
    mine.get_by_label("Evidence").set_input_files(str(evidence))
    mine.get_by_role("button", name="Send my application").click()
    expect(mine.locator(".messages")).to_contain_text("your application is with the moderators")
    expect(mine.get_by_role("heading", name="Your application is with the moderators")).to_be_visible()

    staff = browser_context()
    log_in(staff, moderator, base_url=live_server.url)
    queue = staff.new_page()
    queue.goto("/moderation/teachers/")
    expect(queue.get_by_role("link", name=re.compile(r"Teachers \(1 waiting\)"))).to_be_visible()
    check(queue, (PHONE, DESKTOP))
    queue.get_by_role("link", name="Applying Teacher").click()
    expect(queue.get_by_text("Northgate Academy, Leeds")).to_be_visible()
    with queue.expect_download() as download:
        queue.get_by_role("link", name="Download staff-card.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    check(queue, (PHONE, DESKTOP))
    queue.get_by_role("button", name="Approve").click()
    expect(queue.locator(".messages")).to_contain_text("Approved: Applying Teacher is a verified teacher now")

    mine.goto("/teach/mark/")
    expect(mine.get_by_role("link", name=essay.title, exact=True)).to_be_visible()
    expect(mine.locator(".account-nav").get_by_role("link", name="Mark essays")).to_be_visible()
    check(mine, (PHONE, DESKTOP))
    mine.goto("/teach/")
    expect(mine.locator(".badge-teacher").first).to_have_text("✓ Verified teacher")
