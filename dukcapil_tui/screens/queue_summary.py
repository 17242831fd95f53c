"""Rekap antrian: one day of the queue per service, and closing the day.

Per service: tickets, served, failed or referred, no-shows, transfers, still open, closed, outcomes, and the
waiting and service times (median and 90th percentile, in minutes). PgUp/PgDn step a day;
Ctrl+T ends the day (close every open ticket, or carry the waiting ones to the next day) after
a confirmation, and shows what it did.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label

from dukcapil_tui.domain.formatting import format_date, format_decimal, format_int
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db, refusal_text, try_service
from dukcapil_tui.ui.day_chooser import DayChooser
from dukcapil_tui.services import queue, queue_stats
from dukcapil_tui.widgets.queue_watch import QueueWatch, read_version

END_OF_DAY_ROLES = ("admin", "loket")
COLUMNS = (
    ("service", "queue.field.service"), ("tickets", "queue_ui.col.tickets"), ("served", "queue_ui.col.served"),
    ("failed", "queue_ui.col.failed"), ("no_show", "queue_ui.col.no_show"), ("transferred", "queue_ui.col.transferred"),
    ("open", "queue_ui.col.open"), ("closed", "queue_ui.col.closed"), ("carried", "queue_ui.col.carried"),
    ("waiting", "queue_ui.col.waiting_time"),
    ("service_time", "queue_ui.col.service_time"),
)
SERVICE_WIDTH = 30


def minutes(value: float | None) -> str:
    return format_decimal(value, 1) if value is not None else "-"


class QueueSummaryScreen(DayChooser, BaseScreen):
    section_id = "queue_summary"
    BINDINGS = [
        Binding("pageup", "previous_day", "queue_ui.key.previous_day", priority=True),
        Binding("pagedown", "next_day", "queue_ui.key.next_day", priority=True),
        Binding("ctrl+t", "end_of_day", "queue_ui.key.end_of_day"),
        Binding("ctrl+r", "reload", "residents.refresh"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, day: date, rows: list[queue_stats.ServiceDay], version: int, today: date) -> None:
            super().__init__()
            self.day = day
            self.rows = rows
            self.version = version
            self.today = today

    class Closed(Message):
        def __init__(self, result: queue.DayClosed | None, error: str = "") -> None:
            super().__init__()
            self.result = result
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("queue_ui.summary_title")
        self.day: date | None = None
        self.rows: list[queue_stats.ServiceDay] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="summary-body"):
            with Horizontal(id="summary-head"):
                yield from self.compose_day_field()
                yield Label("", id="summary-totals")
            yield DataTable(id="summary-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("queue_ui.times_hint"), classes="hint")
            yield Label(t("queue_ui.col.outcomes"), classes="section-title")
            yield DataTable(id="summary-outcomes", cursor_type="row", zebra_stripes=True)
            yield Label("", id="summary-message")
        yield QueueWatch(id="summary-watch")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one("#summary-table", DataTable)
        for key, label in COLUMNS:
            table.add_column(t(label), key=key, width=SERVICE_WIDTH if key == "service" else None)
        outcomes = self.query_one("#summary-outcomes", DataTable)
        for key, label in (("service", "queue.field.service"), ("outcome", "queue.field.outcome"),
                           ("count", "queue_ui.col.count")):
            outcomes.add_column(t(label), key=key)
        self.day = self.app.today()
        self.query_one("#day", Input).value = format_date(self.day)
        table.focus()
        self._load(self.day)

    # --- loading -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="summary-load", exit_on_error=False)
    def _load(self, day: date) -> None:
        def load():
            version, today = read_version()
            return queue_stats.day_summary(day), version, today

        rows, version, today = in_db(load)
        self.post_message(self.Loaded(day, rows, version, today))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.day != self.day:
            return
        self.query_one(QueueWatch).mark(message.version, message.today)
        self.rows = message.rows
        table = self.query_one("#summary-table", DataTable)
        outcomes = self.query_one("#summary-outcomes", DataTable)
        table.clear()
        outcomes.clear()
        for row in message.rows:
            service = f"{row.prefix} · {row.service_name}"
            table.add_row(
                service,
                format_int(row.tickets),
                format_int(row.served),
                format_int(row.failed),
                format_int(row.no_show),
                format_int(row.transferred),
                format_int(row.still_open),
                format_int(row.closed),
                format_int(row.carried_over_out),
                f"{minutes(row.waiting_median)} / {minutes(row.waiting_p90)}",
                f"{minutes(row.service_median)} / {minutes(row.service_p90)}",
                key=row.service_code,
            )
            for name, count in sorted(row.outcomes.items()):
                outcomes.add_row(service, t(f"queue.outcome.{name}"), format_int(count))
        totals = self.query_one("#summary-totals", Label)
        if not message.rows:
            totals.update(t("queue_ui.summary_empty", day=format_date(message.day)))
        else:
            totals.update(t(
                "queue_ui.summary_totals", day=format_date(message.day),
                tickets=format_int(sum(r.tickets for r in message.rows)),
                served=format_int(sum(r.served for r in message.rows)),
                failed=format_int(sum(r.failed for r in message.rows)),
                no_show=format_int(sum(r.no_show for r in message.rows)),
                open=format_int(self.still_open)))
        self.refresh_bindings()

    @property
    def still_open(self) -> int:
        return sum(r.still_open for r in self.rows)

    @on(QueueWatch.Changed)
    def action_reload(self) -> None:
        if self.day is not None:
            self._load(self.day)

    # --- choosing the day (ui.day_chooser) ----------------------------------------------------------
    def show_day(self, day: date) -> None:
        self.query_one("#summary-message", Label).update("")
        self._load(day)

    @on(Input.Submitted, "#day")
    def _day_typed(self, event: Input.Submitted) -> None:
        if self.day_typed(event.value):
            self.query_one("#summary-table", DataTable).focus()

    # --- end of day --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end_of_day":
            if self.app.actor is None or self.app.actor.role not in END_OF_DAY_ROLES:
                return False
            # Also with nothing open on the counters: bookings nobody checked in are closed too.
            return (self.day is not None and self.day <= self.app.today()) or None
        if action == "next_day":
            return (self.day is not None and self.day < self.app.today()) or None
        return True

    def action_end_of_day(self) -> None:
        from dukcapil_tui.widgets.dialogs import PickModal

        if self.day is None or not self.still_open:
            return
        day = self.day
        options = [
            (t("queue_ui.eod_close"), "close"),
            (t("queue_ui.eod_carry", next=format_date(day + timedelta(days=1))), "carry"),
        ]
        title = t("queue_ui.eod_title", day=format_date(day), open=format_int(self.still_open))
        self.app.push_screen(PickModal(title, options, "close"), lambda choice: self._eod_chosen(day, choice))

    def _eod_chosen(self, day: date, choice: object) -> None:
        from dukcapil_tui.widgets.dialogs import ConfirmModal

        if choice not in ("close", "carry"):
            return
        carry = choice == "carry"
        lines = [t("queue_ui.eod_confirm_carry" if carry else "queue_ui.eod_confirm_close",
                   day=format_date(day), open=format_int(self.still_open)), t("queue_ui.eod_final")]

        def confirmed(go: bool | None) -> None:
            if go:
                self.query_one("#summary-message", Label).update(t("residents.loading"))
                self._end_day(day, carry)

        self.app.push_screen(ConfirmModal(t("queue_ui.eod_confirm_title"), lines), confirmed)

    @work(thread=True, exclusive=True, group="summary-eod", exit_on_error=False)
    def _end_day(self, day: date, carry: bool) -> None:
        result, problems = try_service(queue.end_of_day, self.app.actor, day, carry)
        self.post_message(self.Closed(None, refusal_text(problems)) if problems else self.Closed(result))

    @on(Closed)
    def _closed(self, message: Closed) -> None:
        label = self.query_one("#summary-message", Label)
        if message.result is None:
            label.update(escape(message.error))
            self.app.notify(message.error, severity="error", markup=False)
            return
        r = message.result
        text = t("queue_ui.eod_done", day=format_date(r.day), closed=format_int(r.closed),
                 carried=format_int(r.carried_over), next=format_date(r.day + timedelta(days=1)))
        label.update(escape(text))
        self.app.notify(text, markup=False)
        self.app.backup_in_background("day-close")
        self._load(self.day)

    def action_back(self) -> None:
        self.app.pop_screen()
