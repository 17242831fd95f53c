"""The outage log with key presses: record an outage (a bad time refused under its field), see
it listed, end it; the database is checked afterwards. The office clock stands at 22-11-2026
10:00 WITA."""

from __future__ import annotations

from textual.widgets import Input, Label

from dukcapil_tui.screens.outages import OutagesScreen
from dukcapil_tui.widgets.form_modal import FormModal

from .conftest import login, pick_option, query_db, settle, type_text, wait_until

SIZE = (130, 42)


async def _fill(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#in-{field}", Input)
    widget.focus()
    widget.value = ""
    await type_text(pilot, text)


async def test_an_outage_is_recorded_listed_and_ended(app, demo_db):
    before = query_db(demo_db, "SELECT COUNT(*) FROM outage")[0][0]
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        app.action_open_section("outages")
        await wait_until(pilot, lambda: isinstance(app.screen, OutagesScreen), what="the outage log")
        screen = app.screen
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await pick_option(pilot, "in-kind", "server pusat diblokir")
        await _fill(pilot, "started", "besok pagi")
        await _fill(pilot, "note", "server pusat diblokir Ditjen")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "bukan waktu yang dikenal" in str(
            app.screen.query_one("#error-started", Label).render()), what="the bad time refused")
        await _fill(pilot, "started", "20-11-2026 08:00")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and len(screen.rows) == before + 1, what="the outage")
        row = screen.rows[0]
        assert (row.kind, row.site_code, row.open, row.hours) == ("central", None, True, 50.0)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await _fill(pilot, "ended", "21-11-2026 08:00")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and not screen.rows[0].open, what="the outage ended")
        await pilot.press("o")
        await wait_until(pilot, lambda: all(r.open for r in screen.rows) and screen.open_only, what="open only")
    assert query_db(demo_db, "SELECT kind, site_code, started_at, ended_at, note, created_by, ended_by FROM outage "
                             "ORDER BY id DESC LIMIT 1") == [
        ("central", None, "2026-11-20 00:00:00", "2026-11-21 00:00:00", "server pusat diblokir Ditjen", "admin",
         "admin")]
