"""The append-only audit log. Called by services inside their own transaction."""

from __future__ import annotations

import json
from datetime import date, datetime

from dukcapil_tui.models import AuditLog
from dukcapil_tui.services import chain, context
from dukcapil_tui.services.context import Actor


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def diff(before: dict, after: dict) -> dict:
    """Fields that changed, as ``{field: [old, new]}``."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def record(actor: Actor, action: str, entity: str, entity_id: object = None, changes: dict | None = None,
           *, opening: bool = False) -> AuditLog:
    """Append one entry, linked into the audit chain (services.chain). Call inside the caller's
    write transaction; refused on a workstation that holds no chain key for this database."""
    values = {
        "at": str(context.now_utc()),
        "user_id": actor.user_id,
        "username": actor.username,
        "workstation": actor.workstation,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "changes": json.dumps({k: _plain(v) for k, v in (changes or {}).items()}, ensure_ascii=False, default=str),
    }
    new_id = chain.append("audit", values, opening=opening)
    return AuditLog(id=new_id, user=values.pop("user_id"), **values)
