"""Pengaturan kantor (admin): the office settings, listed and edited in one form."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.services import settings
from dukcapil_tui.widgets.form_modal import FormField, FormModal, saved_message


class SettingsScreen(BaseScreen):
    section_id = "pengaturan"
    BINDINGS = [
        Binding("e", "edit", "settings.edit"),
        Binding("enter", "edit", "settings.edit", show=False),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, values: dict[str, str]) -> None:
            super().__init__()
            self.values = values

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("settings.title")
        self._values: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="settings-body"):
            yield Label(t("settings.help"), classes="hint")
            yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one(DataTable)
        table.add_columns(t("settings.col.name"), t("laporan.value"))
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(in_db(settings.all_settings)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._values = message.values
        self.app.office_settings = dict(message.values)
        table = self.query_one(DataTable)
        table.clear()
        table.add_row(t("region.entity"), escape(f"{message.values['region_code']} {message.values['region_name']}"))
        for key in settings.EDITABLE:
            table.add_row(settings.label(key), escape(message.values.get(key, "")), key=key)

    def action_edit(self) -> None:
        if not self._values:
            return
        actor = self.app.actor
        fields = [FormField(key, settings.label(key), value=self._values.get(key, "")) for key in settings.EDITABLE]
        self.app.push_screen(
            FormModal(t("settings.title"), fields, lambda v: settings.put_many(actor, v)),
            lambda result: result is not None and (self.app.notify(saved_message(t("settings.title"))), self._load()),
        )

    def action_back(self) -> None:
        self.app.pop_screen()
