"""A modal that shows a failure with a copyable message (STYLE.md §6)."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from dukcapil_tui.i18n import t
from dukcapil_tui.screens.base import BaseModal


class ErrorModal(BaseModal[None]):
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
