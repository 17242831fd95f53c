"""The audit log as the head reads it: who did what, on which day, to which record.

Read-only: filtered by user, office-local day and kind of record, newest first, keyset-paged
on the entry's number so the thousandth page of five years of entries costs what the first
does. Only the head (admin) may read it: entries carry what changed, names and NIKs included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from dukcapil_tui.db import database
from dukcapil_tui.i18n import has, t
from dukcapil_tui.models import AuditLog
from dukcapil_tui.services import settings
from dukcapil_tui.services.context import Actor, require_role

VIEW_ROLES = ("admin",)


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    day: date | None = None  # the office's local day
    entity: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # naive UTC, as stored
    username: str
    workstation: str
    action: str
    entity: str
    entity_id: str
    changes: dict

    @property
    def summary(self) -> str:
        """The fields an entry changed, or its few values: "address, rt", "file, inserted"."""
        return ", ".join(self.changes)[:80]


def entity_label(entity: str) -> str:
    """A kind of record in words (``card`` → "Kartu"); an unknown kind as it is stored."""
    return t(f"audit.entity.{entity}") if has(f"audit.entity.{entity}") else entity


def page(actor: Actor, flt: AuditFilter, before_id: int | None, limit: int) -> tuple[list[AuditRow], int | None]:
    """One page of entries matching ``flt``, newest first, older than entry ``before_id``; and
    where the next page starts (None: this is the last)."""
    require_role(actor, "action.read_audit", *VIEW_ROLES)
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit + 1)
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    if flt.username:
        query = query.where(AuditLog.username == flt.username)
    if flt.entity:
        query = query.where(AuditLog.entity == flt.entity)
    if flt.day is not None:
        start, end = settings.utc_bounds(flt.day, flt.day)
        query = query.where((AuditLog.at >= start) & (AuditLog.at < end))
    entries = list(query)
    rows = [AuditRow(e.id, e.at, e.username, e.workstation, e.action, e.entity, e.entity_id or "",
                     _changes(e.changes)) for e in entries[:limit]]
    return rows, (rows[-1].id if len(entries) > limit else None)


def choices(actor: Actor) -> tuple[list[str], list[str]]:
    """The usernames and kinds of record the log holds, for the filters."""
    require_role(actor, "action.read_audit", *VIEW_ROLES)
    users = [r[0] for r in database.execute_sql("SELECT DISTINCT username FROM audit_log ORDER BY 1")]
    entities = [r[0] for r in database.execute_sql("SELECT DISTINCT entity FROM audit_log ORDER BY 1")]
    return users, entities


def _changes(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"?": text}
    return value if isinstance(value, dict) else {"": value}
