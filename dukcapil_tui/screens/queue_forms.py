"""Small modals of the queue screens: confirm, pick one, and forms that run a service call.

A ``QueueFormModal`` gathers values on the UI thread, runs ``perform`` on a worker (its own
connection), shows a refusal under the field it concerns (or under the form), and closes
with the result on success, so a mistake is corrected in place, never retyped. It exists beside the shared
``widgets.form_modal.FormModal`` (inputs, selects, checkboxes) for forms whose main field is a
list picked with the arrows (outcome, target service, a counter's services); plain text forms
use the shared one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList

from dukcapil_tui.domain import queue as rules
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseModal, Refused, try_service
from dukcapil_tui.ui.forms import show_problems
from dukcapil_tui.services.queue_views import ServiceChoice, TicketView
from dukcapil_tui.widgets.dialogs import ConfirmModal, PickModal, choices, mark_highlighted  # noqa: F401  (re-exported)


class QueueFormModal(BaseModal[object]):
    """A form whose Ctrl+S runs ``perform`` on a worker; see the module docstring."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "queue_ui.submit", priority=True),
        Binding("escape", "cancel", "residents.cancel"),
    ]
    box_id = "form-modal"

    class Done(Message):
        def __init__(self, result: object) -> None:
            super().__init__()
            self.result = result

    Refused = Refused

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="qmodal-box", id=self.box_id):
            yield Label(escape(self._title), classes="qmodal-title")
            yield from self.compose_fields()
            yield Label("", id="qform-message")
            yield Label(t("queue_ui.form_hint"), classes="hint")

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def field(self, name: str, label: str, widget) -> ComposeResult:
        with Vertical(classes="qform-field", id=f"qfield-{name}"):
            yield Label(label, classes="field-label")
            yield widget
            yield Label("", classes="field-error", id=f"qerror-{name}")

    # --- to override ----------------------------------------------------------------------
    def values(self) -> dict:
        return {}

    def check(self, values: dict) -> dict[str, str]:
        """Problems found before asking the database (UI thread)."""
        return {}

    def perform(self, values: dict) -> object:
        """Runs on a worker thread, inside its own connection; raise to refuse."""
        raise NotImplementedError

    # --- running ------------------------------------------------------------------------------
    def action_submit(self) -> None:
        values = self.values()
        problems = self.check(values)
        self.show_problems(problems)
        if not problems:
            self.query_one("#qform-message", Label).update(t("residents.loading"))
            self._run(values)

    @work(thread=True, exclusive=True, group="queue-form", exit_on_error=False)
    def _run(self, values: dict) -> None:
        result, problems = try_service(self.perform, values)
        self.post_message(self.Refused(problems) if problems is not None else self.Done(result))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.show_problems(message.problems)

    @on(Done)
    def _done(self, message: Done) -> None:
        self.dismiss(message.result)

    def show_problems(self, problems: dict[str, str]) -> None:
        show_problems(self, problems, message="#qform-message", prefix="qerror-")

    def action_cancel(self) -> None:
        self.dismiss(None)


def reason_modal(title: str, label: str, perform: Callable[[str], object], initial: str = "",
                 submit_label: str | None = None) -> BaseModal:
    """One required reason (hold, call out of turn), on the shared modal form: the service
    refuses an empty reason and the message shows under the field."""
    from dukcapil_tui.widgets.form_modal import FormField
    from dukcapil_tui.widgets.form_modal import FormModal as SharedFormModal

    field = FormField("reason", label, value=initial, max_length=200)
    return SharedFormModal(title, [field], lambda values: perform(values["reason"]), submit_label=submit_label)


class FinishModal(QueueFormModal):
    """Choose the outcome (arrows), the broken device when the device failed, an optional note;
    for a reprint (cetak ulang) served, whether the card was lost or damaged."""

    box_id = "finish-box"

    def __init__(self, ticket: TicketView, perform: Callable[..., object],
                 devices: Sequence[tuple[int, str]] = ()) -> None:
        super().__init__(t("queue_ui.finish_title", label=ticket.label, service=ticket.service_name))
        self._outcomes = rules.outcomes_for(ticket.records_biometrics)
        self._perform = perform
        # the site's devices from the register; the last choice, "other", takes the typed text
        self._devices = tuple(devices)
        reasons = () if ticket.records_biometrics else rules.reprint_reasons(ticket.card_reason)
        # one reason needs no choice; lost or damaged does (the service's own first)
        self._reasons = tuple(sorted(reasons, key=lambda r: r != ticket.card_reason)) if len(reasons) > 1 else ()

    def compose_fields(self) -> ComposeResult:
        yield from self.field("outcome", t("queue.field.outcome"), OptionList(*choices(self._texts()), id="outcome"))
        if self._reasons:
            yield from self.field("card_reason", t("queue.field.card_reason"),
                                  OptionList(*choices(self._reason_texts()), id="card_reason"))
        if self._devices:
            yield from self.field("device_pick", t("queue.field.device_pick"),
                                  OptionList(*choices(self._device_texts()), id="device_pick"))
        yield from self.field("device", t("queue.field.device"), Input(id="device", max_length=80,
                                                                        placeholder=t("queue_ui.device_hint")))
        yield from self.field("note", t("queue_ui.note_optional"), Input(id="note", max_length=200))

    def on_mount(self) -> None:
        outcome = self.query_one("#outcome", OptionList)
        outcome.highlighted = 0
        outcome.focus()
        if self._reasons:
            self.query_one("#card_reason", OptionList).highlighted = 0
        if self._devices:
            self.query_one("#device_pick", OptionList).highlighted = 0
        self._device_shown()

    def _texts(self) -> list[str]:
        return [t(f"queue.outcome.{o}") for o in self._outcomes]

    def _reason_texts(self) -> list[str]:
        return [t(f"cards.reason.{r}") for r in self._reasons]

    def _device_texts(self) -> list[str]:
        return [text for _, text in self._devices] + [t("queue_ui.device_other")]

    def chosen_device(self) -> int | None:
        """The device picked from the register (None: none listed, or "other" and the text)."""
        if not self._devices:
            return None
        index = self.query_one("#device_pick", OptionList).highlighted or 0
        return self._devices[index][0] if index < len(self._devices) else None

    def chosen(self) -> str:
        index = self.query_one("#outcome", OptionList).highlighted
        return self._outcomes[index or 0]

    def chosen_reason(self) -> str | None:
        if not self._reasons:
            return None
        return self._reasons[self.query_one("#card_reason", OptionList).highlighted or 0]

    def _device_shown(self) -> None:
        failed = self.chosen() == "failed_device"
        if self._devices:
            self.query_one("#qfield-device_pick").display = failed
        self.query_one("#qfield-device").display = failed and self.chosen_device() is None
        if self._reasons:
            self.query_one("#qfield-card_reason").display = self.chosen() == "served"

    @on(OptionList.OptionHighlighted, "#outcome")
    def _highlighted(self) -> None:
        mark_highlighted(self.query_one("#outcome", OptionList), self._texts())
        self._device_shown()

    @on(OptionList.OptionHighlighted, "#device_pick")
    def _device_highlighted(self) -> None:
        mark_highlighted(self.query_one("#device_pick", OptionList), self._device_texts())
        self._device_shown()

    @on(OptionList.OptionSelected, "#device_pick")
    def _device_picked(self) -> None:
        self.query_one("#device" if self.chosen_device() is None else "#note", Input).focus()

    @on(OptionList.OptionHighlighted, "#card_reason")
    def _reason_highlighted(self) -> None:
        mark_highlighted(self.query_one("#card_reason", OptionList), self._reason_texts())

    @on(OptionList.OptionSelected, "#outcome")
    def _selected(self) -> None:
        if self._reasons and self.chosen() == "served":
            self.query_one("#card_reason", OptionList).focus()
            return
        if self.chosen() == "failed_device" and self._devices:
            self.query_one("#device_pick", OptionList).focus()
            return
        self.query_one("#device" if self.chosen() == "failed_device" else "#note", Input).focus()

    @on(OptionList.OptionSelected, "#card_reason")
    def _reason_selected(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#device")
    def _device_done(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _note_done(self) -> None:
        self.action_submit()

    def values(self) -> dict:
        device_id = self.chosen_device()
        return {"outcome": self.chosen(), "device": "" if device_id else self.query_one("#device", Input).value,
                "device_id": device_id, "note": self.query_one("#note", Input).value,
                "card_reason": self.chosen_reason()}

    def check(self, values: dict) -> dict[str, str]:
        if values["outcome"] == "failed_device" and not values.get("device_id") and not values["device"].strip():
            return {"device": t("field.required", field=t("queue.field.device"))}
        return {}

    def perform(self, values: dict) -> object:
        extra = {"device_id": values["device_id"]} if values.get("device_id") else {}
        if values.get("card_reason"):
            return self._perform(values["outcome"], values["device"], values["note"], values["card_reason"], **extra)
        return self._perform(values["outcome"], values["device"], values["note"], **extra)


class TransferModal(QueueFormModal):
    """Choose the other service (arrows) and say why."""

    box_id = "transfer-box"

    def __init__(self, ticket: TicketView, services: Sequence[ServiceChoice],
                 perform: Callable[[str, str], object]) -> None:
        super().__init__(t("queue_ui.transfer_title", label=ticket.label, service=ticket.service_name))
        self._services = [s for s in services if s.code != ticket.service_code]
        self._perform = perform

    def compose_fields(self) -> ComposeResult:
        yield from self.field("target_service", t("queue_ui.transfer_to"),
                              OptionList(*choices([s.title for s in self._services]), id="target_service"))
        yield from self.field("reason", t("queue_ui.reason_optional"), Input(id="reason", max_length=200))

    def on_mount(self) -> None:
        services = self.query_one("#target_service", OptionList)
        services.highlighted = 0 if self._services else None
        services.focus()

    @on(OptionList.OptionHighlighted, "#target_service")
    def _highlighted(self) -> None:
        mark_highlighted(self.query_one("#target_service", OptionList), [s.title for s in self._services])

    @on(OptionList.OptionSelected, "#target_service")
    def _selected(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_submit()

    def values(self) -> dict:
        index = self.query_one("#target_service", OptionList).highlighted
        code = self._services[index].code if index is not None and self._services else ""
        return {"service": code, "reason": self.query_one("#reason", Input).value}

    def check(self, values: dict) -> dict[str, str]:
        if not values["service"]:
            return {"target_service": t("field.required", field=t("queue.field.service"))}
        return {}

    def perform(self, values: dict) -> object:
        return self._perform(values["service"], values["reason"])
