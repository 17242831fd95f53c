"""Small dialogs every screen may use: confirm (Enter goes ahead, Esc cancels) and pick one
option with the arrows (a marker shows the highlighted one, not colour alone)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseModal

MARK = "► "


def choices(texts: Sequence[str]) -> list[Option]:
    return [Option("  " + escape(text), id=str(i)) for i, text in enumerate(texts)]


def mark_highlighted(options: OptionList, texts: Sequence[str]) -> None:
    """Put a marker before the highlighted option, so the choice is not shown by colour alone."""
    for index, text in enumerate(texts):
        options.replace_option_prompt_at_index(index, (MARK if index == options.highlighted else "  ") + escape(text))


class ConfirmModal(BaseModal[bool]):
    """Enter goes ahead, Esc cancels."""

    BINDINGS = [
        Binding("enter", "confirm", "queue_ui.confirm", priority=True),
        Binding("escape", "cancel", "residents.cancel"),
    ]

    def __init__(self, title: str, lines: Sequence[str], hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._lines = list(lines)
        self._hint = hint or t("queue_ui.confirm_hint")

    def compose(self) -> ComposeResult:
        with Vertical(classes="qmodal-box", id="confirm-box"):
            yield Label(escape(self._title), classes="qmodal-title")
            for line in self._lines:
                yield Label(escape(line), classes="confirm-line")
            yield Label(self._hint, classes="hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class PickModal(BaseModal[object]):
    """Choose one of a few options with the arrows and Enter; Esc cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "residents.cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, object]], default: object = None,
                 hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._options = list(options)
        self._default = default
        self._hint = hint or t("queue_ui.pick_hint")

    def compose(self) -> ComposeResult:
        with Vertical(classes="qmodal-box", id="pick-box"):
            yield Label(escape(self._title), classes="qmodal-title")
            yield OptionList(*choices([text for text, _ in self._options]), id="pick-list")
            yield Label(self._hint, classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for _, value in self._options]
        options.highlighted = values.index(self._default) if self._default in values else 0
        options.focus()

    @on(OptionList.OptionHighlighted, "#pick-list")
    def _mark(self) -> None:
        mark_highlighted(self.query_one(OptionList), [text for text, _ in self._options])

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._options[int(event.option.id)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
