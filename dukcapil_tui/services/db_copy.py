"""``dukcapil db copy SOURCE TARGET``: a whole office from one database to another (SQLite file
to PostgreSQL and back), keeping every id, resumable, verified.

1. Checks, before anything is written: SOURCE and TARGET differ; the source exists and is at
   this app's schema version; this workstation holds the office's chain key (the same key
   verifies the copy: it belongs to the office, ``setting.office_uid``, not to the file); the
   target is new or empty (only the rows the migrations seed), or a copy of this office this
   command left unfinished. Anything else is refused by name.
2. A new target gets the schema from the migrations. The opening transaction replaces the
   seeded rows' tables' content (settings, services, counters...) with nothing, copies the
   source's settings and writes the copy's mark (``PENDING_KEY``) among them.
3. Every table in order, in batches, one transaction each (``db_copy_tables``).
4. Verification on the target: every table holds as many rows as the source's, with the same
   values, and the audit log and the blank ledger chains verify with the office's key
   (``chain.broken_links``). Only then the last transaction removes the mark and audits the
   copy in the target.

A run that stops anywhere leaves the mark: the next run with the same SOURCE and TARGET goes
on where it stopped. Stop the office's counters during the copy: rows written to the source
meanwhile make the counts differ (the report says which), and a run after the office stops
copies them too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import peewee

from dukcapil_tui import db as dbmod
from dukcapil_tui import enrolment
from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.migrations import LATEST_VERSION, MIGRATIONS
from dukcapil_tui.services import audit, chain
from dukcapil_tui.services import db_copy_tables as tables
from dukcapil_tui.services.context import Actor, ServiceError, now_utc, require_role

NEW, EMPTY, RESUME = "new", "empty", "resume"


# --- where a database is -------------------------------------------------------------------------

is_url = dbmod.is_url
shown = dbmod.shown  # a location as messages and the audit show it: a URL's password hidden


def _server_database(url: str) -> tuple:
    """Which database a URL names (whoever logs in to it)."""
    parts = urlsplit(url)
    return ((parts.hostname or "").lower(), parts.port or 5432, parts.path.strip("/"))


def same_place(a: str, b: str) -> bool:
    if is_url(a) != is_url(b):
        return False
    if is_url(a):
        return _server_database(a) == _server_database(b)
    first, second = Path(a), Path(b)
    if first.exists() and second.exists():
        return first.samefile(second)
    return first.resolve() == second.resolve()


def _reason(exc: Exception) -> str:
    """The first line of a driver's message (psycopg adds hints on further lines)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _connect(location: str) -> peewee.Database:
    try:
        database_ = dbmod.make_database(location)
    except dbmod.DatabaseError as exc:  # no PostgreSQL driver installed
        raise ServiceError(str(exc)) from None
    database_.connect(reuse_if_open=True)
    return database_


def _sqlite_missing(location: str) -> bool:
    path = Path(location)
    return not path.exists() or path.stat().st_size == 0


def _office_uid(database_: peewee.Database) -> str:
    row = database_.execute_sql(f"SELECT value FROM setting WHERE key = {database_.param}",
                                ("office_uid",)).fetchone()
    return row[0] if row else ""


def _pending(database_: peewee.Database) -> dict | None:
    row = database_.execute_sql(f"SELECT value FROM setting WHERE key = {database_.param}",
                                (tables.PENDING_KEY,)).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# --- the checks ----------------------------------------------------------------------------------

def open_source(location: str) -> peewee.Database:
    """The source, connected and checked: it exists, reads, is this app's and at its version."""
    if not is_url(location) and _sqlite_missing(location):
        raise ServiceError(t("dbcopy.source_missing", place=shown(location)))
    try:
        source = _connect(location)
        present = tables.user_tables(source)
        version = dbmod.schema_version(source)
    except peewee.DatabaseError as exc:
        raise ServiceError(t("dbcopy.unreadable", place=shown(location), reason=_reason(exc))) from None
    if not present or "setting" not in present:
        source.close()
        raise ServiceError(t("dbcopy.source_not_office", place=shown(location)))
    if version != LATEST_VERSION:
        source.close()
        key = "dbcopy.source_older" if version < LATEST_VERSION else "dbcopy.source_newer"
        raise ServiceError(t(key, place=shown(location), version=version, latest=LATEST_VERSION))
    return source


@cache
def _seeded(version: int) -> tuple[dict[str, int], frozenset[str]]:
    """Rows per table and the setting keys of a database the migrations up to ``version`` alone
    made (in memory, on SQLite: the seeds are the same rows on both engines)."""
    fresh = peewee.SqliteDatabase(":memory:")
    for _number, _description, statements in MIGRATIONS[:version]:
        for statement in statements:
            fresh.execute_sql(statement)
    counts = {name: tables.count(fresh, name) for name in tables.user_tables(fresh)}
    keys = frozenset(row[0] for row in fresh.execute_sql("SELECT key FROM setting"))
    fresh.close()
    return counts, keys


def target_state(location: str, office: str) -> str:
    """NEW, EMPTY or RESUME; anything else is refused with what is in the way."""
    place = shown(location)
    if not is_url(location) and _sqlite_missing(location):
        return NEW
    try:
        target = _connect(location)
    except peewee.DatabaseError as exc:
        raise ServiceError(t("dbcopy.unreadable", place=place, reason=_reason(exc))) from None
    try:
        return _classify(target, place, office)
    except peewee.DatabaseError as exc:
        raise ServiceError(t("dbcopy.unreadable", place=place, reason=_reason(exc))) from None
    finally:
        target.close()


def _classify(target: peewee.Database, place: str, office: str) -> str:
    present = tables.user_tables(target)
    if not present:
        return NEW
    version = dbmod.schema_version(target)
    if version == 0 or "setting" not in present:
        raise ServiceError(t("dbcopy.target_foreign", place=place))
    if version > LATEST_VERSION or (version < LATEST_VERSION and _beyond_seeds(target, present, version)):
        raise ServiceError(t("dbcopy.target_version", place=place, version=version, latest=LATEST_VERSION))
    if version < LATEST_VERSION:
        return EMPTY  # a schema whose making was interrupted: the rest of the migrations runs first
    pending = _pending(target)
    if pending is not None:
        if pending.get("office_uid") != office:
            raise ServiceError(t("dbcopy.target_other_copy", place=place))
        return RESUME
    if _office_uid(target) == office:
        raise ServiceError(t("dbcopy.target_done", place=place))
    if _has(target, "app_user"):
        raise ServiceError(t("dbcopy.target_other_office", place=place))
    extra = _beyond_seeds(target, present, version)
    if extra:
        raise ServiceError(t("dbcopy.target_has_data", place=place, table=extra))
    return EMPTY


def _beyond_seeds(target: peewee.Database, present: list[str], version: int) -> str | None:
    """The first table of ``target`` that holds more (or other rows) than the migrations up to
    ``version`` seed; None when it holds only those."""
    counts, keys = _seeded(version)
    for name in sorted(present):
        if tables.count(target, name) != counts.get(name, 0):
            return name
    if {row[0] for row in target.execute_sql("SELECT key FROM setting")} != keys:
        return "setting"
    return None


def _has(database_: peewee.Database, table: str) -> bool:
    return database_.execute_sql(f"SELECT 1 FROM {tables.q(table)} LIMIT 1").fetchone() is not None


def precheck(source_location: str, target_location: str) -> str:
    """Every refusal that needs no login, before the password is asked: the target's state."""
    source_location, target_location = str(source_location), str(target_location)
    if same_place(source_location, target_location):
        raise ServiceError(t("dbcopy.same", place=shown(source_location)))
    source = open_source(source_location)
    try:
        office = _office_uid(source)
    finally:
        source.close()
    return target_state(target_location, office)


# --- the copy ------------------------------------------------------------------------------------

@dataclass
class Report:
    source: str
    target: str
    resumed: bool
    copied: int = 0
    # table, source rows, target rows, source rows the target holds with other values (or not at all)
    counts: list[tuple[str, int, int, int]] = field(default_factory=list)
    chain_problems: list[str] = field(default_factory=list)
    audit_rows: int = 0
    ledger_rows: int = 0

    @property
    def mismatches(self) -> list[tuple[str, int, int, int]]:
        return [row for row in self.counts if row[1] != row[2] or row[3]]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.chain_problems


def copy_office(actor: Actor, source_location: str, target_location: str, *,
                batch_rows: int = tables.BATCH_ROWS, progress: tables.Progress | None = None,
                after_batch: Callable[[], None] | None = None) -> Report:
    """Copy the office at ``source_location`` to ``target_location`` (see the module)."""
    require_role(actor, "action.db_copy", "admin")
    source_location, target_location = str(source_location), str(target_location)
    if same_place(source_location, target_location):
        raise ServiceError(t("dbcopy.same", place=shown(source_location)))
    if batch_rows < 1:
        raise ServiceError(t("dbcopy.bad_batch", value=batch_rows))
    source = open_source(source_location)
    try:
        office = _office_uid(source)
        if enrolment.get(office) is None:
            raise ServiceError(t("dbcopy.no_key"))
        state = target_state(target_location, office)
        if database.obj is not None:
            database.close()
        target = _open_target(target_location)
        from dukcapil_tui.models import ALL_MODELS

        report = Report(shown(source_location), shown(target_location), resumed=state == RESUME)
        try:
            _copy(source, target, office, actor, state, report, [m._meta.table_name for m in ALL_MODELS],
                  batch_rows, progress, after_batch)
        except peewee.DatabaseError as exc:  # a lost connection, a full disk: the next run goes on
            raise ServiceError(t("dbcopy.stopped", reason=_reason(exc))) from None
        return report
    finally:
        source.close()


def _copy(source, target, office: str, actor: Actor, state: str, report: Report, names: list[str],
          batch_rows: int, progress, after_batch) -> None:
    plan = tables.plan(source, target, names)
    _opening(source, target, plan, office, actor, state, report.source)
    for table in plan:
        if table.name != tables.SETTINGS_TABLE:
            report.copied += tables.copy_table(source, target, table, batch_rows=batch_rows,
                                               progress=progress, after_batch=after_batch)
    _verify(source, target, plan, office, report, batch_rows)
    if report.ok:
        with target.atomic():
            target.execute_sql(f"DELETE FROM setting WHERE key = {target.param}", (tables.PENDING_KEY,))
            audit.record(actor, "db.copy", "database", None, {
                "source": report.source, "tables": len(plan), "rows": sum(r[1] for r in report.counts),
                "resumed": report.resumed})


def _open_target(location: str) -> peewee.Database:
    """The target bound as the app's database, its schema made (or finished) by the migrations."""
    try:
        return dbmod.open_database(location, create=True)
    except dbmod.DatabaseError as exc:
        raise ServiceError(str(exc)) from None


def _opening(source, target, plan, office: str, actor: Actor, state: str, source_shown: str) -> None:
    """One transaction: the seeded rows out (new or empty target), the source's settings in,
    with the copy's mark."""
    settings = next(table for table in plan if table.name == tables.SETTINGS_TABLE)
    mark = json.dumps({"office_uid": office, "source": source_shown, "by": actor.username,
                       "started_at": str(now_utc())})
    with target.atomic():
        if state != RESUME:
            for table in reversed(plan):
                if _has(target, table.name):
                    target.execute_sql(f"DELETE FROM {tables.q(table.name)}")
        target.execute_sql(f"DELETE FROM {tables.q(settings.name)}")
        tables.copy_table(source, target, settings, batch_rows=10**9)
        target.execute_sql(f"INSERT INTO setting (key, value) VALUES ({target.param}, {target.param})",
                           (tables.PENDING_KEY, mark))


def _verify(source, target, plan, office: str, report: Report, batch_rows: int) -> None:
    for table in plan:
        on_target = tables.count(target, table.name)
        if table.name == tables.SETTINGS_TABLE:
            on_target -= 1  # the copy's mark
        differ = tables.compare(source, target, table, batch_rows=batch_rows)
        report.counts.append((table.name, tables.count(source, table.name), on_target, differ))
    # The chains with the office's key; not this workstation's anchors: the copy equals its
    # source, whatever state of the office the source holds (a backup file restored by a copy is
    # older than what the workstations saw; its db.copy entry explains that to ``check``).
    report.chain_problems = chain.broken_links(enrolment.get(office).key)
    report.audit_rows = tables.count(target, "audit_log")
    report.ledger_rows = tables.count(target, "blangko_movement")
