"""Bulk import: the same extraction and checks as uploads, a report naming each file, and re-runs that
duplicate nothing, even after a run is killed midway."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from redink.access.models import Entitlement
from redink.accounts.models import User
from redink.catalogue.models import Essay, Section
from redink.submissions.models import ImportRecord, Submission
from redink.submissions.testing.documents import make_docx

pytestmark = pytest.mark.django_db


def essay_file(title: str, paragraphs: list[str]) -> str:
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture
def library(tmp_path, drafts, originals):  # type: ignore[no-untyped-def]
    """A folder of documents and a manifest: originals, a copy, a partial copy and two bad files."""
    folder = tmp_path / "library"
    (folder / "more").mkdir(parents=True)
    rows = []
    for n, draft in enumerate(originals[:4]):
        path = folder / f"{n}.txt"
        path.write_text(essay_file(draft.title, draft.paragraphs))
        rows.append(
            {
                "path": path.name,
                "title": "" if n == 0 else f"Manifest title {n}",
                "author_email": "old@example.org" if n < 2 else "",
            }
        )
    (folder / "more" / "word.docx").write_bytes(make_docx("A Word essay", originals[4].paragraphs))
    rows.append(
        {"path": "more/word.docx", "title": "", "author_email": "new@example.org", "year": "2019", "grade": "B"}
    )
    (folder / "copy.txt").write_text(essay_file("Copied", originals[1].paragraphs))
    half = next(d for d in drafts if d.plan.copy_kind == "first_half")
    source = drafts[half.plan.copy_of]
    (folder / "source.txt").write_text(essay_file("The source", source.paragraphs))
    (folder / "zhalf.txt").write_text(essay_file("Half of the source", half.paragraphs))
    (folder / "broken.docx").write_bytes(make_docx("Broken", ["Some text."])[:1500])
    (folder / "short.md").write_text("# Short\n\nOnly a few words here.\n")
    for name in ("copy.txt", "source.txt", "zhalf.txt", "broken.docx", "short.md"):
        rows.append({"path": name, "title": "", "author_email": ""})
    manifest = tmp_path / "manifest.csv"
    with manifest.open("w", newline="") as handle:
        columns = ["path", "title", "level", "subject", "section", "author_email", "exam_board", "year", "grade"]
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            row["path"] = str(Path("library") / row["path"])
            writer.writerow({"level": "A Level", "subject": "History", "section": "Tudors", **row})
    return folder, manifest


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import_essays", *args, "--quiet", stdout=out)
    return out.getvalue()


def test_imports_refuses_flags_and_fails_with_a_report(library, originals, tmp_path):
    folder, manifest = library
    report = run_import(str(folder), "--manifest", str(manifest), "--report", str(tmp_path / "report.csv"))
    lines = report.splitlines()
    imported = [line for line in lines if line.startswith("imported")]
    assert len(imported) == 6  # four originals, the Word file and the source
    section = Section.objects.get(name="Tudors", subject__name="History", subject__level__name="A Level")
    essays = Essay.objects.published().filter(section=section)
    assert essays.count() == 6
    # A title from the document when the manifest gives none, otherwise the manifest's; never in the text.
    first = essays.get(title=originals[0].title)
    assert first.paragraphs == originals[0].paragraphs
    assert essays.filter(title="Manifest title 1").exists()
    word = essays.get(title="A Word essay")
    assert (word.year, word.grade) == (2019, "B")
    assert f"imported               {folder / '0.txt'} → {first.get_absolute_url()}" in lines
    # Authors are accounts that can claim themselves, and imports earn no membership days.
    old = User.objects.get(email="old@example.org")
    assert not old.has_usable_password() and essays.filter(author=old).count() == 2
    assert word.author.email == "new@example.org"
    assert not Entitlement.objects.exists()
    copy_line = next(line for line in lines if "copy.txt" in line)
    assert copy_line.startswith("refused as a copy") and "copy of “Manifest title 1”" in copy_line
    half_line = next(line for line in lines if "zhalf.txt" in line)
    assert half_line.startswith("flagged for review") and "overlaps “The source”" in half_line
    flagged = Submission.objects.get(title="Half of the source")
    assert flagged.status == Submission.Status.IN_REVIEW and flagged.is_flagged and flagged.file
    broken_line = next(line for line in lines if "broken.docx" in line)
    assert broken_line.startswith("failed") and "damaged or incomplete" in broken_line
    assert Submission.objects.get(original_filename="broken.docx").file  # kept for the moderators
    assert "short.md: The text has 5 words; essays need at least 250." in report
    assert "10 files in" in report
    assert "imported 6, refused as a copy 1, flagged for review 1, failed 2." in report
    with (tmp_path / "report.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 10

    again = run_import(str(folder), "--manifest", str(manifest))
    assert "done in an earlier run 10" in again
    assert Essay.objects.count() == 6 and Submission.objects.count() == 10 and ImportRecord.objects.count() == 10


def test_files_without_metadata_need_defaults(tmp_path, originals):
    path = tmp_path / "lonely.txt"
    path.write_text(essay_file("Lonely", originals[0].paragraphs))
    report = run_import(str(path))
    assert "no level, subject and section" in report
    report = run_import(str(path), "--level", "GCSE", "--subject", "Biology", "--section", "Cells")
    assert report.startswith("imported") and Essay.objects.get().section.name == "Cells"


def test_an_interrupted_run_loses_only_the_file_it_was_on(library, monkeypatch):
    """Stopped in the middle of a file's transaction: that file is rolled back, and the re-run does it."""
    from redink.submissions.services import imports

    folder, manifest = library
    real = imports.signature_store
    calls = {"n": 0}

    def dies_on_the_third(**kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # what Ctrl-C or a kill leaves: nothing after this point commits
        return real(**kwargs)

    monkeypatch.setattr(imports, "signature_store", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        run_import(str(folder), "--manifest", str(manifest), "--batch-size", "1")
    assert Essay.objects.count() == ImportRecord.objects.count() == 2
    monkeypatch.setattr(imports, "signature_store", real)
    report = run_import(str(folder), "--manifest", str(manifest))
    assert "done in an earlier run 2" in report
    assert Essay.objects.count() == 6 and ImportRecord.objects.count() == 10
    assert ImportRecord.objects.values("path").distinct().count() == 10


def own_database(tmp_path: Path) -> tuple[Path, dict[str, str], list[str]]:
    """A migrated SQLite database of its own, for runs of the command in their own process."""
    database = tmp_path / "import.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "TASKS_BACKEND": "immediate",
        "DEBUG": "0",
        "SECRET_KEY": "import-test",
        "REDINK_SUBMISSION_FILES_DIR": str(tmp_path / "files"),
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=300)
    return database, env, manage


def test_worker_processes_check_the_library_and_the_writer_what_came_since(library, originals, tmp_path):
    """In its own process, workers check each file against the library as committed when
    they read it; the writer checks what was stored since. Copies and partial copies are
    caught both within one run and across runs, as in a run without workers."""
    folder, manifest = library
    _, env, manage = own_database(tmp_path)

    def run(*args: str) -> str:
        command = [*manage, "import_essays", *args, "--quiet", "--workers", "2", "--batch-size", "3"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=True).stdout

    first = run(str(folder), "--manifest", str(manifest))
    assert "imported 6, refused as a copy 1, flagged for review 1, failed 2." in first
    assert next(line for line in first.splitlines() if "copy.txt" in line).startswith("refused as a copy")
    assert next(line for line in first.splitlines() if "zhalf.txt" in line).startswith("flagged for review")

    later = tmp_path / "later"
    later.mkdir()
    (later / "again.txt").write_text(essay_file("Copied later", originals[2].paragraphs))
    (later / "half.txt").write_text(
        essay_file("Half later", originals[3].paragraphs[: len(originals[3].paragraphs) // 2])
    )
    (later / "new.txt").write_text(essay_file("Something new", originals[8].paragraphs))
    second = run(str(later), "--level", "A Level", "--subject", "History", "--section", "Tudors")
    lines = second.splitlines()
    assert next(line for line in lines if "again.txt" in line).startswith("refused as a copy")
    assert next(line for line in lines if "half.txt" in line).startswith("flagged for review")
    assert next(line for line in lines if "new.txt" in line).startswith("imported")


def test_a_killed_process_and_a_rerun_duplicate_nothing(tmp_path, originals, section):
    """A real run in its own process (and its worker processes), on its own SQLite database,
    killed with SIGKILL partway through: the re-run finishes the job, search index included."""
    folder = tmp_path / "many"
    folder.mkdir()
    texts = [d for d in originals if len(d.body.split()) <= 20_000][:60]
    for n, draft in enumerate(texts):
        (folder / f"{n}.txt").write_text(essay_file(draft.title, draft.paragraphs))
    database, env, manage = own_database(tmp_path)
    command = [
        *manage,
        "import_essays",
        str(folder),
        "--level",
        "GCSE",
        "--subject",
        "History",
        "--section",
        "War",
        "--quiet",
        "--workers",
        "2",
        "--batch-size",
        "5",
    ]

    def records() -> int:
        with sqlite3.connect(database, timeout=10) as db:
            return db.execute("SELECT COUNT(*) FROM submissions_importrecord").fetchone()[0]

    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while records() < 5 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    assert run.wait(timeout=30) == -signal.SIGKILL
    done = records()
    assert 5 <= done < len(texts), "the run was not killed midway"
    assert done % 5 == 0  # whole batches, never part of one
    assert _children_gone(run.pid)

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=True)
    assert f"done in an earlier run {done}" in rerun.stdout
    assert f"imported {len(texts) - done}" in rerun.stdout
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM catalogue_essay").fetchone()[0] == len(texts)
        assert db.execute("SELECT COUNT(DISTINCT path) FROM submissions_importrecord").fetchone()[0] == len(texts)
        assert db.execute("SELECT COUNT(*) FROM submissions_importrecord").fetchone()[0] == len(texts)
        assert db.execute("SELECT COUNT(*) FROM submissions_textsignature").fetchone()[0] == len(texts)
        # The killed run's essays were indexed by the re-run, which finished what it left.
        assert db.execute("SELECT COUNT(*) FROM search_fts").fetchone()[0] == len(texts)
        assert db.execute("SELECT COUNT(*) FROM submissions_importrecord WHERE NOT refreshed").fetchone()[0] == 0


def _children_gone(pid: int) -> bool:
    """No worker process of the killed command is left running: they end with their parent.
    (Forked workers carry the command's own command line.)"""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not any(_runs_import(process) for process in Path("/proc").glob("[0-9]*") if process.name != str(pid)):
            return True
        time.sleep(0.05)
    return False


def _runs_import(process: Path) -> bool:
    try:
        return b"import_essays" in (process / "cmdline").read_bytes()
    except OSError:
        return False


def test_a_large_import_is_indexed_and_related_in_bulk_at_the_end(library, originals, tmp_path, client, monkeypatch):
    """Past a threshold the essays are not refreshed one by one: the search index is rebuilt
    (most of the library is new) or their rows indexed together, and their levels' related
    lists rebuilt once. Either way each essay is found by search and has its signature."""
    from redink.catalogue import derivatives
    from redink.related.models import RelatedSignature

    monkeypatch.setattr(derivatives, "BULK_MIN", 2)
    folder, manifest = library
    report = run_import(str(folder), "--manifest", str(manifest))
    assert "6 imported essays then indexed for search (rebuilt)" in report
    assert "the related lists of 1 level(s) queued for a rebuild" in report

    more = tmp_path / "more"
    more.mkdir()
    unseen = [d for d in originals[5:] if not Essay.objects.filter(body__startswith=d.paragraphs[0]).exists()]
    for n, draft in enumerate(unseen[:2]):
        (more / f"{n}.txt").write_text(essay_file(draft.title, draft.paragraphs))
    report = run_import(str(more), "--level", "A Level", "--subject", "History", "--section", "Tudors")
    assert "2 imported essays then indexed for search (indexed)" in report

    published = Essay.objects.published()
    assert published.count() == 8
    assert RelatedSignature.objects.count() == 8  # every imported essay went through its level's rebuild
    assert not ImportRecord.objects.filter(refreshed=False).exists()
    for essay in published:
        found = client.get("/search/", {"q": f'"{essay.title}"'}).content.decode()
        assert essay.get_absolute_url() in found, essay.title


def test_a_batch_size_under_one_is_refused_with_a_reason(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "essay.txt").write_text("An essay.")
    with pytest.raises(CommandError, match="must be at least 1, not 0"):
        call_command("import_essays", str(tmp_path), "--batch-size", "0", stdout=io.StringIO())
