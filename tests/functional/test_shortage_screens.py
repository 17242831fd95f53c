"""The blank shortage and the reports upward with key presses: renewing a Suket (Ctrl+R) and the
register's validity columns, a blank request and the receipt that delivers it, the named
waiting list offered to the head only, and recording a monthly report as sent (Ctrl+K)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import DataTable, Input, Label, OptionList

from dukcapil_tui.screens.blangko import BlangkoScreen
from dukcapil_tui.screens.handover import HandoverScreen
from dukcapil_tui.screens.laporan import LaporanScreen
from dukcapil_tui.services.context import Actor
from dukcapil_tui.widgets.dialogs import ConfirmModal, PickModal
from dukcapil_tui.widgets.form_modal import FormModal
from dukcapil_tui.widgets.messages import TextModal

from . import conftest
from .conftest import before_start, login, pick_option, query_db, settle, type_text

SIZE = (120, 40)


def actor_for(db: Path, username: str) -> Actor:
    return conftest.actor_for(db, username, "DEMO")


async def fill(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#in-{field}", Input)
    widget.focus()
    widget.value = ""
    await type_text(pilot, text)


async def test_a_suket_ending_this_week_is_renewed_with_f5(app, demo_db, monkeypatch):
    from dukcapil_tui.models import Resident
    from dukcapil_tui.services import context, queue, suket

    def setup():
        admin = actor_for(demo_db, "admin")
        resident = Resident.select().where(Resident.recording_status == "belum").order_by(Resident.id).first()
        queue.take_ticket(admin, "rekam_baru", resident_id=resident.id)
        ticket = queue.claim_next(admin, 1)
        queue.finish(admin, ticket.id, 1, "recorded")
        return resident.nik, suket.issue(admin, resident.nik).number

    nik, first = before_start(demo_db, setup)
    # six months less five days later: the letter ends within the week
    monkeypatch.setattr(context, "now_utc", lambda: datetime(2027, 5, 17, 2, 0))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        table = screen.query_one("#handover-list", DataTable)
        row = table.get_row_at(0)
        assert (row[0], row[5], row[6]) == (first, "22-05-2027", "segera berakhir")
        await type_text(pilot, nik)
        await pilot.press("enter")
        await settle(pilot)
        card = str(screen.query_one("#handover-card", Label).render())
        assert "Suket berlaku s.d. 22-05-2027 (segera berakhir)." in card and "Ctrl+R: perpanjang Suket" in card
        assert screen.check_action("suket", ()) is None  # already holds one: no second letter
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # a numbered letter: for whom, first
        await pilot.press("enter")
        await settle(pilot)
        row = screen.query_one("#handover-list", DataTable).get_row_at(0)
        assert row[0] != first and row[5] == "17-11-2027" and row[6] == "berlaku"
    rows = query_db(demo_db, "SELECT number, status, closed_reason, renews_id, valid_until FROM suket ORDER BY id")
    assert [r[1:3] for r in rows] == [("closed", "renewed"), ("open", None)]
    assert rows[1][3] is not None and rows[1][4] == "2027-11-17"


async def test_a_request_to_the_province_and_the_receipt_that_delivers_it(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "blangko1")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await fill(pilot, "quantity", "2.000")
        await fill(pilot, "letter_no", "470/31/DKPS/XI/2026")
        await fill(pilot, "day", "20-11-2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BlangkoScreen)
        warning = str(screen.query_one("#blangko-warning", Label).render())
        assert "Permintaan belum dipenuhi: 1 (2.000 blangko, sejak 20-11-2026)" in warning
        await pilot.press("r")
        await settle(pilot)
        await fill(pilot, "quantity", "500")
        await fill(pilot, "document_no", "BAST-9")
        await pick_option(pilot, "in-request_id", "#1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, TextModal)
        text = app.screen.query_one("#error-text").text
        assert "diminta 2.000, diterima 500, belum dipenuhi 1.500" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.check_action("close_request", ()) is False  # the keeper does not close requests
    rows = query_db(demo_db, "SELECT r.letter_no, r.quantity, m.quantity, m.reference FROM blangko_delivery d "
                             "JOIN blangko_request r ON r.id = d.request_id "
                             "JOIN blangko_movement m ON m.id = d.movement_id")
    assert rows == [("470/31/DKPS/XI/2026", 2000, 500, "BAST-9")]


async def test_the_head_closes_a_request(app, demo_db):
    from dukcapil_tui.services import blangko_requests

    before_start(demo_db, lambda: blangko_requests.request(actor_for(demo_db, "admin"), 100, "S/9"))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PickModal)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await type_text(pilot, "provinsi kehabisan")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
    closed = query_db(demo_db, "SELECT closed_by, closed_reason FROM blangko_request")
    assert closed == [("admin", "provinsi kehabisan")]


async def test_the_waiting_list_is_the_heads_and_a_report_is_recorded_as_sent(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("f12")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LaporanScreen)
        menu = screen.query_one(OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert "menunggu-kartu" in ids
        assert "Batas kirim laporan ini:" in str(screen.query_one("#laporan-deadlines", Label).render())  # capaian
        menu.highlighted = ids.index("blangko")
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.query_one("#in-period", Input).value == "2026-10"
        await fill(pilot, "sent_on", "04-11-2026")
        await fill(pilot, "reference", "470/88/XI/2026")
        await pick_option(pilot, "in-via", "surat")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LaporanScreen)
        deadlines = str(screen.query_one("#laporan-deadlines", Label).render())
        assert "2026-11: batas 05-12-2026" in deadlines
        menu.highlighted = ids.index("harian")
        await settle(pilot)
        assert screen.check_action("record_sent", ()) is None  # not a monthly report
        assert str(screen.query_one("#laporan-deadlines", Label).render()) == ""
    rows = query_db(demo_db, "SELECT report, period, sent_on, via, reference, username FROM report_sent")
    assert rows == [("blangko", "2026-10", "2026-11-04", "surat", "470/88/XI/2026", "admin")]


async def test_the_waiting_list_is_not_offered_to_the_counter(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f12")
        await settle(pilot)
        menu = app.screen.query_one(OptionList)
        assert "menunggu-kartu" not in [menu.get_option_at_index(i).id for i in range(menu.option_count)]
