"""Residents' special handling notes: a name that may not be spoken, recording at home for the
bedridden, another note. Each note is added and ended (never removed) in one audited
transaction; ``resident.name_protected`` follows whether a name_unspoken note is open, so every
list masks the name from the row it already reads (``domain.handling.shown_name``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from dukcapil_tui.db import database
from dukcapil_tui.domain import handling as rules
from dukcapil_tui.domain.problems import ValidationError, bad_kind
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import HandlingNote, Resident
from dukcapil_tui.services import audit, context
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role

ROLES = ("admin", "loket")  # the head and the desk and counter staff who meet the resident


def _resident(ref: object) -> Resident:
    text = str(ref or "").strip()
    resident = None
    if text.isascii() and text.isdigit():
        resident = Resident.get_or_none(Resident.nik == text) if len(text) == 16 else \
            Resident.get_or_none(Resident.id == int(text))
    if resident is None:
        raise NotFound(t("handling.no_resident", ref=text or "-"))
    return resident


def _sync(resident_id: int) -> None:
    protected = HandlingNote.select().where(HandlingNote.resident == resident_id, HandlingNote.kind == "name_unspoken",
                                            HandlingNote.ended_at.is_null()).exists()
    Resident.update(name_protected=protected).where(Resident.id == resident_id).execute()


def add(actor: Actor, resident_ref: object, values: dict) -> HandlingNote:
    """A note on the resident (NIK or id): ``kind`` and ``note`` (required for ``other``)."""
    require_role(actor, "action.handling", *ROLES)
    problems: dict[str, str] = {}
    kind = str(values.get("kind") or "").strip().lower()
    if (problem := bad_kind("handling.field.kind", kind, "handling.kind", rules.KINDS)) is not None:
        problems["kind"] = problem
    note = squash(values.get("note"))
    if len(note) > rules.MAX_NOTE:
        problems["note"] = t("field.too_long", field=t("handling.field.note"), max=rules.MAX_NOTE)
    elif kind == "other" and not note:
        problems["note"] = t("field.required", field=t("handling.field.note"))
    if problems:
        raise ValidationError(problems)
    with database.atomic("IMMEDIATE"):
        resident = _resident(resident_ref)
        if kind != "other" and HandlingNote.select().where(HandlingNote.resident == resident.id,
                                                           HandlingNote.kind == kind,
                                                           HandlingNote.ended_at.is_null()).exists():
            raise ServiceError(t("handling.already_open", kind=t(f"handling.kind.{kind}")))
        row = HandlingNote.create(uuid=str(uuid.uuid4()), resident=resident.id, kind=kind, note=note,
                                  created_at=context.now_utc(), created_by=actor.username,
                                  workstation=actor.workstation)
        _sync(resident.id)
        # the audit keeps the kind, never the name
        audit.record(actor, "handling.add", "resident", resident.id, {"note": row.id, "kind": kind})
    return row


def end(actor: Actor, note_id: object, reason: str) -> HandlingNote:
    """The note no longer applies (``reason`` required)."""
    require_role(actor, "action.handling", *ROLES)
    reason = squash(reason)
    if not reason:
        raise ValidationError({"reason": t("field.required", field=t("handling.field.end_reason"))})
    if len(reason) > rules.MAX_NOTE:
        raise ValidationError({"reason": t("field.too_long", field=t("handling.field.end_reason"),
                                           max=rules.MAX_NOTE)})
    number = str(note_id or "").strip()
    with database.atomic("IMMEDIATE"):
        row = HandlingNote.get_or_none(HandlingNote.id == int(number)) if number.isdigit() else None
        if row is None:
            raise NotFound(t("handling.unknown", id=number or "-"))
        if row.ended_at is not None:
            raise ServiceError(t("handling.already_ended", id=row.id))
        HandlingNote.update(ended_at=context.now_utc(), ended_by=actor.username, end_reason=reason).where(
            HandlingNote.id == row.id).execute()
        _sync(row.resident_id)
        audit.record(actor, "handling.end", "resident", row.resident_id, {"note": row.id, "kind": row.kind})
    return HandlingNote.get_by_id(row.id)


@dataclass(frozen=True)
class NoteRow:
    id: int
    kind: str
    note: str
    created_at: datetime
    created_by: str
    ended_at: datetime | None

    @property
    def text(self) -> str:
        """How the desk and the counter show it."""
        return t(f"handling.kind.{self.kind}") + (f": {self.note}" if self.note else "")


def notes_for(resident_ref: object, open_only: bool = True) -> list[NoteRow]:
    resident = _resident(resident_ref)
    query = HandlingNote.select().where(HandlingNote.resident == resident.id)
    if open_only:
        query = query.where(HandlingNote.ended_at.is_null())
    return [NoteRow(n.id, n.kind, n.note, n.created_at, n.created_by, n.ended_at)
            for n in query.order_by(HandlingNote.id)]
