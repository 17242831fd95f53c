"""The one way a card comes into being and changes status (call inside a transaction).

Every change writes the card row, a ``card_event`` and — for a single change — an audit
entry, and applies what follows from it, each audited too: an enrolment failure sends the
resident back to BELUM REKAM; a card handed over (here, or CARD_ISSUED from the centre) closes
the resident's open Suket. Entering a status by hand, a SIAK listing, a print result, a
handover and a re-recording all come through here, so the rules cannot drift apart; the bulk
form (``apply`` with many changes) runs the same statements with ``executemany``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, UTC

from dukcapil_tui import db as dbmod
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
        updated = Resident.update(recording_status="belum", updated_at=now, import_hash=None).where(
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


@dataclass(frozen=True)
class NewCard:
    """A card to enter the backlog. ``central`` is what the centre says of it (BIO_CAPTURED for
    a recording just made; a listing may say more); the office status follows from it."""

    resident_id: int
    kecamatan_code: str  # the resident's kecamatan now (the card keeps it)
    reason: str
    recorded_where: str
    central: str = "BIO_CAPTURED"
    site_code: str | None = None
    recorded_at: datetime | None = None  # None: now
    origin: str = "loket"
    ticket_id: int | None = None
    note: str = ""
    uuid: str | None = None  # None: a new one; a card made elsewhere (a field laptop) keeps its own
    workstation: str | None = None  # None: the actor's; a card made elsewhere keeps the one that made it
    desa_code: str = ""  # the holder's desa now ("": looked up here)


@dataclass
class Created:
    card_ids: list[int]
    residents_recorded: list[int]  # residents whose register status became SUDAH REKAM
    residents_rerecord: list[int]  # ... BELUM REKAM (the centre failed the record)


def time_ordered_uuid(millis: int | None = None) -> str:
    """A version-7 UUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. As unique
    across workstations as a version 4, but consecutive cards land side by side in the ``uuid``
    index instead of on a random page each: a listing of 100,000 cards dirties far fewer pages
    (docs/performance.md). ``millis``: the time part, for a bulk writer that reads the clock once."""
    if millis is None:
        millis = now_millis()
    value = (millis << 80) | int.from_bytes(secrets.token_bytes(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    text = f"{value:032x}"  # as str(uuid.UUID(int=value)) writes it, without building the object
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def now_millis() -> int:
    """The application's clock in Unix milliseconds (the time part of ``time_ordered_uuid``)."""
    return int(context.now_utc().replace(tzinfo=UTC).timestamp() * 1000)


def create_many(actor: Actor, cards: list[NewCard], source: str, *, action: str | None = None,
                detail: dict | None = None) -> Created:
    """Put ``cards`` into the backlog (call inside the caller's transaction): the rows (with ids
    given here, the next after the highest), a ``card_event`` each, and what follows for the
    residents: a card the centre has taken makes its resident SUDAH REKAM, one it failed makes
    them BELUM REKAM (audited). With ``action`` each card gets its own audit entry; without,
    one entry describes the set (an import chunk), and the caller's own entry may follow."""
    if not cards:
        return Created([], [], [])
    day_lock.ensure_open()
    now = context.now_utc()
    first = database.execute_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM card").fetchone()[0]
    ids = list(range(first, first + len(cards)))
    desa = holder_desa([c.resident_id for c in cards if not c.desa_code])
    rows, events = [], []
    for card_id, new in zip(ids, cards, strict=True):
        office = rules.office_status_for(new.central)
        at = str(new.recorded_at or now)
        rows.append(
            (
                card_id,
                new.uuid or time_ordered_uuid(),
                new.resident_id,
                new.reason,
                at,
                new.recorded_where[:200],
                new.ticket_id,
                new.central,
                office,
                str(now),
                new.kecamatan_code,
                new.desa_code or desa.get(new.resident_id, ""),  # "": the foreign key refuses it
                new.site_code,
                new.origin,
                new.workstation or actor.workstation,
                str(now),
                str(now),
            )
        )
        events.append((card_id, str(now), new.central, office, actor.username, source, new.note[:200]))
    dbmod.insert_rows("card", ("id", "uuid", "resident_id", "reason", "recorded_at", "recorded_where", "ticket_id",
                               "central_status", "office_status", "status_changed_at", "kecamatan_code",
                               "holder_desa_code", "site_code", "origin", "workstation", "created_at", "updated_at"),
                      rows)
    dbmod.insert_rows("card_event", ("card_id", "at", "central_status", "office_status", "username", "source",
                                     "note"), events)
    if action is not None:
        for card_id, new in zip(ids, cards, strict=True):
            audit.record(actor, action, "card", card_id, {
                "resident": new.resident_id, "reason": new.reason, "central_status": new.central,
                "site": new.site_code, **(detail or {})})
    else:
        audit.record(actor, "card.create_many", "card", None, {
            "source": source, "cards": len(cards), "first": ids[0], "last": ids[-1], **(detail or {})})
    recorded = register_status(actor, [c.resident_id for c in cards if c.central not in rules.ENROLL_FAILURES],
                                "sudah", single=action is not None)
    rerecord = register_status(actor, [c.resident_id for c in cards if c.central in rules.ENROLL_FAILURES],
                                "belum", single=action is not None)
    return Created(ids, recorded, rerecord)


def holder_desa(resident_ids: list[int]) -> dict[int, str]:
    """Each resident's desa now, for the cards they hold (``card.holder_desa_code``: the recaps
    count cards per desa without looking up their holders; migration 16)."""
    found: dict[int, str] = {}
    wanted = list(dict.fromkeys(resident_ids))
    for start in range(0, len(wanted), 900):
        part = wanted[start:start + 900]
        found.update(database.execute_sql(
            f"SELECT id, desa_code FROM resident WHERE id IN ({', '.join('?' * len(part))})", part).fetchall())
    return found


def register_status(actor: Actor, resident_ids: list[int], status: str, *, single: bool) -> list[int]:
    """Residents whose register status the new cards contradict take the cards' word: one audit
    entry each (``single``) or one for them all."""
    if not resident_ids:
        return []
    changed = []
    for start in range(0, len(resident_ids), 900):
        part = resident_ids[start:start + 900]
        marks = ", ".join("?" * len(part))
        changed += [r[0] for r in database.execute_sql(
            f"SELECT id FROM resident WHERE id IN ({marks}) AND recording_status != ?", (*part, status)).fetchall()]
    if not changed:
        return []
    now = str(context.now_utc())
    # import_hash cleared here, not by migration 15's trigger (a second UPDATE of each row)
    database.cursor().executemany("UPDATE resident SET recording_status = ?, updated_at = ?, import_hash = NULL "
                                  "WHERE id = ?",
                                  [(status, now, resident_id) for resident_id in changed])
    before = "belum" if status == "sudah" else "sudah"
    if single:
        for resident_id in changed:
            audit.record(actor, "resident.update", "resident", resident_id, {"recording_status": [before, status],
                                                                             "reason": "card"})
    else:
        audit.record(actor, "resident.update_many", "resident", None, {
            "recording_status": [before, status], "reason": "card", "residents": changed})
    return changed


def create(actor: Actor, resident: Resident, *, reason: str, recorded_where: str, ticket_id: int | None = None,
           central: str = "BIO_CAPTURED", note: str = "", source: str = "perekaman", site_code: str | None = None,
           recorded_at: datetime | None = None, origin: str = "loket") -> Card:
    """A card enters the backlog: recorded (BIO_CAPTURED) unless the centre already says more."""
    new = NewCard(resident.id, resident.kecamatan_code, reason, recorded_where, central, site_code, recorded_at,
                  origin, ticket_id, note)
    created = create_many(actor, [new], source, action="card.create")
    return Card.get_by_id(created.card_ids[0])


# --- life status ----------------------------------------------------------------------------------

def close_for_life(actor: Actor, resident_ids: list[int], life_status: str, *, single: bool) -> int:
    """The residents died, moved away or went missing: their cards on the way leave the backlog
    ("closed", with an event: the history stays) and their open Suket are closed. Returns the
    cards closed. With ``single`` each card and Suket gets its own audit entry; without, the
    caller's entry describes them."""
    if not resident_ids:
        return 0
    changes = []
    for start in range(0, len(resident_ids), 900):
        part = resident_ids[start:start + 900]
        changes += [plan(card_id, resident_id, central, office, office="closed", note=f"life:{life_status}")
                    for card_id, resident_id, central, office in database.execute_sql(
                        f"SELECT id, resident_id, central_status, office_status FROM card WHERE resident_id IN "
                        f"({', '.join('?' * len(part))}) AND +office_status IN "
                        f"({', '.join(repr(s) for s in rules.OPEN_STATUSES)})", part).fetchall()]
    if changes:
        apply(actor, changes, "life", action="card.closed" if single else None, detail={"life_status": life_status})
    from dukcapil_tui.models import Suket

    now = context.now_utc()
    for start in range(0, len(resident_ids), 900):
        part = resident_ids[start:start + 900]
        for suket_id, number in (Suket.select(Suket.id, Suket.number)
                                 .where(Suket.resident.in_(part) & (Suket.status == "open")).tuples()):
            Suket.update(status="closed", closed_at=now, closed_reason="life_status").where(
                Suket.id == suket_id).execute()
            audit.record(actor, "suket.close", "suket", suket_id, {"number": number, "reason": "life_status"})
    return len(changes)


def reopen_for_life(actor: Actor, resident_ids: list[int], *, single: bool) -> int:
    """The residents are HIDUP again (a status entered by mistake, a return): the cards closed
    for their life status go back to where they were before."""
    if not resident_ids:
        return 0
    changes = []
    for start in range(0, len(resident_ids), 900):
        part = resident_ids[start:start + 900]
        for card_id, resident_id, central, before in database.execute_sql(
                "SELECT c.id, c.resident_id, c.central_status, (SELECT e.office_status FROM card_event e "
                "WHERE e.card_id = c.id AND e.office_status != 'closed' ORDER BY e.id DESC LIMIT 1) "
                f"FROM card c WHERE c.resident_id IN ({', '.join('?' * len(part))}) AND +c.office_status = 'closed'",
                part).fetchall():
            changes.append(plan(card_id, resident_id, central, "closed",
                                office=before or rules.office_status_for(central), note="life:hidup"))
    if changes:
        apply(actor, changes, "life", action="card.reopened" if single else None)
    return len(changes)
