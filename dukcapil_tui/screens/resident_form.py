"""Create or edit a resident, with a message under each field that is wrong.

The NIK is read as it is typed (no database needed): the form shows its region, birth date
and sex, and fills birth date and sex when they are still empty.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Header, Input, Label, Select

from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import resident_details as details
from dukcapil_tui.domain import residents as rules
from dukcapil_tui.domain.formatting import format_date
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, Refused, in_db, try_service
from dukcapil_tui.ui.forms import show_problems
from dukcapil_tui.services import regions
from dukcapil_tui.services import residents as service
from dukcapil_tui.widgets.nik_input import NikInput

TEXT_FIELDS = {  # field -> max length
    "nik": 16, "name": rules.MAX_NAME, "birth_place": rules.MAX_PLACE, "birth_date": 10,
    "address": rules.MAX_ADDRESS, "rt": 3, "rw": 3, "life_status_on": 10, "occupation": details.MAX_OCCUPATION,
}
CHOICE_FIELDS = ("sex", "marital_status", "recording_status", "life_status")
OPTIONAL_CHOICES = ("religion", "citizenship")  # blank: not known


class ResidentFormScreen(BaseScreen):
    section_id = "residents"
    BINDINGS = [
        Binding("ctrl+s", "save", "residents.save", priority=True),
        Binding("escape", "cancel", "residents.cancel"),
    ]

    class Prepared(Message):
        def __init__(self, index: regions.RegionIndex, values: dict | None) -> None:
            super().__init__()
            self.index = index
            self.values = values

    class RegionNamed(Message):
        """Where a NIK from another regency was issued, named off the UI thread."""

        def __init__(self, reading: nik_rules.NikReading, place: str) -> None:
            super().__init__()
            self.reading = reading
            self.place = place

    class Saved(Message):
        def __init__(self, result: service.SaveResult) -> None:
            super().__init__()
            self.result = result

    Refused = Refused

    def __init__(self, resident_id: int | None, *, nik: str = "") -> None:
        super().__init__()
        self.resident_id = resident_id
        self._prefill_nik = nik
        self._index: regions.RegionIndex | None = None
        self._pending_desa: str | None = None
        self._desa_for: str | None = None  # the kecamatan whose desa the desa list shows
        self.screen_title = t("residents.form_edit" if resident_id else "residents.form_new")

    # --- layout --------------------------------------------------------------------------
    def _field(self, name: str, widget) -> ComposeResult:
        with Vertical(classes="form-field", id=f"field-{name}"):
            yield Label(
                rules.field_label(name) if name != "kecamatan" else t("resident.field.kecamatan"), classes="field-label"
            )
            yield widget
            yield Label("", classes="field-error", id=f"error-{name}")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form-body"):
            yield Label(self.screen_title, classes="section-title")
            with Horizontal(classes="form-row"):
                yield from self._field("nik", NikInput(id="nik"))
                yield from self._field("name", Input(id="name", max_length=rules.MAX_NAME))
            yield Label("", id="nik-reading", classes="hint")
            with Horizontal(classes="form-row"):
                yield from self._field("birth_place", Input(id="birth_place", max_length=rules.MAX_PLACE))
                yield from self._field(
                    "birth_date", Input(id="birth_date", max_length=10, placeholder=t("residents.date_hint"))
                )
                yield from self._field(
                    "sex", Select([(rules.sex_label(s), s) for s in rules.SEXES], id="sex", prompt="-")
                )
            with Horizontal(classes="form-row"):
                yield from self._field("kecamatan", Select([], id="kecamatan", prompt="-"))
                yield from self._field("desa_code", Select([], id="desa_code", prompt=t("residents.pick_kecamatan")))
            with Horizontal(classes="form-row"):
                yield from self._field("address", Input(id="address", max_length=rules.MAX_ADDRESS))
                yield from self._field("rt", Input(id="rt", max_length=3, restrict=r"[0-9]*"))
                yield from self._field("rw", Input(id="rw", max_length=3, restrict=r"[0-9]*"))
            with Horizontal(classes="form-row"):
                yield from self._field("marital_status", Select(
                    [(rules.marital_label(s), s) for s in rules.MARITAL_STATUSES], id="marital_status", prompt="-"))
                yield from self._field("recording_status", Select(
                    [(rules.recording_label(s), s) for s in rules.RECORDING_STATUSES], id="recording_status",
                    prompt="-", value="belum"))
            with Horizontal(classes="form-row"):
                yield from self._field("life_status", Select(
                    [(rules.life_label(s), s) for s in rules.LIFE_STATUSES], id="life_status", prompt="-",
                    value=rules.ALIVE, allow_blank=False))
                yield from self._field("life_status_on", Input(id="life_status_on", max_length=10,
                                                               placeholder=t("resident.life_date_hint")))
            with Horizontal(classes="form-row"):
                unknown = t("resident.unknown_detail")
                religions = [(details.religion_label(r), r) for r in details.RELIGIONS]
                yield from self._field("religion", Select(religions, id="religion", prompt=unknown))
                yield from self._field("occupation", Input(id="occupation", max_length=details.MAX_OCCUPATION))
                yield from self._field("citizenship", Select([(c, c) for c in details.CITIZENSHIPS], id="citizenship",
                                                             prompt=unknown))
            yield Label("", id="form-message")
            with Horizontal(id="form-buttons"):
                yield Button(t("residents.save") + " (Ctrl+S)", id="save", variant="primary")
                yield Button(t("residents.cancel") + " (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        if self._prefill_nik:
            self.query_one("#nik", Input).value = self._prefill_nik
        self.query_one("#nik" if not self.resident_id else "#name", Input).focus()
        self._prepare()

    @work(thread=True, group="resident-form", exit_on_error=False)
    def _prepare(self) -> None:
        def load():
            values = service.to_form(service.get(self.resident_id)) if self.resident_id else None
            return regions.index(), values

        index, values = in_db(load)
        self.post_message(self.Prepared(index, values))

    @on(Prepared)
    def _prepared(self, message: Prepared) -> None:
        self._index = message.index
        self.query_one("#kecamatan", Select).set_options([(name, code) for code, name in message.index.kecamatan])
        if message.values:
            self._fill(message.values)
        elif self.query_one("#nik", Input).value:
            self._read_nik(self.query_one("#nik", Input).value)  # a NIK given before the regions arrived

    def _fill(self, values: dict) -> None:
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = str(values.get(name) or "")
        for name in CHOICE_FIELDS:
            self.query_one(f"#{name}", Select).value = values[name]
        for name in OPTIONAL_CHOICES:
            self.query_one(f"#{name}", Select).value = values.get(name) or Select.NULL
        desa = values["desa_code"]
        self._pending_desa = desa
        self.query_one("#kecamatan", Select).value = desa[:8]
        self._set_desa_options(desa[:8])

    # --- live behaviour ----------------------------------------------------------------
    def _set_desa_options(self, kecamatan: str | None) -> None:
        if kecamatan == self._desa_for:
            return  # already listed (setting options again would clear the chosen desa)
        self._desa_for = kecamatan
        desa = self.query_one("#desa_code", Select)
        options = self._index.desa_by_kecamatan.get(kecamatan, ()) if (self._index and kecamatan) else ()
        desa.prompt = t("residents.pick_desa") if options else t("residents.pick_kecamatan")  # before the options
        desa.set_options([(name, code) for code, name in options])
        if self._pending_desa and any(code == self._pending_desa for code, _ in options):
            desa.value = self._pending_desa
        self._pending_desa = None

    @on(Select.Changed, "#kecamatan")
    def _kecamatan_changed(self, event: Select.Changed) -> None:
        self._set_desa_options(event.value if isinstance(event.value, str) else None)

    @on(Input.Changed, "#nik")
    def _nik_changed(self, event: Input.Changed) -> None:
        self._read_nik(event.value)

    def _read_nik(self, value: str) -> None:
        hint = self.query_one("#nik-reading", Label)
        if len(value) < 16:
            hint.update(f"{len(value)}/16")
            return
        reading = nik_rules.parse(value, today=self.app.today())
        if not reading.valid:
            hint.update(escape(f"{t('nik.invalid')}: {reading.errors[0].message}"))
            return
        if regions.is_own_kecamatan(reading.kecamatan_code, self._index):
            self._show_reading(reading, regions.describe_kecamatan(reading.kecamatan_code, self._index))
        else:  # another regency: the national list may have to be read first
            self._show_reading(reading, "…")
            self._name_region(reading)
        birth = self.query_one("#birth_date", Input)
        if not birth.value:
            birth.value = format_date(reading.birth_date)
        sex = self.query_one("#sex", Select)
        if sex.value == Select.NULL:
            sex.value = reading.sex
        kecamatan = self.query_one("#kecamatan", Select)
        if kecamatan.value == Select.NULL and self._index and reading.kecamatan_code in self._index.kecamatan_codes:
            kecamatan.value = reading.kecamatan_code  # most people live where their NIK was issued

    def _show_reading(self, reading: nik_rules.NikReading, place: str) -> None:
        self.query_one("#nik-reading", Label).update(escape(
            f"{t('nik.reading')}: {reading.kecamatan_code} {place or t('nik.unknown_region')} · "
            f"{format_date(reading.birth_date)} · {rules.sex_label(reading.sex)}"
        ))

    @work(thread=True, exclusive=True, group="resident-form-region", exit_on_error=False)
    def _name_region(self, reading: nik_rules.NikReading) -> None:
        self.post_message(self.RegionNamed(reading, regions.describe_kecamatan(reading.kecamatan_code, self._index)))

    @on(RegionNamed)
    def _region_named(self, message: RegionNamed) -> None:
        code = message.reading.kecamatan_code
        if nik_rules.normalise(self.query_one("#nik", Input).value) == message.reading.nik and \
                not regions.is_own_kecamatan(code, self._index):  # else the regions that arrived named it
            self._show_reading(message.reading, message.place)

    # --- saving --------------------------------------------------------------------------
    def raw_values(self) -> dict:
        values = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        for name in (*CHOICE_FIELDS, *OPTIONAL_CHOICES, "desa_code"):
            value = self.query_one(f"#{name}", Select).value
            values[name] = value if isinstance(value, str) else ""
        return values

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._show_problems({})
        self.query_one("#form-message", Label).update(t("residents.loading"))
        self._save(self.raw_values())

    @work(thread=True, exclusive=True, group="resident-save", exit_on_error=False)
    def _save(self, raw: dict) -> None:
        actor = self.app.actor
        today = self.app.today()
        if self.resident_id:
            result, problems = try_service(service.update, actor, self.resident_id, raw, today)
        else:
            result, problems = try_service(service.create, actor, raw, today)
        self.post_message(self.Refused(problems) if problems is not None else self.Saved(result))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._show_problems(message.problems)
        first = next((name for name in message.problems if name != "_form"), None)
        if first:
            target = (
                "#kecamatan" if first == "desa_code" and not self.query_one("#kecamatan", Select).value else f"#{first}"
            )
            self.query_one(target).focus()

    def _show_problems(self, problems: dict[str, str]) -> None:
        show_problems(self, problems, message="#form-message", count=True)

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        result = message.result
        name = result.resident.name
        if not result.changed:
            self.app.notify(t("resident.unchanged"))
        else:
            key = "resident.updated" if self.resident_id else "resident.created"
            warnings = "\n".join(p.message for p in result.warnings)
            self.app.notify(t(key, name=name) + (f"\n{warnings}" if warnings else ""),
                            severity="warning" if warnings else "information", markup=False)
        self.dismiss(result.resident.nik)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
