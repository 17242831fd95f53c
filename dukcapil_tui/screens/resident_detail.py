"""One resident: every field, what the NIK says, and whether they must hold an e-KTP (and why)."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Label

from dukcapil_tui.domain import residents as rules
from dukcapil_tui.domain.formatting import format_date, format_datetime
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.services import residents as service


class ResidentDetailScreen(BaseScreen):
    section_id = "residents"
    BINDINGS = [
        Binding("ctrl+e", "edit", "residents.edit", priority=True),  # over the search field's "end"
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, view: service.ResidentView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, resident_id: int) -> None:
        super().__init__()
        self.resident_id = resident_id
        self.screen_title = t("residents.detail_title")
        self._saved_nik: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Label(t("residents.loading"), id="detail-title", classes="section-title")
            yield Grid(id="detail-grid")
            yield Label(t("nik.reading"), classes="section-title")
            yield Grid(id="detail-nik")
            yield Label("", id="detail-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("residents.detail_title")
        self._load()

    @work(thread=True, exclusive=True, group="resident-detail", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(in_db(service.view, self.resident_id, self.app.today())))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        view = message.view
        r = view.resident
        self.query_one("#detail-title", Label).update(f"{escape(r.name)} · {r.nik}")
        wajib = f"{t('yes') if view.wajib.required else t('no')} — {view.wajib.reason}"
        rows = [
            ("resident.field.nik", r.nik),
            ("resident.field.name", r.name),
            ("resident.field.birth_place", r.birth_place or "-"),
            ("resident.field.birth_date", f"{format_date(r.birth_date)} ({view.age} th)"),
            ("resident.field.sex", rules.sex_label(r.sex)),
            ("resident.field.address", f"{r.address or '-'}  RT {r.rt or '-'} / RW {r.rw or '-'}"),
            ("resident.field.desa_code", f"{view.desa_name} ({r.desa_code})"),
            ("resident.field.kecamatan", f"{view.kecamatan_name} ({r.kecamatan_code})"),
            ("resident.field.marital_status", rules.marital_label(r.marital_status)),
            ("resident.field.recording_status", rules.recording_label(r.recording_status)),
            ("resident.field.life_status", rules.life_label(r.life_status)
             + (f" ({format_date(r.life_status_on)})" if r.life_status_on else "")),
            ("wajib.label", wajib),
            ("resident.field.updated_at", format_datetime(r.updated_at, self.app.timezone)),
        ]
        self._fill("#detail-grid", [(t(k), v) for k, v in rows])
        reading = view.reading
        nik_rows = [
            (t("nik.region"), f"{reading.kecamatan_code} {view.region_name or t('nik.unknown_region')}"),
            (t("nik.birth_date"), format_date(reading.birth_date)),
            (t("nik.sex"), rules.sex_label(reading.sex) if reading.sex else "-"),
            (t("nik.sequence"), reading.sequence or "-"),
        ]
        self._fill("#detail-nik", nik_rows)
        notes = [f"{t('nik.error')}: {p.message}" for p in reading.errors]
        notes += [f"{t('nik.warning')}: {p.message}" for p in reading.warnings]
        self.query_one("#detail-notes", Label).update(escape("\n".join(notes)) if notes else t("nik.valid"))

    def _fill(self, selector: str, rows: list[tuple[str, str]]) -> None:
        grid = self.query_one(selector, Grid)
        grid.remove_children()
        for label, value in rows:
            grid.mount(Label(label, classes="detail-label"), Label(escape(str(value)), classes="detail-value"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.app.actor is not None and self.app.actor.role in service.EDITOR_ROLES
        return True

    def action_edit(self) -> None:
        from dukcapil_tui.screens.resident_form import ResidentFormScreen

        self.app.push_screen(ResidentFormScreen(self.resident_id), self._edited)

    def _edited(self, nik: str | None) -> None:
        if nik:
            self._saved_nik = nik
            self._load()

    def action_back(self) -> None:
        self.dismiss(self._saved_nik)
