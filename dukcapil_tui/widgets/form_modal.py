"""A small modal form: a few fields, one service call, the messages under the fields.

Used for the short dialogs (receive blanks, enter a status, give a reason…). The action runs
in a thread worker on its own connection; a ValidationError puts each message under its
field, a ServiceError shows above the buttons, success dismisses with the action's result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Select

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import CONFIRM, BaseModal, Refused, try_service
from dukcapil_tui.ui.forms import show_problems
from dukcapil_tui.widgets.dialogs import ConfirmModal
from dukcapil_tui.widgets.nik_input import NikInput


def saved_message(title: str) -> str:
    """What the screen says once a form's operation went through: which form it was
    ("Tersimpan — Terima blangko."), never a bare "Tersimpan." after one of many forms."""
    return t("form.saved", title=title)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "input"  # input | nik | select | checkbox
    options: tuple[tuple[str, str], ...] = ()  # (value, label) pairs for a select
    value: str | bool = ""
    placeholder: str = ""
    restrict: str | None = None
    max_length: int = 0
    hint: str = ""


class FormModal(BaseModal[object]):
    """``action(values) -> result`` is called on a worker thread inside a DB connection.

    When the service asks for a confirmation (an unusual number), the modal shows the question
    and, if the user goes ahead, calls ``action`` again with ``values["confirmed"] = True``."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "form.submit", priority=True),
        Binding("escape", "cancel", "residents.cancel"),
    ]

    Refused = Refused

    class Done(Message):
        def __init__(self, result: object) -> None:
            super().__init__()
            self.result = result

    def __init__(self, title: str, fields: list[FormField], action: Callable[[dict], object], *,
                 intro: str = "", submit_label: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._fields = fields
        self._action = action
        self._intro = intro
        self._submit_label = submit_label or t("form.submit")
        self._busy = False
        self._sent: dict = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-modal"):
            yield Label(escape(self._title), classes="section-title")
            if self._intro:
                yield Label(escape(self._intro), classes="hint form-intro")
            with VerticalScroll(classes="form-modal-fields"):
                for f in self._fields:
                    with Vertical(classes="form-field", id=f"field-{f.name}"):
                        if f.kind != "checkbox":
                            yield Label(escape(f.label), classes="field-label")
                        yield self._widget(f)
                        if f.hint:
                            yield Label(escape(f.hint), classes="hint")
                        yield Label("", classes="field-error", id=f"error-{f.name}")
            yield Label("", classes="form-message")
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self._submit_label} (Ctrl+S)", id="form-submit", variant="primary")
                yield Button(t("residents.cancel") + " (Esc)", id="form-cancel")

    def _widget(self, f: FormField):
        if f.kind == "select":
            value = f.value if f.value else Select.NULL
            return Select([(label, value) for value, label in f.options], id=f"in-{f.name}", prompt="-", value=value)
        if f.kind == "checkbox":
            return Checkbox(_checkbox_label(f.label, bool(f.value)), value=bool(f.value), id=f"in-{f.name}")
        if f.kind == "nik":
            return NikInput(str(f.value or ""), id=f"in-{f.name}")
        return Input(str(f.value or ""), id=f"in-{f.name}", placeholder=f.placeholder, restrict=f.restrict,
                     max_length=f.max_length)

    def on_mount(self) -> None:
        if self._fields:
            self.query_one(f"#in-{self._fields[0].name}").focus()

    def values(self) -> dict:
        out = {}
        for f in self._fields:
            widget = self.query_one(f"#in-{f.name}")
            value = widget.value
            out[f.name] = "" if value is Select.NULL else value
        return out

    @on(Checkbox.Changed)
    def _checked(self, event: Checkbox.Changed) -> None:
        """Say the state in words as well: the box's look alone changes only its colour."""
        name = (event.checkbox.id or "").removeprefix("in-")
        field = next((f for f in self._fields if f.name == name), None)
        if field is not None:
            event.checkbox.label = _checkbox_label(field.label, event.value)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it submits."""
        names = [f.name for f in self._fields]
        current = (event.input.id or "").removeprefix("in-")
        if current in names and names.index(current) < len(names) - 1:
            self.focus_next()
        else:
            self.action_submit()

    @on(Button.Pressed, "#form-submit")
    def action_submit(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._show({})
        self._sent = self.values()
        self._run(self._sent)

    @work(thread=True, exclusive=True, group="form-modal", exit_on_error=False)
    def _run(self, values: dict) -> None:
        result, problems = try_service(self._action, values)
        self.post_message(self.Refused(problems) if problems is not None else self.Done(result))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        if CONFIRM in message.problems:
            question = message.problems[CONFIRM]
            self.app.push_screen(ConfirmModal(t("form.confirm_unusual"), [question], t("form.confirm_unusual_hint")),
                                 lambda yes: self._confirmed(bool(yes), question))
            return
        self._busy = False
        self._show(message.problems)

    def _confirmed(self, yes: bool, question: str) -> None:
        if yes:
            self._sent = {**self._sent, "confirmed": True}
            self._run(self._sent)
        else:
            self._busy = False
            self._show({"_form": question})

    def _show(self, problems: dict[str, str]) -> None:
        show_problems(self, problems, message=".form-message")

    @on(Done)
    def _done(self, message: Done) -> None:
        self.dismiss(message.result)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _checkbox_label(label: str, checked: bool) -> str:
    return f"{label}: {t('yes') if checked else t('no')}"
