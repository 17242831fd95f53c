"""One resident: every field, what the NIK says, whether they must hold an e-KTP (and why), and
their special handling notes (Ctrl+K adds one, Ctrl+U ends one: the head and the desk and
counter staff). A name that may not be spoken is masked for the other roles."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Label

from dukcapil_tui.domain import resident_details as details
from dukcapil_tui.domain import residents as rules
from dukcapil_tui.domain.formatting import format_date, format_datetime
from dukcapil_tui.domain.handling import shown_name
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.services import residents as service


class ResidentDetailScreen(BaseScreen):
    section_id = "residents"
    BINDINGS = [
        Binding("ctrl+e", "edit", "residents.edit", priority=True),  # over the search field's "end"
        Binding("ctrl+k", "add_note", "handling.ui.add", priority=True),
        Binding("ctrl+u", "end_note", "handling.ui.end", priority=True),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, view: service.ResidentView, notes: list) -> None:
            super().__init__()
            self.view, self.notes = view, notes

    def __init__(self, resident_id: int) -> None:
        super().__init__()
        self.resident_id = resident_id
        self.screen_title = t("residents.detail_title")
        self._saved_nik: str | None = None
        self.notes: list = []  # services.handling.NoteRow, open

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Label(t("residents.loading"), id="detail-title", classes="section-title")
            yield Grid(id="detail-grid")
            yield Label(t("nik.reading"), classes="section-title")
            yield Grid(id="detail-nik")
            yield Label("", id="detail-notes")
            yield Label("", id="detail-handling")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("residents.detail_title")
        self._load()

    @work(thread=True, exclusive=True, group="resident-detail", exit_on_error=False)
    def _load(self) -> None:
        from dukcapil_tui.services import handling

        today = self.app.today()
        self.post_message(self.Loaded(*in_db(lambda: (service.view(self.resident_id, today),
                                                      handling.notes_for(self.resident_id)))))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        view = message.view
        r = view.resident
        self.notes = message.notes
        name = shown_name(r.name, bool(r.name_protected), self.app.actor.role if self.app.actor else None)
        self.query_one("#detail-title", Label).update(f"{escape(name)} · {r.nik}")
        self.query_one("#detail-handling", Label).update(
            escape(t("handling.line", notes="; ".join(f"#{n.id} {n.text}" for n in self.notes))) if self.notes else "")
        self.refresh_bindings()
        wajib = f"{t('yes') if view.wajib.required else t('no')} — {view.wajib.reason}"
        rows = [
            ("resident.field.nik", r.nik),
            ("resident.field.name", name),
            ("resident.field.birth_place", r.birth_place or "-"),
            ("resident.field.birth_date", f"{format_date(r.birth_date)} ({view.age} th)"),
            ("resident.field.sex", rules.sex_label(r.sex)),
            ("resident.field.address", f"{r.address or '-'}  RT {r.rt or '-'} / RW {r.rw or '-'}"),
            ("resident.field.desa_code", f"{view.desa_name} ({r.desa_code})"),
            ("resident.field.kecamatan", f"{view.kecamatan_name} ({r.kecamatan_code})"),
            ("resident.field.marital_status", rules.marital_label(r.marital_status) if r.marital_known
             else f"{rules.marital_label(r.marital_status)} {t('resident.assumed')}"),
            ("resident.field.religion", details.religion_label(r.religion) or t("resident.unknown_detail")),
            ("resident.field.occupation", r.occupation or t("resident.unknown_detail")),
            ("resident.field.citizenship", r.citizenship or t("resident.unknown_detail")),
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
        if action in ("add_note", "end_note"):
            from dukcapil_tui.services import handling

            allowed = self.app.actor is not None and self.app.actor.role in handling.ROLES
            return allowed and (action == "add_note" or bool(self.notes) or None)
        return True

    def action_add_note(self) -> None:
        from dukcapil_tui.domain import handling as handling_rules
        from dukcapil_tui.services import handling
        from dukcapil_tui.widgets.form_modal import FormField, FormModal

        actor, resident_id = self.app.actor, self.resident_id
        self.app.push_screen(FormModal(t("handling.ui.add"), [
            FormField("kind", t("handling.field.kind"), "select",
                      tuple((k, t(f"handling.kind.{k}")) for k in handling_rules.KINDS), value="name_unspoken"),
            FormField("note", t("handling.field.note"), max_length=handling_rules.MAX_NOTE),
        ], lambda v: handling.add(actor, resident_id, v)), self._noted)

    def action_end_note(self) -> None:
        from dukcapil_tui.services import handling
        from dukcapil_tui.widgets.form_modal import FormField, FormModal

        if not self.notes:
            return
        actor = self.app.actor
        choices = tuple((str(n.id), f"#{n.id} {n.text}") for n in self.notes)
        self.app.push_screen(FormModal(t("handling.ui.end"), [
            FormField("note_id", t("handling.field.kind"), "select", choices, value=choices[0][0]),
            FormField("reason", t("handling.field.end_reason"), max_length=300),
        ], lambda v: handling.end(actor, v["note_id"], v["reason"])), self._noted)

    def _noted(self, result) -> None:
        if result is not None:
            self._load()

    def action_edit(self) -> None:
        from dukcapil_tui.screens.resident_form import ResidentFormScreen

        self.app.push_screen(ResidentFormScreen(self.resident_id), self._edited)

    def _edited(self, nik: str | None) -> None:
        if nik:
            self._saved_nik = nik
            self._load()

    def action_back(self) -> None:
        self.dismiss(self._saved_nik)
