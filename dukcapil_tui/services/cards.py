"""The printing backlog: cards from recording to handover, and what the centre says of them.

Central status is what staff read in SIAK; they enter it per NIK or import a SIAK listing.
The office status follows from it but never moves backwards (a card printed here stays
printed when a late listing still says PRR).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC
from zoneinfo import ZoneInfo

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain.problems import ValidationError, bad_choice
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, CardEvent, Resident
from dukcapil_tui.services import audit, card_status, context, settings
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role

STATUS_ROLES = ("admin", "cetak")
OPEN_OFFICE = rules.OPEN_STATUSES


def open_card_for(resident_id: int) -> Card | None:
    """The resident's newest card that is not handed over yet."""
    return (Card.select().where((Card.resident == resident_id) & Card.office_status.in_(OPEN_OFFICE))
            .order_by(Card.recorded_at.desc(), Card.id.desc()).first())


def card_by_nik(nik: str) -> Card:
    nik = nik_rules.checked(nik)
    resident = Resident.get_or_none(Resident.nik == nik)
    if resident is None:
        raise NotFound(t("booking.unknown_nik", nik=nik))
    card = open_card_for(resident.id)
    if card is None:
        raise NotFound(t("cards.no_open_card", nik=resident.nik))
    return card


def set_central_status(actor: Actor, nik: str, status: str, note: str = "") -> Card:
    """Enter what SIAK says of one resident's card."""
    require_role(actor, "action.card_status", *STATUS_ROLES)
    central = rules.normalise_status(status)
    if central is None:
        raise ValidationError({"status": bad_choice(t("cards.field.central_status"), status,
                                                    ", ".join(rules.CENTRAL_STATUSES))})
    with database.atomic("IMMEDIATE"):
        card = card_by_nik(nik)
        if not rules.can_move(card.central_status, central):
            raise ServiceError(t("cards.bad_move", old=card.central_status, new=central))
        card_status.change(actor, card, "manual", "card.status", central=central, note=note)
    return Card.get_by_id(card.id)


# --- reading the backlog ---------------------------------------------------------------------

@dataclass(frozen=True)
class BacklogCounts:
    by_status: dict[str, int]
    by_kecamatan: dict[str, int]
    by_reason: dict[str, int]
    by_age: dict[str, int]


WAITING = rules.OPEN_STATUSES


def age_bounds(today: date, buckets=rules.AGE_BUCKETS) -> dict[str, tuple[str | None, str | None]]:
    """Each bucket's label as a range of the stored recorded_at text: whole days between the
    recording date and ``today`` from low to high <=> from <= recorded_at < to. Ranges, not
    date arithmetic, so that a filter on them reads the recorded_at index."""
    zone = ZoneInfo(settings.office_timezone())

    def midnight(day: date) -> str:
        """The office's local midnight starting ``day``, as stored (naive UTC)."""
        return str(datetime.combine(day, time(), tzinfo=zone).astimezone(UTC).replace(tzinfo=None))

    bounds = {}
    for low, high, label in buckets:
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
    for number, (label, (since, _)) in enumerate(age_bounds(today).items()):
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
    site_code: str | None = None


@dataclass(frozen=True)
class BacklogFilter:
    office_status: str | None = None
    kecamatan_code: str | None = None
    reason: str | None = None
    age: str | None = None  # an AGE_BUCKETS label
    site_code: str | None = None
    stage: str | None = None  # unsent | at_centre (domain.cards.STAGES)


def _backlog_where(flt: BacklogFilter, today: date) -> tuple[list[str], dict]:
    """The conditions on ``card c`` (and their parameters) that ``flt`` names."""
    where = ["+c.office_status IN ({})".format(", ".join(f"'{s}'" for s in WAITING))]
    params: dict = {}
    if flt.office_status:
        where.append("c.office_status = :status")
        params["status"] = flt.office_status
    if flt.kecamatan_code:
        where.append("c.kecamatan_code = :kecamatan")
        params["kecamatan"] = flt.kecamatan_code
    if flt.reason:
        where.append("c.reason = :reason")
        params["reason"] = flt.reason
    if flt.site_code:
        where.append("c.site_code = :site")
        params["site"] = flt.site_code
    if flt.stage in rules.STAGES:
        # Unsent and at the centre wait for PRR: read card_office_status's waiting range in list
        # order and keep the stage's central statuses (services.unsent).
        where.append("c.office_status = 'waiting_prr'")
        stage = rules.UNSENT if flt.stage == "unsent" else rules.AT_CENTRE
        where.append("+c.central_status IN ({})".format(", ".join(f"'{s}'" for s in stage)))
    elif flt.stage is not None:
        where.append("0")
    if flt.age:
        since, until = age_bounds(today).get(flt.age, ("9999", "0000"))  # an unknown label: nothing
        if since is not None:
            where.append("c.recorded_at >= :age_from")
            params["age_from"] = since
        if until is not None:
            where.append("c.recorded_at < :age_to")
            params["age_to"] = until
    return where, params


def backlog_total(flt: BacklogFilter, today: date) -> int:
    """How many cards ``flt`` holds, every page together (the backlog screen's status line)."""
    where, params = _backlog_where(flt, today)
    return database.execute_sql(f"SELECT COUNT(*) FROM card c WHERE {' AND '.join(where)}", params).fetchone()[0]


def backlog_page(flt: BacklogFilter, today: date, after: tuple | None = None, limit: int = 100
                 ) -> tuple[list[BacklogRow], tuple | None]:
    """Oldest first, keyset-paged on (recorded_at, id).

    Query plan (bench/bench_cetak.py checks it): the unary ``+`` keeps SQLite from reading the
    backlog through the office-status indexes and sorting it all (0.4 s at 100,000 cards); it
    walks ``card_recorded`` in list order instead and stops at the page, or seeks
    ``card_office_status`` when one status is asked for. The age filter is a range on
    ``recorded_at`` for the same reason (the ranges ``backlog_counts`` groups by).
    """
    where, params = _backlog_where(flt, today)
    params["limit"] = limit + 1
    if after:
        where.append("(c.recorded_at, c.id) > (:after_at, :after_id)")
        params.update(after_at=str(after[0]), after_id=after[1])
    sql = ("SELECT c.id, r.nik, r.name, c.kecamatan_code, c.reason, c.recorded_at, c.central_status, "
           "c.office_status, c.priority, c.site_code FROM card c JOIN resident r ON r.id = c.resident_id "
           f"WHERE {' AND '.join(where)} ORDER BY c.recorded_at, c.id LIMIT :limit")
    raw = database.execute_sql(sql, params).fetchall()
    rows = [BacklogRow(r[0], r[1], r[2], r[3], r[4], _dt(r[5]), r[6], r[7], bool(r[8]), r[9]) for r in raw[:limit]]
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

    nik = nik_rules.checked(nik)
    resident = Resident.get_or_none(Resident.nik == nik)
    if resident is None:
        raise NotFound(t("booking.unknown_nik", nik=nik))
    card = open_card_for(resident.id)
    last = card or (Card.select().where(Card.resident == resident.id).order_by(Card.id.desc()).first())
    suket = Suket.select().where((Suket.resident == resident.id) & (Suket.status == "open")).first()
    done = Handover.get_or_none(Handover.card == last.id) if last else None
    return CardLookup(resident, last, suket, done)
