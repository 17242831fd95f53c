"""The table mechanics of ``dukcapil db copy``: which tables, in which order, and how a table's
rows go from one database to another in batches that a second run can continue.

Engine-neutral: statements use the target's parameter mark (``database.param``: ``?`` on
SQLite, ``%s`` on PostgreSQL) and double-quoted names, which both engines read. Rows keep
their ids and every value is written exactly as read: the PostgreSQL schema stores values as
SQLite does (ISO text times and dates, 0/1 flags, integer ids: db/postgres.py), so a row reads
the same on both engines and the hash chains verify unchanged.

Order. Parents before children (the source's foreign keys), and the order the INSERT triggers
of the migrations need (``TRIGGERS`` says, for every trigger, what the copy does about it):
ledger movements before the closed months that refuse movements dated in them, the day-dated
tables before the day locks that refuse rows dated on a locked day, receipts (movements)
before the deliveries that must point at a receipt, the audit log before the card events (its
AFTER INSERT trigger links unlinked events to the newest entry).

Resume. Rows are read in primary-key order on the source and a batch is one transaction on
the target, so a target table always holds the first n rows of the source table: the next run
counts them, checks that the source's n-th key is there, and goes on after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import peewee

from dukcapil_tui.i18n import t
from dukcapil_tui.migrations import postgres as postgres_migrations
from dukcapil_tui.services.context import ServiceError

BATCH_ROWS = 1000
# The copy's own mark in the target's settings while it is unfinished (removed by the last
# transaction, with the audit entry).
PENDING_KEY = "db_copy_pending"


def unfinished_copy() -> str | None:
    """Where the open database is being copied from, while a ``db copy`` into it is unfinished
    (the app refuses to work on it then); None for an office in use."""
    from dukcapil_tui.services.office_state import setting

    mark = setting(PENDING_KEY)
    if not mark:
        return None
    try:
        return str(json.loads(mark).get("source") or "?")
    except (ValueError, AttributeError):
        return "?"
SETTINGS_TABLE = "setting"  # copied whole in the opening transaction (with the mark)

# Every trigger the migrations create, and what the copy does about it. A test compares this
# with the schema: a new trigger needs a decision here before the suite passes.
TRIGGERS = {
    "audit_log_no_update": "UPDATE only: the copy only inserts",
    "audit_log_no_delete": "DELETE only",
    "audit_log_links_card_events": "AFTER INSERT on audit_log: audit_log is copied before card_event",
    "card_kecamatan": "AFTER INSERT on card: a source card with an empty kecamatan_code gets it back",
    "card_holder_desa": "AFTER INSERT on card: a source card with an empty holder_desa_code gets it back",
    "resident_moved_cards": "AFTER UPDATE OF desa_code on resident: a resumed copy's fix pass sets the source's "
                            "desa on its cards; card is copied (and fixed) after resident, with the source's",
    "blangko_movement_append_only_u": "UPDATE only",
    "blangko_movement_append_only_d": "DELETE only",
    "blangko_movement_closed_month": "BEFORE INSERT: blangko_movement is copied before blangko_month",
    "blangko_movement_day_locked": "BEFORE INSERT: day_lock is copied after the day-dated tables",
    "ticket_day_locked_i": "BEFORE INSERT: day_lock last",
    "ticket_day_locked_u": "UPDATE only",
    "ticket_event_day_locked": "BEFORE INSERT: day_lock last",
    "stock_count_day_locked": "BEFORE INSERT: day_lock last",
    "spoiled_card_day_locked": "BEFORE INSERT: day_lock last",
    "destruction_day_locked": "BEFORE INSERT: day_lock last",
    "blangko_request_day_locked": "BEFORE INSERT: day_lock last",
    "day_lock_no_delete": "DELETE only",
    "day_lock_unlock_only": "UPDATE only",
    "blangko_delivery_receipts_only": "BEFORE INSERT: its movement (a foreign key) is copied first",
    "blangko_delivery_append_only_u": "UPDATE only",
    "blangko_delivery_append_only_d": "DELETE only",
    "outage_no_delete": "DELETE only",
    "device_event_append_only_u": "UPDATE only",
    "device_event_append_only_d": "DELETE only",
    "outage_ends_once": "UPDATE only",
    "handling_note_no_delete": "DELETE only",
    "resident_import_hash_cleared": "AFTER UPDATE on resident: a row brought up to date gets the source's "
                                    "import_hash, which differs from the target's old one or is NULL: it stays",
}
# PostgreSQL's ``<table>_rowid`` triggers give a row inserted without an id max(id) + 1, as SQLite
# does (migrations/postgres.py); the copy gives every id, so they never fire and there is no
# sequence to move past the copied ids.
ROWID_SUFFIX = "_rowid"


def trigger_decision(name: str) -> str | None:
    """What the copy does about the trigger ``name`` (None: nothing decided, a new trigger)."""
    if name in TRIGGERS:
        return TRIGGERS[name]
    if name.endswith(ROWID_SUFFIX):
        return "BEFORE INSERT without an id (PostgreSQL): every copied row has its id"
    return None


# Tables that must come after others because of a trigger (beyond the foreign keys).
AFTER = {
    "blangko_month": ("blangko_movement",),
    "day_lock": ("blangko_movement", "ticket", "ticket_event", "stock_count", "spoiled_card", "destruction",
                 "blangko_request"),
    "card_event": ("audit_log",),
}
# (table, column, value): an AFTER INSERT trigger rewrites a row inserted with this value; the
# copy writes the source's value back in the same transaction.
REWRITTEN = (("card", "kecamatan_code", ""), ("card", "holder_desa_code", ""))


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_postgres(database: peewee.Database) -> bool:
    return isinstance(database, peewee.PostgresqlDatabase)


# The engines' own bookkeeping, never copied: SQLite's sqlite_* tables; on PostgreSQL the schema
# version (SQLite keeps it in the file header), which the target's migrations write themselves.
BOOKKEEPING = (postgres_migrations.VERSION_TABLE,)


def schema(database: peewee.Database) -> str | None:
    """The PostgreSQL schema the office lives in (the connection's search path), None on SQLite."""
    if not is_postgres(database):
        return None
    return database.execute_sql("SELECT current_schema()").fetchone()[0]


def user_tables(database: peewee.Database) -> list[str]:
    """The tables of the office (the engine's bookkeeping left out)."""
    return [name for name in database.get_tables(schema=schema(database))
            if not name.startswith("sqlite_") and name not in BOOKKEEPING]


def primary_key(database: peewee.Database, table: str) -> list[str]:
    keys = database.get_primary_keys(table, schema=schema(database))
    if len(keys) != 1:
        raise ServiceError(t("dbcopy.no_primary_key", table=table))
    return list(keys)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]


def ordered(database: peewee.Database, names: Sequence[str]) -> list[str]:
    """``names`` parents first (foreign keys of ``database``) and as ``AFTER`` says; ties keep
    the order given."""
    needs = {name: set() for name in names}
    for name in names:
        for fk in database.get_foreign_keys(name, schema=schema(database)):
            if fk.dest_table != name and fk.dest_table in needs:
                needs[name].add(fk.dest_table)
        needs[name].update(n for n in AFTER.get(name, ()) if n in needs)
    result: list[str] = []
    placed: set[str] = set()
    while len(result) < len(names):
        ready = [n for n in names if n not in placed and needs[n] <= placed]
        if not ready:
            raise ServiceError(t("dbcopy.cycle", tables=", ".join(sorted(set(names) - placed))))
        result.append(ready[0])
        placed.add(ready[0])
    return result


def plan(source: peewee.Database, target: peewee.Database, model_tables: Sequence[str]) -> list[Table]:
    """The tables to copy, in order, refusing a source or target whose tables or columns are not
    the app's (an extra table would be left behind without a word)."""
    found = user_tables(source)
    extra = sorted(set(found) - set(model_tables))
    if extra:
        raise ServiceError(t("dbcopy.extra_tables", tables=", ".join(extra)))
    missing = sorted(set(model_tables) - set(found))
    if missing:
        raise ServiceError(t("dbcopy.missing_tables", tables=", ".join(missing)))
    tables = []
    for name in ordered(source, [n for n in model_tables if n in found]):
        columns = tuple(c.name for c in source.get_columns(name, schema=schema(source)))
        if set(columns) != {c.name for c in target.get_columns(name, schema=schema(target))}:
            raise ServiceError(t("dbcopy.columns_differ", table=name))
        tables.append(Table(name, columns, tuple(primary_key(source, name))))
    return tables


def count(database: peewee.Database, table: str) -> int:
    return database.execute_sql(f"SELECT count(*) FROM {q(table)}").fetchone()[0]


# --- one table -----------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]


def _batches(source: peewee.Database, table: Table, batch_rows: int, after=None):
    """The source's rows of ``table`` in key order, ``batch_rows`` at a time, after the key
    ``after`` (None: from the first)."""
    columns = ", ".join(q(c) for c in table.columns)
    keys = ", ".join(q(k) for k in table.key)
    key_index = [table.columns.index(k) for k in table.key]
    later = f"WHERE ({keys}) > ({', '.join([source.param] * len(table.key))}) "
    while True:
        rows = source.execute_sql(
            f"SELECT {columns} FROM {q(table.name)} {later if after is not None else ''}"
            f"ORDER BY {keys} LIMIT {int(batch_rows)}", list(after) if after is not None else None).fetchall()
        if not rows:
            return
        yield rows
        after = tuple(rows[-1][i] for i in key_index)


def _written(target: peewee.Database, table: str, statement: str, values: list) -> None:
    """``executemany`` on the target; a row the target refuses (a trigger, a constraint) is a
    refusal naming the table, never a traceback."""
    try:
        with peewee.__exception_wrapper__:
            target.cursor().executemany(statement, values)
    except peewee.DatabaseError as exc:
        raise ServiceError(t("dbcopy.row_refused", table=table, reason=str(exc).strip())) from None


def _resume_after(source: peewee.Database, target: peewee.Database, table: Table, done: int):
    """The key of the last row already copied (None: none), checked on the target: the target
    holds the first ``done`` rows of the source, so the source's ``done``-th key is there."""
    if done == 0:
        return None
    keys = ", ".join(q(k) for k in table.key)
    row = source.execute_sql(f"SELECT {keys} FROM {q(table.name)} ORDER BY {keys} LIMIT 1 OFFSET {done - 1}")\
        .fetchone()
    where = " AND ".join(f"{q(k)} = {target.param}" for k in table.key)
    there = row is not None and target.execute_sql(
        f"SELECT 1 FROM {q(table.name)} WHERE {where}", list(row)).fetchone()
    if not there:
        raise ServiceError(t("dbcopy.diverged", table=table.name))
    return tuple(row)


def copy_table(source: peewee.Database, target: peewee.Database, table: Table, *, batch_rows: int = BATCH_ROWS,
               progress: Progress | None = None, after_batch: Callable[[], None] | None = None) -> int:
    """Copy the rows of ``table`` the target does not have yet; returns how many were copied.
    Rows an earlier run copied are first brought up to date (``compare`` with ``fix``)."""
    total = count(source, table.name)
    done = count(target, table.name)
    if done > total:
        raise ServiceError(t("dbcopy.diverged", table=table.name))
    last = _resume_after(source, target, table, done)
    if done:
        compare(source, target, table, batch_rows=batch_rows, limit=done, fix=True)
    columns = ", ".join(q(c) for c in table.columns)
    insert = (f"INSERT INTO {q(table.name)} ({columns}) "
              f"VALUES ({', '.join([target.param] * len(table.columns))})")
    copied = 0
    for rows in _batches(source, table, batch_rows, last):
        values = [list(row) for row in rows]
        with target.atomic():
            _written(target, table.name, insert, values)
            _write_back(target, table, values)
        copied += len(rows)
        if progress:
            progress(table.name, done + copied, total)
        if after_batch:
            after_batch()
    return copied


def compare(source: peewee.Database, target: peewee.Database, table: Table, *, batch_rows: int = BATCH_ROWS,
            limit: int | None = None, fix: bool = False) -> int:
    """How many of the source's rows (the first ``limit``) the target holds with other values
    (or not at all). With ``fix``, those it holds are updated to the source's values, one
    transaction a batch: a row changed in the source after an earlier run copied it (the
    copy's own login moves the admin's last login)."""
    if len(table.key) != 1:
        raise ServiceError(t("dbcopy.no_primary_key", table=table.name))
    key = table.key[0]
    at = table.columns.index(key)
    columns = ", ".join(q(c) for c in table.columns)
    others = [c for c in table.columns if c != key]
    update = (f"UPDATE {q(table.name)} SET {', '.join(f'{q(c)} = {target.param}' for c in others)} "
              f"WHERE {q(key)} = {target.param}")
    differ = seen = 0
    for rows in _batches(source, table, batch_rows):
        if limit is not None:
            rows = rows[:limit - seen]
        seen += len(rows)
        wanted = [list(row) for row in rows]
        marks = ", ".join([target.param] * len(wanted))
        held = {row[at]: list(row) for row in target.execute_sql(
            f"SELECT {columns} FROM {q(table.name)} WHERE {q(key)} IN ({marks})", [row[at] for row in wanted])}
        changed = [row for row in wanted if held.get(row[at]) != row]
        differ += len(changed)
        stale = [row for row in changed if row[at] in held]
        if fix and stale:
            with target.atomic():
                _written(target, table.name, update,
                         [[v for c, v in zip(table.columns, row, strict=True) if c != key] + [row[at]]
                          for row in stale])
        if limit is not None and seen >= limit:
            break
    return differ


def _write_back(target: peewee.Database, table: Table, values: list[list]) -> None:
    for name, column, value in REWRITTEN:
        if name != table.name or table.key != ("id",):
            continue
        at, key_at = table.columns.index(column), table.columns.index("id")
        ids = [row[key_at] for row in values if row[at] == value]
        if ids:
            mark = target.param
            _written(target, name, f"UPDATE {q(name)} SET {q(column)} = {mark} WHERE id = {mark}",
                     [(value, row_id) for row_id in ids])
