"""The database: one peewee proxy, SQLite pragmas, migrations, backups, integrity checks.

An office database is an SQLite file (the default) or, given a ``postgresql://`` URL, a
PostgreSQL database (``db/postgres.py``: what differs between the engines lives there)."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _import_peewee_without_psycopg():
    """peewee imports psycopg at its own import when it can (40 ms, the largest part of the
    TUI's own start-up, issue 14), though an office on SQLite never needs it. psycopg is hidden
    while peewee loads (``None`` in ``sys.modules``: Python's documented way to make an import
    fail), then made importable again; ``postgres.OfficePostgres`` imports it through its own
    adapter class when a PostgreSQL office is opened. Nothing is hidden when peewee or psycopg
    is already loaded."""
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


_import_peewee_without_psycopg()

import peewee  # noqa: E402
from peewee import DatabaseProxy, SqliteDatabase  # noqa: E402

from dukcapil_tui import dbfiles  # noqa: E402
from dukcapil_tui.db import postgres  # noqa: E402
from dukcapil_tui.i18n import t  # noqa: E402
from dukcapil_tui.migrations import FOREIGN_KEYS_OFF, LATEST_VERSION, MIGRATIONS  # noqa: E402
from dukcapil_tui.migrations import postgres as postgres_migrations  # noqa: E402

database = DatabaseProxy()

BUSY_TIMEOUT_S = 15
# Copies made before a migration in this process (services.backups records them in the audit).
migration_copies: list[Path] = []

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


POLL_S = 0.001  # how often ``immediate`` asks for the write lock while another writer holds it


@contextmanager
def immediate(poll_s: float = POLL_S) -> Iterator[None]:
    """A ``BEGIN IMMEDIATE`` transaction (``database.atomic("IMMEDIATE")``) that waits for the
    write lock by asking again every millisecond, for up to ``BUSY_TIMEOUT_S``.

    SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms each), so a
    waiter often misses the short gaps between other writers' transactions: with four counters
    claiming back to back one claim waited 1.8 s while others went through in milliseconds.
    Asking every millisecond, a waiter gets one of the next gaps (docs/performance.md). Only the
    BEGIN polls; statements inside wait as usual. Nested in a transaction: a savepoint.
    On PostgreSQL every transaction takes the writers' lock when it begins (db/postgres.py)."""
    if database.transaction_depth() > 0 or on_postgres():
        with database.atomic():
            yield
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    database.execute_sql("PRAGMA busy_timeout = 0")
    try:
        while True:
            transaction = database.atomic("IMMEDIATE")
            try:
                transaction.__enter__()
                break
            except peewee.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(poll_s)
    finally:
        database.execute_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    try:
        yield
    except BaseException:
        if not transaction.__exit__(*sys.exc_info()):
            raise
    else:
        transaction.__exit__(None, None, None)


def snapshot():
    """A read-only transaction for reads that must agree with each other (a report's sheets, the
    dashboard's tiles): every query in it sees the database as it was when it began, and no
    writer waits for it. On SQLite a deferred transaction (WAL: writers go on); on PostgreSQL
    ``REPEATABLE READ READ ONLY`` without the writers' lock that every other transaction takes
    there, so a long export does not hold up the counters' claims. Nested: a savepoint."""
    return database.atomic(postgres.SNAPSHOT) if on_postgres() else database.atomic()


def is_url(location) -> bool:
    """A server's address (``postgresql://user@host/dbname``), never a file name."""
    return postgres.is_url(location)


def dialect(db=None) -> str:
    """``"sqlite"`` or ``"postgres"``: the engine of ``db`` (default: the open office database)."""
    db = db if db is not None else database.obj
    return "postgres" if isinstance(db, postgres.OfficePostgres) else "sqlite"


def on_postgres() -> bool:
    return database.obj is not None and dialect() == "postgres"


def insert_rows(table: str, columns: list[str] | tuple[str, ...], rows) -> None:
    """Insert many rows into ``table`` at once, inside the caller's transaction: one
    ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (the server's bulk load:
    one statement, rows streamed). ``rows`` are tuples in the order of ``columns``."""
    if on_postgres():
        with database.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    database.cursor().executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def trigger_names() -> set[str]:
    """The triggers of the open office database (``dukcapil check`` looks for its guards)."""
    if on_postgres():
        sql = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
               "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace")
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return {row[0] for row in database.execute_sql(sql)}


def days_since_sql(day: str, moment: str) -> str:
    """SQL for the whole days from the office day ``day`` (an ISO date expression) back to the
    calendar date of ``moment`` (an ISO timestamp text expression), on either engine."""
    if on_postgres():
        return f"(CAST({day} AS date) - CAST(substr({moment}, 1, 10) AS date))"
    return f"CAST(julianday({day}) - julianday(date({moment})) AS INTEGER)"


def sum_true(condition: str) -> str:
    """SQL counting the rows where ``condition`` holds, as SQLite's ``SUM(condition)`` (NULL over
    no rows). On PostgreSQL the condition is cast to an integer for the built-in ``sum``: the
    ``sum(boolean)`` aggregate of migrations/postgres.py calls an SQL function per row, which
    made the capaian recap's scan of 1,000,000 residents 8x slower (1.9 s instead of 0.23 s)."""
    return f"SUM(CAST(({condition}) AS INTEGER))" if on_postgres() else f"SUM({condition})"


def not_only_digits_sql(column: str) -> str:
    """SQL true when ``column`` holds a character other than the ASCII digits 0-9."""
    return f"{column} ~ '[^0-9]'" if on_postgres() else f"{column} GLOB '*[^0-9]*'"


def skip_locked() -> str:
    """`` FOR UPDATE SKIP LOCKED`` on PostgreSQL (a row another transaction is taking is passed
    over), nothing on SQLite (one writer at a time already)."""
    return " FOR UPDATE SKIP LOCKED" if on_postgres() else ""


def make_database(location: Path | str) -> peewee.Database:
    """An SQLite database for a path, a PostgreSQL one for a URL (not bound to the proxy)."""
    if is_url(location):
        try:
            import psycopg  # noqa: F401  (the optional extra: pip install 'dukcapil-tui[postgres]')
        except ImportError:
            raise DatabaseError(t("db.no_postgres_driver", path=postgres.masked(str(location)))) from None
        return postgres.OfficePostgres(str(location))
    return SqliteDatabase(str(location), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S)


def schema_version(db: peewee.Database) -> int:
    if dialect(db) == "postgres":
        found = db.execute_sql("SELECT to_regclass(%s) IS NOT NULL", (postgres_migrations.VERSION_TABLE,))
        if not found.fetchone()[0]:
            return 0
        return db.execute_sql(f"SELECT version FROM {postgres_migrations.VERSION_TABLE}").fetchone()[0]
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
    A ``postgresql://`` URL opens that PostgreSQL database instead (``create``: an empty one).
    """
    if is_url(path):
        return _open_postgres(str(path), create=create, migrate=migrate)
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(t("db.not_found", path=path))
    if not create:
        _refuse_foreign(path)
    from dukcapil_tui import paths, private

    private.ensure_dir(path.parent, own=path.parent == paths.data_dir(), parents=True)
    private.create_empty(path)
    db = make_database(path)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        version = schema_version(db)
        private.secure_database(path)
        dbfiles.join(path)  # a restore elsewhere waits until this process is done with the file
    except dbfiles.BackupError as exc:
        db.close()
        raise DatabaseError(str(exc)) from None
    except peewee.DatabaseError as exc:  # not an SQLite file, damaged, or not readable
        db.close()
        raise DatabaseError(t("db.unreadable", path=path, reason=exc)) from None
    if version > LATEST_VERSION:
        db.close()
        raise DatabaseError(t("db.too_new", path=path, version=version, latest=LATEST_VERSION))
    if migrate and version < LATEST_VERSION:
        if version > 0 and backup_dir is not None:
            # Kept apart from the rotated copies (backups/kept), never rotated away.
            try:
                saved = dbfiles.write_copy(db.connection(), path.stem, Path(backup_dir) / "kept",
                                           f"pre-migration-v{version}")
            except dbfiles.BackupError as exc:
                db.close()
                raise DatabaseError(str(exc)) from None
            migration_copies.append(saved)
            _log().info("backup before migration: %s", saved.name)
        applied = run_migrations(db)
        _log().info("schema of %s upgraded from v%s with migrations %s", path.name, version, applied)
    return db


def _open_postgres(url: str, *, create: bool, migrate: bool) -> peewee.Database:
    """The PostgreSQL side of ``open_database``. The server keeps its own files and copies
    (``pg_dump``: docs/operators-guide.md), so no file is made private or copied here."""
    db = make_database(url)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        version = schema_version(db)
        if not create and version == 0:
            tables = db.execute_sql("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
            db.close()
            key = "db.foreign" if tables else "db.pg_empty"
            raise DatabaseError(t(key, path=postgres.masked(url)))
    except peewee.DatabaseError as exc:  # no server, no such database, refused login
        db.close()
        raise DatabaseError(t("db.server_unreadable", path=postgres.masked(url), reason=_first_line(exc))) from None
    if version > LATEST_VERSION:
        db.close()
        raise DatabaseError(t("db.too_new", path=postgres.masked(url), version=version, latest=LATEST_VERSION))
    if migrate and version < LATEST_VERSION:
        applied = run_migrations(db)
        _log().info("schema upgraded from v%s with migrations %s", version, applied)
    return db


def shown(location) -> str:
    """A database's location as messages show it (a URL's password hidden)."""
    return postgres.masked(str(location)) if is_url(location) else str(location)


def holds_office(url: str) -> bool:
    """Whether the PostgreSQL database at ``url`` holds an office schema. A server that cannot
    be reached counts as holding one, so that opening it names the real problem."""
    try:
        db = make_database(url)
    except DatabaseError:
        return True  # no driver: opening it says so
    try:
        db.connect()
        return schema_version(db) > 0
    except peewee.DatabaseError:
        return True
    finally:
        db.close()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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


def run_migrations(db: peewee.Database) -> list[int]:
    if dialect(db) == "postgres":
        return _run_postgres_migrations(db)
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


def _run_postgres_migrations(db: peewee.Database) -> list[int]:
    """The same numbered migrations, through ``migrations/postgres.py``; each one transaction
    (PostgreSQL's DDL is transactional), the version row updated in it."""
    applied = []
    with db.atomic():
        for statement in postgres_migrations.PRELUDE:
            db.execute_sql(statement)
    current = schema_version(db)
    for number, _description, statements in MIGRATIONS:
        if number <= current:
            continue
        with db.atomic():
            for statement in postgres_migrations.statements(number, statements):
                db.execute_sql(statement)
            db.execute_sql(f"UPDATE {postgres_migrations.VERSION_TABLE} SET version = %s", (number,))
        applied.append(number)
    return applied


def integrity_problems(db: peewee.Database) -> list[str]:
    if dialect(db) == "postgres":
        return []  # the server enforces keys and checks its pages itself
    rows = db.execute_sql("PRAGMA integrity_check").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    problems += [
        f"foreign key: {table} row {rowid} -> {parent}"
        for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall()
    ]
    return problems
# --- indexes set aside for a bulk load -------------------------------------------------------

DEFERRED_INDEXES_KEY = "deferred_indexes"  # setting: JSON list of the CREATE INDEX statements dropped


def defer_indexes(names: tuple[str, ...]) -> list[str]:
    """Drop the named (non-unique) indexes for a bulk load into an empty table, recording in
    the same transaction the ``CREATE INDEX`` statements SQLite stored when the migrations made
    them, so that ``restore_indexes`` builds exactly those again, even after a crash (it runs at
    every ``open_database``). Returns the statements recorded."""
    marks = ", ".join("?" * len(names))
    with immediate():
        rows = database.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name IN ({marks}) "
            "ORDER BY name", names).fetchall()
        statements = _deferred() + [sql for _, sql in rows]
        for name, _ in rows:
            database.execute_sql(f"DROP INDEX {name}")
        _record_deferred(statements)
    return statements


def restore_indexes() -> int:
    """Build the indexes ``defer_indexes`` set aside, one transaction each (each holds the write
    lock while it builds: about 1 s per index at 1,000,000 rows); returns how many were built."""
    if on_postgres():  # deferring is SQLite's only (sqlite_master); nothing is ever recorded there
        return 0
    pending = _deferred()
    if not pending:
        return 0
    # The build sorts every row: with temporary files in memory (PRAGMAS temp_store) the whole
    # sort would sit in RAM (+37 MB at 1,000,000 rows); on disk it spills past the page cache.
    # (Changing temp_store drops the connection's temporary tables: none is open here.)
    database.execute_sql("PRAGMA temp_store = FILE")
    built = 0
    try:
        for statement in pending:
            with immediate():
                name = statement.split()[2]
                exists = database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                                              (name,)).fetchone()
                if not exists:
                    database.execute_sql(statement)
                    built += 1
                _record_deferred([s for s in _deferred() if s != statement])
    finally:
        database.execute_sql(f"PRAGMA temp_store = {PRAGMAS['temp_store']}")
    return built


def _deferred() -> list[str]:
    import json

    row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (DEFERRED_INDEXES_KEY,)).fetchone()
    return json.loads(row[0]) if row else []


def _record_deferred(statements: list[str]) -> None:
    import json

    database.execute_sql("DELETE FROM setting WHERE key = ?", (DEFERRED_INDEXES_KEY,))
    if statements:
        database.execute_sql("INSERT INTO setting (key, value) VALUES (?, ?)",
                             (DEFERRED_INDEXES_KEY, json.dumps(statements)))
