"""The main screen: who is working where, the sections they may open, the office at a glance."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from dukcapil_tui.domain.formatting import format_date, format_int, format_percent
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.screens.sections import sections_for
from dukcapil_tui.services import blangko, residents
from dukcapil_tui.widgets.tiles import StatTile


class MainScreen(BaseScreen):
    """The first screen of every role but the head's; the head opens it from the dashboard (M)
    and goes back with Esc."""

    screen_title = ""
    BINDINGS = [Binding("escape", "back", "app.back")]

    class SummaryLoaded(Message):
        def __init__(self, summary: residents.Summary, forecast: blangko.Forecast) -> None:
            super().__init__()
            self.summary = summary
            self.forecast = forecast

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        yield Header()
        with Vertical(id="main-body"):
            with Horizontal(id="main-who"):
                yield Label(t("main.user", name=actor.display_name, role=t("role." + actor.role)), id="main-user")
                yield Label(t("main.workstation", code=actor.workstation), id="main-workstation")
            yield Label(t("main.sections"), classes="section-title")
            menu = OptionList(id="main-menu")
            for section in sections_for(actor.role):
                binding = _binding_for(self.app, section.id)
                key = self.app.get_key_display(binding) if binding else ""
                menu.add_option(Option(f"{key:>4}  {t(section.title_key)} — {t(section.help_key)}", id=section.id))
            yield menu
            yield Label(t("main.summary"), classes="section-title", id="summary-title")
            with Horizontal(id="main-tiles"):
                yield StatTile(t("main.residents_total"), id="tile-residents")
                yield StatTile(t("main.wajib_total"), id="tile-wajib")
                yield StatTile(t("main.recorded_total"), id="tile-recorded")
                yield StatTile(t("main.coverage"), id="tile-coverage")
                yield StatTile(t("backlog.stock"), id="tile-blangko")
            yield Label("", id="main-warning")
        yield Footer()

    def on_mount(self) -> None:
        self.screen_title = t("main.sections")
        self.query_one("#main-menu", OptionList).focus()
        self.load_summary()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.load_summary()

    @work(thread=True, exclusive=True, group="main-summary", exit_on_error=False)
    def load_summary(self) -> None:
        today = self.app.today()
        summary, forecast = in_db(lambda: (residents.summary(today), blangko.forecast(today)))
        self.post_message(self.SummaryLoaded(summary, forecast))

    @on(SummaryLoaded)
    def _show_summary(self, message: SummaryLoaded) -> None:
        s = message.summary
        self.query_one("#summary-title", Label).update(
            f"{t('main.summary')} · {t('main.as_of', date=format_date(s.on))}"
        )
        self.query_one("#tile-residents", StatTile).set_value(format_int(s.residents))
        self.query_one("#tile-wajib", StatTile).set_value(format_int(s.wajib_ktp))
        self.query_one("#tile-recorded", StatTile).set_value(format_int(s.recorded_wajib))
        self.query_one("#tile-coverage", StatTile).set_value(format_percent(s.recorded_wajib, s.wajib_ktp))
        f = message.forecast
        self.query_one("#tile-blangko", StatTile).set_value(format_int(f.balance))
        warning = (t("blangko.below_threshold", stock=format_int(f.balance), threshold=format_int(f.threshold))
                   if f.below_threshold else "")
        self.query_one("#main-warning", Label).update(warning)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.app.screen_stack.index(self) > 1  # over the dashboard, not the first screen
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(OptionList.OptionSelected, "#main-menu")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.action_open_section(event.option.id)


def _binding_for(app, section_id: str):
    """The app's key for a section (None for a section opened without a key)."""
    for bindings in app._bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.id == f"section-{section_id}":
                return binding
    return None
