"""The database: one peewee proxy, SQLite pragmas, migrations, backups, integrity checks."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from peewee import DatabaseProxy, SqliteDatabase

from dukcapil_tui.migrations import LATEST_VERSION, MIGRATIONS

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
        raise DatabaseError(f"Database not found: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    db = make_database(path)
    database.initialize(db)
    db.connect(reuse_if_open=True)
    version = schema_version(db)
    if version > LATEST_VERSION:
        db.close()
        raise DatabaseError(
            f"Database {path} has schema version {version}, newer than this program "
            f"({LATEST_VERSION}). Update dukcapil-tui."
        )
    if migrate and version < LATEST_VERSION:
        if version > 0 and backup_dir is not None:
            backup(db, backup_dir, reason=f"pre-migration-v{version}")
        run_migrations(db)
    return db


def run_migrations(db: SqliteDatabase) -> list[int]:
    applied = []
    current = schema_version(db)
    for number, _description, statements in MIGRATIONS:
        if number <= current:
            continue
        with db.atomic("IMMEDIATE"):
            for statement in statements:
                db.execute_sql(statement)
            db.execute_sql(f"PRAGMA user_version = {number}")
        applied.append(number)
    return applied


def backup(db: SqliteDatabase, directory: Path, reason: str = "manual") -> Path:
    """Copy the live database with SQLite's online backup API and keep the newest few."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = Path(db.database).stem
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = directory / f"{stem}_{stamp}_{reason}.sqlite3"
    source = db.connection()
    with sqlite3.connect(str(target)) as dest:
        source.backup(dest)
    dest.close()
    _rotate(directory, stem)
    return target


def _rotate(directory: Path, stem: str) -> None:
    copies = sorted(directory.glob(f"{stem}_*.sqlite3"))
    for old in copies[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)


def restore(source: Path, target: Path) -> None:
    """Replace ``target`` with the backup ``source`` (checked first), using the backup API."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        result = src.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise DatabaseError(f"Backup {source} is damaged: {result}")
        with sqlite3.connect(str(target)) as dest:
            src.backup(dest)
        dest.close()
    src.close()


def integrity_problems(db: SqliteDatabase) -> list[str]:
    rows = db.execute_sql("PRAGMA integrity_check").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    problems += [
        f"foreign key: {table} row {rowid} -> {parent}"
        for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall()
    ]
    return problems
