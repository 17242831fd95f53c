"""Lokasi perekaman: the recording sites (the Dinas, the kecamatan UPTs, mobile units) with what
each recorded on a day and in its month and what it has in the backlog (not sent, at the
centre); the workstations and the site each records at. PgUp/PgDn change the day; the admin
adds (F3) and edits (E) sites and places a workstation (W)."""

from __future__ import annotations

from datetime import date, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from dukcapil_tui.domain import sites as site_rules
from dukcapil_tui.domain.formatting import format_date, format_int
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.services import devices, regions, sites, workstations
from dukcapil_tui.widgets.form_modal import FormField, FormModal, saved_message


class SitesScreen(BaseScreen):
    section_id = "sites"
    BINDINGS = [
        Binding("pageup", "day(-1)", "sites.ui.previous_day", priority=True),
        Binding("pagedown", "day(1)", "sites.ui.next_day", priority=True),
        Binding("f3", "new", "sites.ui.new"),
        Binding("e", "edit", "residents.edit"),
        Binding("w", "place", "sites.ui.place"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, day: date, rows: list, stations: list, index, devices_out: dict[str, int]) -> None:
            super().__init__()
            self.day, self.rows, self.stations, self.index = day, rows, stations, index
            self.devices_out = devices_out

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("sites.ui.title")
        self.day: date | None = None
        self.rows: list[sites.SiteActivity] = []
        self.stations: list = []
        self._index = None
        self._devices_out: dict[str, int] = {}  # an open device failure shows on its site

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sites-body"):
            yield Label("", id="sites-title", classes="section-title")
            yield DataTable(id="sites-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("sites.ui.workstations"), classes="section-title")
            yield DataTable(id="stations-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("sites.ui.hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one("#sites-table", DataTable)
        for key in ("code", "name", "kind", "kecamatan", "day", "month", "unsent", "centre", "devices_out"):
            table.add_column(t(f"sites.col.{key}"), key=key)
        stations = self.query_one("#stations-table", DataTable)
        for key in ("workstation", "name", "site"):
            stations.add_column(t(f"sites.col.{key}"), key=key)
        table.focus()
        self._load(self.app.today())

    @work(thread=True, exclusive=True, group="sites", exit_on_error=False)
    def _load(self, day: date) -> None:
        def read():
            return sites.activity(day), workstations.list_workstations(), regions.index(), devices.out_by_site()

        self.post_message(self.Loaded(day, *in_db(read)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.day, self.rows, self.stations, self._index = message.day, message.rows, message.stations, message.index
        self._devices_out = message.devices_out
        self.query_one("#sites-title", Label).update(t("sites.ui.heading", day=format_date(message.day)))
        table = self.query_one("#sites-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in message.rows:
            name = row.name + ("" if row.active else f" ({t('user.status_disabled')})")
            table.add_row(row.code or "-", name, t(f"site.kind.{row.kind}"),
                          message.index.name(row.kecamatan_code) if row.kecamatan_code else "-",
                          format_int(row.recorded_day), format_int(row.recorded_month), format_int(row.unsent),
                          format_int(row.at_centre),
                          format_int(self._devices_out.get(row.code, 0)) if row.code else "-", key=row.code or "-")
        table.add_row(t("backlog.total"), "", "", "", format_int(sum(r.recorded_day for r in message.rows)),
                      format_int(sum(r.recorded_month for r in message.rows)),
                      format_int(sum(r.unsent for r in message.rows)),
                      format_int(sum(r.at_centre for r in message.rows)),
                      format_int(sum(self._devices_out.values())), key="_total")
        table.move_cursor(row=min(cursor, max(0, len(message.rows) - 1)))
        stations = self.query_one("#stations-table", DataTable)
        stations.clear()
        for station in message.stations:
            stations.add_row(station.code, station.name or "-", station.site_code or site_rules.DEFAULT_SITE,
                             key=station.code)
        self.refresh_bindings()

    def _site(self) -> sites.SiteActivity | None:
        table = self.query_one("#sites-table", DataTable)
        if self.focused is not table or table.cursor_row >= len(self.rows):
            return None
        row = self.rows[table.cursor_row]
        return row if row.code else None

    def _station(self):
        table = self.query_one("#stations-table", DataTable)
        if self.focused is not table or not self.stations or table.cursor_row >= len(self.stations):
            return None
        return self.stations[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        admin = self.app.actor is not None and self.app.actor.role in sites.ADMIN_ROLES
        if action == "new":
            return admin
        if action == "edit":
            return (self._site() is not None or None) if admin else False
        if action == "place":
            return (self._station() is not None or None) if admin else False
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_day(self, step: int) -> None:
        if self.day is not None:
            day = self.day + timedelta(days=step)
            if day <= self.app.today():
                self._load(day)

    def action_back(self) -> None:
        self.app.pop_screen()

    def _fields(self, row: sites.SiteActivity | None) -> list[FormField]:
        kecamatan = tuple((code, name) for code, name in (self._index.kecamatan if self._index else ()))
        fields = [] if row else [FormField("code", t("site.field.code"), max_length=32, hint=t("sites.ui.code_hint"))]
        fields += [
            FormField("name", t("site.field.name"), value=row.name if row else "", max_length=site_rules.MAX_NAME),
            FormField("kind", t("site.field.kind"), "select", tuple((k, t(f"site.kind.{k}")) for k in site_rules.KINDS),
                      value=row.kind if row else "upt"),
            FormField("kecamatan_code", t("site.field.kecamatan_code"), "select", kecamatan,
                      value=(row.kecamatan_code or "") if row else ""),
            FormField("active", t("site.field.active"), "checkbox", value=row.active if row else True),
        ]
        return fields

    def action_new(self) -> None:
        actor = self.app.actor
        self.app.push_screen(FormModal(t("sites.ui.new"), self._fields(None), lambda v: sites.save(actor, v)),
                             lambda result: self._saved(t("sites.ui.new"), result))

    def action_edit(self) -> None:
        row = self._site()
        if row is None:
            return
        actor = self.app.actor
        self.app.push_screen(FormModal(t("sites.ui.edit", code=row.code), self._fields(row),
                                       lambda v: sites.save(actor, v, row.code)),
                             lambda result: self._saved(t("sites.ui.edit", code=row.code), result))

    def action_place(self) -> None:
        station = self._station()
        if station is None:
            return
        actor = self.app.actor
        choices = tuple((r.code, f"{r.code} · {r.name}") for r in self.rows if r.code and r.active)
        self.app.push_screen(FormModal(t("sites.ui.place_title", code=station.code), [
            FormField("site", t("sites.col.site"), "select", choices,
                      value=station.site_code or site_rules.DEFAULT_SITE),
        ], lambda v: sites.place(actor, station.code, v["site"] or None)),
            lambda result: self._saved(t("sites.ui.place_title", code=station.code), result))

    def _saved(self, title: str, result) -> None:
        if result is not None:
            self.app.notify(saved_message(title))
            self._load(self.day or self.app.today())
