"""The database: one peewee proxy, SQLite pragmas, migrations, backups, integrity checks."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import peewee
from peewee import DatabaseProxy, SqliteDatabase

from dukcapil_tui.i18n import t
from dukcapil_tui.migrations import FOREIGN_KEYS_OFF, LATEST_VERSION, MIGRATIONS

database = DatabaseProxy()

BUSY_TIMEOUT_S = 15
BACKUPS_KEPT = 10

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: power cuts are common in the offices.
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -32000,
    "temp_store": 2,
}


class DatabaseError(Exception):
    """A database could not be opened or upgraded; the message is for the user."""


def _log():
    from dukcapil_tui.logs import get

    return get("db")


def make_database(path: Path | str) -> SqliteDatabase:
    return SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S)


def schema_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def open_database(
    path: Path | str,
    *,
    create: bool = False,
    migrate: bool = True,
    backup_dir: Path | None = None,
) -> SqliteDatabase:
    """Open (or with ``create`` make) the database at ``path`` and bind the proxy to it.

    Pending migrations run at once, after a backup of the file when it already held data.
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(t("db.not_found", path=path))
    if not create:
        _refuse_foreign(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = make_database(path)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        version = schema_version(db)
    except peewee.DatabaseError as exc:  # not an SQLite file, damaged, or not readable
        db.close()
        raise DatabaseError(t("db.unreadable", path=path, reason=exc)) from None
    if version > LATEST_VERSION:
        db.close()
        raise DatabaseError(t("db.too_new", path=path, version=version, latest=LATEST_VERSION))
    if migrate and version < LATEST_VERSION:
        if version > 0 and backup_dir is not None:
            saved = backup(db, backup_dir, reason=f"pre-migration-v{version}")
            _log().info("backup before migration: %s", saved.name)
        applied = run_migrations(db)
        _log().info("schema of %s upgraded from v%s with migrations %s", path.name, version, applied)
    return db


def _refuse_foreign(path: Path) -> None:
    """Refuse, before our pragmas touch it, a file that is not an SQLite database or that
    belongs to another program (tables but no schema version): never migrate those."""
    try:
        conn = sqlite3.connect(str(path))
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(t("db.unreadable", path=path, reason=exc)) from None
    if version == 0 and objects:
        raise DatabaseError(t("db.foreign", path=path))


def run_migrations(db: SqliteDatabase) -> list[int]:
    applied = []
    current = schema_version(db)
    for number, _description, statements in MIGRATIONS:
        if number <= current:
            continue
        rebuild = number in FOREIGN_KEYS_OFF
        if rebuild:  # a no-op inside a transaction: before BEGIN
            db.execute_sql("PRAGMA foreign_keys = OFF")
        try:
            with db.atomic("IMMEDIATE"):
                for statement in statements:
                    db.execute_sql(statement)
                if rebuild:
                    broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise DatabaseError(t("db.migration_broke_keys", number=number, rows=len(broken)))
                db.execute_sql(f"PRAGMA user_version = {number}")
        finally:
            if rebuild:
                db.execute_sql("PRAGMA foreign_keys = ON")
        applied.append(number)
    return applied


def backup(db: SqliteDatabase, directory: Path, reason: str = "manual") -> Path:
    """Copy the live database with SQLite's online backup API and keep the newest few."""
    return _backup_from(db.connection(), Path(db.database), directory, reason)


def _backup_target(directory: Path, stem: str, reason: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return directory / f"{stem}_{stamp}_{reason}.sqlite3"


def _backup_from(source: sqlite3.Connection, path: Path, directory: Path, reason: str) -> Path:
    target = _backup_target(directory, path.stem, reason)
    try:
        _copy_into(source, target)
        # The copy carries the live file's WAL flag; make it one self-contained file, so that
        # reading it later leaves no -wal/-shm files beside it.
        copy = sqlite3.connect(str(target))
        try:
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    _rotate(directory, path.stem)
    return target


def _rotate(directory: Path, stem: str) -> None:
    copies = sorted(directory.glob(f"{stem}_*.sqlite3"))
    for old in copies[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def check_backup(source: Path) -> None:
    """Refuse a file that is not a sound dukcapil-tui database, before anything is replaced."""
    try:
        src = _read_only(source)
        try:
            result = src.execute("PRAGMA integrity_check").fetchone()[0]
            version = src.execute("PRAGMA user_version").fetchone()[0]
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(t("db.backup_damaged", path=source, reason=exc)) from None
    if result != "ok":
        raise DatabaseError(t("db.backup_damaged", path=source, reason=result))
    if version < 1:
        raise DatabaseError(t("db.backup_foreign", path=source))


def save_copy(path: Path, directory: Path, reason: str) -> Path:
    """Keep a copy of ``path`` before it is replaced: through the backup API when the file
    opens, byte for byte when it is too damaged to open."""
    path = Path(path)
    try:
        source = sqlite3.connect(str(path))
        try:
            return _backup_from(source, path, directory, reason)
        finally:
            source.close()
    except sqlite3.DatabaseError:
        target = _backup_target(directory, path.stem, reason + "-damaged")
        shutil.copyfile(path, target)
        _rotate(directory, path.stem)
        return target


def restore(source: Path, target: Path) -> None:
    """Replace ``target`` with the backup ``source`` (checked first), using the backup API.

    A target too damaged for SQLite to write into is removed and written anew; the caller
    keeps a copy of it first (``save_copy``).
    """
    check_backup(source)
    src = _read_only(source)
    try:
        try:
            _copy_into(src, Path(target))
        except sqlite3.DatabaseError:
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            _copy_into(src, Path(target))
    finally:
        src.close()


def _copy_into(src: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(str(target))
    try:
        src.backup(dest)
    finally:
        dest.close()


def integrity_problems(db: SqliteDatabase) -> list[str]:
    rows = db.execute_sql("PRAGMA integrity_check").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    problems += [
        f"foreign key: {table} row {rowid} -> {parent}"
        for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall()
    ]
    return problems
