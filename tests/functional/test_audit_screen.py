"""The head opens the audit log from the palette, filters it by user and day, reads one entry."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, Label, TextArea

from dukcapil_tui.screens.audit_log import AuditLogScreen
from dukcapil_tui.widgets.messages import TextModal
from dukcapil_tui.widgets.paged_table import PagedTable

from .conftest import before_start, login, pick_option, query_db, settle, type_text, wait_until

SIZE = (120, 40)


def a_busy_morning() -> None:
    from dukcapil_tui.services import audit
    from dukcapil_tui.services.context import Actor

    for number in range(60):
        audit.record(Actor(None, "loket1", "loket", "LOKET-01", "Loket"), "ticket.take", "ticket", number, {})
    for number in range(3):
        audit.record(Actor(None, "cetak1", "cetak", "CETAK-01", "Cetak"), "card.status", "card", number,
                     {"central_status": ["SENT_FOR_ENROLLMENT", "PRINT_READY_RECORD"]})


async def test_the_head_reads_the_audit_log(app, demo_db):
    before_start(demo_db, a_busy_morning)
    cetak = query_db(demo_db, "SELECT id, action FROM audit_log WHERE username = 'cetak1' ORDER BY id DESC")
    assert len(cetak) == 3
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        await type_text(pilot, "Log audit")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditLogScreen)
        table = screen.query_one(PagedTable)
        await wait_until(pilot, lambda: table.row_count == 50, what="the first page")
        newest = query_db(demo_db, "SELECT id FROM audit_log ORDER BY id DESC LIMIT 1")[0][0]
        assert table.get_row_at(0)[0] == str(newest)
        assert str(screen.query_one("#audit-status", Label).render()).endswith("PgDn: halaman berikut")
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: table.page_number == 2 and table.get_row_at(0)[0] == str(newest - 50),
                         what="the older page")
        await pick_option(pilot, "audit-user", "cetak1")
        await wait_until(pilot, lambda: table.page_number == 1 and table.row_count == min(50, len(cetak))
                         and table.get_row_at(0)[0] == str(cetak[0][0]), what="cetak1's entries")
        assert {table.get_row_at(i)[2] for i in range(table.row_count)} == {"cetak1"}
        screen.query_one("#audit-day", Input).focus()
        await type_text(pilot, "31-02-2026")
        await pilot.press("enter")
        await settle(pilot)
        assert str(screen.query_one("#audit-status", Label).render()) == \
            "Hari '31-02-2026' tidak dikenal; gunakan DD-MM-YYYY atau kosongkan."
        screen.query_one("#audit-day", Input).value = ""
        await type_text(pilot, "01-01-2020")
        await pilot.press("enter")
        await wait_until(pilot, lambda: table.row_count == 0, what="an empty day")
        assert str(screen.query_one("#audit-status", Label).render()) == "Tidak ada entri yang cocok dengan saringan."
        screen.query_one("#audit-day", Input).focus()
        screen.query_one("#audit-day", Input).value = ""
        await pilot.press("enter")
        await wait_until(pilot, lambda: table.row_count > 0, what="every day again")
        assert screen.focused is table
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextModal)
        text = app.screen.query_one(TextArea).text
        assert f"Tindakan: {cetak[0][1]}" in text and "cetak1 @" in text


async def test_the_counter_cannot_reach_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        app.action_open_section("audit")
        await settle(pilot)
        assert not isinstance(app.screen, AuditLogScreen)
