"""Backups and restores as the office sees them: by hand, automatically at the first start of
each office day and at the queue's day close, restored with every check first. Each is in the
audit log and the application log. The file mechanics are in ``dukcapil_tui.dbfiles``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, time as clock_time, UTC
from pathlib import Path
from zoneinfo import ZoneInfo

from dukcapil_tui import dbfiles, enrolment, paths
from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.migrations import LATEST_VERSION
from dukcapil_tui.services import audit, chain, context, settings
from dukcapil_tui.services.context import Actor, ServiceError, require_role

DAILY, DAY_CLOSE, MANUAL = "daily", "day-close", "manual"


def _log():
    from dukcapil_tui.logs import get

    return get("backup")


def create(actor: Actor, kind: str = MANUAL, directory: Path | str | None = None) -> Path:
    """A verified copy of the open database in ``directory`` (default: the backups folder),
    then the rotation there; audited and logged. By hand: admin only."""
    if kind == MANUAL:
        require_role(actor, "action.backup", "admin")
    if dbmod.on_postgres():
        raise ServiceError(t("backup.on_postgres"))
    live = Path(database.obj.database)
    folder = Path(directory) if directory else paths.backup_dir()
    try:
        target = dbfiles.write_copy(database.connection(), live.stem, folder, kind, own_dir=directory is None,
                                    at=context.now_utc())
        removed = dbfiles.rotate(folder, live.stem)
    except dbfiles.BackupError as exc:
        _log().error("backup (%s) failed: %s", kind, exc)
        raise ServiceError(str(exc)) from None
    size = target.stat().st_size
    with database.atomic("IMMEDIATE"):
        audit.record(actor, "backup.create", "backup", target.name,
                     {"kind": kind, "folder": str(folder), "bytes": size, "rotated_out": len(removed)})
    chain.remember_heads()
    head = chain.heads().get("audit")
    _log().info("backup %s written (%s, %d bytes, %d old copies rotated out; audit head #%s %s)", target.name,
                kind, size, len(removed), head[0] if head else "-", head[1][:16] if head else "-")
    return target


def made_today() -> bool:
    """Whether any backup was made since the office's local midnight (any workstation)."""
    zone = ZoneInfo(settings.office_timezone())
    midnight = datetime.combine(settings.office_today(), clock_time(), tzinfo=zone)
    since = str(midnight.astimezone(UTC).replace(tzinfo=None))
    return database.execute_sql(
        "SELECT 1 FROM audit_log WHERE at >= ? AND action = 'backup.create' LIMIT 1", (since,)).fetchone() is not None


def daily_if_due(actor: Actor) -> Path | None:
    """The first start of an office day makes the day's backup (None when one exists, and on
    PostgreSQL, whose server keeps its own)."""
    if dbmod.on_postgres() or made_today():
        return None
    return create(actor, DAILY)


def record_migration_copies(actor: Actor) -> None:
    """Audit the copies made before a migration in this process (once the chain can be written)."""
    while dbmod.migration_copies and chain.available():
        saved = dbmod.migration_copies.pop(0)
        with database.atomic("IMMEDIATE"):
            audit.record(actor, "backup.create", "backup", saved.name,
                         {"kind": "pre-migration", "folder": str(saved.parent)})


# --- restore ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    """What a file to restore must match: the region and id of the database it replaces."""

    region_code: str | None
    office_uid: str | None


def expected_for(target: Path) -> Expected:
    """The office of the database at ``target``, or (when it is missing or too damaged to read)
    of this workstation's enrolment when it holds exactly one office."""
    try:
        conn = dbfiles.read_only(target)
        try:
            found = dbfiles.facts(conn)
        finally:
            conn.close()
        if found.region_code:
            return Expected(found.region_code, found.office_uid or None)
    except Exception:  # noqa: BLE001 - missing, empty or damaged: fall back on the enrolment
        pass
    try:
        entries = list(enrolment.load().values())
    except enrolment.EnrolmentError:
        entries = []
    regions = {e.region_code for e in entries}
    return Expected(regions.pop() if len(regions) == 1 else None, None)


def check_source(source: Path, target: Path) -> dbfiles.FileFacts:
    """Refuse, before anything is asked or replaced, a damaged file, one from a newer app or from
    another office or database."""
    if dbmod.is_url(target):
        raise ServiceError(t("backup.restore_postgres"))
    expected = expected_for(target)
    try:
        return dbfiles.inspect(Path(source), latest=LATEST_VERSION, region_code=expected.region_code,
                               office_uid=expected.office_uid)
    except dbfiles.BackupError as exc:
        raise ServiceError(str(exc)) from None


def login_from_file(source: Path, username: str, password: str, workstation: str) -> Actor | None:
    """When the live database is too damaged to log in to: an active, unlocked admin of the
    file being restored, checked read-only (nothing is counted)."""
    from dukcapil_tui.domain import passwords
    from dukcapil_tui.services.users import _dummy_hash

    started = time.monotonic()
    try:
        conn = dbfiles.read_only(source)
        try:
            row = conn.execute("SELECT id, username, full_name, role, password_hash, active, locked_until "
                               "FROM app_user WHERE username = ?", ((username or "").strip().lower(),)).fetchone()
            uid = dbfiles.facts(conn).office_uid
        finally:
            conn.close()
        good = passwords.verify_password(password, row[4] if row else _dummy_hash())
        now = str(datetime.now(UTC).replace(tzinfo=None))
        if not (row and good and row[5] and row[3] == "admin" and not (row[6] and str(row[6]) > now)):
            return None
        entry = enrolment.get(uid)
        return Actor(row[0], row[1], row[3], entry.workstation if entry else workstation, row[2])
    finally:
        time.sleep(max(0.0, started + passwords.LOGIN_FLOOR_S - time.monotonic()))


@dataclass(frozen=True)
class Restored:
    target: Path
    source: Path
    saved: Path | None
    audited: bool


def restore(actor: Actor, source: Path, target: Path) -> Restored:
    """Replace the database at ``target`` with the checked copy ``source``: only while no other
    process has the file open, after keeping the current file apart (backups/kept). The restored
    file is upgraded if it is older, the restore is audited in it, and this workstation's
    anchors move to its chain heads."""
    require_role(actor, "action.backup", "admin")
    if dbmod.is_url(target):
        raise ServiceError(t("backup.restore_postgres"))
    source, target = Path(source), Path(target)
    found = check_source(source, target)
    saved = None
    try:
        with dbfiles.exclusive(target):
            if database.obj is not None:
                database.close()
            if target.exists() and target.stat().st_size > 0:
                saved = _keep_current(target)
            dbfiles.copy_over(source, target)
            dbmod.open_database(target, backup_dir=paths.backup_dir())
            audited = chain.available()
            if audited:
                with database.atomic("IMMEDIATE"):
                    audit.record(actor, "backup.restore", "backup", source.name, {
                        "source": str(source), "saved_before": saved.name if saved else None,
                        "schema_version": found.version})
                enrolment.reset_anchors(chain.office_uid(), {
                    name: {"id": row_id, "chain": link, "at": at}
                    for name, (row_id, link, at) in chain.heads().items()})
            record_migration_copies(actor)
    except dbfiles.BackupError as exc:
        raise ServiceError(str(exc)) from None
    _log().info("database %s restored from %s by %s (copy of the replaced file: %s)", target.name, source.name,
                actor.username, saved.name if saved else "-")
    return Restored(target, source, saved, audited)


def _keep_current(target: Path) -> Path:
    import sqlite3

    kept = paths.kept_backup_dir()
    try:
        conn = sqlite3.connect(str(target))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return dbfiles.write_copy(conn, target.stem, kept, "pre-restore")
        finally:
            conn.close()
    except (sqlite3.DatabaseError, dbfiles.BackupError):
        return dbfiles.save_damaged(target, kept, "pre-restore")
