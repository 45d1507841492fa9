"""Backup and restore: a library backed up and restored into an empty database serves the same
essays, the same full access and the same files; damaged or mismatched archives are refused in words.

The restore and the pages run in fresh `manage.py` processes pointed at the restored database and
directories, as an operator would run them, so nothing the test process holds in memory can help.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from redink.ops.backup import DATABASE_MEMBERS, FORMAT, FORMAT_VERSION, MANIFEST
from redink.submissions.models import Submission
from redink.testing import factories

CLOSING = "The closing judgement names the Berlin airlift as the turning point of the whole decade."
TEXT = "\n\n".join([*factories.SAMPLE_PARAGRAPHS, CLOSING])
UPLOAD = b"PK\x03\x04 an uploaded essay's bytes \x00\xff" * 200
AVATAR = bytes(range(256)) * 40

# Run inside the restored site: what a visitor, a member and a moderator get from it.
PAGES = """
import json
from django.test import Client
from redink.accounts.models import User
from redink.submissions.models import Submission

essay_url, section_url = {essay_url!r}, {section_url!r}
visitor = Client()
page = visitor.get(essay_url)
member = Client()
member.force_login(User.objects.get(email={member_email!r}))
moderator = Client()
moderator.force_login(User.objects.get(email={staff_email!r}))
upload = Submission.objects.get(title="An uploaded essay")
download = moderator.get(f"/moderation/uploads/{{upload.pk}}/file/")
print("RESULT " + json.dumps({{
    "visitor_status": page.status_code,
    "visitor_page": page.content.decode(),
    "member_page": member.get(essay_url).content.decode(),
    "section_page": visitor.get(section_url).content.decode(),
    "search_page": visitor.get("/search/?q=airlift").content.decode(),
    "download_status": download.status_code,
    "download_sha256": __import__("hashlib").sha256(b"".join(download.streaming_content)).hexdigest(),
}}))
"""


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _empty_database_url(tmp_path: Path) -> tuple[str, str | None]:
    """A new, empty database of the kind the suite runs on: its URL, and its name to drop (PostgreSQL)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(params["USER"] or "postgres") + (f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else "")
    return f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}", name


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_serves_the_same_essays_access_and_files(tmp_path, settings, section):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private"
    essay = factories.make_essay(section=section, title="Why did the Berlin blockade fail?", text=TEXT)
    factories.make_essay(section=section, title="Causes of the Cold War in Europe")
    member = factories.UserFactory(display_name="Paying Member")
    factories.grant_membership(member)
    member.avatar.save("member.png", ContentFile(AVATAR))
    staff = factories.UserFactory(display_name="Moderator", is_staff=True)
    upload = Submission.objects.create(
        contributor=member,
        source="file",
        title="An uploaded essay",
        section=section,
        file=ContentFile(UPLOAD, name="essay.docx"),
        original_filename="essay.docx",
    )

    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "Backed up 2 essays, 2 users, 1 entitlement, 1 upload and 2 files" in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0  # it holds every account: its owner's eyes only

    url, drop = _empty_database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "REDINK_SUBMISSION_FILES_DIR": str(tmp_path / "restored-private"),
        "REDIS_URL": "",  # the restored database's own cache, not the one the test process filled
    }
    try:
        restored = _manage("restore", str(archive), env=env)
        assert restored.returncode == 0, restored.stderr
        assert "Restored 2 essays, 2 users, 1 entitlement, 1 upload and 2 files" in restored.stdout

        script = PAGES.format(
            essay_url=essay.get_absolute_url(),
            section_url=section.get_absolute_url(),
            member_email=member.email,
            staff_email=staff.email,
        )
        served = _manage("shell", "-c", script, env=env)
        assert served.returncode == 0, served.stderr
        pages = json.loads(served.stdout.split("RESULT ", 1)[1])
    finally:
        if drop:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')

    assert pages["visitor_status"] == 200
    assert essay.title in pages["visitor_page"]
    assert CLOSING not in pages["visitor_page"]  # still a preview for a visitor
    assert CLOSING in pages["member_page"]  # the entitlement came back with the essays
    assert "Causes of the Cold War in Europe" in pages["section_page"]
    assert essay.title in pages["search_page"]  # the search index came back too
    assert pages["download_status"] == 200
    assert pages["download_sha256"] == hashlib.sha256(UPLOAD).hexdigest()
    assert (tmp_path / "restored-private" / upload.file.name).read_bytes() == UPLOAD
    assert (tmp_path / "restored-media" / member.avatar.name).read_bytes() == AVATAR


def _archive(path: Path, *, vendor: str, migrations: dict[str, str] | None = None) -> Path:
    """A well-formed backup archive, built by hand so its manifest can say what a test needs."""
    dump = b"not loaded: every refusal comes before the database is touched"
    member = DATABASE_MEMBERS[vendor]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "redink_version": "9.9.9",
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"vendor": vendor, "member": member, "migrations": migrations or {}, "rows": {}},
        "files": {},
        "members": {member: {"sha256": hashlib.sha256(dump).hexdigest(), "size": len(dump)}},
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in ((member, dump), (MANIFEST, json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _refusal(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", *args, stdout=io.StringIO())
    return str(refused.value)


@pytest.mark.django_db
def test_restore_refuses_a_wrong_truncated_or_mismatched_archive_in_words(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private"
    ours = connection.vendor
    other = "sqlite" if ours == "postgresql" else "postgresql"

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("my shopping list")
    assert "is not a Redink backup" in _refusal(str(not_a_backup))
    assert "There is no file" in _refusal(str(tmp_path / "missing.tar.gz"))

    whole = _archive(tmp_path / "whole.tar.gz", vendor=ours)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "is incomplete or damaged" in _refusal(str(cut))

    mismatched = _archive(tmp_path / "other.tar.gz", vendor=other)
    message = _refusal(str(mismatched))
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    assert f"holds a {names[other]} database" in message and f"is {names[ours]}" in message

    newer = _archive(tmp_path / "newer.tar.gz", vendor=ours, migrations={"catalogue": "9999_from_the_future"})
    assert "made by a newer Redink (9.9.9)" in _refusal(str(newer))

    # The suite's database has every table: a restore there would overwrite a live site.
    assert "Not restoring: the database already has" in _refusal(str(whole))
    assert "--force" in _refusal(str(whole))

    call_command("restore", str(whole), check=True, stdout=(out := io.StringIO()))
    assert "is whole" in out.getvalue()
