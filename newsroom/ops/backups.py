"""Backup and restore with PostgreSQL's own tools: pg_dump/pg_restore of the database plus the media.

A backup is one uncompressed tar file (its parts are compressed already):

    manifest.json    what was saved: rows per table, every media file with its size and SHA-256
    database.dump    pg_dump --format=custom, taken in the same snapshot as the row counts
    media.tar.gz     every photo file: originals, and renditions under renditions/

Media is read and written through the two photo storages (articles/images/storage.py), so the same
archive moves between a local folder and object storage in either direction. Restoring checks the archive
against its manifest before touching anything, replaces the database in one transaction (pg_restore
--clean --single-transaction), writes every file of the backup and removes the files it does not have,
then checks the result against the manifest again.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.core.files import File
from django.db import connection, connections, transaction

from articles.images import storage

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


def _media_names() -> list[tuple[str, object]]:
    """(name, storage) of every media file: renditions from their storage, all else from the originals'."""
    originals, renditions = storage.originals(), storage.renditions()
    try:
        folders, files = originals.listdir("")
    except FileNotFoundError:
        folders, files = [], []
    names = [(name, originals) for name in files]
    for folder in folders:
        if folder != storage.RENDITIONS_PREFIX:
            names += [(name, originals) for name in storage.walk(originals, folder)]
    names += [(name, renditions) for name in storage.walk(renditions, storage.RENDITIONS_PREFIX)]
    return sorted(names, key=lambda entry: entry[0])


def _storage_for(name: str):
    return storage.renditions() if name.startswith(f"{storage.RENDITIONS_PREFIX}/") else storage.originals()


def _read(entry, into=None) -> dict:
    """Size and SHA-256 of one media file, read once through its storage (and copied to `into`)."""
    name, files = entry
    digest, size = hashlib.sha256(), 0
    with files.open(name, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            if into is not None:
                into.write(block)
    return {"path": name, "size": size, "sha256": digest.hexdigest()}


def _in_parallel(func, items) -> list:
    # Object storage costs a round trip per file: several at once.
    with ThreadPoolExecutor(max_workers=storage.workers()) as pool:
        return list(pool.map(func, items))


def _media_files() -> list[dict]:
    return _in_parallel(_read, _media_names())


def _archive_media(tar: tarfile.TarFile) -> list[dict]:
    """Add every media file to `tar`; the manifest entries, from the very bytes archived."""
    entries, names = [], _media_names()

    def fetch(entry):
        copy = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 (closed once archived)
        try:
            return _read(entry, copy), copy
        except BaseException:
            copy.close()
            raise

    # In batches: files are fetched in parallel, then appended in order, a batch's worth on hand.
    batch = 4 * storage.workers()
    for start in range(0, len(names), batch):
        for entry, copy in _in_parallel(fetch, names[start : start + batch]):
            with copy:
                info = tarfile.TarInfo(entry["path"])
                info.size = entry["size"]
                copy.seek(0)
                tar.addfile(info, copy)
            entries.append(entry)
    return entries


def create_backup(output: Path) -> Summary:
    """Write a backup archive into the folder `output` (or to the file `output` if it ends in .tar)."""
    pg_dump = _tool("pg_dump")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = output if output.suffix == ".tar" else output / f"newsroom-{stamp}.tar"
    target.parent.mkdir(parents=True, exist_ok=True)
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
        with tarfile.open(work / MEDIA, "w:gz") as tar:
            files = _archive_media(tar)
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


def _replace_media(media_tar: Path, work: Path, keep: list[str]) -> None:
    """Write every file of the backup through its storage, then remove the files the backup lacks."""
    unpacked = work / "media"
    with tarfile.open(media_tar, "r:gz") as tar:
        tar.extractall(unpacked, filter="data")

    def write(name):
        with (unpacked / name).open("rb") as fh:
            storage.put(_storage_for(name), name, File(fh, name))

    _in_parallel(write, keep)
    wanted = set(keep)
    _in_parallel(lambda entry: entry[1].delete(entry[0]), [e for e in _media_names() if e[0] not in wanted])


def verify(manifest: dict) -> list[str]:
    """What differs between the live database and media folder and `manifest` (empty: nothing)."""
    problems = []
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    for table, expected in manifest["database"]["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, the backup had {expected}")
    media = {f["path"]: f for f in _media_files()}
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
        _replace_media(work / MEDIA, work, [f["path"] for f in manifest["media"]["files"]])
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
