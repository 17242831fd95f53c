"""Penduduk: search by NIK or name prefix, filter by kecamatan and desa, page through results.

Pages are read at the database with keyset paging, so the first and the ten-thousandth page
cost the same at a million residents; the table only ever holds one page.
"""

from __future__ import annotations

from rich.markup import escape

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Select

from dukcapil_tui.domain import residents as rules
from dukcapil_tui.domain.formatting import format_date
from dukcapil_tui.domain.handling import shown_name
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.services import regions
from dukcapil_tui.services import residents as service
from dukcapil_tui.services.residents import Page, ResidentQuery
from dukcapil_tui.widgets.paged_table import PagedTable

SEARCH_DELAY = 0.25


class ResidentsScreen(BaseScreen):
    section_id = "residents"
    screen_title = ""
    BINDINGS = [
        Binding("ctrl+f", "focus_search", "residents.focus_search"),
        Binding("pagedown", "next_page", "residents.next_page", priority=True),
        Binding("pageup", "prev_page", "residents.prev_page", priority=True),
        Binding("f3", "new", "residents.new"),
        Binding("ctrl+e", "edit", "residents.edit", priority=True),  # over the search field's "end"
        Binding("ctrl+r", "reload", "residents.refresh"),
        Binding("escape", "back", "app.back"),
    ]

    class RegionsLoaded(Message):
        def __init__(self, index: regions.RegionIndex) -> None:
            super().__init__()
            self.index = index

    class PageLoaded(Message):
        def __init__(self, token: int, page: Page) -> None:
            super().__init__()
            self.token = token
            self.page = page

    def __init__(self) -> None:
        super().__init__()
        self._index: regions.RegionIndex | None = None
        self._page: Page | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="residents-body"):
            with Horizontal(id="residents-filters"):
                yield Input(placeholder=t("residents.search"), id="search", max_length=60)
                yield Select([], prompt=t("residents.all_kecamatan"), id="kecamatan")
                yield Select([], prompt=t("residents.all_desa"), id="desa")
            yield PagedTable(id="residents-table")
            yield Label(t("residents.loading"), id="residents-status")
        yield Footer()

    def on_mount(self) -> None:
        self.screen_title = t("residents.title")
        self.sub_title = t("residents.title")
        table = self.query_one(PagedTable)
        table.add_column(t("resident.field.nik"), key="nik", width=16)
        table.add_column(t("resident.field.name"), key="name")
        table.add_column(t("residents.col.sex"), key="sex")
        table.add_column(t("residents.col.birth_date"), key="birth_date")
        table.add_column(t("resident.field.age"), key="age")
        table.add_column(t("resident.field.desa_code"), key="desa")
        table.add_column(t("resident.field.kecamatan"), key="kecamatan")
        table.add_column(t("residents.col.recording"), key="recording")
        self.query_one("#search", Input).focus()
        self._load_regions()
        self._load_page(table.request())

    # --- loading -------------------------------------------------------------------------
    @work(thread=True, group="residents-regions", exit_on_error=False)
    def _load_regions(self) -> None:
        self.post_message(self.RegionsLoaded(in_db(regions.index)))

    @on(RegionsLoaded)
    def _regions_loaded(self, message: RegionsLoaded) -> None:
        self._index = message.index
        self.query_one("#kecamatan", Select).set_options([(name, code) for code, name in message.index.kecamatan])
        if self._page is not None:
            self._render_page(self._page)

    def current_query(self) -> ResidentQuery:
        kecamatan = self.query_one("#kecamatan", Select).value
        desa = self.query_one("#desa", Select).value
        return ResidentQuery(
            text=self.query_one("#search", Input).value,
            kecamatan_code=kecamatan if isinstance(kecamatan, str) else None,
            desa_code=desa if isinstance(desa, str) else None,
        )

    def _load_page(self, token: int | None) -> None:
        if token is not None:
            table = self.query_one(PagedTable)
            self._fetch(token, self.current_query(), table.cursor, table.page_size)

    @work(thread=True, group="residents-page", exit_on_error=False)
    def _fetch(self, token: int, query: ResidentQuery, after: tuple | None, size: int) -> None:
        page = in_db(service.search, query, after, size)
        self.post_message(self.PageLoaded(token, page))

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        if not self.query_one(PagedTable).current(message.token):
            return  # an older request finished after a newer one was made
        self._page = message.page
        self._render_page(message.page)

    def _render_page(self, page: Page) -> None:
        table = self.query_one(PagedTable)
        today = self.app.today()
        index = self._index
        role = self.app.actor.role if self.app.actor else None
        table.fill(((str(r.id), (
            r.nik, shown_name(r.name, r.name_protected, role), r.sex, format_date(r.birth_date),
            str(rules.age_on(r.birth_date, today)),
            index.name(r.desa_code) if index else r.desa_code,
            index.name(r.desa_code[:8]) if index else r.desa_code[:8],
            rules.recording_label(r.recording_status))) for r in page.rows),
            page.next_cursor if page.has_more else None)
        self.refresh_bindings()
        status = self.query_one("#residents-status", Label)
        if not page.rows:
            query = self.current_query()
            digits = query.digits
            if query.problem:  # full-width digits: nobody is found, and the clerk must know why
                status.update(escape(query.problem))
            elif digits and len(digits) == 16:
                status.update(t("residents.search_nik_notfound", nik=digits))
            else:
                status.update(t("residents.none"))
            return
        status.update(table.status(""))

    def _restart(self) -> None:
        self._load_page(self.query_one(PagedTable).restart())

    # --- filters -------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self._restart)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._restart()
        self.query_one(DataTable).focus()

    @on(Select.Changed, "#kecamatan")
    def _kecamatan_changed(self, event: Select.Changed) -> None:
        desa = self.query_one("#desa", Select)
        if isinstance(event.value, str) and self._index:
            desa.set_options([(name, code) for code, name in self._index.desa_by_kecamatan.get(event.value, ())])
        else:
            desa.set_options([])
        self._restart()

    @on(Select.Changed, "#desa")
    def _desa_changed(self) -> None:
        self._restart()

    # --- actions -------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_next_page(self) -> None:
        self._load_page(self.query_one(PagedTable).forward())

    def action_prev_page(self) -> None:
        self._load_page(self.query_one(PagedTable).back())

    def action_reload(self) -> None:
        self._load_page(self.query_one(PagedTable).request())

    def action_back(self) -> None:
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return self.query_one(PagedTable).has_next or None
        if action == "prev_page":
            return self.query_one(PagedTable).has_previous or None
        if action in ("new", "edit"):
            role_ok = self.app.actor is not None and self.app.actor.role in service.EDITOR_ROLES
            if not role_ok:
                return False
            if action == "edit":
                return self._selected_id() is not None or None
        return True

    def _selected_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _open_detail(self, event: DataTable.RowSelected) -> None:
        from dukcapil_tui.screens.resident_detail import ResidentDetailScreen

        self.app.push_screen(ResidentDetailScreen(int(event.row_key.value)), self._after_change)

    def action_new(self) -> None:
        from dukcapil_tui.screens.resident_form import ResidentFormScreen

        digits = self.current_query().digits
        prefill = digits if digits and len(digits) == 16 else ""
        self.app.push_screen(ResidentFormScreen(None, nik=prefill), self._after_change)

    def action_edit(self) -> None:
        from dukcapil_tui.screens.resident_form import ResidentFormScreen

        resident_id = self._selected_id()
        if resident_id is not None:
            self.app.push_screen(ResidentFormScreen(resident_id), self._after_change)

    def _after_change(self, result: str | None) -> None:
        """A form or detail view closed; ``result`` is the NIK saved, if any."""
        if result:
            search = self.query_one("#search", Input)
            search.value = result
            if self._timer is not None:
                self._timer.stop()
            self._restart()
        else:
            self.action_reload()
