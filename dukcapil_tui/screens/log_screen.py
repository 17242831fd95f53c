"""A register shown as one table (the outage log, the device register): a heading, the rows read
on a worker with the active sites the forms offer, the selected row, and a reload after a form
saved something."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from dukcapil_tui.i18n import t
from dukcapil_tui.services import sites
from dukcapil_tui.ui.base import BaseScreen, in_db


class LogScreen(BaseScreen):
    """Subclasses set ``prefix`` (widget ids and i18n keys: ``<prefix>.ui.title``,
    ``<prefix>.ui.hint``, ``<prefix>.ui.saved``, ``<prefix>.col.<column>``) and ``columns``,
    and write ``read`` (on the worker, in the database) and ``show`` (the rows into the table)."""

    prefix = ""
    columns: tuple[str, ...] = ()

    class Loaded(Message):
        def __init__(self, rows: list, site_codes: list[tuple[str, str]], extra: object) -> None:
            super().__init__()
            self.rows, self.site_codes, self.extra = rows, site_codes, extra

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t(f"{self.prefix}.ui.title")
        self.hint = t(f"{self.prefix}.ui.hint")
        self.rows: list = []
        self.site_codes: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id=f"{self.prefix}-body"):
            yield Label("", id=f"{self.prefix}-title", classes="section-title")
            yield DataTable(id=f"{self.prefix}-table", cursor_type="row", zebra_stripes=True)
            yield Label(self.hint, classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.table
        for key in self.columns:
            table.add_column(t(f"{self.prefix}.col.{key}"), key=key)
        table.focus()
        self._load()

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.prefix}-table", DataTable)

    def read(self) -> tuple[list, object]:
        """The rows and anything else ``show`` needs (worker thread, in the database)."""
        raise NotImplementedError

    def show(self, table: DataTable, extra: object) -> str:
        """Fill the table from ``self.rows``; return the heading."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="log-screen", exit_on_error=False)
    def _load(self) -> None:
        def read():
            rows, extra = self.read()
            return rows, [(s.code, f"{s.code} · {s.name}") for s in sites.list_sites(active_only=True)], extra

        self.post_message(self.Loaded(*in_db(read)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.rows, self.site_codes = message.rows, message.site_codes
        table = self.table
        cursor = table.cursor_row
        table.clear()
        self.query_one(f"#{self.prefix}-title", Label).update(self.show(table, message.extra))
        table.move_cursor(row=min(cursor, max(0, len(message.rows) - 1)))
        self.refresh_bindings()

    def selected(self):
        table = self.table
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def saved(self, result) -> None:
        if result is not None:
            self.app.notify(t(f"{self.prefix}.ui.saved"))
            self._load()
