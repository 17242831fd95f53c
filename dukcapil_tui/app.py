"""The Textual application: start-up, login, global keys, the command palette, errors.

Screens own their handlers and workers; this file stays thin (STYLE.md §11).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections import deque
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from dukcapil_tui import config as configmod
from dukcapil_tui import db as dbmod
from dukcapil_tui import i18n, paths
from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import translate_bindings
from dukcapil_tui.screens.sections import SECTIONS, Section, sections_for
from dukcapil_tui.services.context import Actor


class DukcapilApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "Dukcapil TUI"
    BINDINGS = [
        Binding("f1", "help", "app.help", id="help"),
        Binding("ctrl+q", "quit", "app.quit", priority=True, id="quit"),
        # Declared here (Textual adds it itself otherwise) so that translating the bindings keeps it.
        Binding("ctrl+p", "command_palette", "app.palette", priority=True, show=False, id="palette"),
        # Focus moves before the next key is delivered (a non-priority Tab is handled only after
        # it has bubbled back, when the keys typed after it went to the field being left).
        Binding("tab", "focus_next", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "app.focus_previous", show=False, priority=True),
        *[Binding(s.key, f"open_section('{s.id}')", s.title_key, id=f"section-{s.id}") for s in SECTIONS if s.key],
    ]

    def __init__(self, db_path: Path | str, workstation: str | None = None) -> None:
        _freeze_what_is_loaded()
        super().__init__()
        translate_bindings(self)
        self.db_path = db_path if dbmod.is_url(db_path) else Path(db_path)
        self.workstation = workstation or configmod.load().workstation_code
        self.actor: Actor | None = None
        self._keys: deque[events.Key] = deque()  # keys read, not yet delivered (on_event)
        self._key_drain_scheduled = False
        self.office_settings: dict[str, str] = {}
        self._in_tab: dict[str, str] = {}  # what a browser tab remembers (see ``remember``)
        from dukcapil_tui.screens.idle import IdleGuard

        self.idle = IdleGuard(self)

    # --- start-up ----------------------------------------------------------------------
    def on_mount(self) -> None:
        try:
            dbmod.open_database(self.db_path, backup_dir=paths.backup_dir())
            from dukcapil_tui.services.office_state import all_settings

            self.office_settings = all_settings()
        except dbmod.DatabaseError as exc:
            self.exit(return_code=2, message=str(exc))
            return
        finally:
            if database.obj is not None:
                database.close()  # workers open their own connections
        self.title = self.office_settings.get("office_name") or t("app.title")
        if self.field_laptop:
            self.title += " — " + t("fieldcli.title", laptop=self.field_laptop)
        from dukcapil_tui.screens.login import LoginScreen

        self.push_screen(LoginScreen())

    @property
    def office_name(self) -> str:
        return self.office_settings.get("office_name", "")

    @property
    def field_laptop(self) -> str | None:
        """On a field laptop's database (perekaman keliling): the laptop's code; else None."""
        header = self.office_settings.get("field_package")
        if not header:
            return None
        import json

        return json.loads(header)["laptop"]

    @property
    def timezone(self) -> str:
        return self.office_settings.get("timezone", "Asia/Makassar")

    def today(self) -> date:
        """The office's local date (no database needed)."""
        from dukcapil_tui.domain.formatting import to_local
        from dukcapil_tui.services import context

        return to_local(context.now_utc(), self.timezone).date()

    # --- what this workstation remembers ---------------------------------------------------
    # The settings file remembers the counter a workstation serves and its language. In a
    # browser (``dukcapil serve``) every tab is a session of the server's one workstation: a
    # choice made in one tab stays in that tab, or one clerk's counter would become another's.
    def remembered(self, key: str) -> str:
        if self.is_web:
            return self._in_tab.get(key, "")
        return getattr(configmod.load(), key)

    def remember(self, key: str, value: str) -> None:
        if self.is_web:
            self._in_tab[key] = value
            return
        cfg = configmod.load()
        if getattr(cfg, key) == value:
            return
        setattr(cfg, key, value)
        with contextlib.suppress(OSError):  # a read-only settings file: remembered for this run only
            configmod.save(cfg)

    # --- session -----------------------------------------------------------------------
    def logged_in(self, actor: Actor) -> None:
        """The head of office (admin) starts on the dashboard, everyone else on the main menu."""
        from dukcapil_tui.screens.dashboard import DashboardScreen
        from dukcapil_tui.screens.main import MainScreen

        self.actor = actor
        self.sub_title = f"{actor.display_name} · {t('role.' + actor.role)}"
        self.switch_screen(DashboardScreen() if actor.role == "admin" else MainScreen())
        self.idle.start()
        self.backup_in_background("daily")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)) \
                and not event.is_forwarded and self.idle.touch():
            return  # the key that closes the lock warning does nothing else
        if isinstance(event, events.Key) and not event.is_forwarded:
            event._dukcapil_seen = time.monotonic()
            self._keys.append(event)
            if not self._key_drain_scheduled:
                await self._drain_keys()
            return
        await super().on_event(event)

    # --- keys that arrive fast ------------------------------------------------------------
    # Textual forwards a key to the focused widget as soon as it reads it, but the widget
    # handles it later, and what the key sets going (Enter's Submitted, the focus change it
    # asks for, queued back here as a callback) comes after keys already read: keys typed — or
    # sent by a barcode scanner — right after Tab or Enter went to the field being left (a
    # password typed into the username field, in clear text). Keys wait in a queue of their
    # own and are delivered one at a time, in order, each once the app has done what the one
    # before set going (at most 0.3 s).
    async def _drain_keys(self) -> None:
        self._key_drain_scheduled = False
        while self._keys:
            await self._settle_input()
            waited = time.monotonic() - self._keys[0]._dukcapil_seen
            if waited < 0.3 and any(not isinstance(m, events.Key) or m.is_forwarded  # a key coming back up
                                    for m in self._message_queue.values):
                self._key_drain_scheduled = True
                self.call_later(self._drain_keys)  # after the work queued before it
                return
            await super().on_event(self._keys.popleft())

    async def _settle_input(self, limit_s: float = 0.3) -> None:
        """Wait until the focused widget and the nodes above it have handled what they hold:
        a callback queued behind it in each runs once that is done."""
        import asyncio

        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        first = True
        while loop.time() < deadline:
            try:
                screen = self.screen
            except Exception:  # noqa: BLE001 - no screen yet (start-up): nothing to wait for
                return
            pumps = [p for p in (self.focused.ancestors_with_self if self.focused is not None else [screen])
                     if p is not self]
            if not first and all(pump._message_queue.empty() for pump in pumps):
                return
            first = False
            done = [asyncio.Event() for _ in pumps]
            for pump, event in zip(pumps, done, strict=True):
                if not pump.call_later(event.set):
                    event.set()
            try:
                await asyncio.wait_for(asyncio.gather(*(event.wait() for event in done)),
                                       max(0.0, deadline - loop.time()))
            except TimeoutError:
                return

    @work(thread=True, group="backup", exit_on_error=False)
    def backup_in_background(self, kind: str) -> None:
        """The day's first backup at the first login of an office day ("daily"), or the one at
        the queue's day close ("day-close"); a note either way, never a blocked screen."""
        from dukcapil_tui.ui.base import in_db
        from dukcapil_tui.services import backups
        from dukcapil_tui.services.context import ServiceError

        actor = self.actor
        if actor is None or dbmod.on_postgres():  # the server keeps a PostgreSQL office's copies
            return

        def run():
            backups.record_migration_copies(actor)
            return backups.daily_if_due(actor) if kind == "daily" else backups.create(actor, kind)

        try:
            path = in_db(run)
        except ServiceError as exc:
            self.call_from_thread(self.notify, t("backup.auto_failed", reason=exc), severity="error", markup=False)
            return
        if path is not None:
            self.call_from_thread(self.notify, t("backup.auto_done", kind=kind, name=path.name), markup=False)

    def action_logout(self) -> None:
        from dukcapil_tui.screens.login import LoginScreen

        self.idle.stop()
        self.actor = None
        self.sub_title = ""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    def action_main_menu(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.idle.locked and action not in ("quit", "logout"):
            return False  # nothing behind the lock screen is reachable
        if action == "open_section":
            section = _section(str(parameters[0]))
            return self.actor is not None and section is not None and self.actor.role in section.roles
        if action in ("logout", "main_menu"):
            return self.actor is not None
        return True

    def action_open_section(self, section_id: str) -> None:
        section = _section(section_id)
        if section is None or self.actor is None or self.actor.role not in section.roles:
            return
        current = self.screen
        if getattr(current, "section_id", None) == section_id:
            return
        self.action_main_menu()
        self.push_screen(section.factory())

    # --- help, palette, language ----------------------------------------------------
    def action_help(self) -> None:
        from dukcapil_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        title = getattr(self.screen, "screen_title", "") or self.title
        self.push_screen(HelpScreen(self.screen.active_bindings, title))

    def action_command_palette(self) -> None:
        from dukcapil_tui.widgets.palette import Palette

        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.idle.locked:
            yield SystemCommand(t("app.logout"), t("palette.logout"), self.action_logout)
            yield SystemCommand(t("app.quit"), t("palette.quit_help"), self.action_quit)
            return
        if self.actor is not None:
            for section in sections_for(self.actor.role):
                yield SystemCommand(
                    t("palette.open_section", section=t(section.title_key)),
                    t(section.help_key),
                    lambda s=section.id: self.action_open_section(s),
                )
            yield SystemCommand(t("palette.main"), t("palette.main_help"), self.action_main_menu)
            yield SystemCommand(t("app.logout"), t("palette.logout"), self.action_logout)
        yield SystemCommand(t("app.help"), t("palette.help"), self.action_help)
        yield SystemCommand(t("palette.language"), t("palette.language_help"), self.action_toggle_language)
        yield SystemCommand(t("app.quit"), t("palette.quit_help"), self.action_quit)

    def action_toggle_language(self) -> None:
        language = "en" if i18n.get_language() == "id" else "id"
        i18n.set_language(language)
        self.remember("language", language)
        translate_bindings(self)
        # Rebuild the visible screens in the new language.
        if self.actor is not None:
            self.action_main_menu()
            self.logged_in(self.actor)
        else:
            from dukcapil_tui.screens.login import LoginScreen

            self.switch_screen(LoginScreen())

    # --- errors ------------------------------------------------------------------------
    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        from dukcapil_tui.widgets.messages import ErrorModal

        error = event.worker.error
        from dukcapil_tui.logs import get

        get("tui").error("worker %s failed: %s", event.worker.name, type(error).__name__, exc_info=error)
        self.push_screen(ErrorModal(t("app.error_title"), f"{type(error).__name__}: {error}"))


_frozen = False


def _freeze_what_is_loaded() -> None:
    """Move every object alive when the first app starts (the modules, classes and functions
    of Textual and the app: tens of thousands, all kept until the process ends) out of the
    cyclic garbage collector's sight (``gc.freeze``), once per process. Each full collection
    walked them all: one fell during the login screen's mount (about 14 ms, issue 14), and the
    collections at exit took some 30 ms more; later ones during the session cost less too.
    Nothing frozen can be freed by the collector, so only what lives for the process anyway
    should be alive here: this runs before the app opens its database or builds a screen."""
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


def _section(section_id: str) -> Section | None:
    return next((s for s in SECTIONS if s.id == section_id), None)
