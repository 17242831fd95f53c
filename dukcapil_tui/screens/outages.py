"""Gangguan layanan: the outage log (network cuts, central-server blocks, power cuts, device
failures), newest first, with how long each lasted and the recordings it left unsent. F3 records
an outage, A ends the selected open one, O shows only the open ones or all."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from dukcapil_tui.domain import outages as rules
from dukcapil_tui.domain.formatting import format_decimal, format_int
from dukcapil_tui.i18n import t
from dukcapil_tui.services import outages, settings, sites
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.widgets.form_modal import FormField, FormModal


class OutagesScreen(BaseScreen):
    section_id = "outages"
    BINDINGS = [
        Binding("f3", "new", "outages.ui.new"),
        Binding("a", "end", "outages.ui.end"),
        Binding("o", "toggle_open", "outages.ui.open_only"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list, site_codes: list[tuple[str, str]]) -> None:
            super().__init__()
            self.rows, self.site_codes = rows, site_codes

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("outages.ui.title")
        self.open_only = False
        self.rows: list[outages.OutageRow] = []
        self.site_codes: list[tuple[str, str]] = []
        self._zone = "Asia/Makassar"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="outages-body"):
            yield Label("", id="outages-title", classes="section-title")
            yield DataTable(id="outages-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("outages.ui.hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one("#outages-table", DataTable)
        for key in ("id", "kind", "site", "started", "ended", "hours", "unsent", "by", "note"):
            table.add_column(t(f"outages.col.{key}"), key=key)
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="outages", exit_on_error=False)
    def _load(self) -> None:
        open_only = self.open_only

        def read():
            return (outages.list_outages(open_only=open_only),
                    [(s.code, f"{s.code} · {s.name}") for s in sites.list_sites(active_only=True)],
                    settings.office_timezone())

        rows, site_codes, zone = in_db(read)
        self._zone = zone
        self.post_message(self.Loaded(rows, site_codes))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        from dukcapil_tui.domain.formatting import format_datetime

        self.rows, self.site_codes = message.rows, message.site_codes
        still_open = sum(1 for r in message.rows if r.open)
        title = (t("outages.ui.heading_open", count=still_open) if self.open_only
                 else t("outages.ui.heading_all", count=len(message.rows), open=still_open))
        self.query_one("#outages-title", Label).update(title)
        table = self.query_one("#outages-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in message.rows:
            table.add_row(str(row.id), t(f"outage.kind.{row.kind}"), outages.describe_scope(row.site_code),
                          format_datetime(row.started_at, self._zone),
                          format_datetime(row.ended_at, self._zone) if row.ended_at else t("outage.open"),
                          format_decimal(row.hours, 1), format_int(row.unsent) if row.needs_link else "-",
                          row.created_by, row.note, key=str(row.id))
        table.move_cursor(row=min(cursor, max(0, len(message.rows) - 1)))
        self.refresh_bindings()

    def _selected(self) -> outages.OutageRow | None:
        table = self.query_one("#outages-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end":
            row = self._selected()
            return row is not None and row.open or None
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_open(self) -> None:
        self.open_only = not self.open_only
        self._load()

    def action_new(self) -> None:
        actor = self.app.actor
        scope = ((("", t("outage.scope.office")),) + tuple(self.site_codes))
        fields = [
            FormField("kind", t("outage.field.kind"), "select",
                      tuple((k, t(f"outage.kind.{k}")) for k in rules.KINDS), value="network"),
            FormField("site", t("outage.field.site"), "select", scope, value="", hint=t("outages.ui.site_hint")),
            FormField("started", t("outage.field.started"), max_length=16, placeholder=t("outages.ui.now_placeholder")),
            FormField("ended", t("outage.field.ended"), max_length=16, placeholder=t("outages.ui.open_placeholder")),
            FormField("note", t("outage.field.note"), max_length=rules.MAX_NOTE),
        ]
        self.app.push_screen(FormModal(t("outages.ui.new"), fields, lambda v: outages.add(actor, v)), self._saved)

    def action_end(self) -> None:
        row = self._selected()
        if row is None or not row.open:
            return
        actor = self.app.actor
        self.app.push_screen(FormModal(t("outages.ui.end_title", id=row.id), [
            FormField("ended", t("outage.field.ended"), max_length=16, placeholder=t("outages.ui.now_placeholder")),
            FormField("note", t("outage.field.end_note"), max_length=rules.MAX_NOTE),
        ], lambda v: outages.end(actor, row.id, v)), self._saved)

    def _saved(self, result) -> None:
        if result is not None:
            self.app.notify(t("outages.ui.saved"))
            self._load()
