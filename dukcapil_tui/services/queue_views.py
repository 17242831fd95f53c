"""Read models of the queue for the screens: plain frozen dataclasses built on a worker's
connection, so nothing lazily loads a foreign key on the UI thread.

Writes all go through ``services.queue``; this module only reads (a counter's current and
held tickets, a page of the waiting list with names, the desk's look-up of a NIK), and
composes the service calls a screen needs in one worker round trip (take a ticket, then
deliver its slip).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN

from dukcapil_tui.domain import queue as rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Resident, Service, Ticket
from dukcapil_tui.services import bookings, catalog, queue, queue_stats, settings, slips
from dukcapil_tui.services import residents as resident_service
from dukcapil_tui.services.context import Actor

ACTIVE_AT_COUNTER = ("called", "serving")


@dataclass(frozen=True)
class ServiceChoice:
    code: str
    name: str
    prefix: str
    records_biometrics: bool

    @property
    def title(self) -> str:
        return f"{self.prefix} · {self.name}"


def service_choices() -> list[ServiceChoice]:
    return [ServiceChoice(s.code, s.name, s.prefix, s.records_biometrics) for s in catalog.services()]


@dataclass(frozen=True)
class TicketView:
    id: int
    label: str
    service_code: str
    service_name: str
    records_biometrics: bool
    status: str
    nik: str
    name: str
    priority: str | None
    channel: str
    notes: str
    recalls: int
    hold_reason: str
    queued_at: datetime
    booked_at: datetime | None
    counter: int | None
    outcome: str | None = None
    card_reason: str | None = None  # the service's card reason (a reprint service: its default)
    name_protected: bool = False  # a name that may not be spoken (services.handling)
    handling: tuple[str, ...] = ()  # the resident's open handling notes (the current ticket only)


def _tickets():
    return (Ticket.select(Ticket, Service, Resident).join(Service).switch(Ticket)
            .join(Resident, JOIN.LEFT_OUTER))


def _view(ticket: Ticket) -> TicketView:
    resident = ticket.resident if ticket.resident_id is not None else None
    return TicketView(
        id=ticket.id, label=rules.label(ticket.service.prefix, ticket.number),
        service_code=ticket.service.code, service_name=ticket.service.name,
        records_biometrics=ticket.service.records_biometrics, status=ticket.status,
        nik=resident.nik if resident else "", name=resident.name if resident else ticket.visitor_name,
        priority=ticket.priority, channel=ticket.channel, notes=ticket.notes, recalls=ticket.recalls,
        hold_reason=ticket.hold_reason, queued_at=ticket.checked_in_at or ticket.queued_at,
        booked_at=ticket.booked_at, counter=ticket.counter, outcome=ticket.outcome,
        card_reason=ticket.service.card_reason, name_protected=bool(resident.name_protected) if resident else False,
    )


def ticket_view(ticket_id: int) -> TicketView:
    """One ticket with its resident's open handling notes (the counter's current ticket)."""
    from dataclasses import replace

    from dukcapil_tui.services import handling

    ticket = _tickets().where(Ticket.id == ticket_id).get()
    view = _view(ticket)
    if ticket.resident_id is None:
        return view
    return replace(view, handling=tuple(n.text for n in handling.notes_for(ticket.resident_id)))


# --- the counter ------------------------------------------------------------------------------

def counter_title(number: int, name: str) -> str:
    """The counter as it is named ("Loket 2"), with its number when the name lacks it."""
    return name if str(number) in name.split() else t("queue_ui.counter_named", number=number, name=name)


@dataclass(frozen=True)
class CounterChoice:
    number: int
    name: str
    services: str  # what it calls from, for the picker


def counter_choices() -> list[CounterChoice]:
    names = {s.code: s.prefix for s in catalog.services(active_only=False)}
    return [
        CounterChoice(c.number, c.name,
                      ", ".join(names.get(code, code) for code in c.codes) if c.codes else t("queue_ui.all_services"))
        for c in catalog.counters()
    ]


@dataclass(frozen=True)
class CounterState:
    number: int
    name: str
    services: str
    current: TicketView | None
    waiting: list[TicketView]  # one page, in calling order
    waiting_total: int
    offset: int
    held: list[TicketView]  # on hold here, then any other ticket still called at this counter
    no_show_after: int
    version: int
    day: date


def counter_state(number: int, offset: int = 0, limit: int = 50) -> CounterState:
    version = queue_stats.queue_version()  # read first: the data below is at least this new
    day = settings.office_today()
    counter = catalog.get_counter(number)
    prefixes = {s.code: s.prefix for s in catalog.services(active_only=False)}
    services = ", ".join(prefixes.get(c, c) for c in counter.codes) if counter.codes else t("queue_ui.all_services")
    order = queue.queue_order(catalog.counter_service_ids(number), day)
    offset = max(0, min(offset, max(0, len(order) - 1) // limit * limit))
    page_ids = order[offset:offset + limit]
    found = {tk.id: _view(tk) for tk in _tickets().where(Ticket.id.in_(page_ids))} if page_ids else {}
    mine = (Ticket.day == day) & (Ticket.counter == number)
    # One ticket at a time; should two workstations share a counter number, the older calls
    # are listed below the queue rather than hidden.
    active = [_view(tk) for tk in _tickets().where(mine & Ticket.status.in_(ACTIVE_AT_COUNTER))
              .order_by(Ticket.id.desc())]
    held = [_view(tk) for tk in _tickets().where(mine & (Ticket.status == "on_hold")).order_by(Ticket.id)]
    return CounterState(
        number=number, name=counter.name, services=services, current=active[0] if active else None,
        waiting=[found[i] for i in page_ids if i in found], waiting_total=len(order), offset=offset,
        held=held + active[1:], no_show_after=queue.no_show_after(), version=version, day=day,
    )


# --- the registration desk ----------------------------------------------------------------------

@dataclass(frozen=True)
class ResidentInfo:
    id: int
    nik: str
    name: str
    age: int
    recording_status: str
    wajib: bool
    name_protected: bool = False
    handling: tuple[str, ...] = ()  # the open handling notes, shown at the desk


@dataclass(frozen=True)
class Booking:
    ticket_id: int
    label: str
    service_name: str
    slot: str  # local HH:MM


@dataclass(frozen=True)
class DeskLookup:
    nik: str
    resident: ResidentInfo | None
    bookings: list[Booking]


def desk_lookup(nik: str) -> DeskLookup:
    from dukcapil_tui.domain.formatting import to_local
    from dukcapil_tui.services import handling

    today = settings.office_today()
    resident = resident_service.find_by_nik(nik)
    if resident is None:
        return DeskLookup(nik, None, [])
    info = ResidentInfo(
        resident.id, resident.nik, resident.name, resident_rules.age_on(resident.birth_date, today),
        resident.recording_status,
        resident_rules.wajib_ktp(resident.birth_date, resident.marital_status, today).required,
        bool(resident.name_protected), tuple(n.text for n in handling.notes_for(resident.id)),
    )
    zone = settings.office_timezone()
    booked = [
        Booking(tk.id, queue.ticket_label(tk), tk.service.name,
                to_local(tk.booked_at, zone).strftime("%H:%M") if tk.booked_at else "-")
        for tk in bookings.bookings_for(nik, today)
    ]
    return DeskLookup(nik, info, booked)


def desk_warnings(service_code: str, nik: str, priority: str | None = None) -> tuple[int | None, list[str]]:
    """The resident a NIK names (None when unknown) and what would make the visit a wasted one
    (or the priority unearned)."""
    resident = resident_service.find_by_nik(nik) if nik else None
    service = catalog.service_by_code(service_code)
    if service.records_biometrics and resident is None and not nik:
        from dukcapil_tui.domain.problems import ValidationError

        raise ValidationError({"nik": t("queue.recording_needs_nik", service=service.name)})
    return (resident.id if resident else None,
            queue.ticket_warnings(service, resident, settings.office_today(), priority))


@dataclass(frozen=True)
class Issued:
    ticket_id: int
    label: str
    service_name: str
    name: str
    ahead: int
    warnings: list[str]
    slip: str


def _slip(ticket: Ticket) -> str:
    try:
        return slips.deliver(ticket).message
    except OSError as exc:  # the ticket stands; only the slip file could not be written
        return t("queue_ui.slip_failed", reason=str(exc))


def issue(actor: Actor, service_code: str, **fields) -> Issued:
    taken = queue.take_ticket(actor, service_code, **fields)
    view = ticket_view(taken.ticket.id)
    return Issued(view.id, taken.label, view.service_name, view.name, taken.ahead, taken.warnings,
                  _slip(taken.ticket))


def transfer(actor: Actor, ticket_id: int, service_code: str, counter: int | None, reason: str = "") -> Issued:
    """Send the resident to another service: the new number gets its own slip."""
    new = queue.transfer(actor, ticket_id, service_code, counter, reason)
    view = ticket_view(new.id)
    return Issued(view.id, view.label, view.service_name, view.name, queue.position(new), [], _slip(new))


def check_in(actor: Actor, ticket_id: int) -> Issued:
    ticket = queue.check_in(actor, ticket_id)
    view = ticket_view(ticket.id)
    return Issued(view.id, view.label, view.service_name, view.name, queue.position(ticket), [], _slip(ticket))


def waiting_by_service() -> list[tuple[str, int]]:
    """(prefix, waiting) per open service, for the desk's one-line overview."""
    _, services = queue_stats.board(settings.office_today(), upcoming=0)
    return [(s.prefix, s.waiting) for s in services]


# --- the catalogue (admin) -----------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceRow:
    id: int
    code: str
    name: str
    prefix: str
    daily_quota: int | None
    records_biometrics: bool
    card_reason: str | None
    active: bool
    sort_order: int


@dataclass(frozen=True)
class CounterRow:
    number: int
    name: str
    codes: list[str]
    active: bool


def catalogue() -> tuple[list[ServiceRow], list[CounterRow]]:
    services = [ServiceRow(s.id, s.code, s.name, s.prefix, s.daily_quota, s.records_biometrics, s.card_reason,
                           s.active, s.sort_order) for s in catalog.services(active_only=False)]
    counters = [CounterRow(c.number, c.name, c.codes, c.active) for c in catalog.counters(active_only=False)]
    return services, counters
