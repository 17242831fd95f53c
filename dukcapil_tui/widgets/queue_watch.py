"""An invisible widget that notices when the queue changed elsewhere.

Every few seconds it reads ``queue_version()`` (the newest ticket event id: one indexed
read) and the office's date on a thread worker, and posts ``QueueWatch.Changed`` to its
screen when either moved. Screens reload only then, and call ``mark()`` with the version
their data was read at, so their own moves do not cause a second reload.
"""

from __future__ import annotations

from datetime import date

from peewee import PeeweeException
from textual import on, work
from textual.message import Message
from textual.widget import Widget

from dukcapil_tui.ui.base import in_db

POLL_SECONDS = 2.0


def read_version() -> tuple[int, date]:
    from dukcapil_tui.services import queue_stats, settings

    return queue_stats.queue_version(), settings.office_today()


class QueueWatch(Widget):
    DEFAULT_CSS = "QueueWatch { display: none; }"

    class Changed(Message):
        def __init__(self, version: int, day: date) -> None:
            super().__init__()
            self.version = version
            self.day = day

    class _Seen(Message):
        def __init__(self, version: int, day: date) -> None:
            super().__init__()
            self.version = version
            self.day = day

    def __init__(self, interval: float | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._interval = interval or POLL_SECONDS
        self._last: tuple[int, date] | None = None

    def on_mount(self) -> None:
        self.set_interval(self._interval, self._poll)

    def mark(self, version: int, day: date) -> None:
        """The screen's data is as of this version (and day)."""
        self._last = (version, day)

    def _poll(self) -> None:
        if self._last is not None:  # nothing to compare with before the first load
            self._read()

    @work(thread=True, exclusive=True, group="queue-watch", exit_on_error=False)
    def _read(self) -> None:
        try:
            version, day = in_db(read_version)
        except PeeweeException:
            return  # a busy or briefly unreadable database: try again at the next tick
        self.post_message(self._Seen(version, day))

    @on(_Seen)
    def _seen(self, message: _Seen) -> None:
        message.stop()
        if self._last is not None and (message.version, message.day) != self._last:
            self._last = (message.version, message.day)
            self.post_message(self.Changed(message.version, message.day))
