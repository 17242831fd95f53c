"""Stat tiles: a label and a big number, for the main screen and section headers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label


class StatTile(Vertical):
    DEFAULT_CSS = """
    StatTile { width: 1fr; height: 5; border: round $primary; padding: 0 1; }
    StatTile .tile-label { color: $text-muted; }
    StatTile .tile-value { text-style: bold; }
    """

    def __init__(self, label: str, value: str = "…", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = label
        self._value = value

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="tile-label")
        yield Label(self._value, classes="tile-value")

    def set_value(self, value: str) -> None:
        self._value = value
        if self.is_mounted:
            self.query_one(".tile-value", Label).update(value)
