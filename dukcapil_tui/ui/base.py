"""What every screen and widget shares: translated bindings, database workers, the one way a
refusal reaches the user (``try_service``), the base screen and modal classes.

Below both ``screens/`` and ``widgets/`` (neither imports the other's way up: see the
import-linter contracts in pyproject.toml)."""

from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual import on
from textual.css.query import NoMatches
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.widgets import Input, Label, Select

from dukcapil_tui.db import database
from dukcapil_tui.i18n import has, t


def translate_bindings(node: DOMNode) -> None:
    """Binding descriptions are i18n keys; show them in the current language.

    Bindings are declared once per class, but the language is chosen at run time, so each
    instance gets its own copy, translated from the class's untranslated bindings (so it can
    be called again after the language changes).
    """
    source = type(node)._merged_bindings
    if source is None:
        return
    node._bindings.key_to_bindings = {
        key: [_translated(b) for b in bindings] for key, bindings in source.key_to_bindings.items()
    }


def _translated(binding: Binding) -> Binding:
    """Our bindings name an i18n key; Textual's own (Ctrl+C copies…) are English text, named
    under ``textual.<text>``."""
    description = binding.description
    key = description if has(description) else f"textual.{description}" if has(f"textual.{description}") else None
    if key is None:
        return binding
    return replace(binding, description=t(key), tooltip=t(binding.tooltip) if has(binding.tooltip) else binding.tooltip)


def in_db(fn, *args, **kwargs):
    """Run ``fn`` on this thread's own connection (call it from thread workers only)."""
    with database.connection_context():
        return fn(*args, **kwargs)


class Refused(Message):
    """A service refused the input: ``problems`` maps each field (or ``_form``) to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__()
        self.problems = problems


def try_service(fn, *args, **kwargs) -> tuple[object, dict[str, str] | None]:
    """Run a service call on this worker thread's connection.

    Returns ``(result, None)``, or ``(None, problems)`` when the operation was refused (any
    ``Refusal``: its messages per field, ``_form`` for the whole operation), or, for a
    NeedsConfirmation, the question to ask before trying again with ``confirmed=True``
    (``_confirm``). Anything else is a bug and propagates to the app's worker-error modal.
    """
    from dukcapil_tui.domain.problems import Refusal
    from dukcapil_tui.services.context import NeedsConfirmation

    try:
        return in_db(fn, *args, **kwargs), None
    except NeedsConfirmation as exc:
        return None, {CONFIRM: str(exc)}
    except Refusal as exc:
        return None, dict(exc.problems)


def refusal_text(problems: dict[str, str]) -> str:
    """All of a refusal's messages as one text (for a notice or a line under the form)."""
    return "\n".join(message for message in problems.values() if message)


from dukcapil_tui.ui.forms import CONFIRM, clear_field_problem  # noqa: E402  (the key of try_service's problems asking for a confirmation)


class FieldRefused(Message):
    """An input refused what was typed or pasted (a NIK field given a full-width digit):
    ``message`` says why, for the label under the field."""

    def __init__(self, field: DOMNode, message: str) -> None:
        super().__init__()
        self.field = field
        self.message = message

    @property
    def control(self) -> DOMNode:
        return self.field


def show_field_refusal(screen: Screen, event: FieldRefused) -> None:
    """Say why a field refused input under it (``#error-<name>`` for an input ``#<name>`` or
    ``#in-<name>``), or as a notice when the screen has no such label."""
    name = (event.field.id or "").removeprefix("in-")
    try:
        label = screen.query_one(f"#error-{name}", Label)
    except NoMatches:
        screen.notify(event.message, severity="warning")
        return
    label.update(escape(event.message))
    if label.parent is not None:
        label.parent.set_class(True, "-invalid")


def _field_refused_handler():
    @on(FieldRefused)
    def _field_refused(self, event: FieldRefused) -> None:
        show_field_refusal(self, event)

    return _field_refused


def _field_changed_handler():
    @on(Input.Changed)
    @on(Select.Changed)
    def _field_changed(self, event: Input.Changed | Select.Changed) -> None:
        clear_field_problem(event.control)

    return _field_changed


class BaseScreen(Screen):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    _field_refused = _field_refused_handler()
    _field_changed = _field_changed_handler()


class BaseModal(ModalScreen[ScreenResultType]):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    _field_refused = _field_refused_handler()
    _field_changed = _field_changed_handler()
