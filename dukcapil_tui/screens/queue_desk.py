"""Antrian: the registration desk issues queue tickets.

Type the NIK (the resident is looked up as soon as it has 16 digits: name, age, recording
status, and any online booking to check in), or leave it empty and write a visitor's name;
choose the service, a priority reason and the channel; Ctrl+S issues the ticket. What would
make the visit a wasted one is shown first and needs Enter to go ahead. An unknown NIK can be
registered on the spot (F3) and the desk carries on with the new resident.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Input, Label, Select
from textual.worker import Worker, WorkerState

from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import queue as rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.domain.handling import shown_name
from dukcapil_tui.i18n import t
from dukcapil_tui.services import queue_views as data
from dukcapil_tui.ui.base import BaseScreen, Refused, in_db, try_service
from dukcapil_tui.ui.forms import show_problems
from dukcapil_tui.widgets.bigtext import BigText
from dukcapil_tui.widgets.nik_input import NikInput
from dukcapil_tui.widgets.queue_watch import QueueWatch, read_version

NO_PRIORITY = "none"
ELDERLY_AGE = rules.ELDERLY_AGE
FIELDS = ("nik", "visitor_name", "service", "priority", "channel", "notes")


class DeskScreen(BaseScreen):
    section_id = "queue_desk"
    BINDINGS = [
        Binding("ctrl+s", "issue", "queue_ui.key.issue", priority=True),
        Binding("f3", "register", "queue_ui.key.register"),
        Binding("ctrl+b", "check_in", "queue_ui.key.check_in"),
        Binding("ctrl+n", "clear", "queue_ui.key.clear", priority=True),
        Binding("escape", "back", "app.back"),
    ]

    class Prepared(Message):
        def __init__(self, services: list[data.ServiceChoice]) -> None:
            super().__init__()
            self.services = services

    class LookedUp(Message):
        def __init__(self, result: data.DeskLookup) -> None:
            super().__init__()
            self.result = result

    class Checked(Message):
        """Ready to issue: the resident (if any) and the warnings to confirm."""

        def __init__(self, values: dict, warnings: list[str]) -> None:
            super().__init__()
            self.values = values
            self.warnings = warnings

    class Issued(Message):
        def __init__(self, issued: data.Issued) -> None:
            super().__init__()
            self.issued = issued

    Refused = Refused

    class Overview(Message):
        def __init__(self, waiting: list[tuple[str, int]], version: int, day) -> None:
            super().__init__()
            self.waiting = waiting
            self.version = version
            self.day = day

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("queue_ui.desk_title")
        self._lookup: data.DeskLookup | None = None
        self._busy = False

    # --- layout --------------------------------------------------------------------------------
    def _field(self, name: str, label: str, widget) -> ComposeResult:
        with Vertical(classes="form-field", id=f"field-{name}"):
            yield Label(label, classes="field-label")
            yield widget
            yield Label("", classes="field-error", id=f"error-{name}")

    def compose(self) -> ComposeResult:
        yield Header()
        # The last number issued, on one line that never scrolls away (an 80x24 terminal has no
        # room for the big number below the form).
        yield Label("", id="desk-last")
        with VerticalScroll(id="desk-body"):
            yield Label(self.screen_title, classes="section-title")
            with Horizontal(classes="form-row"):
                yield from self._field("nik", t("resident.field.nik"), NikInput(
                    id="nik", placeholder=t("queue_ui.nik_hint")))
                yield from self._field("visitor_name", t("queue_ui.visitor_without_nik"), Input(
                    id="visitor_name", max_length=80))
            yield Label(t("queue_ui.desk_start"), id="desk-resident")
            yield Label("", id="desk-booking")
            with Horizontal(classes="form-row"):
                yield from self._field("service", t("queue.field.service"), Select([], id="service", prompt="-"))
                yield from self._field(
                    "priority",
                    t("queue.field.priority"),
                    Select(
                        [(t("queue_ui.priority_none"), NO_PRIORITY)]
                        + [(t(f"queue.priority.{p}"), p) for p in rules.PRIORITIES],
                        id="priority",
                        allow_blank=False,
                        value=NO_PRIORITY,
                    ),
                )
                yield from self._field("channel", t("queue.field.channel"), Select(
                    [(t(f"queue.channel.{c}"), c) for c in rules.CHANNELS], id="channel", allow_blank=False,
                    value="langsung"))
            yield from self._field("notes", t("queue.field.notes"), Input(id="notes", max_length=500))
            yield Label("", id="desk-message")
            with Vertical(id="desk-issued"):
                yield Label(t("queue_ui.last_ticket"), classes="field-label")
                with Horizontal(id="desk-issued-row"):
                    yield BigText("", id="desk-label")
                    yield Label("", id="desk-issued-text")
            yield Label("", id="desk-overview", classes="hint")
        yield QueueWatch(id="desk-watch")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        self.query_one("#desk-issued").display = False
        self.query_one("#desk-last").display = False
        self.query_one("#nik", Input).focus()
        self._prepare()
        self._load_overview()

    @work(thread=True, group="desk-prepare", exit_on_error=False)
    def _prepare(self) -> None:
        self.post_message(self.Prepared(in_db(data.service_choices)))

    @on(Prepared)
    def _prepared(self, message: Prepared) -> None:
        self.query_one("#service", Select).set_options([(s.title, s.code) for s in message.services])

    # --- waiting overview (refreshed when the queue moves) -----------------------------------
    @on(QueueWatch.Changed)
    def _queue_changed(self) -> None:
        self._load_overview()

    @work(thread=True, exclusive=True, group="desk-overview", exit_on_error=False)
    def _load_overview(self) -> None:
        def load():
            version, day = read_version()
            return data.waiting_by_service(), version, day

        self.post_message(self.Overview(*in_db(load)))

    @on(Overview)
    def _overview(self, message: Overview) -> None:
        self.query_one(QueueWatch).mark(message.version, message.day)
        parts = " · ".join(f"{prefix} {count}" for prefix, count in message.waiting)
        self.query_one("#desk-overview", Label).update(t("queue_ui.waiting_now", parts=parts))

    # --- NIK look-up --------------------------------------------------------------------------
    @on(Input.Changed, "#nik")
    def _nik_changed(self, event: Input.Changed) -> None:
        self._lookup = None
        self.query_one("#desk-booking", Label).update("")
        self.query_one("#error-nik", Label).update("")
        self.query_one("#field-nik").set_class(False, "-invalid")
        info = self.query_one("#desk-resident", Label)
        if not event.value:
            info.update(t("queue_ui.desk_start"))
        elif len(event.value) < 16:
            info.update(f"{len(event.value)}/16")
        else:
            reading = nik_rules.parse(event.value, today=self.app.today())
            if not reading.valid:
                info.update(escape(f"{t('nik.invalid')}: {reading.errors[0].message}"))
            else:
                info.update(t("residents.loading"))
                self._look_up(event.value)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="desk-lookup", exit_on_error=False)
    def _look_up(self, nik: str) -> None:
        self.post_message(self.LookedUp(in_db(data.desk_lookup, nik)))

    @on(LookedUp)
    def _looked_up(self, message: LookedUp) -> None:
        result = message.result
        if result.nik != self.query_one("#nik", Input).value:
            return  # the NIK was changed while looking
        self._lookup = result
        info = self.query_one("#desk-resident", Label)
        booking = self.query_one("#desk-booking", Label)
        r = result.resident
        if r is None:
            info.update(t("queue_ui.nik_unknown", nik=result.nik))
        else:
            name = shown_name(r.name, r.name_protected, self.app.actor.role)
            text = t("queue_ui.resident_line", name=name, age=r.age,
                     recording=resident_rules.recording_label(r.recording_status),
                     wajib=t("yes") if r.wajib else t("no"))
            if r.age >= ELDERLY_AGE:
                text += " · " + t("queue_ui.elderly_hint")
            if r.handling:
                text += "\n" + t("handling.line", notes="; ".join(r.handling))
            info.update(escape(text))
        if result.bookings:
            b = result.bookings[0]
            booking.update(escape(t("queue_ui.booking_line", label=b.label, service=b.service_name, slot=b.slot)))
        self.refresh_bindings()

    @on(Input.Submitted, "#nik")
    @on(Input.Submitted, "#visitor_name")
    def _to_service(self) -> None:
        self.query_one("#service", Select).focus()

    # --- issuing ------------------------------------------------------------------------------------
    def form_values(self) -> dict:
        service = self.query_one("#service", Select).value
        priority = self.query_one("#priority", Select).value
        return {
            "nik": self.query_one("#nik", Input).value,
            "visitor_name": self.query_one("#visitor_name", Input).value,
            "service": service if isinstance(service, str) else "",
            "priority": None if priority == NO_PRIORITY else priority,
            "channel": self.query_one("#channel", Select).value,
            "notes": self.query_one("#notes", Input).value,
        }

    def local_problems(self, values: dict) -> dict[str, str]:
        problems = {}
        nik = values["nik"]
        if nik and len(nik) != 16:
            problems["nik"] = t("nik.not_16_digits", length=len(nik))
        elif nik and self._lookup is not None and self._lookup.nik == nik and self._lookup.resident is None:
            problems["nik"] = t("queue_ui.nik_unknown_field")
        if not values["service"]:
            problems["service"] = t("field.required", field=t("queue.field.service"))
        if not nik and not values["visitor_name"].strip():
            problems["visitor_name"] = t("queue.need_resident_or_name")
        return problems

    @on(Input.Submitted, "#notes")
    def action_issue(self) -> None:
        if self._busy:
            return
        values = self.form_values()
        problems = self.local_problems(values)
        self._show_problems(problems)
        if problems:
            return
        self._busy = True
        self.query_one("#desk-message", Label).update(t("residents.loading"))
        self._check(values)

    @work(thread=True, exclusive=True, group="desk-issue", exit_on_error=False)
    def _check(self, values: dict) -> None:
        found, problems = try_service(data.desk_warnings, values["service"], values["nik"], values["priority"])
        if problems:
            self.post_message(self.Refused(problems))
            return
        resident_id, warnings = found
        if values["nik"] and resident_id is None:
            self.post_message(self.Refused({"nik": t("queue_ui.nik_unknown_field")}))
            return
        self.post_message(self.Checked({**values, "resident_id": resident_id}, warnings))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        if not message.warnings:
            self._issue(message.values)
            return
        from dukcapil_tui.widgets.dialogs import ConfirmModal

        def answered(go: bool | None) -> None:
            if go:
                self._issue(message.values)
            else:
                self._busy = False
                self.query_one("#desk-message", Label).update(t("queue_ui.issue_cancelled"))

        self.app.push_screen(ConfirmModal(t("queue_ui.warnings_title"), message.warnings,
                                          t("queue_ui.warnings_hint")), answered)

    @work(thread=True, exclusive=True, group="desk-issue", exit_on_error=False)
    def _issue(self, values: dict) -> None:
        issued, problems = try_service(
            data.issue, self.app.actor, values["service"], resident_id=values["resident_id"],
            visitor_name="" if values["resident_id"] else values["visitor_name"],
            priority=values["priority"], channel=values["channel"], notes=values["notes"])
        self.post_message(self.Refused(problems) if problems is not None else self.Issued(issued))

    @on(Worker.StateChanged)
    def _worker_ended(self, event: Worker.StateChanged) -> None:
        """An unexpected failure is shown by the app; the desk must stay usable."""
        if event.worker.group == "desk-issue" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._busy = False
            self.query_one("#desk-message", Label).update("")

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._busy = False
        self._show_problems(message.problems)
        if "_form" in message.problems:
            self.app.notify(message.problems["_form"], severity="error", markup=False)
        first = next((name for name in FIELDS if name in message.problems), None)
        if first:
            self.query_one(f"#{first}").focus()

    def _show_problems(self, problems: dict[str, str]) -> None:
        show_problems(self, problems, message="#desk-message", count=True)

    @on(Issued)
    def _issued(self, message: Issued) -> None:
        self._busy = False
        self.show_issued(message.issued)
        self.action_clear()
        self._load_overview()

    def show_issued(self, issued: data.Issued) -> None:
        self.query_one("#desk-issued").display = True
        self.query_one("#desk-label", BigText).set_text(issued.label)
        lines = [
            f"{issued.label} · {issued.service_name}",
            issued.name,
            t("queue_ui.ahead", count=issued.ahead),
            issued.slip,
        ]
        self.query_one("#desk-issued-text", Label).update(escape("\n".join(line for line in lines if line)))
        last = self.query_one("#desk-last", Label)
        last.update(escape(t("queue_ui.last_line", label=issued.label, service=issued.service_name,
                             ahead=issued.ahead)))
        last.display = True
        self.app.notify(t("queue_ui.issued", label=issued.label, ahead=issued.ahead), markup=False)

    # --- other keys ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "register":
            lookup = self._lookup
            return bool(lookup and lookup.resident is None) or None
        if action == "check_in":
            return bool(self._lookup and self._lookup.bookings) or None
        return True

    def action_register(self) -> None:
        from dukcapil_tui.screens.resident_form import ResidentFormScreen

        if self._lookup is None or self._lookup.resident is not None:
            return

        def registered(nik: str | None) -> None:
            if nik:
                nik_input = self.query_one("#nik", Input)
                nik_input.value = ""
                nik_input.value = nik  # looks the new resident up
                self.query_one("#service", Select).focus()

        self.app.push_screen(ResidentFormScreen(None, nik=self._lookup.nik), registered)

    def action_check_in(self) -> None:
        if not (self._lookup and self._lookup.bookings) or self._busy:
            return
        self._busy = True
        self._check_in(self._lookup.bookings[0].ticket_id)

    @work(thread=True, exclusive=True, group="desk-issue", exit_on_error=False)
    def _check_in(self, ticket_id: int) -> None:
        issued, problems = try_service(data.check_in, self.app.actor, ticket_id)
        self.post_message(self.Refused(problems) if problems else self.Issued(issued))

    def action_clear(self) -> None:
        for name in ("nik", "visitor_name", "notes"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#service", Select).clear()
        self.query_one("#priority", Select).value = NO_PRIORITY
        self.query_one("#channel", Select).value = "langsung"
        self._show_problems({})
        self.query_one("#nik", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
