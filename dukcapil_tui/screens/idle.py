"""The idle lock: after the office's idle time (setting ``idle_lock_minutes``, default 10) a
warning counts down the last seconds, then a lock modal covers whatever screen was open. The
work behind it stays as it was; only the same user's password opens it again (checked and
counted like a login), or the user logs out.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseModal, in_db
from dukcapil_tui.services.context import Actor

WARN_S = 60
DEFAULT_MINUTES = 10


class IdleWarning(BaseModal[None]):
    """The countdown before the lock; any key closes it (the guard sees the key as activity)."""

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-box"):
            yield Label(t("idle.warning_title"), id="idle-title")
            yield Label(t("idle.warning", seconds=self.seconds), id="idle-countdown")

    def show(self, seconds: int) -> None:
        self.seconds = seconds
        self.query_one("#idle-countdown", Label).update(t("idle.warning", seconds=seconds))


class LockScreen(BaseModal[bool]):
    """Covers the session until the same user's password is given."""

    BINDINGS = [Binding("ctrl+l", "logout", "idle.key.logout", priority=True)]

    class Checked(Message):
        def __init__(self, ok: bool, message: str) -> None:
            super().__init__()
            self.ok = ok
            self.message = message

    def __init__(self, actor: Actor, on_unlock: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.actor = actor
        self._on_unlock = on_unlock

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-box"):
            yield Label(t("idle.locked_title"), id="idle-title")
            yield Label(escape(t("idle.locked", name=self.actor.display_name, username=self.actor.username)))
            yield Label(t("idle.password", username=self.actor.username), classes="field-label")
            yield Input(id="unlock-password", password=True, max_length=128)
            yield Label("", id="unlock-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#unlock-password", Input).focus()

    @on(Input.Submitted, "#unlock-password")
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        event.input.disabled = True
        self.query_one("#unlock-message", Label).update(t("idle.checking"))
        self._check(event.value)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def _check(self, password: str) -> None:
        from dukcapil_tui.services.users import unlock

        result = in_db(unlock, self.actor, password)
        self.post_message(self.Checked(result.ok, result.message))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        if message.ok:
            # Told directly, not through push_screen's result callback: that one runs on the
            # screen that was active when the lock was pushed — from the guard's timer, often
            # the long-gone login screen — and never arrived (the session stayed "locked").
            if self._on_unlock is not None:
                self._on_unlock()
            self.dismiss(True)
            return
        field = self.query_one("#unlock-password", Input)
        field.disabled = False
        field.value = ""
        field.focus()
        self.query_one("#unlock-message", Label).update(escape(message.message))

    def action_logout(self) -> None:
        self.app.action_logout()


class IdleGuard:
    """Watches the session's activity and locks it when idle (driven by a one-second timer)."""

    def __init__(self, app, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.last = clock()
        self.warning: IdleWarning | None = None
        self.lock: LockScreen | None = None
        self._timer = None

    @property
    def locked(self) -> bool:
        return self.lock is not None

    def limit_s(self) -> float:
        value = str(self.app.office_settings.get("idle_lock_minutes", "") or DEFAULT_MINUTES)
        return 60.0 * (int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MINUTES)

    def start(self) -> None:
        self.last = self.clock()
        if self._timer is None:
            self._timer = self.app.set_interval(1.0, self.tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.warning = None
        self.lock = None

    def touch(self) -> bool:
        """A key or a click: the session is in use (typing the unlock password does not count).
        True when it closed the countdown (that key should do nothing else)."""
        if self.locked:
            return False
        self.last = self.clock()
        if self.warning is None:
            return False
        warning, self.warning = self.warning, None
        if warning.is_active:
            warning.dismiss()
        return True

    def tick(self) -> None:
        if self.app.actor is None or self.locked:
            return
        limit = self.limit_s()
        left = limit - (self.clock() - self.last)
        if left <= 0:
            self._lock()
        elif left <= min(WARN_S, limit / 2):
            seconds = math.ceil(left)
            if self.warning is None:
                self.warning = IdleWarning(seconds)
                self.app.push_screen(self.warning)
            else:
                self.warning.show(seconds)

    def _lock(self) -> None:
        if self.warning is not None:
            warning, self.warning = self.warning, None
            if warning.is_active:
                warning.dismiss()
        self.lock = LockScreen(self.app.actor, self._unlocked)
        self.app.push_screen(self.lock)

    def _unlocked(self) -> None:
        self.lock = None
        self.last = self.clock()
        self.app.refresh_bindings()
        self.app.notify(t("idle.unlocked"))
