"""The head's dashboard: the office now, as tiles. Read-only.

Each tile (``TILES``) reads one part of the office on its own and says which screen opens
it: the queue now, today's recordings by site, the printing backlog by stage, blanks against
print-ready cards, Suket outstanding and expiring, reports due and late, days waiting for the
head's review and lock. The TUI's dashboard refreshes each tile on its own timer
(``TileSpec.every``); ``dukcapil status`` prints them all.

Extension point: a part of the office that has no tile yet adds one with
``TILES.append(TileSpec(key, opens, reader, every))``, the reader being ``today -> Tile``; the
screen and ``dukcapil status`` show it without change (the open outages and the devices out of
service came this way, issue 12).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.domain import queue as queue_rules
from dukcapil_tui.domain.formatting import format_date, format_decimal, format_int, to_local
from dukcapil_tui.i18n import t
from dukcapil_tui.services import (blangko, blangko_requests, context, day_lock, day_review, queue_stats,
                                   report_deadlines, settings, suket)

SITES_SHOWN = 4


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    value: str  # the headline figure
    lines: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()  # what needs the head's attention, in words


@dataclass(frozen=True)
class TileSpec:
    key: str
    opens: str  # the id of the TUI section the tile opens
    read: Callable[[date], Tile]
    every: float = 30.0  # seconds between the screen's refreshes of this tile


def _dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _days_since(value, today: date) -> int:
    return max(0, (today - to_local(_dt(value), settings.office_timezone()).date()).days)


# --- the tiles -------------------------------------------------------------------------------

def queue_tile(today: date) -> Tile:
    """Waiting, being served, on hold; the median wait so far today and the longest wait now."""
    counts = dict(database.execute_sql("SELECT status, COUNT(*) FROM ticket WHERE day = ? GROUP BY status",
                                       (today.isoformat(),)).fetchall())
    waiting, on_hold = counts.get("waiting", 0), counts.get("on_hold", 0)
    serving = counts.get("called", 0) + counts.get("serving", 0)
    waits = [m for row in queue_stats.day_summary(today) for m in row.waiting_minutes]
    median = queue_rules.percentile(waits, 0.5)
    oldest = database.execute_sql("SELECT MIN(queued_at) FROM ticket WHERE day = ? AND status = 'waiting'",
                                  (today.isoformat(),)).fetchone()[0]
    lines = [t("dash.queue.now", waiting=format_int(waiting), serving=format_int(serving),
               on_hold=format_int(on_hold)),
             t("dash.queue.median", minutes=format_decimal(median, 1)) if median is not None
             else t("dash.queue.no_wait_yet")]
    if oldest is not None:
        minutes = max(0.0, (context.now_utc() - _dt(oldest)).total_seconds() / 60)
        lines.append(t("dash.queue.longest", minutes=format_decimal(minutes, 0)))
    done = sum(n for status, n in counts.items() if status not in queue_rules.OPEN_STATUSES)
    lines.append(t("dash.queue.done", done=format_int(done)))
    return Tile("queue", t("dash.queue.title"), format_int(waiting), tuple(lines))


def recordings_tile(today: date) -> Tile:
    sites = day_review.recordings_by_site(today, today)
    total = sum(n for _, n in sites)
    lines = [f"{site}: {format_int(n)}" for site, n in sites[:SITES_SHOWN]]
    if len(sites) > SITES_SHOWN:
        lines.append(t("dash.recordings.more", sites=len(sites) - SITES_SHOWN,
                       count=format_int(sum(n for _, n in sites[SITES_SHOWN:]))))
    if not sites:
        lines.append(t("dash.recordings.none"))
    return Tile("recordings", t("dash.recordings.title"), format_int(total), tuple(lines))


BACKLOG_STAGES = ("unsent", "at_centre", "ready_to_print", "printed", "needs_rerecording")


def backlog_stages() -> dict[str, tuple[int, object]]:
    """Cards not yet handed over by stage: (count, oldest recording). Unsent: recorded here and
    not yet sent to the centre (BIO_CAPTURED); at the centre: sent, adjudicated or duplicate."""
    return {stage: (n, oldest) for stage, n, oldest in database.execute_sql(
        "SELECT CASE WHEN office_status = 'waiting_prr' AND central_status = 'BIO_CAPTURED' THEN 'unsent' "
        "            WHEN office_status = 'waiting_prr' THEN 'at_centre' ELSE office_status END AS stage, "
        "       COUNT(*), MIN(recorded_at) FROM card "
        "WHERE office_status IN ('waiting_prr', 'ready_to_print', 'printed', 'needs_rerecording') "
        "GROUP BY stage").fetchall()}


def backlog_tile(today: date) -> Tile:
    stages = backlog_stages()
    lines = []
    for stage in BACKLOG_STAGES:
        count, oldest = stages.get(stage, (0, None))
        if count:
            lines.append(t("dash.backlog.stage", stage=t(f"dash.backlog.{stage}"), count=format_int(count),
                           days=_days_since(oldest, today)))
        else:
            lines.append(t("dash.backlog.stage_empty", stage=t(f"dash.backlog.{stage}")))
    total = sum(n for n, _ in stages.values())
    return Tile("backlog", t("dash.backlog.title"), format_int(total), tuple(lines))


def blangko_tile(today: date) -> Tile:
    f = blangko.forecast(today)
    lines = [t("dash.blangko.ready", ready=format_int(f.ready_to_print), shortfall=format_int(f.shortfall)),
             t("dash.blangko.days_left", rate=format_decimal(f.prints_per_day, 1),
               days="-" if f.days_left is None else format_decimal(f.days_left, 0))]
    asked = blangko_requests.outstanding()
    if asked.requests:
        lines.append(t("dash.blangko.requests", requests=asked.requests, blanks=format_int(asked.blanks),
                       since=format_date(asked.oldest)))
    else:
        lines.append(t("dash.blangko.no_requests"))
    alerts = []
    if f.balance == 0:
        alerts.append(t("dash.blangko.empty"))
    elif f.below_threshold:
        alerts.append(t("blangko.below_threshold", stock=format_int(f.balance), threshold=format_int(f.threshold)))
    if f.shortfall:
        alerts.append(t("dash.blangko.shortfall", shortfall=format_int(f.shortfall)))
    return Tile("blangko", t("dash.blangko.title"), format_int(f.balance), tuple(lines), tuple(alerts))


def suket_tile(today: date) -> Tile:
    c = suket.counts(today)
    lines = (t("dash.suket.expiring", count=format_int(c.expiring)),
             t("dash.suket.expired", count=format_int(c.expired)))
    alerts = []
    if c.expiring:
        alerts.append(t("dash.suket.renew", count=format_int(c.expiring)))
    if c.expired:
        alerts.append(t("dash.suket.expired_alert", count=format_int(c.expired)))
    return Tile("suket", t("dash.suket.title"), format_int(c.open), lines, tuple(alerts))


def reports_tile(today: date) -> Tile:
    states = report_deadlines.status(today)
    late = [d for d in states if d.state == "late"]
    due = [d for d in states if d.state == "due"]
    lines = []
    for report in report_deadlines.MONTHLY:
        mine = [d for d in states if d.report == report]
        last_sent = next((d for d in reversed(mine) if d.state in ("sent", "sent_late")), None)
        upcoming = next((d for d in mine if d.state == "upcoming"), None)
        for shown in (last_sent, upcoming):
            if shown is not None:
                lines.append(report_deadlines.describe(shown))
    alerts = tuple(report_deadlines.describe(d) for d in late + due)
    return Tile("reports", t("dash.reports.title"), t("dash.reports.value", late=len(late), due=len(due)),
                tuple(lines), alerts)


def days_tile(today: date) -> Tile:
    lock = day_lock.lock_in_force(today)
    lines = [t("dash.days.today_locked", by=lock.locked_by) if lock else t("dash.days.today_open")]
    waiting = day_review.unlocked_days_with_work(today)
    alerts = ()
    if waiting:
        shown = ", ".join(format_date(d) for d in waiting[-5:])
        alerts = (t("dash.days.unlocked", count=len(waiting), days=shown),)
    else:
        lines.append(t("dash.days.all_locked"))
    return Tile("days", t("dash.days.title"), t("dash.days.locked") if lock else t("dash.days.open"),
                tuple(lines), alerts)


def outages_tile(today: date) -> Tile:
    """The outages open now; one cutting the central link is an alert (printing and listings wait)."""
    from dukcapil_tui.services import outages

    rows = outages.list_outages(open_only=True)
    lines, alerts = [], []
    for row in rows:
        text = t("dash.outages.line", kind=t(f"outage.kind.{row.kind}"), scope=outages.describe_scope(row.site_code),
                 since=outages.when(row.started_at), hours=format_decimal(row.hours, 1))
        (alerts if row.needs_link else lines).append(text)
    if not rows:
        lines.append(t("dash.outages.none"))
    return Tile("outages", t("dash.outages.title"), format_int(len(rows)), tuple(lines), tuple(alerts))


def devices_tile(today: date) -> Tile:
    """Devices out of service by site, and their share of the register ("% rusak")."""
    from dukcapil_tui.services import devices

    out = devices.out_by_site()
    total = database.execute_sql("SELECT COUNT(*) FROM device").fetchone()[0]
    broken = sum(out.values())
    share = format_decimal(100 * broken / total, 1) + " %" if total else "-"
    lines = [t("dash.devices.share", total=format_int(total), share=share)]
    alerts = tuple(t("dash.devices.site", site=site, count=format_int(count)) for site, count in sorted(out.items()))
    return Tile("devices", t("dash.devices.title"), format_int(broken), tuple(lines), alerts)


TILES: list[TileSpec] = [
    TileSpec("queue", "queue_summary", queue_tile, every=5),
    TileSpec("recordings", "day_review", recordings_tile, every=15),
    TileSpec("backlog", "cetak", backlog_tile, every=30),
    TileSpec("blangko", "blangko", blangko_tile, every=30),
    TileSpec("suket", "penyerahan", suket_tile, every=30),
    TileSpec("reports", "laporan", reports_tile, every=60),
    TileSpec("days", "day_review", days_tile, every=30),
    TileSpec("outages", "outages", outages_tile, every=30),
    TileSpec("devices", "devices", devices_tile, every=60),
]


def spec(key: str) -> TileSpec:
    return next(s for s in TILES if s.key == key)


def snapshot(today: date | None = None) -> list[Tile]:
    """Every tile, read now (one read transaction: the tiles agree with each other)."""
    today = today or settings.office_today()
    with dbmod.snapshot():
        return [s.read(today) for s in TILES]
