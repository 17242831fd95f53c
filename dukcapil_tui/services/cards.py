"""The printing backlog: cards from recording to handover, and what the centre says of them.

Central status is what staff read in SIAK; they enter it per NIK or import a SIAK listing.
The office status follows from it but never moves backwards (a card printed here stays
printed when a late listing still says PRR).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, CardEvent, Resident
from dukcapil_tui.services import audit, context, settings
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role
from dukcapil_tui.tabular import TabularError, open_table

STATUS_ROLES = ("admin", "cetak")
OPEN_OFFICE = ("waiting_prr", "ready_to_print", "printed", "needs_rerecording")
_ORDER = {"waiting_prr": 0, "ready_to_print": 1, "printed": 2, "handed_over": 3}


def next_office_status(current: str, central: str) -> str:
    implied = rules.office_status_for(central)
    if implied == "needs_rerecording":
        return implied if current in ("waiting_prr", "ready_to_print", "needs_rerecording") else current
    if current == "needs_rerecording":
        return implied
    return implied if _ORDER.get(implied, 0) >= _ORDER.get(current, 0) else current


def open_card_for(resident_id: int) -> Card | None:
    """The resident's newest card that is not handed over yet."""
    return (Card.select().where((Card.resident == resident_id) & Card.office_status.in_(OPEN_OFFICE))
            .order_by(Card.recorded_at.desc(), Card.id.desc()).first())


def card_by_nik(nik: str) -> Card:
    resident = Resident.get_or_none(Resident.nik == nik_rules.normalise(nik))
    if resident is None:
        raise NotFound(t("booking.unknown_nik", nik=nik_rules.normalise(nik)))
    card = open_card_for(resident.id)
    if card is None:
        raise NotFound(t("cards.no_open_card", nik=resident.nik))
    return card


def _apply(actor: Actor, card: Card, central: str, source: str, note: str = "") -> tuple[str, str]:
    office = next_office_status(card.office_status, central)
    now = context.now_utc()
    # status_changed_at dates the office status (e.g. when a card was printed, for the
    # uncollected list): a central status that leaves the office status alone keeps it.
    changed_at = now if office != card.office_status else card.status_changed_at
    Card.update(central_status=central, office_status=office, status_changed_at=changed_at, updated_at=now
                ).where(Card.id == card.id).execute()
    CardEvent.create(card=card.id, at=now, central_status=central, office_status=office, username=actor.username,
                     source=source, note=note)
    if office == "needs_rerecording" and card.office_status != "needs_rerecording":
        Resident.update(recording_status="belum", updated_at=now).where(Resident.id == card.resident_id).execute()
    if office == "handed_over" and card.office_status != "handed_over":
        _close_suket([(now, card.resident_id)])
    return office, card.office_status


def _close_suket(rows: list[tuple[str, int]]) -> None:
    """The centre says the card was issued: the resident's open Suket is no longer needed."""
    database.cursor().executemany(
        "UPDATE suket SET status = 'closed', closed_at = ?, closed_reason = 'card_issued' "
        "WHERE resident_id = ? AND status = 'open'", rows)


def set_central_status(actor: Actor, nik: str, status: str, note: str = "") -> Card:
    """Enter what SIAK says of one resident's card."""
    require_role(actor, "action.card_status", *STATUS_ROLES)
    central = rules.normalise_status(status)
    if central is None:
        raise ValidationError({"status": t("cards.bad_status", value=status, choices=", ".join(rules.CENTRAL_STATUSES))})
    with database.atomic("IMMEDIATE"):
        card = card_by_nik(nik)
        if not rules.can_move(card.central_status, central):
            raise ServiceError(t("cards.bad_move", old=card.central_status, new=central))
        office, before = _apply(actor, card, central, "manual", note)
        audit.record(actor, "card.status", "card", card.id,
                     {"central_status": [card.central_status, central], "office_status": [before, office]})
    return Card.get_by_id(card.id)


# --- bulk import of a SIAK listing -------------------------------------------------------------

STATUS_ALIASES = {"NO_NIK": "NIK", "STATUS_CETAK": "STATUS", "STATUS_KTP": "STATUS", "STATUS_PUSAT": "STATUS",
                  "STATUS_REKAM_PUSAT": "STATUS", "CURRENT_STATUS": "STATUS", "KETERANGAN": "CATATAN"}
CHUNK = 2000


@dataclass
class StatusImport:
    total: int = 0
    applied: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, NIK, reason


def import_statuses(actor: Actor, path: Path | str) -> StatusImport:
    """Apply a listing of NIK + central status. Unknown NIKs and impossible transitions are
    reported per row; the rest is applied in chunks (one transaction each)."""
    require_role(actor, "action.card_status", *STATUS_ROLES)
    try:
        table = open_table(path, STATUS_ALIASES)
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path, reason=exc)) from None
    missing = [c for c in ("NIK", "STATUS") if c not in table.columns]
    if missing:
        raise ServiceError(t("import.missing_columns", columns=", ".join(missing), found=", ".join(table.columns)))
    # Every card, newest per resident, in one read: NIK -> (card id, central, office, resident id),
    # the open ones apart from those handed over (a listing goes on saying CARD_PRINTED or
    # CARD_ISSUED of a card after it was handed over here: that is news or nothing, not an error).
    open_cards: dict[str, tuple[int, str, str, int]] = {}
    handed_over: dict[str, tuple[int, str, str, int]] = {}
    for card_id, central, office, resident_id, nik in (
        Card.select(Card.id, Card.central_status, Card.office_status, Card.resident, Resident.nik)
        .join(Resident).order_by(Card.recorded_at, Card.id).tuples().iterator()
    ):
        if office in OPEN_OFFICE:
            open_cards[nik] = (card_id, central, office, resident_id)
        elif office == "handed_over":
            handed_over[nik] = (card_id, central, office, resident_id)
    result = StatusImport()
    pending: list[tuple] = []
    seen: set[str] = set()
    for line, row in table.rows:
        result.total += 1
        nik = nik_rules.normalise(str(row.get("NIK") or ""))
        central = rules.normalise_status(row.get("STATUS"))
        if central is None:
            result.rejected.append((line, nik, t("cards.bad_status", value=row.get("STATUS"),
                                                 choices=", ".join(rules.CENTRAL_STATUSES))))
            continue
        found = open_cards.get(nik)
        if found is None and central in ("CARD_PRINTED", "CARD_ISSUED"):
            found = handed_over.get(nik)
        if found is None:
            result.rejected.append((line, nik, t("cards.no_open_card", nik=nik)))
            continue
        if nik in seen:
            result.rejected.append((line, nik, t("cards.duplicate_in_file", nik=nik)))
            continue
        seen.add(nik)
        card_id, current, office, resident_id = found
        if central == current:
            result.unchanged += 1
            continue
        if not rules.can_move(current, central):
            result.rejected.append((line, nik, t("cards.bad_move", old=current, new=central)))
            continue
        pending.append((card_id, current, central, office, next_office_status(office, central), resident_id,
                        str(row.get("CATATAN") or "")[:200], line, nik))
        if len(pending) >= CHUNK:
            _apply_chunk(actor, pending, Path(path).name, result)
            pending = []
    if pending:
        _apply_chunk(actor, pending, Path(path).name, result)
    result.rejected.sort()
    return result


def _apply_chunk(actor: Actor, rows: list[tuple], filename: str, result: StatusImport) -> None:
    now = str(context.now_utc())
    with database.atomic("IMMEDIATE"):
        # The listing was checked against a snapshot taken before reading the file; a card
        # another workstation changed since then is reported, not overwritten.
        ids = [r[0] for r in rows]
        marks = ", ".join("?" * len(ids))
        live = {card_id: (central, office) for card_id, central, office in database.execute_sql(
            f"SELECT id, central_status, office_status FROM card WHERE id IN ({marks})", ids).fetchall()}
        changed = [r for r in rows if live.get(r[0]) != (r[1], r[3])]
        for r in changed:
            result.rejected.append((r[7], r[8], t("cards.changed_meanwhile", nik=r[8])))
        rows = [r for r in rows if live.get(r[0]) == (r[1], r[3])]
        result.applied += len(rows)
        if not rows:
            return
        cursor = database.cursor()
        cursor.executemany(
            "UPDATE card SET central_status = ?, office_status = ?, updated_at = ?, "
            "status_changed_at = CASE WHEN office_status = ? THEN status_changed_at ELSE ? END "
            "WHERE id = ? AND central_status = ?",
            [(new, office, now, office, now, card_id, old) for card_id, old, new, _, office, _, _, _, _ in rows],
        )
        cursor.executemany(
            "INSERT INTO card_event (card_id, at, central_status, office_status, username, source, note) "
            "VALUES (?, ?, ?, ?, ?, 'import', ?)",
            [(card_id, now, new, office, actor.username, note) for card_id, _, new, _, office, _, note, _, _ in rows],
        )
        rerecord = [(now, resident_id) for _, _, _, before, office, resident_id, _, _, _ in rows
                    if office == "needs_rerecording" and before != "needs_rerecording"]
        if rerecord:
            cursor.executemany("UPDATE resident SET recording_status = 'belum', updated_at = ? WHERE id = ?", rerecord)
        issued = [(now, resident_id) for _, _, _, before, office, resident_id, _, _, _ in rows
                  if office == "handed_over" and before != "handed_over"]
        if issued:
            _close_suket(issued)
        audit.record(actor, "card.status_import", "card", None, {
            "file": filename, "cards": len(rows),
            "to": json.loads(json.dumps({s: sum(1 for r in rows if r[2] == s) for s in {r[2] for r in rows}})),
        })


# --- reading the backlog ---------------------------------------------------------------------

@dataclass(frozen=True)
class BacklogCounts:
    by_status: dict[str, int]
    by_kecamatan: dict[str, int]
    by_reason: dict[str, int]
    by_age: dict[str, int]


WAITING = ("waiting_prr", "ready_to_print", "printed", "needs_rerecording")


def _age_bounds(today: date) -> dict[str, tuple[str | None, str | None]]:
    """Each AGE_BUCKETS label as a range of the stored recorded_at text: whole days between
    the recording date and ``today`` from low to high <=> from <= recorded_at < to. Ranges, not
    date arithmetic, so that a filter on them reads the recorded_at index."""
    zone = ZoneInfo(settings.office_timezone())

    def midnight(day: date) -> str:
        """The office's local midnight starting ``day``, as stored (naive UTC)."""
        return str(datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None))

    bounds = {}
    for low, high, label in rules.AGE_BUCKETS:
        since = midnight(today - timedelta(days=high)) if high is not None else None
        until = midnight(today - timedelta(days=low - 1)) if low > 0 else None
        bounds[label] = (since, until)
    return bounds


def backlog_counts(today: date) -> BacklogCounts:
    """Cards not yet handed over, counted four ways (one pass each, all in SQL).

    Except for the status (a covering index), each pass scans the card table in file order
    (the unary ``+``): reading 85 % of it through an office-status index costs 2–3 times more.
    """
    marks = ", ".join(f"'{s}'" for s in WAITING)
    params: dict = {}
    age_case = ["CASE"]
    for number, (label, (since, _)) in enumerate(_age_bounds(today).items()):
        if since is None:
            age_case.append(f"ELSE '{label}'")
        else:
            params[f"since{number}"] = since
            age_case.append(f"WHEN c.recorded_at >= :since{number} THEN '{label}'")
    age_case.append("END")

    def grouped(expression: str, scan: str = "+") -> dict[str, int]:
        sql = (f"SELECT {expression} AS k, COUNT(*) FROM card c WHERE {scan}c.office_status IN ({marks}) "
               "GROUP BY k ORDER BY k")
        return {k: n for k, n in database.execute_sql(sql, params).fetchall()}

    by_age = grouped(" ".join(age_case))
    return BacklogCounts(
        by_status=grouped("c.office_status", scan=""),
        by_kecamatan=grouped("c.kecamatan_code"),
        by_reason=grouped("c.reason"),
        by_age={label: by_age.get(label, 0) for _, _, label in rules.AGE_BUCKETS},
    )


@dataclass(frozen=True)
class BacklogRow:
    card_id: int
    nik: str
    name: str
    kecamatan_code: str
    reason: str
    recorded_at: datetime
    central_status: str
    office_status: str
    priority: bool


@dataclass(frozen=True)
class BacklogFilter:
    office_status: str | None = None
    kecamatan_code: str | None = None
    reason: str | None = None
    age: str | None = None  # an AGE_BUCKETS label


def backlog_page(flt: BacklogFilter, today: date, after: tuple | None = None, limit: int = 100
                 ) -> tuple[list[BacklogRow], tuple | None]:
    """Oldest first, keyset-paged on (recorded_at, id).

    Query plan (bench/bench_cetak.py checks it): the unary ``+`` keeps SQLite from reading the
    backlog through the office-status indexes and sorting it all (0.4 s at 100,000 cards); it
    walks ``card_recorded`` in list order instead and stops at the page, or seeks
    ``card_office_status`` when one status is asked for. The age filter is a range on
    ``recorded_at`` for the same reason (the ranges ``backlog_counts`` groups by).
    """
    where = ["+c.office_status IN (%s)" % ", ".join(f"'{s}'" for s in WAITING)]
    params: dict = {"limit": limit + 1}
    if flt.office_status:
        where.append("c.office_status = :status")
        params["status"] = flt.office_status
    if flt.kecamatan_code:
        where.append("c.kecamatan_code = :kecamatan")
        params["kecamatan"] = flt.kecamatan_code
    if flt.reason:
        where.append("c.reason = :reason")
        params["reason"] = flt.reason
    if flt.age:
        since, until = _age_bounds(today).get(flt.age, ("9999", "0000"))  # an unknown label: nothing
        if since is not None:
            where.append("c.recorded_at >= :age_from")
            params["age_from"] = since
        if until is not None:
            where.append("c.recorded_at < :age_to")
            params["age_to"] = until
    if after:
        where.append("(c.recorded_at, c.id) > (:after_at, :after_id)")
        params.update(after_at=str(after[0]), after_id=after[1])
    sql = ("SELECT c.id, r.nik, r.name, c.kecamatan_code, c.reason, c.recorded_at, c.central_status, "
           "c.office_status, c.priority FROM card c JOIN resident r ON r.id = c.resident_id "
           f"WHERE {' AND '.join(where)} ORDER BY c.recorded_at, c.id LIMIT :limit")
    raw = database.execute_sql(sql, params).fetchall()
    rows = [BacklogRow(r[0], r[1], r[2], r[3], r[4], _dt(r[5]), r[6], r[7], bool(r[8])) for r in raw[:limit]]
    cursor = (str(raw[limit - 1][5]), raw[limit - 1][0]) if len(raw) > limit else None
    return rows, cursor


def _dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def history(card_id: int) -> list[CardEvent]:
    return list(CardEvent.select().where(CardEvent.card == card_id).order_by(CardEvent.id))


def set_priority(actor: Actor, card_id: int, priority: bool) -> None:
    require_role(actor, "action.card_status", *STATUS_ROLES)
    with database.atomic("IMMEDIATE"):
        card = Card.get_or_none(Card.id == card_id)
        if card is None:
            raise NotFound(t("error.not_found", entity=t("cards.card")))
        Card.update(priority=priority, updated_at=context.now_utc()).where(Card.id == card_id).execute()
        audit.record(actor, "card.priority", "card", card_id, {"priority": [card.priority, priority]})


@dataclass(frozen=True)
class CardLookup:
    """What the handover desk needs to know about one NIK."""

    resident: Resident
    card: Card | None
    open_suket: object | None
    handed_over: object | None


def lookup(nik: str) -> CardLookup:
    from dukcapil_tui.models import Handover, Suket

    resident = Resident.get_or_none(Resident.nik == nik_rules.normalise(nik))
    if resident is None:
        raise NotFound(t("booking.unknown_nik", nik=nik_rules.normalise(nik)))
    card = open_card_for(resident.id)
    last = card or (Card.select().where(Card.resident == resident.id).order_by(Card.id.desc()).first())
    suket = Suket.select().where((Suket.resident == resident.id) & (Suket.status == "open")).first()
    done = Handover.get_or_none(Handover.card == last.id) if last else None
    return CardLookup(resident, last, suket, done)
