"""F1: the keys that work right now, read from the live bindings (never a hand-kept table)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseModal


def describe_node(node) -> str:
    from textual.app import App
    from textual.screen import Screen

    if isinstance(node, App):
        return t("help.everywhere")
    if isinstance(node, Screen):
        return t("help.this_screen")
    return t("help.this_field")


def binding_rows(app, bindings: dict[str, ActiveBinding]) -> list[tuple[str, str, str, bool]]:
    """(key shown, description, where, enabled) for each binding that has a description."""
    from textual.app import App
    from textual.screen import Screen

    rows = []
    seen = set()
    for _key, active in bindings.items():
        binding = active.binding
        if not binding.description or (binding.action, binding.description) in seen:
            continue
        if not binding.show and not isinstance(active.node, (App, Screen)):
            continue  # a widget's own editing keys (Ctrl+W in an input…) would drown ours
        seen.add((binding.action, binding.description))
        shown = binding.key_display or app.get_key_display(binding)
        rows.append((shown, binding.description, describe_node(active.node), active.enabled))
    order = {t("help.this_screen"): 0, t("help.this_field"): 1, t("help.everywhere"): 2}
    rows.sort(key=lambda r: (order.get(r[2], 3), r[0]))
    return rows


class HelpScreen(BaseModal[None]):
    BINDINGS = [
        Binding("escape", "close", "app.back"),
        Binding("f1", "close", "app.back", show=False),
    ]

    def __init__(self, bindings: dict[str, ActiveBinding], screen_title: str) -> None:
        super().__init__()
        self._bindings_shown = bindings
        self._screen_title = screen_title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(f"{t('help.title')} — {self._screen_title}", id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("help.close"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("help.key"), t("help.action"), t("help.where"))
        for key, description, where, enabled in binding_rows(self.app, self._bindings_shown):
            table.add_row(key, description if enabled else f"{description} {t('help.disabled')}", where)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
