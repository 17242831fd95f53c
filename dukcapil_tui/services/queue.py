"""Tickets: taking a number, calling the next one, and every move up to the outcome.

Each move is one ``BEGIN IMMEDIATE`` transaction that checks the ticket's state, changes it,
and appends a ticket event and an audit entry, so several counters on one database never
get the same ticket and never see "database is locked" (DESIGN.md §6).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dukcapil_tui.db import database, immediate, skip_locked
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain import queue as rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.domain.formatting import format_date
from dukcapil_tui.domain.problems import ValidationError, bad_choice
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, Resident, Service, Ticket, TicketEvent
from dukcapil_tui.services import audit, catalog, context, day_lock, devices, settings
from dukcapil_tui.services import queue_outcomes as outcomes
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role

DESK_ROLES = ("admin", "loket")

# Queue order: priority first, then booked residents whose slot has come, then arrival.
_RANK = """CASE WHEN priority IS NOT NULL THEN 0
                WHEN booked_at IS NOT NULL AND booked_at <= :now THEN 1
                ELSE 2 END"""
_SORT_AT = """CASE WHEN priority IS NULL AND booked_at IS NOT NULL AND booked_at <= :now
                   THEN booked_at ELSE queued_at END"""


def ticket_label(ticket: Ticket) -> str:
    return rules.label(ticket.service.prefix, ticket.number)


def no_show_after() -> int:
    value = settings.get("noshow_after_recalls")
    return int(value) if numbers.is_digits(value) and int(value) > 0 else rules.DEFAULT_NO_SHOW_AFTER


def no_show_minutes() -> int:
    value = numbers.whole(settings.get("noshow_min_minutes"), thousands=False)
    return value if value is not None else rules.DEFAULT_NO_SHOW_MINUTES


def get_ticket(ticket_id: int) -> Ticket:
    ticket = Ticket.get_or_none(Ticket.id == ticket_id)
    if ticket is None:
        raise NotFound(t("error.not_found", entity=t("queue.ticket")))
    return ticket


def record_event(ticket: Ticket, actor: Actor, event: str, before: str | None, after: str,
            counter: int | None, detail: dict | None = None) -> None:
    """A ticket's event and its audit entry; refused when the ticket's day is locked. Callers
    that change the ticket row first check the day before (``day_lock.ensure_open``)."""
    day_lock.ensure_open(ticket.day)
    at = context.now_utc()
    TicketEvent.create(ticket=ticket.id, at=at, event=event, from_status=before, to_status=after,
                       username=actor.username, counter=counter,
                       detail=json.dumps(detail or {}, ensure_ascii=False, default=str))
    audit.record(actor, f"ticket.{event}", "ticket", ticket.id,
                 {"status": [before, after], "counter": counter, **(detail or {})})


# --- taking a ticket ----------------------------------------------------------------------

@dataclass(frozen=True)
class Taken:
    ticket: Ticket
    label: str
    ahead: int
    warnings: list[str] = field(default_factory=list)


def ticket_warnings(service: Service, resident: Resident | None, today: date,
                    priority: str | None = None) -> list[str]:
    """What would make this visit a wasted one, or a priority unearned (shown to the desk
    before the ticket is made)."""
    if resident is None:
        return []
    warnings = []
    age = resident_rules.age_on(resident.birth_date, today)
    if priority == "lansia" and age < rules.ELDERLY_AGE:
        warnings.append(t("queue.warn_not_elderly", age=age, min=rules.ELDERLY_AGE))
    if service.code == rules.KIA_SERVICE and age > rules.KIA_MAX_AGE:
        warnings.append(t("queue.warn_kia_adult", age=age))
    if service.code == rules.COLLECT_SERVICE:
        printed = Card.select().where((Card.resident == resident.id) & (Card.office_status == "printed")).exists()
        if not printed:
            warnings.append(t("queue.warn_nothing_to_collect"))
    open_today = (
        Ticket.select(Ticket, Service).join(Service)
        .where((Ticket.resident == resident.id) & (Ticket.day == today) & Ticket.status.in_(rules.OPEN_STATUSES))
        .first()
    )
    if open_today is not None:
        warnings.append(t("queue.warn_open_ticket", label=ticket_label(open_today), service=open_today.service.name))
    if resident.life_status != resident_rules.ALIVE:
        warnings.append(t("life.not_alive", status=resident_rules.life_label(resident.life_status)))
    if service.records_biometrics and service.card_reason == "baru" and resident.recording_status == "sudah":
        warnings.append(t("queue.warn_already_recorded"))
    if rules.reprint_reasons(service.card_reason) and not service.records_biometrics \
            and resident.recording_status != "sudah":
        warnings.append(t("queue.reprint_not_recorded"))
    if service.records_biometrics:
        if not resident_rules.may_record(resident.birth_date, resident.marital_status, today):
            warnings.append(t("queue.warn_too_young", age=age, min=resident_rules.RECORDING_MIN_AGE))
        elif not resident_rules.wajib_ktp(resident.birth_date, resident.marital_status, today).required:
            warnings.append(t("queue.warn_not_wajib", age=age))
    return warnings


def next_number(service_id: int, day: date) -> int:
    row = database.execute_sql(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM ticket WHERE service_id = ? AND day = ?",
        (service_id, day.isoformat()),
    ).fetchone()
    return row[0]


def check_quota(service: Service, day: date) -> None:
    if not service.daily_quota:
        return
    issued = (
        Ticket.select()
        .where((Ticket.service == service.id) & (Ticket.day == day)
               & Ticket.transferred_from.is_null() & (Ticket.carried_over == False))  # noqa: E712
        .count()
    )
    if issued >= service.daily_quota:
        raise ServiceError(t("queue.quota_full", service=service.name, quota=service.daily_quota))


def take_ticket(
    actor: Actor,
    service_code: str,
    *,
    resident_id: int | None = None,
    visitor_name: str = "",
    priority: str | None = None,
    channel: str = "langsung",
    notes: str = "",
) -> Taken:
    """Issue the next number of a service for today (the office's local date)."""
    require_role(actor, "action.take_ticket", *DESK_ROLES)
    problems = {}
    if priority not in (None, "", *rules.PRIORITIES):
        problems["priority"] = bad_choice(t("queue.field.priority"), priority, ", ".join(rules.PRIORITIES))
    if channel not in rules.CHANNELS:
        problems["channel"] = bad_choice(t("queue.field.channel"), channel, ", ".join(rules.CHANNELS))
    visitor_name = squash(visitor_name).upper()
    if resident_id is None and not visitor_name:
        problems["visitor_name"] = t("queue.need_resident_or_name")
    if len(notes or "") > 500:
        problems["notes"] = t("field.too_long", field=t("queue.field.notes"), max=500)
    if problems:
        raise ValidationError(problems)
    with immediate():
        service = catalog.service_by_code(service_code)
        if not service.active:
            raise ServiceError(t("queue.service_inactive", service=service.name))
        resident = None
        if resident_id is not None:
            resident = Resident.get_or_none(Resident.id == resident_id)
            if resident is None:
                raise NotFound(t("error.not_found", entity=t("resident.entity")))
        today = settings.office_today()
        if service.records_biometrics and resident is None:
            raise ValidationError({"nik": t("queue.recording_needs_nik", service=service.name)})
        day_lock.ensure_open(today)
        check_quota(service, today)
        warnings = ticket_warnings(service, resident, today, priority or None)
        now = context.now_utc()
        ticket = Ticket.create(
            uuid=str(uuid.uuid4()), service=service.id, day=today, number=next_number(service.id, today),
            resident=resident_id, visitor_name=visitor_name if resident is None else "",
            priority=priority or None, channel=channel, notes=(notes or "").strip(), status="waiting",
            queued_at=now, created_at=now, workstation=actor.workstation,
        )
        record_event(ticket, actor, "take", None, "waiting", None,
                {"service": service.code, "priority": priority or None, "channel": channel, "warnings": len(warnings)})
        ahead = position(ticket)
    return Taken(ticket, rules.label(service.prefix, ticket.number), ahead, warnings)


def _in(ids: list[int]) -> tuple[str, dict]:
    """Named placeholders for an ``IN (…)`` list: ``(":s0, :s1", {"s0": 4, "s1": 7})``."""
    names = {f"s{i}": value for i, value in enumerate(ids)}
    return ", ".join(f":{name}" for name in names), names


def queue_order(service_ids: list[int], day: date, now: datetime | None = None) -> list[int]:
    """Waiting ticket ids in the order they will be called."""
    if not service_ids:
        return []
    marks, params = _in(service_ids)
    sql = (f"SELECT id FROM ticket WHERE day = :day AND status = 'waiting' AND service_id IN ({marks}) "
           f"ORDER BY {_RANK}, {_SORT_AT}, id")
    params.update(day=day.isoformat(), now=str(now or context.now_utc()))
    return [row[0] for row in database.execute_sql(sql, params).fetchall()]


def position(ticket: Ticket) -> int:
    """How many waiting tickets of the same service will be called before this one."""
    order = queue_order([ticket.service_id], ticket.day)
    return order.index(ticket.id) if ticket.id in order else 0


# --- the counter ----------------------------------------------------------------------------

def _refuse_if_busy(counter: int, except_id: int | None = None) -> None:
    """A counter serves one resident at a time: it finishes, holds or transfers first."""
    holding = (Ticket.select(Ticket, Service).join(Service)
               .where((Ticket.day == settings.office_today()) & (Ticket.counter == counter)
                      & Ticket.status.in_(("called", "serving")) & (Ticket.id != (except_id or 0))).first())
    if holding is not None:
        raise ServiceError(t("queue.counter_busy", counter=counter, label=ticket_label(holding)))


def claim_next(actor: Actor, counter: int) -> Ticket | None:
    """Call the next waiting ticket for this counter, or None when nobody is waiting.

    One UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING, inside BEGIN IMMEDIATE: two
    counters can never claim the same ticket. On PostgreSQL the SELECT also locks the row it
    picks with FOR UPDATE SKIP LOCKED: a ticket another machine is claiming is passed over.
    """
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    # What needs no lock is read before BEGIN IMMEDIATE, and the ticket comes back from the
    # UPDATE itself: the write lock is held for the claim and its event only (docs/performance.md).
    day_lock.ensure_open()
    service_ids = catalog.counter_service_ids(counter)
    if not service_ids:
        return None
    marks, params = _in(service_ids)
    sql = (
        "UPDATE ticket SET status = 'called', counter = :counter, recalls = 0 WHERE id = ("
        f"SELECT id FROM ticket WHERE day = :day AND status = 'waiting' AND service_id IN ({marks}) "
        f"ORDER BY {_RANK}, {_SORT_AT}, id LIMIT 1{skip_locked()}) RETURNING *"
    )
    params.update(counter=counter, day=settings.office_today().isoformat(), now=str(context.now_utc()))
    with immediate():  # waits fairly for the lock: no counter waits behind a busy one
        _refuse_if_busy(counter)
        cursor = database.execute_sql(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        ticket = _ticket_of(cursor.description, row)
        record_event(ticket, actor, "call", "waiting", "called", counter)  # checks the day's lock again
    return ticket


def _ticket_of(description, row: tuple) -> Ticket:
    """A Ticket from a row an ``UPDATE … RETURNING *`` gave back, its values converted as a
    SELECT would convert them."""
    columns = Ticket._meta.columns
    fields = [columns.get(d[0]) for d in description]  # a column the model does not know is left out
    ticket = Ticket(**{f.name: f.python_value(value) for f, value in zip(fields, row, strict=True) if f is not None})
    ticket._dirty.clear()
    return ticket


def _move(actor: Actor, ticket_id: int, move: str, at_counter: int | None, detail: dict | None = None,
          **updates) -> Ticket:
    with immediate():
        ticket = get_ticket(ticket_id)
        day_lock.ensure_open(ticket.day)
        if not rules.can(move, ticket.status):
            raise ServiceError(t("queue.bad_move", label=ticket_label(ticket), move=t(f"queue.move.{move}"),
                                 status=t(f"queue.status.{ticket.status}")))
        after = rules.target(move, ticket.status)
        Ticket.update(status=after, **updates).where(Ticket.id == ticket.id).execute()
        record_event(ticket, actor, move, ticket.status, after, at_counter, detail)
    return get_ticket(ticket_id)


def call_specific(actor: Actor, ticket_id: int, counter: int, reason: str) -> Ticket:
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    reason = squash(reason)
    if not reason:
        raise ValidationError({"reason": t("field.required", field=t("queue.field.reason"))})
    with immediate():
        _refuse_if_busy(counter, except_id=ticket_id)
        return _move(actor, ticket_id, "call_specific", counter, {"reason": reason}, counter=counter, recalls=0)


def recall(actor: Actor, ticket_id: int, counter: int) -> Ticket:
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    with immediate():  # read and move under one lock: the count is exact
        ticket = get_ticket(ticket_id)
        return _move(actor, ticket_id, "recall", counter, {"recalls": ticket.recalls + 1},
                     recalls=Ticket.recalls + 1)


def start(actor: Actor, ticket_id: int, counter: int) -> Ticket:
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    return _move(actor, ticket_id, "start", counter, counter=counter)


def no_show(actor: Actor, ticket_id: int, counter: int) -> Ticket:
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    with immediate():
        ticket = get_ticket(ticket_id)
        needed = no_show_after()
        if ticket.status == "called" and ticket.recalls < needed:
            raise ServiceError(t("queue.noshow_too_soon", recalls=ticket.recalls, needed=needed))
        if ticket.status == "called":
            minutes = no_show_minutes()
            called_at = (TicketEvent.select(TicketEvent.at)
                         .where((TicketEvent.ticket == ticket.id) & TicketEvent.event.in_(("call", "call_specific")))
                         .order_by(TicketEvent.id.desc()).scalar())
            elapsed = (context.now_utc() - _as_datetime(called_at)).total_seconds() / 60 if called_at else minutes
            if elapsed < minutes:
                raise ServiceError(t("queue.noshow_too_early", elapsed=int(elapsed), minutes=minutes))
        return _move(actor, ticket_id, "no_show", counter)


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def hold(actor: Actor, ticket_id: int, counter: int, reason: str) -> Ticket:
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    reason = squash(reason)
    if not reason:
        raise ValidationError({"reason": t("field.required", field=t("queue.field.hold_reason"))})
    return _move(actor, ticket_id, "hold", counter, {"reason": reason}, hold_reason=reason)


def unhold(actor: Actor, ticket_id: int, counter: int | None = None) -> Ticket:
    """Back to the queue in the place it had (its arrival time is kept)."""
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    return _move(actor, ticket_id, "unhold", counter, counter=None)


def check_in(actor: Actor, ticket_id: int) -> Ticket:
    """A booked resident arrived: the ticket joins the queue (at the front once the slot comes)."""
    require_role(actor, "action.take_ticket", *DESK_ROLES)
    ticket = get_ticket(ticket_id)
    if ticket.status == "booked" and ticket.day != settings.office_today():
        raise ServiceError(t("queue.checkin_wrong_day", label=ticket_label(ticket), day=format_date(ticket.day)))
    now = context.now_utc()
    return _move(actor, ticket_id, "check_in", None, checked_in_at=now, queued_at=now)


def transfer(actor: Actor, ticket_id: int, service_code: str, counter: int | None, reason: str = "") -> Ticket:
    """Send the resident to another service; the new ticket keeps the link to this one and
    its place by arrival time. Returns the new ticket."""
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    with immediate():
        ticket = get_ticket(ticket_id)
        target_service = catalog.service_by_code(service_code)
        if target_service.id == ticket.service_id:
            raise ServiceError(t("queue.transfer_same"))
        if not target_service.active:
            raise ServiceError(t("queue.service_inactive", service=target_service.name))
        moved = _move(actor, ticket_id, "transfer", counter,
                      {"to": target_service.code, "reason": squash(reason)})
        now = context.now_utc()
        new = Ticket.create(
            uuid=str(uuid.uuid4()), service=target_service.id, day=ticket.day,
            number=next_number(target_service.id, ticket.day), resident=ticket.resident_id,
            visitor_name=ticket.visitor_name, priority=ticket.priority, channel=ticket.channel,
            notes=ticket.notes, status="waiting", queued_at=ticket.queued_at, created_at=now,
            transferred_from=moved.id, workstation=actor.workstation,
        )
        record_event(new, actor, "take", None, "waiting", counter,
                {"service": target_service.code, "transferred_from": ticket_label(ticket)})
    return get_ticket(new.id)


def finish(actor: Actor, ticket_id: int, counter: int, outcome: str, *, note: str = "", device: str = "",
           card_reason: str | None = None, device_id: int | None = None) -> Ticket:
    """Close a ticket with its outcome. A recording service's ``recorded`` outcome marks the
    resident SUDAH REKAM and puts a card into the printing backlog (BIO_CAPTURED), carrying the
    workstation's recording site. A reprint service's ``served`` (cetak ulang, perubahan elemen
    data) puts a print-ready card of the record the centre holds into the backlog, with the
    reason the clerk chose (``card_reason``: hilang or rusak for cetak ulang): no recording.
    A failed device is named from the register (``device_id``: the device gets a failed-recording
    event with the ticket and is broken from today) or, as a fallback, as text (``device``)."""
    require_role(actor, "action.serve_counter", *DESK_ROLES)
    note = squash(note)
    device = squash(device)
    if outcome != "failed_device":
        device_id = None
    with immediate():
        if device_id is not None:
            device = devices.label(devices.find(device_id))
        ticket = get_ticket(ticket_id)
        service = ticket.service
        allowed = rules.outcomes_for(service.records_biometrics)
        if outcome not in allowed:
            raise ValidationError({"outcome": bad_choice(t("queue.field.outcome"), outcome,
                                                         ", ".join(t(f"queue.outcome.{o}") for o in allowed))})
        if outcome == "failed_device" and not device:
            raise ValidationError({"device": t("field.required", field=t("queue.field.device"))})
        card = None
        if outcome == "recorded":
            card = outcomes.record_biometrics(actor, ticket, service)
        elif outcome == "served" and rules.reprint_reasons(service.card_reason) and not service.records_biometrics:
            card = outcomes.request_reprint(actor, ticket, service, card_reason)
        finished = _move(actor, ticket_id, "finish", counter,
                         {"outcome": outcome, "device": device or None, "note": note or None,
                          "card": card.id if card else None},
                         outcome=outcome, outcome_note=note, device=device)
        if device_id is not None:
            devices.failed_recording(actor, device_id, ticket_id)
    return finished


# --- end of day -----------------------------------------------------------------------------

@dataclass(frozen=True)
class DayClosed:
    day: date
    closed: int
    carried_over: int


def end_of_day(actor: Actor, day: date, carry_over: bool) -> DayClosed:
    """Close every ticket still open on ``day``, or carry them over to the next day as
    waiting tickets (flagged, so they do not distort that day's statistics): someone called,
    being served or on hold at closing time comes back first thing. Bookings never checked in
    are closed either way."""
    require_role(actor, "action.end_of_day", "admin", "loket")
    if day > settings.office_today():
        raise ServiceError(t("queue.close_future_day", day=format_date(day)))
    closed = carried = 0
    with immediate():
        day_lock.ensure_open(day)
        if carry_over:
            day_lock.ensure_open(day + timedelta(days=1))
        open_tickets = list(
            Ticket.select().where((Ticket.day == day) & Ticket.status.in_(rules.OPEN_STATUSES)).order_by(Ticket.id)
        )
        next_day = day + timedelta(days=1)
        for ticket in open_tickets:
            if carry_over and ticket.status != "booked":
                new = Ticket.create(
                    uuid=str(uuid.uuid4()), service=ticket.service_id, day=next_day,
                    number=next_number(ticket.service_id, next_day), resident=ticket.resident_id,
                    visitor_name=ticket.visitor_name, priority=ticket.priority, channel=ticket.channel,
                    notes=ticket.notes, status="waiting", queued_at=context.now_utc(),
                    created_at=context.now_utc(), carried_over=True, transferred_from=ticket.id,
                    workstation=actor.workstation,
                )
                record_event(new, actor, "take", None, "waiting", None, {"carried_over_from": ticket_label(ticket)})
                Ticket.update(status="closed", outcome="carried_over").where(Ticket.id == ticket.id).execute()
                record_event(ticket, actor, "carry_over", ticket.status, "closed", None, {"to": ticket_label(new)})
                carried += 1
            else:
                Ticket.update(status="closed", outcome="closed_eod").where(Ticket.id == ticket.id).execute()
                record_event(ticket, actor, "close", ticket.status, "closed", None)
                closed += 1
    return DayClosed(day, closed, carried)
