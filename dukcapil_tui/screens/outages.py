"""Gangguan layanan: the outage log (network cuts, central-server blocks, power cuts, device
failures), newest first, with how long each lasted and the recordings it left unsent. F3 records
an outage, A ends the selected open one, O shows only the open ones or all, B the running
month per site (outages, hours and days lost)."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.widgets import DataTable

from dukcapil_tui.domain import outages as rules
from dukcapil_tui.domain.formatting import format_date, format_datetime, format_decimal, format_int
from dukcapil_tui.i18n import t
from dukcapil_tui.screens.log_screen import LogScreen
from dukcapil_tui.services import outages, settings
from dukcapil_tui.ui.base import in_db
from dukcapil_tui.widgets.form_modal import FormField, FormModal
from dukcapil_tui.widgets.messages import TextModal


class OutagesScreen(LogScreen):
    section_id = "outages"
    prefix = "outages"
    columns = ("id", "kind", "site", "started", "ended", "hours", "unsent", "by", "note")
    BINDINGS = [
        Binding("f3", "new", "outages.ui.new"),
        Binding("a", "end", "outages.ui.end"),
        Binding("o", "toggle_open", "outages.ui.open_only"),
        Binding("b", "month", "outages.ui.month"),
        Binding("escape", "back", "app.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.open_only = False

    def read(self) -> tuple[list, object]:
        return outages.list_outages(open_only=self.open_only), settings.office_timezone()

    def show(self, table: DataTable, zone: object) -> str:
        for row in self.rows:
            table.add_row(str(row.id), t(f"outage.kind.{row.kind}"), outages.describe_scope(row.site_code),
                          format_datetime(row.started_at, str(zone)),
                          format_datetime(row.ended_at, str(zone)) if row.ended_at else t("outage.open"),
                          format_decimal(row.hours, 1), format_int(row.unsent) if row.needs_link else "-",
                          row.created_by, row.note, key=str(row.id))
        still_open = sum(1 for r in self.rows if r.open)
        return (t("outages.ui.heading_open", count=still_open) if self.open_only
                else t("outages.ui.heading_all", count=len(self.rows), open=still_open))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end":
            row = self.selected()
            return row is not None and row.open or None
        return True

    @work(thread=True, group="outages-month", exit_on_error=False)
    def action_month(self) -> None:
        """The running month per site: outages, hours and days lost (the gangguan report's sheet)."""
        today = self.app.today()
        rows = in_db(outages.monthly, today.replace(day=1), today)
        lines = [t("outages.ui.month_line", site=row.code, count=row.outages, hours=format_decimal(row.hours, 1),
                   days=format_decimal(row.hours / 24, 1), touched=row.days_touched) for row in rows]
        title = t("outages.ui.month_title", first=format_date(today.replace(day=1)), last=format_date(today))
        self.app.call_from_thread(self.app.push_screen, TextModal(title, "\n".join(lines)))

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
        self.app.push_screen(FormModal(t("outages.ui.new"), fields, lambda v: outages.add(actor, v)), self.saved)

    def action_end(self) -> None:
        row = self.selected()
        if row is None or not row.open:
            return
        actor = self.app.actor
        self.app.push_screen(FormModal(t("outages.ui.end_title", id=row.id), [
            FormField("ended", t("outage.field.ended"), max_length=16, placeholder=t("outages.ui.now_placeholder")),
            FormField("note", t("outage.field.end_note"), max_length=rules.MAX_NOTE),
        ], lambda v: outages.end(actor, row.id, v)), self.saved)
