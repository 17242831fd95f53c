"""Copies of the database file: verified backups, rotation, checking a file before a restore,
the restore copy itself, and the lock that keeps a restore from pulling the file from under a
running workstation. No services and no audit here (services/backups.py adds those).

A backup is written with SQLite's online backup API under a hidden temporary name
(``.<name>.<pid>.partial``), made one self-contained file, verified (integrity check, schema
version, office region) and only then renamed: a killed backup never leaves a file under a
backup's name, and what it left is removed at the next start (``spool.clean_leftovers``).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

from dukcapil_tui import files, private
from dukcapil_tui.domain import backups as naming
from dukcapil_tui.domain.problems import Refusal
from dukcapil_tui.i18n import t

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; restore then relies on the operator's care
    fcntl = None


class BackupError(Refusal):
    """A copy that cannot be made or used; the message is for the user."""


# --- reading a file's identity ---------------------------------------------------------------------

@dataclass(frozen=True)
class FileFacts:
    version: int
    region_code: str
    office_uid: str


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def _setting(conn: sqlite3.Connection, key: str) -> str:
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.DatabaseError:
        return ""
    return row[0] if row else ""


def facts(conn: sqlite3.Connection) -> FileFacts:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return FileFacts(version, _setting(conn, "region_code"), _setting(conn, "office_uid"))


def inspect(path: Path, *, latest: int, region_code: str | None = None, office_uid: str | None = None) -> FileFacts:
    """Refuse, with a clear message, a file that is damaged, not ours, made by a newer version
    of the app, or from another office (``region_code``) or another database (``office_uid``)."""
    try:
        conn = read_only(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            found = facts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(t("db.backup_damaged", path=path, reason=exc)) from None
    if result != "ok":
        raise BackupError(t("db.backup_damaged", path=path, reason=result))
    if found.version < 1 or not found.region_code:
        raise BackupError(t("db.backup_foreign", path=path))
    if found.version > latest:
        raise BackupError(t("backup.too_new", path=path, version=found.version, latest=latest))
    if region_code and found.region_code != region_code:
        raise BackupError(t("backup.other_office", path=path, found=found.region_code, expected=region_code))
    if office_uid and found.office_uid and found.office_uid != office_uid:
        raise BackupError(t("backup.other_database", path=path))
    return found


# --- writing a verified copy ------------------------------------------------------------------------

def write_copy(source: sqlite3.Connection, stem: str, directory: Path, kind: str, *, own_dir: bool = True,
               at: datetime | None = None) -> Path:
    """Copy the open database ``source`` into ``directory`` as a verified backup of ``kind``."""
    expected = facts(source)
    at = at or datetime.now(UTC).replace(tzinfo=None)
    try:
        private.ensure_dir(directory, own=own_dir)
    except OSError as exc:
        raise BackupError(t("backup.bad_folder", path=directory, reason=files.os_reason(exc))) from None
    target = directory / naming.make_name(stem, at, kind)
    partial = directory / f".{target.name}.{os.getpid()}.partial"
    try:
        private.create_empty(partial)
        _copy_into(source, partial)
        conn = sqlite3.connect(str(partial))  # one self-contained file: no -wal/-shm beside it later
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        problem = _verify(partial, expected)
        if problem:
            raise BackupError(t("backup.verify_failed", path=target.name, reason=problem))
        _fsync(partial)
        os.replace(partial, target)
        _fsync(directory)
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        raise
    private.secure(target)
    return target


def _verify(path: Path, expected: FileFacts) -> str | None:
    conn = read_only(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        found = facts(conn)
    finally:
        conn.close()
    if result != "ok":
        return result
    if found.version != expected.version:
        return t("backup.wrong_version", found=found.version, expected=expected.version)
    if found.region_code != expected.region_code or found.office_uid != expected.office_uid:
        return t("backup.wrong_office", found=found.region_code, expected=expected.region_code)
    return None


def _copy_into(src: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(str(target))
    try:
        src.backup(dest)
    finally:
        dest.close()


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def rotate(directory: Path, stem: str) -> list[Path]:
    """Apply the 7 daily / 4 weekly / 12 monthly rotation to the copies of ``stem`` in
    ``directory`` (never to the kept pre-restore and pre-migration copies)."""
    names = [n for n in (naming.parse(p.name) for p in directory.glob(f"{stem}_*.sqlite3"))
             if n is not None and n.stem == stem and n.kind in naming.KINDS]
    removed = []
    for old in naming.to_remove(names):
        path = directory / old.name
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def save_damaged(path: Path, directory: Path, kind: str) -> Path:
    """Keep a byte-for-byte copy of a file too damaged for SQLite to open."""
    import shutil

    private.ensure_dir(directory)
    target = directory / naming.make_name(path.stem, datetime.now(UTC).replace(tzinfo=None), kind + "-damaged")
    partial = directory / f".{target.name}.{os.getpid()}.partial"
    with private.open_private(partial, "wb") as out, open(path, "rb") as src:
        shutil.copyfileobj(src, out)
    os.replace(partial, target)
    return target


def copy_over(source: Path, target: Path) -> None:
    """Replace the database at ``target`` with ``source`` through the backup API (a target too
    damaged for SQLite to write into is removed and written anew)."""
    src = read_only(source)
    try:
        try:
            _copy_into(src, target)
        except sqlite3.DatabaseError:
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            private.create_empty(target)
            _copy_into(src, target)
    finally:
        src.close()
    private.secure_database(target)


# --- who has the database open -------------------------------------------------------------------------

_held: dict[str, int] = {}


def _lock_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".lock")


def join(db_path: Path) -> None:
    """Mark this process as working on ``db_path`` (a shared lock held until the process ends or
    opens another database). Refused while a restore holds the file."""
    if fcntl is None:
        return
    key = str(Path(db_path).resolve())
    if key in _held:
        return
    for other in list(_held):
        leave(Path(other))
    try:
        fd = os.open(_lock_path(Path(db_path)), os.O_RDWR | os.O_CREAT, private.FILE_MODE)
    except OSError:
        return  # a read-only folder: nothing to coordinate with
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BackupError(t("restore.in_progress")) from None
    _held[key] = fd


def leave(db_path: Path) -> None:
    fd = _held.pop(str(Path(db_path).resolve()), None)
    if fd is not None:
        os.close(fd)


@contextmanager
def exclusive(db_path: Path):
    """Hold ``db_path`` alone for a restore: refused while any other process (a TUI, a counter,
    the board, a command) has it open. Afterwards this process keeps working on the file."""
    if fcntl is None:
        yield
        return
    key = str(Path(db_path).resolve())
    if key not in _held:
        for other in list(_held):
            leave(Path(other))
        _held[key] = os.open(_lock_path(Path(db_path)), os.O_RDWR | os.O_CREAT, private.FILE_MODE)
    fd = _held[key]
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            leave(Path(db_path))
        raise BackupError(t("restore.busy")) from None
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_SH)
