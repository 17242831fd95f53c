"""The backlog counted by kecamatan, by reason and by age, side by side; below, the recordings
not yet sent to the centre by site and by kecamatan, aged, with those at the centre apart."""

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
from dukcapil_tui.services.unsent import BUCKETS, UnsentCounts, Waiting


class BreakdownModal(BaseModal[None]):
    BINDINGS = [Binding("escape", "close", "app.back")]

    def __init__(self, counts: BacklogCounts, waiting: UnsentCounts | None = None) -> None:
        super().__init__()
        self._counts = counts
        self._waiting = waiting

    def compose(self) -> ComposeResult:
        with Vertical(id="breakdown-box"):
            yield Label(t("backlog.breakdown"), classes="section-title")
            with Horizontal():
                yield DataTable(id="by-kecamatan", cursor_type="row")
                yield DataTable(id="by-reason", cursor_type="row")
                yield DataTable(id="by-age", cursor_type="row")
            with Horizontal():
                yield DataTable(id="unsent-by-site", cursor_type="row")
                yield DataTable(id="unsent-by-kecamatan", cursor_type="row")
            yield Label(t("help.close"), classes="hint")

    def on_mount(self) -> None:
        index = regions.index()  # cached in memory by the screen that opened this
        self._fill("#by-kecamatan", t("resident.field.kecamatan"),
                   [(index.name(code), n) for code, n in self._counts.by_kecamatan.items()])
        self._fill("#by-reason", t("backlog.col.reason"),
                   [(t(f"cards.reason.{r}"), n) for r, n in self._counts.by_reason.items()])
        self._fill("#by-age", t("backlog.col.age_days"), list(self._counts.by_age.items()))
        if self._waiting is not None:
            self._aged("#unsent-by-site", t("backlog.unsent_by_site"),
                       [(code or "-", row) for code, row in sorted(self._waiting.by_site.items(),
                                                                    key=lambda item: item[0] or "~")])
            self._aged("#unsent-by-kecamatan", t("backlog.unsent_by_kecamatan"),
                       [(index.name(code), row) for code, row in sorted(self._waiting.by_kecamatan.items())])
        self.query_one("#by-kecamatan", DataTable).focus()

    def _aged(self, selector: str, title: str, rows: list[tuple[str, Waiting]]) -> None:
        table = self.query_one(selector, DataTable)
        table.add_columns(title, *BUCKETS, t("backlog.col.unsent"), t("backlog.col.centre"))
        whole = Waiting()
        for name, row in rows:
            table.add_row(name, *(format_int(row.unsent[b]) for b in BUCKETS), format_int(row.unsent_total),
                          format_int(row.at_centre))
            for bucket in BUCKETS:
                whole.unsent[bucket] += row.unsent[bucket]
            whole.at_centre += row.at_centre
        table.add_row(t("backlog.total"), *(format_int(whole.unsent[b]) for b in BUCKETS),
                      format_int(whole.unsent_total), format_int(whole.at_centre))

    def _fill(self, selector: str, title: str, rows: list[tuple[str, int]]) -> None:
        table = self.query_one(selector, DataTable)
        table.add_columns(title, t("backlog.col.count"))
        for name, n in rows:
            table.add_row(name, format_int(n))
        table.add_row(t("backlog.total"), format_int(sum(n for _, n in rows)))

    def action_close(self) -> None:
        self.dismiss(None)
