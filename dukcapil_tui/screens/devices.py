"""Daftar alat: the device register by site (recording sets with their parts after them, card
printers), each with its status and since when; the share out of service. F3 registers a
device (admin); R records the selected one broken, K sent for repair, B back in service."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

from dukcapil_tui.domain import devices as rules
from dukcapil_tui.domain.formatting import format_date, format_percent
from dukcapil_tui.i18n import t
from dukcapil_tui.screens.log_screen import LogScreen
from dukcapil_tui.services import devices, sites
from dukcapil_tui.widgets.form_modal import FormField, FormModal

# the screen's keys -> the register's events
EVENTS = {"broken": "broken", "sent": "sent_for_repair", "repaired": "repaired"}


class DevicesScreen(LogScreen):
    section_id = "devices"
    prefix = "devices"
    columns = ("id", "kind", "serial", "site", "set", "status", "since", "note")
    BINDINGS = [
        Binding("f3", "new", "devices.ui.new"),
        Binding("r", "event('broken')", "devices.ui.broken"),
        Binding("k", "event('sent')", "devices.ui.sent"),
        Binding("b", "event('repaired')", "devices.ui.repaired"),
        Binding("escape", "back", "app.back"),
    ]

    def read(self) -> tuple[list, object]:
        return devices.list_devices(), None

    def show(self, table: DataTable, extra: object) -> str:
        for row in self.rows:
            note = f"{row.place} {row.document}".strip() if row.status == "in_repair" else row.name
            table.add_row(str(row.id), ("  " if row.set_id else "") + t(f"device.kind.{row.kind}"), row.serial or "-",
                          row.site_code, f"#{row.set_id}" if row.set_id else "-", t(f"device.status.{row.status}"),
                          format_date(row.since), note, key=str(row.id))
        out = sum(1 for r in self.rows if r.out)
        return t("devices.ui.heading", total=len(self.rows), out=out, share=format_percent(out, len(self.rows), 1))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            return self.app.actor is not None and self.app.actor.role in devices.ADMIN_ROLES
        if action == "event":
            row = self.selected()
            if row is None:
                return None
            allowed, _ = rules.MOVES[EVENTS[str(parameters[0])]]
            return row.status in allowed or None
        return True

    def action_new(self) -> None:
        actor = self.app.actor
        fields = [
            FormField("kind", t("device.field.kind"), "select",
                      tuple((k, t(f"device.kind.{k}")) for k in rules.KINDS), value="recording_set"),
            FormField("serial", t("device.field.serial"), max_length=rules.MAX_SERIAL),
            FormField("site", t("device.field.site"), "select", tuple(self.site_codes), value=sites.DEFAULT_SITE),
            FormField("set", t("device.field.set"), max_length=60, hint=t("devices.ui.set_hint")),
            FormField("name", t("device.field.name"), max_length=rules.MAX_NAME),
            FormField("day", t("device.field.day"), max_length=10, placeholder="DD-MM-YYYY"),
        ]
        self.app.push_screen(FormModal(t("devices.ui.new"), fields, lambda v: devices.add(actor, v)), self.saved)

    def action_event(self, key: str) -> None:
        row = self.selected()
        if row is None:
            return
        event = EVENTS[key]
        actor = self.app.actor
        fields = [FormField("day", t("device.field.day"), max_length=10, placeholder="DD-MM-YYYY")]
        if event == "sent_for_repair":
            fields += [FormField("place", t("device.field.place"), max_length=rules.MAX_TEXT),
                       FormField("document", t("device.field.document"), max_length=rules.MAX_TEXT)]
        fields.append(FormField("note", t("device.field.note"), max_length=rules.MAX_TEXT))
        title = t("devices.ui.event_title", event=t(f"device.event.{event}"),
                  device=f"#{row.id} {t(f'device.kind.{row.kind}')} {row.serial}".strip())
        self.app.push_screen(FormModal(title, fields, lambda v: devices.record(actor, row.id, event, v)), self.saved)
