"""What every screen shares: translated bindings, database workers, error display."""

from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual import on
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.widgets import Label

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
        key: [
            replace(b, description=t(b.description), tooltip=t(b.tooltip) if has(b.tooltip) else b.tooltip)
            if has(b.description)
            else b
            for b in bindings
        ]
        for key, bindings in source.key_to_bindings.items()
    }


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

    Returns ``(result, None)``, or ``(None, problems)`` when the service refused the input as
    expected: a ValidationError gives its message per field, a ServiceError one for the form
    (``_form``), a NeedsConfirmation the question to ask before trying again with
    ``confirmed=True`` (``_confirm``). Anything else is a bug and propagates to the app's
    worker-error modal.
    """
    from dukcapil_tui.domain.problems import ValidationError
    from dukcapil_tui.services.context import NeedsConfirmation, ServiceError

    try:
        return in_db(fn, *args, **kwargs), None
    except ValidationError as exc:
        return None, exc.problems
    except NeedsConfirmation as exc:
        return None, {CONFIRM: str(exc)}
    except ServiceError as exc:
        return None, {"_form": str(exc)}


CONFIRM = "_confirm"  # the key of try_service's problems when the service asks for a confirmation


def show_nik_refusal(screen: Screen, event) -> None:
    """A NIK field refused what was typed (a digit of another script): say so under the field
    (``#error-<name>`` for an input ``#<name>`` or ``#in-<name>``), or as a notice."""
    from dukcapil_tui.widgets.nik_input import NikInput

    assert isinstance(event, NikInput.Refused)
    name = (event.nik_input.id or "").removeprefix("in-")
    try:
        label = screen.query_one(f"#error-{name}", Label)
    except NoMatches:
        screen.notify(event.message, severity="warning")
        return
    label.update(escape(event.message))
    if label.parent is not None:
        label.parent.set_class(True, "-invalid")


def _nik_refused_handler():
    from dukcapil_tui.widgets.nik_input import NikInput

    @on(NikInput.Refused)
    def _nik_refused(self, event: NikInput.Refused) -> None:
        show_nik_refusal(self, event)

    return _nik_refused


class BaseScreen(Screen):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    _nik_refused = _nik_refused_handler()


class BaseModal(ModalScreen[ScreenResultType]):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    _nik_refused = _nik_refused_handler()
