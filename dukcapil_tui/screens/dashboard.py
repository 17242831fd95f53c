"""The head's dashboard: the first screen of the head of office (``admin``) after login.

One tile per part of the office (``services.dashboard.TILES``), each refreshing itself; Enter
on a tile opens the screen behind it (the queue's summary, the day review, the backlog, the
blank stock, Suket, reports). M opens the main menu (the sections as a list); every section
key works here as everywhere.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Footer, Header, Label

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen
from dukcapil_tui.services import dashboard
from dukcapil_tui.widgets.dash_tile import DashTile

COLUMNS = 3


def _reader(spec: dashboard.TileSpec):
    def read():
        from dukcapil_tui.services import settings

        return spec.read(settings.office_today())

    return read


class DashboardScreen(BaseScreen):
    section_id = "dashboard"
    refresh_scale = 1.0  # tests shorten every tile's refresh interval with this
    DEFAULT_CSS = """
    #dash-body { padding: 0 1; }
    #dash-head { height: 1; width: 100%; }
    #dash-grid { grid-size: 3; grid-gutter: 0 1; grid-rows: auto; height: auto; }
    """
    BINDINGS = [
        Binding("m", "menu", "dash.key.menu"),
        Binding("ctrl+r", "reload", "dash.key.refresh"),
        Binding("right", "move(1)", show=False),
        Binding("left", "move(-1)", show=False),
        Binding("down", f"move({COLUMNS})", show=False),
        Binding("up", f"move(-{COLUMNS})", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("dash.title")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="dash-body"):
            yield Label(t("dash.open_hint"), id="dash-head", classes="hint")
            with Grid(id="dash-grid"):
                for spec in dashboard.TILES:
                    yield DashTile(spec.key, spec.opens, _reader(spec), spec.every * self.refresh_scale)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        tiles = list(self.query(DashTile))
        if tiles:
            tiles[0].focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.action_reload()

    @on(DashTile.Open)
    def _open(self, message: DashTile.Open) -> None:
        self.app.action_open_section(message.opens)

    def action_menu(self) -> None:
        from dukcapil_tui.screens.main import MainScreen

        self.app.push_screen(MainScreen())

    def action_reload(self) -> None:
        for tile in self.query(DashTile):
            tile.reload()

    def action_move(self, step: int) -> None:
        tiles = list(self.query(DashTile))
        if not tiles:
            return
        current = self.focused if isinstance(self.focused, DashTile) else None
        index = tiles.index(current) if current in tiles else 0
        target = index + step
        if 0 <= target < len(tiles):
            tiles[target].focus()
