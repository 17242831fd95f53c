"""The waiting-room board (`dukcapil board`): who is being called where, and who is next.

A separate, read-only Textual app for a terminal facing the waiting room: no login, no
keys but Ctrl+Q. "Now serving" per counter in large type (a number just called is marked
for a few seconds), the next numbers and the count waiting per service, and the time.
It polls the queue version every two seconds and reloads only when the queue moved.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from peewee import PeeweeException
from rich.markup import escape
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label

from dukcapil_tui import db as dbmod
from dukcapil_tui import paths
from dukcapil_tui.db import database
from dukcapil_tui.domain.formatting import format_date, format_int, to_local, zone_abbreviation
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import in_db, translate_bindings
from dukcapil_tui.services.queue_stats import CounterNow, ServiceNext
from dukcapil_tui.widgets.bigtext import BigText
from dukcapil_tui.widgets.queue_watch import QueueWatch, read_version

FRESH_SECONDS = 8.0  # how long a newly called number stays marked


class CounterPanel(Vertical):
    """One counter: its name, the number at it in large type, and whether it is called or served."""

    def __init__(self, counter: CounterNow) -> None:
        super().__init__(classes="board-counter", id=f"board-counter-{counter.number}")
        self.counter = counter
        self._fresh: Timer | None = None

    def compose(self) -> ComposeResult:
        from dukcapil_tui.services.queue_views import counter_title

        yield Label(escape(counter_title(self.counter.number, self.counter.name).upper()), classes="board-counter-name")
        yield BigText("", classes="board-label")
        yield Label("", classes="board-state")

    def on_mount(self) -> None:
        self.show(self.counter, fresh=False)

    def show(self, counter: CounterNow, fresh: bool) -> None:
        self.counter = counter
        self.query_one(BigText).set_text(counter.label or "-")
        state = self.query_one(".board-state", Label)
        if counter.label is None:
            state.update(t("queue_ui.board_idle"))
        elif counter.status == "called":
            state.update(("► " if fresh else "") + t("queue_ui.board_called", label=counter.label))
        else:
            state.update(t("queue_ui.board_serving", label=counter.label))
        if fresh:
            self.add_class("-fresh")
            if self._fresh is not None:
                self._fresh.stop()
            self._fresh = self.set_timer(FRESH_SECONDS, self._settle)

    def _settle(self) -> None:
        self.remove_class("-fresh")
        if self.counter.label and self.counter.status == "called":
            self.query_one(".board-state", Label).update(t("queue_ui.board_called", label=self.counter.label))


class BoardApp(App):
    CSS_PATH = "board.tcss"
    TITLE = "Dukcapil TUI"
    BINDINGS = [Binding("ctrl+q", "quit", "app.quit", priority=True)]

    class Loaded(Message):
        def __init__(self, counters: list[CounterNow], services: list[ServiceNext], version: int, day: date) -> None:
            super().__init__()
            self.counters = counters
            self.services = services
            self.version = version
            self.day = day

    class Failed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, db_path: Path | str) -> None:
        super().__init__()
        translate_bindings(self)
        self.db_path = db_path if dbmod.is_url(db_path) else Path(db_path)
        self.office_settings: dict[str, str] = {}
        self.shown: dict[int, str | None] = {}  # counter -> label on the board

    def compose(self) -> ComposeResult:
        with Horizontal(id="board-top"):
            yield Label("", id="board-office")
            yield Label("", id="board-clock")
        yield Label(t("queue_ui.board_now_serving"), id="board-heading", classes="board-heading")
        yield Grid(id="board-counters")
        yield Label(t("queue_ui.board_next"), classes="board-heading")
        yield Vertical(id="board-services")
        yield Label("", id="board-status")
        yield QueueWatch(id="board-watch")

    def on_mount(self) -> None:
        try:
            dbmod.open_database(self.db_path, backup_dir=paths.backup_dir())
            from dukcapil_tui.services import settings

            self.office_settings = settings.all_settings()
        except dbmod.DatabaseError as exc:
            self.exit(return_code=2, message=str(exc))
            return
        finally:
            if database.obj is not None:
                database.close()  # workers open their own connections
        office = self.office_settings.get("office_name") or t("app.title")
        self.title = office
        self.query_one("#board-office", Label).update(escape(office.upper()))
        self._tick()
        self.set_interval(1.0, self._tick)
        self._load()

    @property
    def timezone(self) -> str:
        return self.office_settings.get("timezone", "Asia/Makassar")

    def _tick(self) -> None:
        from dukcapil_tui.services import context

        now = to_local(context.now_utc(), self.timezone)
        self.query_one("#board-clock", Label).update(
            f"{format_date(now.date())}  {now.strftime('%H:%M:%S')} {zone_abbreviation(self.timezone)}")

    @on(QueueWatch.Changed)
    def _changed(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="board-load", exit_on_error=False)
    def _load(self) -> None:
        from dukcapil_tui.services import queue_stats

        def load():
            version, day = read_version()
            counters, services = queue_stats.board(day)
            return counters, services, version, day

        try:
            self.post_message(self.Loaded(*in_db(load)))
        except PeeweeException as exc:
            self.post_message(self.Failed(str(exc)))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#board-status", Label).update(escape(t("queue_ui.board_failed", reason=message.reason)))
        self.query_one(QueueWatch).mark(-1, date.min)  # try again at the next tick

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        self.query_one(QueueWatch).mark(message.version, message.day)
        self.query_one("#board-status", Label).update("")
        grid = self.query_one("#board-counters", Grid)
        panels = {panel.counter.number: panel for panel in grid.query(CounterPanel)}
        if sorted(panels) != [c.number for c in message.counters]:  # first load, or counters changed
            await grid.remove_children()
            grid.styles.grid_size_columns = 2 if len(message.counters) <= 4 else 3
            await grid.mount_all([CounterPanel(c) for c in message.counters])
            self.shown = {c.number: c.label for c in message.counters}
        else:
            for counter in message.counters:
                fresh = counter.label is not None and self.shown.get(counter.number) != counter.label
                panels[counter.number].show(counter, fresh)
                self.shown[counter.number] = counter.label
        await self._show_services(message.services)

    async def _show_services(self, services: list[ServiceNext]) -> None:
        box = self.query_one("#board-services", Vertical)
        lines = []
        for s in services:
            upcoming = "  ".join(s.next_labels) if s.next_labels else "-"
            lines.append(t("queue_ui.board_service_line", prefix=s.prefix.ljust(3), name=s.name[:36].ljust(36),
                           waiting=format_int(s.waiting).rjust(4), next=upcoming))
        labels = list(box.query(Label))
        if len(labels) != len(lines):
            await box.remove_children()
            await box.mount_all([Label(escape(line), classes="board-service") for line in lines])
        else:
            for label, line in zip(labels, lines):
                label.update(escape(line))
