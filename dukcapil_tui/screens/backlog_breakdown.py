"""The backlog counted by kecamatan, by reason and by age, side by side."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label

from dukcapil_tui.domain.formatting import format_int
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseModal
from dukcapil_tui.services import regions
from dukcapil_tui.services.cards import BacklogCounts


class BreakdownModal(BaseModal[None]):
    BINDINGS = [Binding("escape", "close", "app.back")]

    def __init__(self, counts: BacklogCounts) -> None:
        super().__init__()
        self._counts = counts

    def compose(self) -> ComposeResult:
        with Vertical(id="breakdown-box"):
            yield Label(t("backlog.breakdown"), classes="section-title")
            with Horizontal():
                yield DataTable(id="by-kecamatan", cursor_type="row")
                yield DataTable(id="by-reason", cursor_type="row")
                yield DataTable(id="by-age", cursor_type="row")
            yield Label(t("help.close"), classes="hint")

    def on_mount(self) -> None:
        index = regions.index()  # cached in memory by the screen that opened this
        self._fill("#by-kecamatan", t("resident.field.kecamatan"),
                   [(index.name(code), n) for code, n in self._counts.by_kecamatan.items()])
        self._fill("#by-reason", t("backlog.col.reason"),
                   [(t(f"cards.reason.{r}"), n) for r, n in self._counts.by_reason.items()])
        self._fill("#by-age", t("backlog.col.age_days"), list(self._counts.by_age.items()))
        self.query_one("#by-kecamatan", DataTable).focus()

    def _fill(self, selector: str, title: str, rows: list[tuple[str, int]]) -> None:
        table = self.query_one(selector, DataTable)
        table.add_columns(title, t("backlog.col.count"))
        for name, n in rows:
            table.add_row(name, format_int(n))
        table.add_row(t("backlog.total"), format_int(sum(n for _, n in rows)))

    def action_close(self) -> None:
        self.dismiss(None)
