"""The one way a card comes into being and changes status (call inside a transaction).

Every change writes the card row, a ``card_event`` and — for a single change — an audit
entry, and applies what follows from it, each audited too: an enrolment failure sends the
resident back to BELUM REKAM; a card handed over (here, or CARD_ISSUED from the centre) closes
the resident's open Suket. Entering a status by hand, a SIAK listing, a print result, a
handover and a re-recording all come through here, so the rules cannot drift apart; the bulk
form (``apply`` with many changes) runs the same statements with ``executemany``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.models import Card, Resident
from dukcapil_tui.services import audit, context, day_lock
from dukcapil_tui.services.context import Actor


@dataclass(frozen=True)
class Change:
    card_id: int
    resident_id: int
    central_before: str
    office_before: str
    central: str
    office: str
    note: str = ""

    @property
    def office_changed(self) -> bool:
        return self.office != self.office_before


def plan(card_id: int, resident_id: int, central_before: str, office_before: str, *, central: str | None = None,
         office: str | None = None, note: str = "") -> Change:
    """A change: the centre says ``central`` (the office status follows the rules), or the
    office moves the card to ``office`` itself (printed, handed over, replaced)."""
    new_central = central or central_before
    if office is None:
        office = rules.next_office_status(office_before, new_central) if central else office_before
    return Change(card_id, resident_id, central_before, office_before, new_central, office, note[:200])


def plan_for(card: Card, *, central: str | None = None, office: str | None = None, note: str = "") -> Change:
    return plan(card.id, card.resident_id, card.central_status, card.office_status, central=central, office=office,
                note=note)


@dataclass
class Applied:
    """What followed from the changes: residents sent back to record again, Suket closed."""

    rerecord: list[int]
    suket_closed: int


def apply(actor: Actor, changes: list[Change], source: str, *, action: str | None = None,
          detail: dict | None = None) -> Applied:
    """Write ``changes`` (``source``: manual, import, print, handover, perekaman).

    With ``action`` each card gets its own audit entry (``detail`` added to it); without, the
    caller records one entry for the whole set (an import chunk). Effects on residents and
    Suket are audited one by one either way. Refused on a locked day (today's)."""
    day_lock.ensure_open()
    now = str(context.now_utc())
    cursor = database.cursor()
    cursor.executemany(
        "UPDATE card SET central_status = ?, office_status = ?, updated_at = ?, "
        "status_changed_at = CASE WHEN office_status = ? THEN status_changed_at ELSE ? END WHERE id = ?",
        [(c.central, c.office, now, c.office, now, c.card_id) for c in changes],
    )
    cursor.executemany(
        "INSERT INTO card_event (card_id, at, central_status, office_status, username, source, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(c.card_id, now, c.central, c.office, actor.username, source, c.note) for c in changes],
    )
    if action is not None:
        for c in changes:
            audit.record(actor, action, "card", c.card_id, {
                "central_status": [c.central_before, c.central], "office_status": [c.office_before, c.office],
                **(detail or {})})
    rerecord = _send_back(actor, [c for c in changes if c.office == "needs_rerecording" and c.office_changed])
    issued = [c for c in changes if c.office == "handed_over" and c.office_changed]
    closed = _close_suket(actor, issued, "handover" if source == "handover" else "card_issued")
    return Applied(rerecord, closed)


def _send_back(actor: Actor, changes: list[Change]) -> list[int]:
    """The centre could not enrol the record: the resident is BELUM REKAM again."""
    sent = []
    now = context.now_utc()
    for c in changes:
        updated = Resident.update(recording_status="belum", updated_at=now).where(
            (Resident.id == c.resident_id) & (Resident.recording_status != "belum")).execute()
        if updated:
            audit.record(actor, "resident.update", "resident", c.resident_id, {
                "recording_status": ["sudah", "belum"], "card": c.card_id, "central_status": c.central})
            sent.append(c.resident_id)
    return sent


def _close_suket(actor: Actor, changes: list[Change], reason: str) -> int:
    """A card reached the resident: their open Suket (even one issued for an earlier card of
    theirs, re-recorded since) is no longer needed."""
    from dukcapil_tui.models import Suket

    closed = 0
    now = context.now_utc()
    for c in changes:
        for suket_id, number in (Suket.select(Suket.id, Suket.number)
                                 .where((Suket.resident == c.resident_id) & (Suket.status == "open")).tuples()):
            Suket.update(status="closed", closed_at=now, closed_reason=reason).where(Suket.id == suket_id).execute()
            audit.record(actor, "suket.close", "suket", suket_id, {"number": number, "reason": reason,
                                                                   "card": c.card_id})
            closed += 1
    return closed


def change(actor: Actor, card: Card, source: str, action: str, *, central: str | None = None,
           office: str | None = None, note: str = "", detail: dict | None = None) -> Change:
    """One card's change, audited as ``action``."""
    planned = plan_for(card, central=central, office=office, note=note)
    apply(actor, [planned], source, action=action, detail=detail)
    return planned


def create(actor: Actor, resident: Resident, *, reason: str, recorded_where: str, ticket_id: int | None = None,
           central: str = "BIO_CAPTURED", note: str = "", source: str = "perekaman") -> Card:
    """A card enters the backlog: recorded (BIO_CAPTURED) unless the centre already says more."""
    day_lock.ensure_open()
    now = context.now_utc()
    office = rules.office_status_for(central)
    card = Card.create(
        uuid=str(uuid.uuid4()), resident=resident.id, reason=reason, recorded_at=now, recorded_where=recorded_where,
        ticket=ticket_id, central_status=central, office_status=office, status_changed_at=now,
        workstation=actor.workstation, created_at=now, updated_at=now,
    )
    database.execute_sql(
        "INSERT INTO card_event (card_id, at, central_status, office_status, username, source, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (card.id, str(now), central, office, actor.username, source, note))
    audit.record(actor, "card.create", "card", card.id,
                 {"resident": resident.id, "reason": reason, "central_status": central})
    return card
