"""A dashboard tile: a title, a headline figure, a few lines and what needs attention.

The tile reads its own content on a thread worker (``reader``: no arguments, returns a
``services.dashboard.Tile``) when mounted and then every ``every`` seconds, so each part of
the dashboard refreshes itself at its own pace and a slow part never holds the others. It can
be focused; Enter (or a click) posts ``DashTile.Open`` for the screen to open what it shows.
What needs attention is written out ("! …"), never shown by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import PeeweeException
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label

from dukcapil_tui.ui.base import in_db, translate_bindings


class DashTile(Vertical, can_focus=True):
    DEFAULT_CSS = """
    DashTile { height: auto; min-height: 7; border: round $primary; padding: 0 1; }
    DashTile:focus { border: double $accent; background: $boost; }
    DashTile.-alert { border: round $warning; }
    DashTile.-alert:focus { border: double $warning; }
    DashTile .dash-title { color: $text-muted; width: 100%; }
    DashTile .dash-value { text-style: bold; width: 100%; }
    DashTile .dash-lines { width: 100%; }
    DashTile .dash-alerts { color: $warning; text-style: bold; width: 100%; }
    """
    BINDINGS = [Binding("enter", "open", "dash.key.open")]

    class Open(Message):
        def __init__(self, key: str, opens: str) -> None:
            super().__init__()
            self.key = key
            self.opens = opens

    class Read(Message):
        def __init__(self, tile) -> None:
            super().__init__()
            self.tile = tile

    def __init__(self, key: str, opens: str, reader: Callable[[], object], every: float) -> None:
        super().__init__(id=f"dash-{key}")
        translate_bindings(self)
        self.key = key
        self.opens = opens
        self._reader = reader
        self._every = every
        self.tile = None  # the content last read

    def compose(self) -> ComposeResult:
        yield Label("…", classes="dash-title")
        yield Label("", classes="dash-value")
        yield Label("", classes="dash-lines")
        yield Label("", classes="dash-alerts")

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(self._every, self.reload)

    def reload(self) -> None:
        self.run_worker(self._read, thread=True, exclusive=True, group=f"dash-{self.key}", exit_on_error=False)

    def _read(self) -> None:
        try:
            tile = in_db(self._reader)
        except PeeweeException:
            return  # a busy database: the next tick reads again
        self.post_message(self.Read(tile))

    def on_dash_tile_read(self, message: Read) -> None:
        message.stop()
        tile = message.tile
        self.tile = tile
        for name, text in (("title", tile.title), ("value", tile.value), ("lines", "\n".join(tile.lines)),
                           ("alerts", "\n".join(f"! {a}" for a in tile.alerts))):
            label = self.query_one(f".dash-{name}", Label)
            label.update(escape(text))
            label.display = bool(text)
        self.set_class(bool(tile.alerts), "-alert")

    def text(self) -> str:
        """Everything the tile shows, as plain text (tests and screen readers)."""
        if self.tile is None:
            return ""
        return "\n".join([self.tile.title, self.tile.value, *self.tile.lines, *(f"! {a}" for a in self.tile.alerts)])

    def action_open(self) -> None:
        self.post_message(self.Open(self.key, self.opens))

    def on_click(self) -> None:
        self.focus()
        self.action_open()
