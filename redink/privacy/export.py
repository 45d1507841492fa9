"""Everything Redink holds about one user, as the "Export my data" archive gives it to them.

`USER_DATA` declares, for every model field that points at a user, which section of the export
carries those rows (a test walks every model and fails on a field that is not declared here, so
a new model that stores something about a user is added to the export before it ships).
`user_data` only reads; `export_archive_build` puts its result in a zip as `data.json`, with a
`README.txt` saying what each section is, and the files the user uploaded under `uploads/`.

Never exported: the password (stored only as a one-way hash), card details (Stripe keeps them;
Redink never sees them), sessions, and other people's personal data (a moderator's name or
address, a takedown requester's details, another user's e-mail).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from redink.core.links import site_url

from .export_sections import (
    account,
    actions_logged,
    avatar_name,
    essay_ref,
    essays,
    evidence_name,
    iso,
    margin_comments,
    payments,
    reviews,
    teacher_applications,
    upload_name,
    uploads,
)

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Held:
    """One field that ties rows to a user, and the section of the export that carries them."""

    model: str  # "app_label.ModelName"
    field: str  # the field pointing at the user; "" for the user's own row
    section: str  # the key in data.json
    note: str = ""  # what is left out, and why

    def rows(self, *, user: Any) -> QuerySet[Any]:
        """The rows this field ties to `user` (for the user's own row: that row)."""
        model = apps.get_model(self.model)
        lookup = {"pk": user.pk} if not self.field else {self.field: user}
        return model._default_manager.filter(**lookup)


USER_DATA: tuple[Held, ...] = (
    Held("accounts.User", "", "account", "without the password hash"),
    Held("account.EmailAddress", "user", "email_addresses"),
    Held("accounts.PreviousDisplayName", "user", "previous_display_names"),
    Held("privacy.TermsAcceptance", "user", "terms_acceptances"),
    Held("privacy.EmailPreference", "user", "email_preferences"),
    Held("privacy.DataExport", "user", "data_exports", "without the links' tokens"),
    Held("access.Entitlement", "user", "entitlements"),
    Held("billing.BillingCustomer", "user", "payments", "Stripe's references; card details never reach Redink"),
    Held("billing.Subscription", "user", "payments", "Stripe's references; card details never reach Redink"),
    Held("catalogue.Essay", "author", "essays"),
    Held("submissions.Submission", "contributor", "uploads", "the file itself is in uploads/"),
    Held("marking.TeacherApplication", "applicant", "teacher_applications", "the evidence file is in uploads/"),
    Held("marking.Review", "teacher", "reviews"),
    Held("marking.MarginComment", "teacher", "margin_comments"),
    Held("marking.BankComment", "teacher", "comment_bank"),
    Held("reading.SavedEssay", "user", "reading_list"),
    Held("reading.ReadingHistoryEntry", "user", "reading_history"),
    Held("reading.ReadingSettings", "user", "reading_settings"),
    Held("api.ApiToken", "user", "api_tokens", "without the tokens themselves (only their hashes are kept)"),
    # Decisions logged with the user as the one who made them: in brief (what, when, the record's
    # number), never the personal data of the person the decision was about.
    Held("submissions.Submission", "decided_by", "actions_logged", "in brief"),
    Held("submissions.TakedownRequest", "handled_by", "actions_logged", "in brief, without the requester"),
    Held("submissions.ModerationEvent", "actor", "actions_logged", "in brief, without notes"),
    Held("marking.TeacherApplication", "decided_by", "actions_logged", "in brief, without the applicant"),
    Held("marking.MarkingEvent", "actor", "actions_logged", "in brief, without notes"),
    Held("admin.LogEntry", "user", "actions_logged", "in brief, without the changed object's name"),
)

# The sections of data.json in order, each with what README.txt says about it.
SECTIONS: dict[str, str] = {
    "account": "Your account: e-mail address, display name, year of birth, whether your author page is "
    "public, whether you are a verified teacher or staff, when you joined and last logged in, and your "
    "picture (in uploads/avatar/, if you chose one).",
    "email_addresses": "The e-mail addresses on your account, and whether each is confirmed and the main one.",
    "previous_display_names": "Display names you used before, and when you changed them. Old links to your "
    "author page redirect to your current name.",
    "terms_acceptances": "Each version of the terms of use you accepted, and when.",
    "email_preferences": "The kinds of e-mail you turned on or off. A kind not listed is on.",
    "data_exports": "The copies of your data you asked for (like this one), and when each link expires.",
    "entitlements": "Your periods of full access to the library: from a subscription, from contributing "
    "essays, from a trial or granted by staff.",
    "payments": "Your membership payments as Stripe reported them: the customer and subscription "
    "references, plan, price, status and billing periods. Your card details are not here because "
    "Redink never receives them: Stripe keeps them.",
    "essays": "Essays in the library under your name, with their full text and status.",
    "uploads": "Everything you uploaded or pasted, what happened to it (its status, and the reason if it "
    "was not published), and its history. The file you uploaded is in the uploads/ folder, named in "
    "file_in_archive.",
    "teacher_applications": "Your applications to be a verified teacher and the decisions on them. Any "
    "evidence file you sent is in uploads/teacher-evidence/.",
    "reviews": "Reviews you wrote as a teacher, with their marks.",
    "margin_comments": "Comments you wrote as a teacher on passages of essays.",
    "comment_bank": "The comments you saved to reuse when marking.",
    "reading_list": "The essays you saved to your reading list, with your notes.",
    "reading_history": "The essays you read recently (kept for 90 days), if your reading history is on.",
    "reading_settings": "Whether your reading history is on.",
    "api_tokens": "The personal access tokens you made for apps: their names, what each may do, when it "
    "was made, expires, was last used and was revoked. Not the tokens themselves: Redink keeps only a "
    "scrambled form of each, which cannot be turned back into the token.",
    "actions_logged": "Actions recorded with your name as the one who took them: for example withdrawing "
    "your own essay, or, if you are a teacher or moderator, the decisions you made. Each is given in "
    "brief (what, when, and the number of the record), without the details of anyone else.",
}


def user_data(user: Any) -> dict[str, Any]:
    """Everything Redink holds about `user`, as JSON-able values (dates in ISO 8601, UTC). Only reads."""
    from allauth.account.models import EmailAddress

    from redink.access.models import Entitlement
    from redink.accounts.models import PreviousDisplayName
    from redink.api.models import ApiToken
    from redink.marking.models import BankComment
    from redink.reading.models import ReadingHistoryEntry, ReadingSettings, SavedEssay

    from .models import DataExport, EmailPreference, TermsAcceptance

    reading_settings = ReadingSettings.objects.filter(user=user).first()
    saved = SavedEssay.objects.filter(user=user).select_related("essay").order_by("saved_at", "pk")
    history = ReadingHistoryEntry.objects.filter(user=user).select_related("essay").order_by("read_at", "pk")
    data: dict[str, Any] = {
        "account": account(user),
        "email_addresses": [
            {"email": a.email, "confirmed": a.verified, "main": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "previous_display_names": [
            {"name": p.name, "replaced_at": iso(p.replaced_at)}
            for p in PreviousDisplayName.objects.filter(user=user).order_by("replaced_at", "pk")
        ],
        "terms_acceptances": [
            {"version": t.version, "accepted_at": iso(t.accepted_at)}
            for t in TermsAcceptance.objects.filter(user=user).order_by("accepted_at", "pk")
        ],
        "email_preferences": [
            {"kind": p.get_kind_display(), "on": p.enabled, "changed_at": iso(p.updated_at)}
            for p in EmailPreference.objects.filter(user=user).order_by("kind")
        ],
        "data_exports": [
            {
                "status": x.status,
                "asked_at": iso(x.created_at),
                "ready_at": iso(x.ready_at),
                "expires_at": iso(x.expires_at),
            }
            for x in DataExport.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "entitlements": [
            {
                "source": e.get_source_display(),
                "starts_at": iso(e.starts_at),
                "ends_at": iso(e.ends_at),
                "reference": e.reference,
            }
            for e in Entitlement.objects.filter(user=user).order_by("starts_at", "pk")
        ],
        "payments": payments(user),
        "essays": essays(user),
        "uploads": uploads(user),
        "teacher_applications": teacher_applications(user),
        "reviews": reviews(user),
        "margin_comments": margin_comments(user),
        "comment_bank": [
            {"comment": c.text, "objective": c.objective_code, "created_at": iso(c.created_at)}
            for c in BankComment.objects.filter(teacher=user).order_by("created_at", "pk")
        ],
        "reading_list": [
            {"title": s.title, "essay": essay_ref(s.essay), "note": s.note, "saved_at": iso(s.saved_at)} for s in saved
        ],
        "reading_history": [{"essay": essay_ref(h.essay), "read_at": iso(h.read_at)} for h in history],
        "reading_settings": {"history_on": reading_settings.history_enabled if reading_settings else True},
        "api_tokens": [
            {
                "name": t.name,
                "may": t.get_scope_display(),
                "last_characters": t.hint,
                "created_at": iso(t.created_at),
                "expires_at": iso(t.expires_at),
                "last_used_at": iso(t.last_used_at),
                "revoked_at": iso(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "actions_logged": actions_logged(user),
    }
    return {
        "about": {
            "site": settings.SITE_NAME,
            "address": site_url("/"),
            "format_version": FORMAT_VERSION,
            "generated_at": iso(timezone.now()),
        },
        **{section: data[section] for section in SECTIONS},
    }


def export_readme(data: dict[str, Any]) -> str:
    """README.txt: what the archive is and what each section of data.json holds."""
    lines = [
        f"Your data from {settings.SITE_NAME}",
        "=" * (len(settings.SITE_NAME) + 15),
        "",
        f"This archive holds everything {settings.SITE_NAME} keeps about your account, as it was on "
        f"{data['about']['generated_at'][:10]} (times are in UTC).",
        "",
        "data.json   your data, in JSON (a plain-text format any programming language, and many",
        "            spreadsheet tools, can read). Open it with a text editor to look through it.",
        "README.txt  this file.",
        "uploads/    the files you uploaded, exactly as you sent them, and your picture.",
        "",
        "What is in data.json, section by section",
        "----------------------------------------",
        "",
    ]
    for section, description in SECTIONS.items():
        lines += [f"{section}", f"    {description}", ""]
    lines += [
        "What is not in it",
        "-----------------",
        "",
        "Your password: it is stored only in a scrambled form that cannot be turned back into the",
        "password, so there is nothing useful to give you. Card details: you paid through Stripe,",
        "which keeps them; Redink never receives them. Other people's details: where a moderator",
        "decided on your upload, or a teacher reviewed your essay, their personal data is theirs.",
        "",
        f"Questions about your data: {settings.REDINK_CONTACT_EMAIL}",
        "",
    ]
    return "\n".join(lines)


def _files(user: Any) -> list[tuple[str, Any]]:
    """(name in the archive, stored file) of everything the user uploaded that is kept."""
    from redink.marking.models import TeacherApplication
    from redink.submissions.models import Submission

    files: list[tuple[str, Any]] = []
    if user.avatar:
        files.append((avatar_name(user), user.avatar))
    for submission in (
        Submission.objects.filter(contributor=user).exclude(file="").only("pk", "file", "original_filename")
    ):
        files.append((upload_name(submission), submission.file))
    for application in TeacherApplication.objects.filter(applicant=user).exclude(evidence="").only("pk", "evidence"):
        files.append((evidence_name(application), application.evidence))
    return files


def export_archive_write(user: Any, destination: IO[bytes]) -> None:
    """Write the archive (data.json, README.txt, uploads/) to a binary file object."""
    data = user_data(user)
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", export_readme(data))
        for name, stored in _files(user):
            try:
                with stored.open("rb") as handle, archive.open(name, "w", force_zip64=True) as target:
                    shutil.copyfileobj(handle, target, 1024 * 1024)
            except FileNotFoundError:
                archive.writestr(f"{name}.missing.txt", "This file could not be found in Redink's storage.\n")


def export_archive_build(user: Any) -> bytes:
    """The archive as bytes (the service writes it to a temporary file instead)."""
    buffer = io.BytesIO()
    export_archive_write(user, buffer)
    return buffer.getvalue()
