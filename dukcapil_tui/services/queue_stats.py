"""What a day of the queue looked like, computed from the ticket events; and the board."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import fn

from dukcapil_tui.domain import queue as rules
from dukcapil_tui.models import Service, Ticket, TicketEvent
from dukcapil_tui.services import catalog


def _dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@dataclass
class ServiceDay:
    service_code: str
    service_name: str
    prefix: str
    tickets: int = 0
    served: int = 0  # finished with a successful outcome (recorded, served)
    failed: int = 0  # finished without one: a failed recording, a resident referred elsewhere
    no_show: int = 0
    transferred: int = 0
    still_open: int = 0
    closed: int = 0  # closed at the end of the day, not served
    carried_over_out: int = 0  # ... carried over to the next day as new tickets (not "closed")
    carried_over_in: int = 0
    outcomes: Tally = field(default_factory=Tally)
    waiting_minutes: list[float] = field(default_factory=list)
    service_minutes: list[float] = field(default_factory=list)

    @property
    def waiting_median(self) -> float | None:
        return rules.percentile(self.waiting_minutes, 0.5)

    @property
    def waiting_p90(self) -> float | None:
        return rules.percentile(self.waiting_minutes, 0.9)

    @property
    def service_median(self) -> float | None:
        return rules.percentile(self.service_minutes, 0.5)

    @property
    def service_p90(self) -> float | None:
        return rules.percentile(self.service_minutes, 0.9)


def day_summary(day: date) -> list[ServiceDay]:
    """Per service: tickets, served, failed or referred, no-shows, outcomes, and
    waiting/service times (median, p90).

    Waiting runs from joining the queue (checking in; for a transfer, the transfer: the new
    ticket keeps the old arrival time for its place only) to the first call; service from the
    start at the counter (or the call, when nobody pressed start) to the finish. Tickets
    carried over from an earlier day are counted but left out of the times.
    """
    result = {
        s.id: ServiceDay(s.code, s.name, s.prefix) for s in catalog.services(active_only=False)
    }
    tickets = list(Ticket.select().where(Ticket.day == day))
    if not tickets:
        return [r for r in result.values() if r.tickets]
    events: dict[int, list[TicketEvent]] = {}
    for event in (TicketEvent.select().where(TicketEvent.ticket.in_([tk.id for tk in tickets]))
                  .order_by(TicketEvent.id)):
        events.setdefault(event.ticket_id, []).append(event)
    for ticket in tickets:
        row = result[ticket.service_id]
        if ticket.status == "booked" or (ticket.status == "closed" and ticket.checked_in_at is None
                                         and ticket.booked_at is not None):
            continue  # a booking nobody came for is not a ticket of the day
        row.tickets += 1
        if ticket.carried_over:
            row.carried_over_in += 1
        if ticket.status == "done":
            if ticket.outcome in rules.UNSUCCESSFUL_OUTCOMES:
                row.failed += 1
            else:
                row.served += 1
            row.outcomes[ticket.outcome] += 1
        elif ticket.status == "no_show":
            row.no_show += 1
        elif ticket.status == "transferred":
            row.transferred += 1
        elif ticket.status == "closed" and ticket.outcome == "carried_over":
            row.carried_over_out += 1
        elif ticket.status == "closed":
            row.closed += 1
        else:
            row.still_open += 1
        if ticket.carried_over:
            continue
        mine = events.get(ticket.id, [])
        called = next((e for e in mine if e.event in ("call", "call_specific")), None)
        joined = _dt(ticket.created_at if ticket.transferred_from_id else ticket.checked_in_at or ticket.queued_at)
        if called is not None:
            row.waiting_minutes.append(max(0.0, (_dt(called.at) - joined).total_seconds() / 60))
        finished = next((e for e in mine if e.event == "finish"), None)
        started = next((e for e in mine if e.event == "start"), called)
        if finished is not None and started is not None:
            row.service_minutes.append(max(0.0, (_dt(finished.at) - _dt(started.at)).total_seconds() / 60))
    return [r for r in result.values() if r.tickets]


@dataclass(frozen=True)
class CounterNow:
    number: int
    name: str
    label: str | None
    status: str | None


@dataclass(frozen=True)
class ServiceNext:
    code: str
    name: str
    prefix: str
    waiting: int
    next_labels: list[str]


_CALL_EVENTS = ("call", "call_specific", "recall", "start")


def board(day: date, upcoming: int = 3) -> tuple[list[CounterNow], list[ServiceNext]]:
    """"Now serving" per counter and the next numbers per service, for the waiting-room board."""
    from dukcapil_tui.services.queue import queue_order

    current = list(Ticket.select(Ticket, Service).join(Service)
                   .where((Ticket.day == day) & Ticket.status.in_(("called", "serving"))))
    # A counter with more than one ticket called shows the one it called (or recalled) last.
    last_called = dict(
        TicketEvent.select(TicketEvent.ticket, fn.MAX(TicketEvent.id))
        .where(TicketEvent.ticket.in_([tk.id for tk in current]) & TicketEvent.event.in_(_CALL_EVENTS))
        .group_by(TicketEvent.ticket).tuples()
    ) if current else {}
    serving = {}
    for ticket in sorted(current, key=lambda tk: (last_called.get(tk.id, 0), tk.id)):
        serving[ticket.counter] = ticket
    counters = [
        CounterNow(
            c.number,
            c.name,
            rules.label(serving[c.number].service.prefix, serving[c.number].number) if c.number in serving else None,
            serving[c.number].status if c.number in serving else None,
        )
        for c in catalog.counters()
    ]
    services = []
    for service in catalog.services():
        order = queue_order([service.id], day)
        if not order:
            services.append(ServiceNext(service.code, service.name, service.prefix, 0, []))
            continue
        numbers = dict(Ticket.select(Ticket.id, Ticket.number).where(Ticket.id.in_(order[:upcoming])).tuples())
        services.append(ServiceNext(service.code, service.name, service.prefix, len(order),
                                    [rules.label(service.prefix, numbers[i]) for i in order[:upcoming]]))
    return counters, services


def queue_version() -> int:
    """Changes whenever any counter or desk changes the queue (cheap to poll)."""
    row = TicketEvent.select(TicketEvent.id).order_by(TicketEvent.id.desc()).limit(1).tuples().first()
    return row[0] if row else 0
