"""What a SIAK resident listing means for the residents' cards (part of ``resident_import``).

SIAK's STATUS_REKAM names a central status where the resident's record stands (PRINT READY
RECORD, CARD PRINTED, SENT FOR ENROLLMENT …). For a resident with a card on its way here the
card moves, as a status listing would move it (a move the centre cannot make refuses the row
before anything of it is written); for a resident with none, the record was made elsewhere and
its card is created (``card_status``) with the site, date and reason the listing gives, except
CARD ISSUED (nothing is left to print or hand over). A resident who died or moved away gets no
card, and their cards on the way leave the backlog (``card_status.close_for_life``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.i18n import t
from dukcapil_tui.services import audit, card_status, listing_rows
from dukcapil_tui.services.context import Actor


@dataclass(frozen=True)
class Intent:
    """A row's STATUS_REKAM names a central status (and the card facts the row gives)."""

    central: str
    facts: listing_rows.CardFacts


class Planner:
    """Reads the card part of a resident listing's rows."""

    def __init__(self, columns: list[str], today: date) -> None:
        self._reader = listing_rows.CardReader(columns, today)

    def read(self, row, line: int) -> tuple[Intent | None, tuple[str, str] | None]:
        central = resident_rules.central_of_recording(row.get("STATUS_REKAM"))
        if central is None:
            return None, None
        facts, refused = self._reader.read(row)
        if refused is not None:
            return None, refused
        return Intent(central, facts), None


@dataclass
class Plan:
    refused: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, column, reason, NIK
    changes: list[card_status.Change] = field(default_factory=list)
    replaced: list[card_status.Change] = field(default_factory=list)
    creations: list[tuple[str, str, Intent]] = field(default_factory=list)  # NIK, kecamatan, intent


@dataclass
class Done:
    created: int = 0
    changed: int = 0
    closed: int = 0


def _cards_of(resident_ids: list[int]) -> tuple[dict[int, tuple], set[int]]:
    """resident id -> (card id, central, office) of the newest card on its way; the residents
    whose newest card was handed over."""
    open_cards: dict[int, tuple] = {}
    newest: dict[int, str] = {}
    for start in range(0, len(resident_ids), 900):
        part = resident_ids[start:start + 900]
        for card_id, resident_id, central, office in database.execute_sql(
                f"SELECT id, resident_id, central_status, office_status FROM card WHERE resident_id IN "
                f"({', '.join('?' * len(part))}) ORDER BY recorded_at, id", part).fetchall():
            newest[resident_id] = office
            if office in rules.OPEN_STATUSES:
                open_cards[resident_id] = (card_id, central, office)
    return open_cards, {r for r, office in newest.items() if office == "handed_over"}


def plan(chunk: list[tuple], existing: dict[str, int], not_alive: set[str]) -> Plan:
    """What the chunk's rows (line, resident, Intent | None) do to cards (the resident: its
    ``nik`` and ``kecamatan_code``, a ``ResidentInput`` or ``import_rows.Who``); ``existing``:
    NIK -> resident id of the residents already in the register; ``not_alive``: the NIKs whose
    resident is not HIDUP once the chunk is written (they get no card)."""
    result = Plan()
    rows = [(line, data, intent) for line, data, intent in chunk if intent is not None and data.nik not in not_alive]
    ids = [existing[data.nik] for _, data, _ in rows if data.nik in existing]
    open_cards, issued = _cards_of(ids) if ids else ({}, set())
    column = t("resident.field.recording_status")
    for line, data, intent in rows:
        central = intent.central
        resident_id = existing.get(data.nik)
        card = open_cards.get(resident_id) if resident_id is not None else None
        if card is not None:
            card_id, current, office = card
            if office == "needs_rerecording" and central not in rules.ENROLL_FAILURES:
                result.replaced.append(card_status.plan(card_id, resident_id, current, office, office="replaced",
                                                        note=t("listing.recorded_again")))
                result.creations.append((data.nik, data.kecamatan_code, intent))
            elif central == current:
                continue
            elif rules.can_move(current, central):
                result.changes.append(card_status.plan(card_id, resident_id, current, office, central=central))
            else:
                result.refused.append((line, column, t("cards.bad_move", old=current, new=central), data.nik))
            continue
        if resident_id in issued and intent.facts.reason not in rules.REPRINT_REASONS:
            if central not in (*rules.PRINTED_STAGE, rules.ISSUED):
                result.refused.append((line, column, t("listing.already_issued", nik=data.nik,
                                                       status=rules.spelled(central)), data.nik))
            continue  # the card it speaks of is the one handed over
        if central != rules.ISSUED:
            result.creations.append((data.nik, data.kecamatan_code, intent))
    return result


def apply(actor: Actor, filename: str, planned: Plan, life_left: list[tuple[int, str]], life_back: list[int]) -> Done:
    """Write the plan (inside the chunk's transaction, after the residents), then the cards of
    residents whose life status changed; one audit entry describes it."""
    done = Done()
    for status in sorted({s for _, s in life_left}):
        done.closed += card_status.close_for_life(actor, [r for r, s in life_left if s == status], status,
                                                  single=False)
    reopened = card_status.reopen_for_life(actor, life_back, single=False)
    if planned.replaced:
        card_status.apply(actor, planned.replaced, "import")
    if planned.changes:
        card_status.apply(actor, planned.changes, "import")
        done.changed = len(planned.changes)
    if planned.creations:
        niks = [nik for nik, _, _ in planned.creations]
        holders: dict[str, tuple[int, str]] = {}  # nik -> (id, desa now)
        for start in range(0, len(niks), 900):
            part = niks[start:start + 900]
            holders.update((nik, (rid, desa)) for nik, rid, desa in database.execute_sql(
                f"SELECT nik, id, desa_code FROM resident WHERE nik IN ({', '.join('?' * len(part))})", part))
        created = card_status.create_many(actor, [
            card_status.NewCard(holders[nik][0], kecamatan, intent.facts.reason, intent.facts.recorded_where,
                                intent.central, intent.facts.site_code, intent.facts.recorded_at, "siak",
                                desa_code=holders[nik][1])
            for nik, kecamatan, intent in planned.creations], "import", detail={"file": filename})
        done.created = len(created.card_ids)
    if done.closed or reopened or planned.replaced or planned.changes:
        audit.record(actor, "card.listing_import", "card", None, {
            "file": filename, "changed": done.changed, "replaced": len(planned.replaced), "closed": done.closed,
            "reopened": reopened})
    return done
