"""Backup and restore with PostgreSQL's own tools: pg_dump/pg_restore of the database plus the media folder.

A backup is one uncompressed tar file (its parts are compressed already):

    manifest.json    what was saved: rows per table, every media file with its size and SHA-256
    database.dump    pg_dump --format=custom, taken in the same snapshot as the row counts
    media.tar.gz     MEDIA_ROOT

Restoring checks the archive against its manifest before touching anything, replaces the database in one
transaction (pg_restore --clean --single-transaction), replaces the media folder, then checks the result
against the manifest again.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, connections, transaction

FORMAT = 1
MANIFEST, DUMP, MEDIA = "manifest.json", "database.dump", "media.tar.gz"


class BackupError(Exception):
    """Something the person running the command can act on; the message says what."""


@dataclass
class Summary:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on PATH. Install PostgreSQL's client tools "
            f"(Debian: apt-get install postgresql-client) in the version of the server or newer."
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq's variables for the database Django uses (host may be a socket folder)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGAPPNAME": "newsroom-backup"}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("service", "PGSERVICE")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(args: list[str]) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tool = Path(args[0]).name
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def _row_counts(cursor) -> dict[str, int]:
    tables = sorted(connection.introspection.table_names(cursor))
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _media_files(root: Path) -> list[dict]:
    if not root.is_dir():
        return []
    return [
        {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    ]


def create_backup(output: Path) -> Summary:
    """Write a backup archive into the folder `output` (or to the file `output` if it ends in .tar)."""
    pg_dump = _tool("pg_dump")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = output if output.suffix == ".tar" else output / f"newsroom-{stamp}.tar"
    target.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="newsroom-backup-", dir=target.parent) as tmp:
        work = Path(tmp)
        # Counts and dump from one snapshot, so the manifest describes exactly what was dumped while the
        # site keeps writing.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            counts = _row_counts(cursor)
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={work / DUMP}"])  # fmt: skip
        files = _media_files(media_root)
        with tarfile.open(work / MEDIA, "w:gz") as tar:
            for entry in files:
                tar.add(media_root / entry["path"], arcname=entry["path"], recursive=False)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "django": django.get_version(),
            "postgresql": server_version,
            "database": {
                "name": connection.settings_dict["NAME"],
                "file": DUMP,
                "size": (work / DUMP).stat().st_size,
                "sha256": sha256_of(work / DUMP),
                "tables": counts,
            },
            "media": {
                "file": MEDIA,
                "size": (work / MEDIA).stat().st_size,
                "sha256": sha256_of(work / MEDIA),
                "files": files,
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1))
        partial = work / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            for name in (MANIFEST, DUMP, MEDIA):
                tar.add(work / name, arcname=name)
        # Only a complete archive ever has the final name.
        partial.replace(target)
    return Summary(target, len(counts), sum(counts.values()), len(files), target.stat().st_size)


def read_archive(path: Path, into: Path) -> dict:
    """Unpack `path` into the folder `into` and check every part against the manifest; return it."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    try:
        with tarfile.open(path, "r:") as tar:
            names = set(tar.getnames())
            missing = {MANIFEST, DUMP, MEDIA} - names
            if missing:
                raise BackupError(f"{path} is not a Newsroom backup: it has no {', '.join(sorted(missing))}.")
            for name in (MANIFEST, DUMP, MEDIA):
                tar.extract(name, into, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup archive (damaged or truncated?): {exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        parts = {
            manifest["database"]["file"]: manifest["database"],
            manifest["media"]["file"]: manifest["media"],
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"The manifest in {path} is damaged: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} has backup format {manifest.get('format')!r}; this version reads {FORMAT}."
        )
    for name, part in parts.items():
        if name not in (DUMP, MEDIA) or sha256_of(into / name) != part["sha256"]:
            raise BackupError(f"{name} in {path} does not match its checksum: the backup is damaged.")
    listed = {f["path"]: f["size"] for f in manifest["media"]["files"]}
    try:
        with tarfile.open(into / MEDIA, "r:gz") as tar:
            archived = {m.name: m.size for m in tar.getmembers() if m.isfile()}
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"The media archive in {path} is damaged: {exc}") from exc
    if archived != listed:
        raise BackupError(f"The media archive in {path} does not hold the files its manifest lists.")
    return manifest


def _replace_media(media_tar: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    # Unpack beside the live folder first, so a damaged archive cannot leave it half-replaced.
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=media_root.parent) as tmp:
        with tarfile.open(media_tar, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in Path(tmp).iterdir():
            shutil.move(child, media_root / child.name)


def verify(manifest: dict) -> list[str]:
    """What differs between the live database and media folder and `manifest` (empty: nothing)."""
    problems = []
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    for table, expected in manifest["database"]["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, the backup had {expected}")
    media = {f["path"]: f for f in _media_files(Path(settings.MEDIA_ROOT))}
    for entry in manifest["media"]["files"]:
        found = media.pop(entry["path"], None)
        if found is None or found["sha256"] != entry["sha256"]:
            problems.append(f"media file {entry['path']}: {'missing' if found is None else 'different'}")
    problems += [f"media file {name}: not in the backup" for name in media]
    return problems


def restore_backup(path: Path) -> Summary:
    pg_restore = _tool("pg_restore")
    with tempfile.TemporaryDirectory(prefix="newsroom-restore-") as tmp:
        work = Path(tmp)
        manifest = read_archive(path, work)
        # Our own idle connections must not hold anything pg_restore needs to drop.
        connections.close_all()
        database = f"--dbname={connection.settings_dict['NAME']}"
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", database, str(work / DUMP)])  # fmt: skip
        _replace_media(work / MEDIA, Path(settings.MEDIA_ROOT))
    problems = verify(manifest)
    if problems:
        raise BackupError("The restore finished but does not match the backup:\n  " + "\n  ".join(problems))
    counts = manifest["database"]["tables"]
    return Summary(
        path, len(counts), sum(counts.values()), len(manifest["media"]["files"]), path.stat().st_size
    )


def describe(summary: Summary) -> str:
    return (
        f"{summary.path}: {summary.tables} tables, {summary.rows} rows, {summary.files} media files, "
        f"{summary.size / 1e6:.1f} MB"
    )
