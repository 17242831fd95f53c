"""How every form shows what is wrong: one message under each field, the rest above the
buttons, and the focus on the first field in error (scrolled into view: a settings form is
longer than the screen). A field's message goes away as soon as the field is changed.

A form lays out each field as a container holding its label, its input and a ``Label`` with
class ``field-error`` whose id is ``<prefix><name>`` (``error-nik``); the form's general
message is one more label (``#form-message``, ``#desk-message`` …).
"""

from __future__ import annotations

import contextlib

from rich.markup import escape
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Label

from dukcapil_tui.i18n import t

CONFIRM = "_confirm"


def show_problems(root: DOMNode, problems: dict[str, str], *, message: str, prefix: str = "error-",
                  count: bool = False) -> None:
    """Show ``problems`` ({field: message}) in the form under ``root``; ``message`` selects the
    general label; ``count`` adds "N isian perlu diperbaiki" when every problem has a field."""
    fields: list[tuple[str, Label]] = []
    for label in root.query(".field-error").results(Label):
        if label.id and label.id.startswith(prefix):
            fields.append((label.id.removeprefix(prefix), label))
    names = {name for name, _ in fields}
    for name, label in fields:
        label.update(escape(problems.get(name, "")))
        if label.parent is not None:
            label.parent.set_class(name in problems, "-invalid")
    loose = [text for name, text in problems.items() if name not in names and name != CONFIRM and text]
    summary = "\n".join(loose)
    if not summary and count and problems:
        summary = t("form.problems", count=len(problems))
    with contextlib.suppress(NoMatches):
        root.query_one(message, Label).update(escape(summary))
    first = next((label for name, label in fields if name in problems), None)
    if first is not None and first.parent is not None:
        target = next((w for w in first.parent.query("*").results(Widget) if w.focusable), None)
        if target is not None:
            target.focus()  # Textual scrolls the focused widget into view


def clear_field_problem(widget: Widget) -> None:
    """The user changed a field: its message no longer applies."""
    container = widget.parent
    if container is None:
        return
    labels = [c for c in container.children if isinstance(c, Label) and c.has_class("field-error")]
    if not labels:
        return  # not a form field (a search box)
    for label in labels:
        label.update("")
    container.set_class(False, "-invalid")
