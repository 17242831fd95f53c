"""Layanan & loket (admin): the services residents queue for, and what each counter calls.

Two short lists (a handful of rows each, so no paging). Enter (or E) edits the highlighted
row of the focused list, F3 adds a service or a counter, Tab moves between the lists.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from dukcapil_tui.i18n import t
from dukcapil_tui.services import queue_views as data
from dukcapil_tui.ui.base import BaseScreen, in_db


class CatalogScreen(BaseScreen):
    section_id = "queue_catalog"
    BINDINGS = [
        Binding("f3", "new", "queue_ui.key.new"),
        Binding("e", "edit", "residents.edit", key_display="E/Enter"),
        Binding("ctrl+r", "reload", "residents.refresh"),
        Binding("l", "sites", "sites.ui.open"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, services: list[data.ServiceRow], counters: list[data.CounterRow]) -> None:
            super().__init__()
            self.services = services
            self.counters = counters

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("queue_ui.catalog_title")
        self.services: list[data.ServiceRow] = []
        self.counters: list[data.CounterRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="catalog-body"):
            yield Label(t("queue_ui.services_title"), classes="section-title")
            yield DataTable(id="services-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("queue_ui.counters_title"), classes="section-title")
            yield DataTable(id="counters-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("queue_ui.catalog_hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        services = self.query_one("#services-table", DataTable)
        for key in ("prefix", "code", "name", "quota", "records", "card_reason", "active"):
            services.add_column(t(f"queue_ui.scol.{key}"), key=key)
        counters = self.query_one("#counters-table", DataTable)
        for key in ("number", "name", "services", "active"):
            counters.add_column(t(f"queue_ui.ccol.{key}"), key=key)
        services.focus()
        self._load()

    @work(thread=True, exclusive=True, group="catalog-load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(*in_db(data.catalogue)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        from dukcapil_tui.screens.catalog_forms import card_reason_label

        self.services, self.counters = message.services, message.counters
        yes_no = {True: t("yes"), False: t("no")}
        table = self.query_one("#services-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for s in message.services:
            table.add_row(s.prefix, s.code, s.name, str(s.daily_quota) if s.daily_quota else t("queue_ui.no_limit"),
                          yes_no[s.records_biometrics], card_reason_label(s.card_reason), yes_no[s.active],
                          key=str(s.id))
        table.move_cursor(row=min(cursor, max(0, table.row_count - 1)))
        prefixes = {s.code: s.prefix for s in message.services}
        table = self.query_one("#counters-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for c in message.counters:
            served = ", ".join(prefixes.get(code, code) for code in c.codes) if c.codes else t("queue_ui.all_services")
            table.add_row(str(c.number), c.name, served, yes_no[c.active], key=str(c.number))
        table.move_cursor(row=min(cursor, max(0, table.row_count - 1)))

    def _focused_table(self) -> str:
        focused = self.focused
        return "counters" if focused is not None and focused.id == "counters-table" else "services"

    def _row(self) -> data.ServiceRow | data.CounterRow | None:
        kind = self._focused_table()
        table = self.query_one(f"#{kind}-table", DataTable)
        rows = self.services if kind == "services" else self.counters
        if not table.row_count or table.cursor_row >= len(rows):
            return None
        return rows[table.cursor_row]

    @on(DataTable.RowSelected)
    def action_edit(self) -> None:
        from dukcapil_tui.screens.catalog_forms import CounterFormModal, service_form

        row = self._row()
        if isinstance(row, data.ServiceRow):
            self.app.push_screen(service_form(row, self.app.actor), self._saved)
        elif isinstance(row, data.CounterRow):
            self.app.push_screen(CounterFormModal(row, self.services), self._saved)

    def action_new(self) -> None:
        from dukcapil_tui.screens.catalog_forms import CounterFormModal, service_form

        if self._focused_table() == "counters":
            number = max((c.number for c in self.counters), default=0) + 1
            self.app.push_screen(CounterFormModal(None, self.services, number), self._saved)
        else:
            self.app.push_screen(service_form(None, self.app.actor), self._saved)

    def _saved(self, name: object) -> None:
        if name:
            self.app.notify(t("queue_ui.saved", name=name), markup=False)
            self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new", "edit"):
            if self.app.actor is None or self.app.actor.role != "admin":
                return False
            if action == "edit":
                return self._row() is not None or None
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_reload(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_sites(self) -> None:
        from dukcapil_tui.screens.sites import SitesScreen

        self.app.push_screen(SitesScreen())
