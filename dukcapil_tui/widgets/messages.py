"""Modals that show a longer text the user may read at leisure and copy: a failure (STYLE.md
§6), an import's result with its rejected rows and the report's path."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseModal


class TextModal(BaseModal[None]):
    """A title and a read-only, copyable text; Esc closes it."""

    BINDINGS = [Binding("escape", "dismiss", "app.back")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self._title = title
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Label(escape(self._title), id="error-title")
            yield TextArea(self._message, read_only=True, id="error-text")
            yield Label(t("app.copy_hint"), classes="hint")

    def action_dismiss(self) -> None:
        self.dismiss(None)


class ErrorModal(TextModal):
    """A failure, with its copyable message."""
