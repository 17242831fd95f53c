"""The head's end of day: a day's review, then its lock; an admin's unlock with a reason.

The review reads what the day holds: the queue (closed or not), recordings by site, print
results against the blanks the ledger says they used (they must reconcile: the difference is
shown), blanks damaged, handovers, Suket issued and renewed, the stock at the day's end.
Locking stores those figures with the lock (``day_lock.summary``), so a later look can tell
what the head saw. While a lock is in force ``services.day_lock`` refuses every change dated
on the day.

Extension point: ``EXTRA_SECTIONS`` holds readers of more parts of the day (the outages and
devices out of service of issue 12 plug in there: ``EXTRA_SECTIONS.append(reader)``, a reader
being ``day -> ReviewSection``); the review, the screen and ``dukcapil day review`` show them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain import queue as queue_rules
from dukcapil_tui.domain.formatting import format_date, format_decimal, format_int, format_signed
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import DayLock
from dukcapil_tui.services import audit, context, day_lock, settings
from dukcapil_tui.services.context import Actor, NeedsConfirmation, ServiceError, require_role

LOCK_ROLES = ("admin",)
REVIEW_ROLES = ("admin",)
MAX_REASON = 500


@dataclass(frozen=True)
class ReviewSection:
    """A part of the day contributed by an extension (``EXTRA_SECTIONS``)."""

    key: str
    title: str
    lines: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _outages_and_devices(day: date) -> ReviewSection:
    """The day's outages (kind, where, from–to, hours of the day lost) and the devices out of
    service at its end (since when). Shown, never frozen by a lock: an outage is often written
    down after the day, when the head learns of it."""
    from dukcapil_tui.services import devices, outages

    day_outages = outages.day_rows(day)
    out = devices.list_out_at(day)
    lines, warnings = [], []
    for row in day_outages:
        line = t("review.outage_line", kind=t(f"outage.kind.{row.kind}"), scope=outages.describe_scope(row.site_code),
                 start=outages.when(row.started_at),
                 end=outages.when(row.ended_at) if row.ended_at else t("review.outage_open"),
                 hours=format_decimal(row.hours, 1))
        (warnings if row.open else lines).append(line)
    lines += [t("review.device_out", name=row.name or row.serial, site=row.site_code,
                status=t(f"device.status.{row.status}"), since=format_date(row.since)) for row in out]
    return ReviewSection("outages", t("review.outages", outages=len(day_outages), devices=len(out)),
                         tuple(lines), tuple(warnings))


EXTRA_SECTIONS: list[Callable[[date], ReviewSection]] = [_outages_and_devices]


@dataclass(frozen=True)
class QueueDay:
    tickets: int
    served: int
    failed: int
    no_show: int
    transferred: int
    closed: int  # closed at the end of the day, not served
    still_open: int  # tickets (and bookings) not closed yet
    carried: int = 0  # carried over to the next day at its end

    @property
    def is_closed(self) -> bool:
        return self.still_open == 0


@dataclass(frozen=True)
class PrintsDay:
    printed_ok: int  # print results recorded "printed" that day
    printed_failed: int  # print results recorded "failed" (a spoiled blank each)
    blanks_printed: int  # the ledger's good-print movements dated that day
    blanks_failed: int  # the ledger's failed-print movements dated that day
    damaged: int  # blanks damaged outside printing
    received: int  # blanks received (lots, loans in, returns)

    @property
    def prints(self) -> int:
        return self.printed_ok + self.printed_failed

    @property
    def blanks_used(self) -> int:
        return self.blanks_printed + self.blanks_failed

    @property
    def difference(self) -> int:
        """Blanks the ledger says printing used, minus the print results: zero when they reconcile."""
        return self.blanks_used - self.prints


@dataclass(frozen=True)
class LockEvent:
    locked_at: datetime
    locked_by: str
    unlocked_at: datetime | None
    unlocked_by: str | None
    reason: str | None


@dataclass(frozen=True)
class DayReview:
    day: date
    queue: QueueDay
    recordings: list[tuple[str, int]]  # (site, recordings) most first
    prints: PrintsDay
    handovers: int
    suket_issued: int
    suket_renewed: int
    stock_end: int
    lock: day_lock.LockInForce | None
    history: list[LockEvent]
    extra: list[ReviewSection] = field(default_factory=list)
    listed: list[tuple[str, int]] = field(default_factory=list)  # from SIAK listings (not locked)

    @property
    def recorded(self) -> int:
        return sum(n for _, n in self.recordings)

    def figures(self) -> dict:
        """The figures stored with a lock (what the head saw)."""
        return {"queue": asdict(self.queue), "recorded": self.recorded, "recordings": dict(self.recordings),
                "prints": asdict(self.prints), "handovers": self.handovers, "suket_issued": self.suket_issued,
                "suket_renewed": self.suket_renewed, "stock_end": self.stock_end}


def _one(sql: str, params: tuple) -> int:
    return database.execute_sql(sql, params).fetchone()[0] or 0


# A card a field drive's merge made (services.field_merge): recorded that day on a laptop away
# from the office, brought in later -- like a listing's card, shown beside the day's own, never
# a change of a locked day.
_FIELD_CARD = "EXISTS (SELECT 1 FROM card_event e WHERE e.card_id = c.id AND e.source = 'keliling')"


def origin_condition(origin: str) -> str:
    """SQL on ``card c``: the office's own recordings (``loket``) or those brought in later
    (``siak``: from a SIAK listing or a field drive's result)."""
    if origin == "loket":
        return f"(c.origin = 'loket' AND NOT {_FIELD_CARD})"
    return f"(c.origin = 'siak' OR {_FIELD_CARD})"


def recordings_by_site(first: date, last: date, origin: str = "loket") -> list[tuple[str, int]]:
    """New recordings (reason baru) made on the office days ``first``..``last``, by recording
    site (its registered name), most first. ``origin`` loket: the office's own recordings, the
    day's work the head locks; siak: cards a SIAK listing or a field drive's result brought in
    later, recorded that day elsewhere (a UPT, a mobile unit) -- shown but never locked."""
    start, end = settings.utc_bounds(first, last)
    reasons = ", ".join("?" * len(card_rules.RECORDING_REASONS))
    return [(where or "-", n) for where, n in database.execute_sql(
        "SELECT COALESCE(s.name, c.recorded_where), COUNT(*) FROM card c "
        "LEFT JOIN recording_site s ON s.code = c.site_code "
        f"WHERE c.recorded_at >= ? AND c.recorded_at < ? AND {origin_condition(origin)} "
        f"AND c.reason IN ({reasons}) "
        "GROUP BY 1 ORDER BY 2 DESC, 1", (start, end, *card_rules.RECORDING_REASONS)).fetchall()]


def _queue(day: date) -> QueueDay:
    counts = dict(database.execute_sql(
        "SELECT CASE WHEN status IN ({open}) THEN 'open' "
        "            WHEN status = 'done' AND outcome IN ({failed}) THEN 'failed' "
        "            WHEN status = 'closed' AND outcome = 'carried_over' THEN 'carried' "
        "            ELSE status END, COUNT(*) "
        "FROM ticket WHERE day = ? AND NOT (status = 'closed' AND booked_at IS NOT NULL AND checked_in_at IS NULL) "
        "GROUP BY 1".format(open=", ".join(f"'{s}'" for s in queue_rules.OPEN_STATUSES),
                            failed=", ".join(f"'{s}'" for s in queue_rules.UNSUCCESSFUL_OUTCOMES)),
        (day.isoformat(),)).fetchall())
    open_bookings = _one("SELECT COUNT(*) FROM ticket WHERE day = ? AND status = 'booked'", (day.isoformat(),))
    return QueueDay(
        tickets=sum(counts.values()) - open_bookings, served=counts.get("done", 0), failed=counts.get("failed", 0),
        no_show=counts.get("no_show", 0), transferred=counts.get("transferred", 0), closed=counts.get("closed", 0),
        still_open=counts.get("open", 0), carried=counts.get("carried", 0),
    )


def _prints(day: date) -> PrintsDay:
    start, end = settings.utc_bounds(day, day)
    results = dict(database.execute_sql(
        "SELECT result, COUNT(*) FROM print_job WHERE at >= ? AND at < ? AND result IN ('ok', 'failed') "
        "GROUP BY result", (start, end)).fetchall())
    ledger = dict(database.execute_sql(
        "SELECT kind, -SUM(quantity) FROM blangko_movement WHERE day = ? GROUP BY kind",
        (day.isoformat(),)).fetchall())
    return PrintsDay(
        printed_ok=results.get("ok", 0), printed_failed=results.get("failed", 0),
        blanks_printed=ledger.get("print_ok", 0), blanks_failed=ledger.get("print_failed", 0),
        damaged=ledger.get("damaged", 0),
        received=-sum(ledger.get(k, 0) for k in ("receipt", "loan_in", "returned")),
    )


def _history(day: date) -> list[LockEvent]:
    return [LockEvent(row.locked_at, row.locked_by, row.unlocked_at, row.unlocked_by, row.unlock_reason)
            for row in DayLock.select().where(DayLock.day == day).order_by(DayLock.id)]


def review(day: date) -> DayReview:
    """What ``day`` holds (read-only; one snapshot when called inside a transaction)."""
    start, end = settings.utc_bounds(day, day)
    return DayReview(
        day=day,
        queue=_queue(day),
        recordings=recordings_by_site(day, day),
        listed=recordings_by_site(day, day, origin="siak"),
        prints=_prints(day),
        handovers=_one("SELECT COUNT(*) FROM handover WHERE at >= ? AND at < ?", (start, end)),
        suket_issued=_one("SELECT COUNT(*) FROM suket WHERE issued_at >= ? AND issued_at < ?", (start, end)),
        suket_renewed=_one("SELECT COUNT(*) FROM suket WHERE issued_at >= ? AND issued_at < ? "
                           "AND renews_id IS NOT NULL", (start, end)),
        stock_end=_one("SELECT COALESCE(SUM(quantity), 0) FROM blangko_movement WHERE day <= ?", (day.isoformat(),)),
        lock=day_lock.lock_in_force(day),
        history=_history(day),
        extra=[reader(day) for reader in EXTRA_SECTIONS],
    )


def lock(actor: Actor, day: date, *, confirmed: bool = False) -> DayLock:
    """Lock ``day`` after its review. Refused for a day still ahead, a day already locked, and
    while the day's queue has open tickets (close the queue's day first). Prints that do not
    reconcile with the blanks used need ``confirmed`` (the difference is named and kept)."""
    require_role(actor, "action.lock_day", *LOCK_ROLES)
    today = settings.office_today()
    if day > today:
        raise ServiceError(t("daylock.future", day=format_date(day)))
    with database.atomic("IMMEDIATE"):
        current = day_lock.lock_in_force(day)
        if current is not None:
            raise ServiceError(t("daylock.already", day=format_date(day), by=current.locked_by))
        seen = review(day)
        if not seen.queue.is_closed:
            raise ServiceError(t("daylock.queue_open", day=format_date(day), open=format_int(seen.queue.still_open)))
        if seen.prints.difference and not confirmed:
            raise NeedsConfirmation(t("daylock.unreconciled", day=format_date(day),
                                      prints=format_int(seen.prints.prints),
                                      blanks=format_int(seen.prints.blanks_used),
                                      difference=format_signed(seen.prints.difference)))
        figures = seen.figures()
        row = DayLock.create(day=day, locked_at=context.now_utc(), locked_by=actor.username,
                             summary=json.dumps(figures, ensure_ascii=False, sort_keys=True))
        audit.record(actor, "day.lock", "day_lock", row.id,
                     {"day": day, "difference": seen.prints.difference, "recorded": seen.recorded,
                      "prints": seen.prints.prints})
    return row


def unlock(actor: Actor, day: date, reason: str) -> DayLock:
    """Lift the lock of ``day`` (admin only, with a reason; audited). The lock stays in the
    day's history."""
    require_role(actor, "action.unlock_day", "admin")
    reason = squash(reason)
    if not reason:
        raise ValidationError({"reason": t("field.required", field=t("daylock.field.reason"))})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": t("field.too_long", field=t("daylock.field.reason"), max=MAX_REASON)})
    with database.atomic("IMMEDIATE"):
        current = day_lock.lock_in_force(day)
        if current is None:
            raise ServiceError(t("daylock.not_locked", day=format_date(day)))
        DayLock.update(unlocked_at=context.now_utc(), unlocked_by=actor.username, unlock_reason=reason
                       ).where(DayLock.id == current.id).execute()
        audit.record(actor, "day.unlock", "day_lock", current.id, {"day": day, "reason": reason})
    return DayLock.get_by_id(current.id)


def unlocked_days_with_work(today: date, days: int = 14) -> list[date]:
    """Past office days of the last ``days`` on which something was recorded (tickets, blank
    movements, recordings) and that are not locked: what still waits for the head's review."""
    from datetime import timedelta

    first, last = today - timedelta(days=days), today - timedelta(days=1)
    start, end = settings.utc_bounds(first, last)
    zone_days = {date.fromisoformat(str(d)[:10]) for (d,) in database.execute_sql(
        "SELECT DISTINCT day FROM ticket WHERE day BETWEEN ? AND ? AND status != 'booked' "
        "UNION SELECT DISTINCT day FROM blangko_movement WHERE day BETWEEN ? AND ?",
        (first.isoformat(), last.isoformat(), first.isoformat(), last.isoformat())).fetchall()}
    from dukcapil_tui.domain.formatting import to_local

    zone = settings.office_timezone()
    own = origin_condition("loket")
    for (at,) in database.execute_sql(f"SELECT c.recorded_at FROM card c WHERE c.recorded_at >= ? "
                                      f"AND c.recorded_at < ? AND {own}", (start, end)).fetchall():
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        zone_days.add(to_local(moment, zone).date())
    return sorted(zone_days - day_lock.locked_days(first, last))


def sections(seen: DayReview) -> list[ReviewSection]:
    """The review in words, part by part (what the screen and ``dukcapil day review`` show);
    ``warnings`` say what stands in the way of a clean lock."""
    from dukcapil_tui.domain.formatting import format_datetime

    zone = settings.office_timezone()
    q, p = seen.queue, seen.prints
    parts = [
        ReviewSection("queue", t("review.queue"),
                      (t("review.queue_line", tickets=format_int(q.tickets), served=format_int(q.served),
                         failed=format_int(q.failed), no_show=format_int(q.no_show),
                         transferred=format_int(q.transferred), closed=format_int(q.closed),
                         carried=format_int(q.carried)),)
                      + ((t("review.queue_closed"),) if q.is_closed else ()),
                      () if q.is_closed else (t("review.queue_open", open=format_int(q.still_open)),)),
        ReviewSection("recordings", t("review.recordings", total=format_int(seen.recorded)),
                      (tuple(f"{site}: {format_int(n)}" for site, n in seen.recordings) or (t("review.no_recordings"),))
                      + ((t("review.listed", total=format_int(sum(n for _, n in seen.listed)),
                            sites=", ".join(f"{site} {format_int(n)}" for site, n in seen.listed)),)
                         if seen.listed else ())),
        ReviewSection("prints", t("review.prints"),
                      (t("review.prints_line", ok=format_int(p.printed_ok), failed=format_int(p.printed_failed),
                         prints=format_int(p.prints)),
                       t("review.blanks_line", ok=format_int(p.blanks_printed), failed=format_int(p.blanks_failed),
                         used=format_int(p.blanks_used)))
                      + (() if p.difference else (t("review.reconciled"),))
                      + (t("review.other_blanks", damaged=format_int(p.damaged), received=format_int(p.received),
                           stock=format_int(seen.stock_end)),),
                      (t("review.difference", difference=format_signed(p.difference)),) if p.difference else ()),
        ReviewSection("service", t("review.service"),
                      (t("review.handovers", count=format_int(seen.handovers)),
                       t("review.suket", issued=format_int(seen.suket_issued),
                         renewed=format_int(seen.suket_renewed)))),
        *seen.extra,
    ]
    lock_lines = [t("review.locked", by=seen.lock.locked_by, at=format_datetime(seen.lock.locked_at, zone))
                  if seen.lock else t("review.not_locked")]
    lock_lines += [t("review.history", locked_at=format_datetime(h.locked_at, zone), locked_by=h.locked_by,
                     unlocked_at=format_datetime(h.unlocked_at, zone), unlocked_by=h.unlocked_by, reason=h.reason)
                   for h in seen.history if h.unlocked_at is not None]
    parts.append(ReviewSection("lock", t("review.lock"), tuple(lock_lines)))
    return parts


# The figures a lock keeps that belong to the day alone (the stock at the day's end is kept
# for the record but moves lawfully when an earlier, unlocked day gets a back-dated movement).
_FROZEN = ("queue", "recorded", "recordings", "prints", "handovers", "suket_issued", "suket_renewed")


def _same(seen: object, now: object) -> bool:
    """A figure as the head saw it and as it is now. In a group of figures (the queue's, the
    recordings per site) a part the lock did not store is no change while it is zero: a later
    version may add a figure to the review, but a new site with recordings is a change."""
    if isinstance(seen, dict) and isinstance(now, dict):
        return all(now.get(key) == value for key, value in seen.items()) and not any(
            value for key, value in now.items() if key not in seen)
    return seen == now


def changed_since_lock() -> list[str]:
    """``dukcapil check``: locked days whose own figures differ from what the head saw when
    locking them. The triggers guard the tables that carry a day; this catches a change to the
    tables dated by a timestamp (card events, handovers, Suket) made around the services."""
    problems = []
    for lock_id, day, summary in database.execute_sql(
            "SELECT id, day, summary FROM day_lock WHERE unlocked_at IS NULL ORDER BY day").fetchall():
        day = date.fromisoformat(str(day)[:10])
        try:
            seen = json.loads(summary)
        except ValueError:
            problems.append(t("check.lock_unreadable", day=format_date(day), lock=lock_id))
            continue
        now = json.loads(json.dumps(review(day).figures(), sort_keys=True, default=str))
        changed = [key for key in _FROZEN if not _same(seen.get(key), now.get(key))]
        if changed:
            problems.append(t("check.lock_changed", day=format_date(day), lock=lock_id,
                              parts=", ".join(t(f"check.part.{key}") for key in changed)))
    return problems
