"""The idle lock: a countdown first, then a lock over the open screen (its work kept), opened only
by the same user's password; and the first login of an office day makes the day's backup."""

from __future__ import annotations

from textual.widgets import Input, Label

from dukcapil_tui import paths
from dukcapil_tui.screens.idle import IdleWarning, LockScreen
from dukcapil_tui.screens.login import LoginScreen
from dukcapil_tui.screens.residents import ResidentsScreen

from .conftest import login, query_db, settle, type_text

SIZE = (120, 40)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _idle(pilot, clock: FakeClock, seconds: float) -> None:
    clock.now += seconds
    pilot.app.idle.tick()
    await pilot.pause()


async def _on_residents_with_a_search(pilot, clock: FakeClock) -> Input:
    app = pilot.app
    app.idle.clock = clock
    app.office_settings["idle_lock_minutes"] = "2"
    await login(pilot, "loket1")
    app.idle.last = clock.now
    await pilot.press("f2")
    await settle(pilot)
    assert isinstance(app.screen, ResidentsScreen)
    search = app.screen.query_one("#search", Input)
    search.focus()
    await type_text(pilot, "baiq")
    await settle(pilot)
    return search


async def test_countdown_then_lock_then_unlock_with_the_same_password(app, demo_db):
    clock = FakeClock()
    async with app.run_test(size=SIZE) as pilot:
        search = await _on_residents_with_a_search(pilot, clock)
        residents = app.screen

        await _idle(pilot, clock, 59)  # 61 s left of 2 minutes: no warning yet
        assert app.screen is residents
        await _idle(pilot, clock, 1)  # 60 s left: the countdown shows
        assert isinstance(app.screen, IdleWarning)
        assert "dikunci dalam 60 detik" in str(app.screen.query_one("#idle-countdown", Label).render())
        await _idle(pilot, clock, 15)
        assert "dikunci dalam 45 detik" in str(app.screen.query_one("#idle-countdown", Label).render())
        await pilot.press("x")  # any key: still working; that key does nothing else
        await pilot.pause()
        assert app.screen is residents and search.value == "baiq"

        await _idle(pilot, clock, 119)
        assert isinstance(app.screen, IdleWarning)
        await _idle(pilot, clock, 1)  # the full two minutes
        lock = app.screen
        assert isinstance(lock, LockScreen)
        await pilot.press("f4", "f1", "ctrl+p")  # nothing behind the lock is reachable
        await pilot.pause()
        assert app.screen is lock

        await type_text(pilot, "salah-sandi")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is lock
        assert str(lock.query_one("#unlock-message", Label).render()).startswith("Gagal masuk")
        await type_text(pilot, "dukcapil")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is residents and search.value == "baiq"  # the work in progress is still there
        assert not app.idle.locked
    actions = [r[0] for r in query_db(demo_db, "SELECT action FROM audit_log WHERE username = 'loket1' "
                                               "AND action LIKE '%.%' ORDER BY id")]
    assert actions[-2:] == ["login.failed", "unlock.ok"]


async def test_the_locked_user_may_log_out_instead(app):
    clock = FakeClock()
    async with app.run_test(size=SIZE) as pilot:
        await _on_residents_with_a_search(pilot, clock)
        await _idle(pilot, clock, 120)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        await _idle(pilot, clock, 600)  # logged out: no lock over the login screen
        assert isinstance(app.screen, LoginScreen)


async def test_the_first_login_of_the_day_makes_the_days_backup(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await settle(pilot)
        copies = list(paths.backup_dir().glob("demo_*_daily.sqlite3"))
        assert len(copies) == 1
        await pilot.press("ctrl+q")
    kinds = query_db(demo_db, "SELECT username, json_extract(changes, '$.kind') FROM audit_log "
                              "WHERE action = 'backup.create'")
    assert kinds == [("loket1", "daily")]


async def test_after_unlocking_from_the_real_timer_the_session_works_and_locks_again(app):
    """The guard's one-second timer was started while the login screen was active; the lock it
    pushes must still report its unlocking (it did not: every key stayed blocked)."""
    import asyncio

    clock = FakeClock()
    async with app.run_test(size=SIZE) as pilot:
        app.office_settings["idle_lock_minutes"] = "2"
        await login(pilot, "loket1")
        app.idle.clock = clock
        app.idle.last = clock.now
        clock.now += 121
        await asyncio.sleep(1.3)  # the real timer ticks
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await type_text(pilot, "dukcapil")
        await pilot.press("enter")
        await settle(pilot)
        assert not app.idle.locked
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ResidentsScreen)
        clock.now += 121
        await asyncio.sleep(1.3)
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)  # and it locks again
