"""What a workstation remembers: in a terminal, in its settings file; in a browser tab
(``dukcapil serve``, where every tab is a session of the server's one workstation), in the tab
only, so one clerk's counter or language never becomes another's."""

from __future__ import annotations

import pytest

from dukcapil_tui import config as configmod
from dukcapil_tui.app import DukcapilApp
from dukcapil_tui.screens.queue_counter import CounterScreen
from dukcapil_tui.screens.queue_forms import PickModal

from .conftest import login, settle, wait_until
from .test_queue_screens import SIZE, clock, open_counter  # noqa: F401  (the fixed clock)


@pytest.fixture
def in_browser(monkeypatch):
    monkeypatch.setattr(DukcapilApp, "is_web", property(lambda self: True))


async def reopen_counter(pilot) -> CounterScreen:
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("f5")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, (CounterScreen, PickModal)), what="F5")
    return pilot.app.screen


async def test_a_terminal_remembers_its_counter_in_the_settings_file(demo_db):
    app = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await open_counter(pilot, 2)
    assert configmod.load().counter == "2"
    again = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with again.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(again.screen, CounterScreen), what="the counter")
        await wait_until(pilot, lambda: again.screen.counter == 2, what="counter 2")  # not asked again


async def test_a_browser_tab_keeps_its_counter_and_language_to_itself(demo_db, in_browser):
    configmod.save(configmod.Config(counter="1", language="id"))
    first = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with first.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot, 2)  # asked, although the settings file says 1
        assert counter.counter == 2
        screen = await reopen_counter(pilot)
        assert isinstance(screen, CounterScreen)  # the tab remembers: not asked again
        await wait_until(pilot, lambda: screen.counter == 2, what="counter 2")
        first.action_toggle_language()
        await settle(pilot)
    assert configmod.load() == configmod.Config(counter="1", language="id")  # the shared file untouched

    second = DukcapilApp(db_path=demo_db, workstation="LOKET-01")  # another tab
    async with second.run_test(size=SIZE) as pilot:
        await login(pilot, "loket2")
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(second.screen, PickModal), what="the counter picker")


async def test_a_report_exported_in_a_browser_tab_is_also_sent_to_the_browser(demo_db, in_browser, tmp_path,
                                                                              monkeypatch):
    from textual.widgets import Input, Label

    from dukcapil_tui.screens.laporan import XLSX_MIME, LaporanScreen

    sent = []
    monkeypatch.setattr(DukcapilApp, "deliver_binary", lambda self, path, **how: sent.append((path, how)))
    app = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("f12")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LaporanScreen)
        screen.query_one("#laporan-folder", Input).value = str(tmp_path / "out")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: sent, what="the delivery")
        assert "Berkas tersimpan" in str(screen.query_one("#laporan-result", Label).render())
    written = tmp_path / "out" / "5202_capaian-perekaman_2026-11.xlsx"
    assert sent == [(written, {"open_method": "download", "mime_type": XLSX_MIME})] and written.exists()


async def test_a_terminal_export_is_not_delivered(app, tmp_path, monkeypatch):
    from textual.widgets import Input, Label

    sent = []
    monkeypatch.setattr(DukcapilApp, "deliver_binary", lambda self, path, **how: sent.append(path))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("f12")
        await settle(pilot)
        app.screen.query_one("#laporan-folder", Input).value = str(tmp_path / "out")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: "Berkas tersimpan" in str(app.screen.query_one("#laporan-result", Label)
                                                                   .render()), what="the export")
    assert sent == []
