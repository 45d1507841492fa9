"""Backups: the database and every uploaded file in one archive, and putting them back.

A backup is one `.tar.gz`, written as a stream (no file is ever held in memory), holding:

- `database/postgresql.dump` (`pg_dump --format=custom`) or `database/sqlite3.db` (SQLite's
  online backup API, so the site may keep serving while it is taken);
- `files/media/…` (MEDIA_ROOT: avatars) and `files/private/…` (REDINK_SUBMISSION_FILES_DIR:
  uploaded essays, teachers' evidence, data exports);
- `manifest.json`, last: the format, the Redink release and each app's latest migration, the
  database vendor, when it was made, how many files and rows it holds, and a SHA-256 of every
  other member.

The manifest comes last so each member is read once while it is archived. A restore therefore
reads the archive twice: first to prove it is whole (a truncated copy, or another file, is
refused before anything is touched), then to put it back.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "redink-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"postgresql": "database/postgresql.dump", "sqlite": "database/sqlite3.db"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
# Rows counted into the manifest and checked again after a restore: what an operator would miss.
COUNTED_MODELS = {
    "essays": "catalogue.Essay",
    "users": "accounts.User",
    "entitlements": "access.Entitlement",
    "uploads": "submissions.Submission",
}
CHUNK = 1024 * 1024

Say = Callable[[str], None]


class BackupError(Exception):
    """Something the operator must fix, in words: the commands print it without a traceback."""


@dataclass(frozen=True)
class FileRoot:
    key: str
    setting: str
    path: Path


def file_roots() -> list[FileRoot]:
    """Every directory the site keeps files in (the database holds only their names)."""
    return [
        FileRoot("media", "MEDIA_ROOT", Path(settings.MEDIA_ROOT)),
        FileRoot("private", "REDINK_SUBMISSION_FILES_DIR", Path(settings.REDINK_SUBMISSION_FILES_DIR)),
    ]


def quiet(message: str) -> None:
    pass


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count:,} files"


def backup_contents(manifest: dict[str, Any]) -> str:
    """What a backup holds, in words: "2 essays, 1 user, … and 3 files"."""
    parts = [
        f"{number:,} {label if number != 1 else label.removesuffix('s')}"
        for label, number in manifest["database"]["rows"].items()
    ]
    return f"{', '.join(parts)} and {_files(sum(entry['count'] for entry in manifest['files'].values()))}"


# --- Making a backup ----------------------------------------------------------------------


def backup_create(*, destination: Path, using: str = DEFAULT_DB_ALIAS, say: Say = quiet) -> dict[str, Any]:
    """Write a backup to `destination` and return its manifest. The archive appears only once it
    is complete (it is written under a temporary name beside it), readable by its owner alone:
    it holds every account and every private upload."""
    connection = connections[using]
    vendor = _vendor(connection)
    destination = destination.resolve()
    if not destination.parent.is_dir():
        raise BackupError(f"There is no directory {destination.parent} to write the backup in.")
    created_at = timezone.now()
    with tempfile.TemporaryDirectory(prefix=".redink-backup-", dir=destination.parent) as scratch:
        dump = Path(scratch) / "database"
        say(f"Dumping the {VENDOR_NAMES[vendor]} database…")
        _dump_database(connection, dump)
        members: dict[str, dict[str, Any]] = {}
        files: dict[str, dict[str, Any]] = {}
        partial = Path(scratch) / "backup.tar.gz"
        with _owner_only(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            members[DATABASE_MEMBERS[vendor]] = _add_file(tar, DATABASE_MEMBERS[vendor], dump)
            dump.unlink()
            for root in file_roots():
                count = size = 0
                for path, relative in _walk(root.path):
                    entry = _add_file(tar, f"files/{root.key}/{relative}", path)
                    members[f"files/{root.key}/{relative}"] = entry
                    count, size = count + 1, size + entry["size"]
                files[root.key] = {"setting": root.setting, "count": count, "bytes": size}
                say(f"Archived {_files(count)} ({size:,} bytes) from {root.setting} ({root.path}).")
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "redink_version": _redink_version(),
                "created_at": created_at.isoformat(),
                "database": {
                    "vendor": vendor,
                    "member": DATABASE_MEMBERS[vendor],
                    "migrations": _migration_heads(connection),
                    "rows": _row_counts(using),
                },
                "files": files,
                "members": members,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        os.replace(partial, destination)
    return manifest


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups cover SQLite and PostgreSQL; this database is {connection.vendor}.")
    return connection.vendor


@contextmanager
def _owner_only(path: Path) -> Iterator[IO[bytes]]:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
        yield raw


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under `root`, in a stable order, with their path relative to it. Links are
    not followed: a backup holds the site's own files, not whatever a link points at."""
    if not root.is_dir():
        return
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


class _HashingReader:
    """Hands tarfile the file's bytes while hashing them, so each file is read once."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        reader = _HashingReader(handle)
        try:
            tar.addfile(info, reader)
        except OSError as error:
            raise BackupError(f"{path} changed while it was being archived ({error}); run the backup again.") from None
    return {"sha256": reader.digest.hexdigest(), "size": stat.st_size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _redink_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _migration_heads(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Each app's latest applied migration (Redink's are numbered, so the greatest name)."""
    heads: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        heads[app] = max(name, heads.get(app, name))
    return dict(sorted(heads.items()))


def _row_counts(using: str) -> dict[str, int]:
    return {
        label: apps.get_model(model)._default_manager.using(using).count() for label, model in COUNTED_MODELS.items()
    }


# --- The database itself ------------------------------------------------------------------


def _dump_database(connection: BaseDatabaseWrapper, target: Path) -> None:
    if connection.vendor == "postgresql":
        _run_pg("pg_dump", connection, ["--format=custom", f"--file={target}"])
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()


def _load_database(connection: BaseDatabaseWrapper, dump: Path) -> None:
    if connection.vendor == "postgresql":
        # One transaction: a restore that fails leaves the database as it was. No owners (the
        # restoring role owns everything) and no comments (a comment on an extension needs its owner).
        _run_pg(
            "pg_restore",
            connection,
            ["--no-owner", "--no-comments", "--clean", "--if-exists", "--single-transaction", str(dump)],
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    connection.close()


def _run_pg(program: str, connection: BaseDatabaseWrapper, arguments: list[str]) -> None:
    """Run pg_dump or pg_restore on the connection's database, with the password (and SSL and
    service options) in the environment, as Django's own `dbshell` passes them, never on the
    command line where `ps` shows it."""
    from django.db.backends.postgresql.client import DatabaseClient

    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} is not installed (on Debian: apt-get install postgresql-client).")
    params = connection.settings_dict
    _, extra_env = DatabaseClient.settings_to_cmd_args_env(params, [])
    command = [found, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            command.append(f"{flag}={params[key]}")
    if params.get("NAME"):
        command.append(f"--dbname={params['NAME']}")
    command += arguments
    result = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
        command, env={**os.environ, **(extra_env or {})}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        detail = "\n".join(lines[-5:]) or f"exit status {result.returncode}"
        raise BackupError(f"{program} failed:\n{detail}")


# --- Reading a backup ---------------------------------------------------------------------


@contextmanager
def _read_archive(archive: Path) -> Iterator[tarfile.TarFile]:
    """The archive as a stream of members, with every way of being damaged said in words."""
    if not archive.is_file():
        raise BackupError(f"There is no file {archive}.")
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            yield tar
    except (tarfile.ReadError, tarfile.CompressionError) as error:
        if "unexpected end" in str(error) or "truncated" in str(error):
            raise _truncated(archive) from None
        raise BackupError(f"{archive} is not a Redink backup (it is not a .tar.gz archive).") from None
    except (EOFError, zlib.error) as error:
        raise _truncated(archive) from error


def _truncated(archive: Path) -> BackupError:
    return BackupError(
        f"{archive} is incomplete or damaged: it ends before its last file (was the copy cut short?). "
        "Use another copy of the backup."
    )


def _member_files(tar: tarfile.TarFile, archive: Path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    for member in tar:
        if not member.isfile():
            raise BackupError(f"{archive} is not a Redink backup: {member.name!r} is not a plain file.")
        handle = tar.extractfile(member)
        if handle is None:  # a regular file always has contents; this keeps the types honest
            raise BackupError(f"{archive} is damaged: {member.name!r} cannot be read.")
        yield member, handle


def backup_verify(*, archive: Path) -> dict[str, Any]:
    """Read the whole archive and return its manifest once every member matches its checksum.
    Touches neither the database nor the files."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_bytes: bytes | None = None
    with _read_archive(archive) as tar:
        for member, handle in _member_files(tar, archive):
            if member.name == MANIFEST:
                manifest_bytes = handle.read(CHUNK)
                continue
            digest = hashlib.sha256()
            size = 0
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
            seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
    if manifest_bytes is None:
        if seen:
            raise _truncated(archive)
        raise BackupError(f"{archive} is not a Redink backup: it has no {MANIFEST}.")
    manifest = _parse_manifest(manifest_bytes, archive)
    expected: dict[str, dict[str, Any]] = manifest["members"]
    missing = sorted(set(expected) - set(seen))
    if missing:
        raise BackupError(f"{archive} is incomplete: {len(missing)} files are missing from it (first: {missing[0]}).")
    unexpected = sorted(set(seen) - set(expected))
    if unexpected:
        raise BackupError(f"{archive} holds files its manifest does not list (first: {unexpected[0]}).")
    for name, entry in expected.items():
        _target_parts(name, archive)
        if seen[name] != {"sha256": entry.get("sha256"), "size": entry.get("size")}:
            raise BackupError(f"{archive} is damaged: {name} does not match its checksum.")
    return manifest


def _parse_manifest(data: bytes, archive: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a Redink backup: its {MANIFEST} is not one Redink wrote.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{archive} was made by a newer Redink (backup format {version}; this release reads format "
            f"{FORMAT_VERSION} and older). Install that release first, then restore."
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in DATABASE_MEMBERS:
        raise BackupError(f"{archive} is not a Redink backup: its {MANIFEST} names no database.")
    if not isinstance(manifest.get("members"), dict) or database.get("member") not in manifest["members"]:
        raise BackupError(f"{archive} is incomplete: it holds no database dump.")
    return manifest


def _target_parts(name: str, archive: Path) -> tuple[str, ...]:
    """A member's place: the database dump, or a file under one of the roots, never outside it."""
    parts = PurePosixPath(name).parts
    if name in DATABASE_MEMBERS.values():
        return parts
    roots = {root.key for root in file_roots()}
    if len(parts) < 3 or parts[0] != "files" or parts[1] not in roots or ".." in parts or name.startswith("/"):
        raise BackupError(f"{archive} is not a Redink backup: it holds {name!r}, which has no place in a site.")
    return parts


# --- Restoring ----------------------------------------------------------------------------


def backup_restore(
    *, archive: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS, say: Say = quiet
) -> dict[str, Any]:
    """Put a backup's database and files back, then check both against its manifest."""
    say(f"Checking {archive}…")
    manifest = backup_verify(archive=archive)
    connection = connections[using]
    _check_vendor(manifest, connection)
    _check_migrations(manifest, connection)
    if not force:
        _check_empty(connection, using)
    roots = {root.key: root.path for root in file_roots()}
    database_member = manifest["database"]["member"]
    restored_files = 0
    with tempfile.TemporaryDirectory(prefix="redink-restore-") as scratch, _read_archive(archive) as tar:
        for member, handle in _member_files(tar, archive):
            if member.name == MANIFEST:
                continue
            if member.name == database_member:
                dump = Path(scratch) / "database"
                with dump.open("wb") as out:
                    shutil.copyfileobj(handle, out, CHUNK)
                say(f"Restoring the {VENDOR_NAMES[connection.vendor]} database…")
                _load_database(connection, dump)
                dump.unlink()
                continue
            parts = _target_parts(member.name, archive)
            _write_file(roots[parts[1]].joinpath(*parts[2:]), handle)
            restored_files += 1
    say(f"Restored {_files(restored_files)}; checking them and the database against the manifest…")
    _check_restored(manifest, roots, using)
    return manifest


def _check_vendor(manifest: dict[str, Any], connection: BaseDatabaseWrapper) -> None:
    theirs, ours = manifest["database"]["vendor"], connection.vendor
    if theirs != ours:
        raise BackupError(
            f"This backup holds a {VENDOR_NAMES[theirs]} database, and this site's database (DATABASE_URL) is "
            f"{VENDOR_NAMES.get(ours, ours)}. Restore it into a {VENDOR_NAMES[theirs]} database."
        )


def _check_migrations(manifest: dict[str, Any], connection: BaseDatabaseWrapper) -> None:
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    # A squashed migration stands for the ones it replaces (the database records those too).
    known = set(on_disk) | {replaced for migration in on_disk.values() for replaced in migration.replaces}
    heads: dict[str, str] = manifest["database"].get("migrations", {})
    newer = sorted(f"{app}.{name}" for app, name in heads.items() if (app, name) not in known)
    if newer:
        raise BackupError(
            f"This backup was made by a newer Redink ({manifest.get('redink_version', 'unknown')}): this code does "
            f"not know its migrations {', '.join(newer[:3])}. Install that release or a later one, then restore."
        )


def _check_empty(connection: BaseDatabaseWrapper, using: str) -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    occupied = []
    if tables:
        occupied.append(f"the database already has {len(tables)} tables")
    for root in file_roots():
        count = sum(1 for _ in _walk(root.path))
        if count:
            occupied.append(f"{root.setting} ({root.path}) already holds {_files(count)}")
    if occupied:
        raise BackupError(
            f"Not restoring: {'; '.join(occupied)}. Restore into a new, empty database and empty directories, "
            "or add --force to replace what is there with the backup."
        )


def _write_file(target: Path, handle: IO[bytes]) -> None:
    """Write beside the target and rename, so a file is never seen half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    with partial.open("wb") as out:
        shutil.copyfileobj(handle, out, CHUNK)
    os.replace(partial, target)


def _check_restored(manifest: dict[str, Any], roots: dict[str, Path], using: str) -> None:
    for name, entry in manifest["members"].items():
        parts = PurePosixPath(name).parts
        if parts[0] != "files":
            continue
        path = roots[parts[1]].joinpath(*parts[2:])
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"{path} does not match the backup after restoring it (is the disk full?).")
    counts = _row_counts(using)
    expected = manifest["database"].get("rows", {})
    wrong = [
        f"{label}: {counts.get(label)} instead of {number}"
        for label, number in expected.items()
        if counts.get(label) != number
    ]
    if wrong:
        raise BackupError(f"The restored database does not hold what the backup did ({'; '.join(wrong)}).")
