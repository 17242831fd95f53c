"""Perekaman keliling: field recording drives.

At the office: the packages prepared for laptops, newest first, with what their results brought
back; F3 prepares a package (the head only: it carries personal data of whole desa), M merges a
result brought back. On a field laptop (a database opened from a package): the recordings made
here, newest first, under where the drive stands; R records a resident of the package by NIK, H
seals the result for the office. Newcomers are registered in Penduduk (F2, then F3)."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.widgets import DataTable

from dukcapil_tui.domain.formatting import format_datetime, format_int
from dukcapil_tui.domain.handling import shown_name
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.i18n import t
from dukcapil_tui.screens.log_screen import LogScreen
from dukcapil_tui.services import field_package, field_view, field_work, settings
from dukcapil_tui.widgets.form_modal import FormField, FormModal
from dukcapil_tui.widgets.messages import TextModal

OFFICE_COLUMNS = ("created", "laptop", "site", "desa", "residents", "results", "recorded", "newcomers", "conflicts")
LAPTOP_COLUMNS = ("recorded_at", "nik", "name", "desa")


def _path(values: dict, name: str, default: Path) -> Path:
    text = str(values.get(name) or "").strip()
    return Path(text).expanduser() if text else default


class FieldScreen(LogScreen):
    section_id = "field"
    prefix = "field_ui"
    BINDINGS = [
        Binding("f3", "prepare", "field_ui.ui.prepare"),
        Binding("m", "merge", "field_ui.ui.merge"),
        Binding("r", "record", "field_ui.ui.record"),
        Binding("h", "result", "field_ui.ui.result"),
        Binding("escape", "back", "app.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.laptop = self.app.field_laptop is not None
        self.columns = LAPTOP_COLUMNS if self.laptop else OFFICE_COLUMNS
        if self.laptop:
            self.screen_title, self.hint = t("field_ui.ui.laptop_title"), t("field_ui.ui.laptop_hint")
        elif getattr(self.app.actor, "role", None) != "admin":
            self.hint = t("field_ui.ui.staff_hint")

    # --- the table ---------------------------------------------------------------------------
    def read(self) -> tuple[list, object]:
        if self.laptop:
            return field_view.recordings(), (field_work.status(), settings.office_timezone())
        return field_view.drives(), settings.office_timezone()

    def show(self, table: DataTable, extra: object) -> str:
        if self.laptop:
            drive, zone = extra
            role = self.app.actor.role if self.app.actor else None
            for row in self.rows:
                table.add_row(format_datetime(row.recorded_at, zone), row.nik,
                              shown_name(row.name, row.name_protected, role), row.desa, key=str(row.card_id))
            return t("field_ui.ui.laptop_heading", laptop=drive.laptop, residents=drive.residents,
                     newcomers=drive.newcomers, recorded=drive.recorded, belum=drive.belum_rekam)
        zone = str(extra)
        for row in self.rows:
            table.add_row(format_datetime(row.created_at, zone), row.laptop, row.site_code or "-",
                          ", ".join(row.desa), format_int(row.residents), format_int(row.results),
                          format_int(row.recorded), format_int(row.newcomers), format_int(row.conflicts),
                          key=row.package)
        return t("field_ui.ui.heading", count=len(self.rows), results=sum(r.results for r in self.rows))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        role = self.app.actor.role if self.app.actor else None
        if action in ("prepare", "merge"):
            return not self.laptop and role == "admin"
        if action in ("record", "result"):
            return self.laptop
        return True

    # --- at the office -------------------------------------------------------------------------
    def action_prepare(self) -> None:
        actor = self.app.actor
        fields = [
            FormField("desa", t("field_ui.field.desa"), placeholder="52.02.04.2008, 52.02.04.2009",
                      hint=t("field_ui.desa_hint")),
            FormField("laptop", t("field_ui.field.laptop"), placeholder="KLL-01", max_length=32,
                      hint=t("field_ui.laptop_hint")),
            FormField("site", t("field_ui.field.site"), "select",
                      (("", t("field_ui.site_default")), *self.site_codes), value=""),
            FormField("out", t("field_ui.field.package_file"), placeholder=t("field_ui.default_file")),
        ]

        def run(values: dict):
            codes = [c for c in values["desa"].replace(";", ",").replace(" ", ",").split(",") if c]
            out = _path(values, "out", field_package.default_out("paket-keliling", values["laptop"]))
            return field_package.prepare(actor, codes, values["laptop"], out, site_code=values["site"] or None)

        self.app.push_screen(FormModal(t("field_ui.ui.prepare"), fields, run, intro=t("field_ui.prepare_intro"),
                                       submit_label=t("field_ui.ui.prepare")), self._prepared)

    def _prepared(self, done) -> None:
        if done is None:
            return
        self._load()
        self.app.push_screen(TextModal(t("field_ui.ui.prepare"), t(
            "fieldcli.prepared", path=done.path, desa=len(done.desa), residents=done.residents,
            belum=done.belum_rekam, key_path=done.key_path)))

    def action_merge(self) -> None:
        actor = self.app.actor

        def run(values: dict):
            text = values["path"].strip()
            if not text:
                raise ValidationError({"path": t("field.required", field=t("field_ui.field.result_file"))})
            if not Path(text).expanduser().is_file():
                raise ValidationError({"path": t("backlog.file_missing", path=text)})
            from dukcapil_tui.services import field_merge

            return field_merge.describe(field_merge.merge(actor, Path(text).expanduser()))

        self.app.push_screen(FormModal(t("field_ui.ui.merge"), [
            FormField("path", t("field_ui.field.result_file"), placeholder="/media/usb/hasil-keliling-KLL-01.dkf",
                      hint=t("field_ui.merge_hint")),
        ], run, submit_label=t("field_ui.ui.merge")), self._merged)

    def _merged(self, lines) -> None:
        if lines is None:
            return
        self._load()
        self.app.push_screen(TextModal(t("field_ui.ui.merge"), "\n".join(lines)))

    # --- on the laptop -------------------------------------------------------------------------
    def action_record(self) -> None:
        actor = self.app.actor
        self.app.push_screen(FormModal(t("field_ui.ui.record"), [
            FormField("nik", "NIK", "nik"),
            FormField("note", t("field_ui.field.note"), max_length=200, placeholder=t("fieldwork.note")),
        ], lambda v: field_work.record(actor, v["nik"], v["note"]), submit_label=t("field_ui.ui.record"),
            intro=t("field_ui.record_intro")), self._recorded)

    def _recorded(self, card) -> None:
        if card is not None:
            self.app.notify(t("field_ui.recorded"))
            self._load()

    def action_result(self) -> None:
        actor = self.app.actor
        laptop = self.app.field_laptop

        def run(values: dict):
            return field_package.write_result(actor, _path(values, "out", field_package.default_out(
                "hasil-keliling", laptop)))

        self.app.push_screen(FormModal(t("field_ui.ui.result"), [
            FormField("out", t("field_ui.field.result_out"), placeholder=t("field_ui.default_file")),
        ], run, intro=t("field_ui.result_intro"), submit_label=t("field_ui.ui.result")), self._sealed)

    def _sealed(self, done) -> None:
        if done is None:
            return
        self._load()
        self.app.push_screen(TextModal(t("field_ui.ui.result"), t(
            "field_ui.sealed", path=done.path, recordings=done.recordings, newcomers=done.newcomers,
            edits=done.edits)))
