"""The head's day driven with key presses: the dashboard (first screen, tiles that open their
screens and refresh themselves), the day review and its lock and unlock, and the lock refusing
back-dated or same-day writes from the blank, counter and print screens. The database is
checked afterwards. The office clock stands at 22-11-2026 10:00 WITA."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.widgets import Input, Label

from dukcapil_tui.db import database
from dukcapil_tui.screens.blangko import BlangkoScreen
from dukcapil_tui.screens.dashboard import DashboardScreen
from dukcapil_tui.screens.day_review import DayReviewScreen
from dukcapil_tui.screens.main import MainScreen
from dukcapil_tui.screens.queue_counter import CounterScreen
from dukcapil_tui.screens.queue_forms import PickModal
from dukcapil_tui.screens.queue_summary import QueueSummaryScreen
from dukcapil_tui.services.context import Actor
from dukcapil_tui.widgets.dash_tile import DashTile
from dukcapil_tui.widgets.dialogs import ConfirmModal
from dukcapil_tui.widgets.form_modal import FormModal

from . import conftest
from .conftest import before_start, login, meanwhile, query_db, settle, type_text, wait_until

SIZE = (120, 40)
TODAY = date(2026, 11, 22)
YESTERDAY = TODAY - timedelta(days=1)
LOCK_YESTERDAY = ("Hari 21-11-2026 sudah dikunci (oleh admin, 22-11-2026 10:00 WITA): perubahan bertanggal hari itu "
                  "ditolak. Hanya admin yang dapat membuka kuncinya, dengan alasan.")


def actor_for(db: Path, username: str) -> Actor:
    return conftest.actor_for(db, username, "DEMO")


def tile(app, key: str) -> DashTile:
    return app.screen.query_one(f"#dash-{key}", DashTile)


async def dashboard_ready(pilot) -> None:
    await wait_until(pilot, lambda: all(t.tile is not None for t in pilot.app.screen.query(DashTile)),
                     what="every tile read")


async def fill(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#in-{field}", Input)
    widget.focus()
    widget.value = ""
    await type_text(pilot, text)


async def test_the_head_starts_on_the_dashboard_and_each_tile_opens_its_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await dashboard_ready(pilot)
        keys = [t.key for t in app.screen.query(DashTile)]
        assert keys == ["queue", "recordings", "backlog", "blangko", "suket", "reports", "days", "outages", "devices"]
        assert "Backlog cetak" in tile(app, "backlog").text() and "Penutupan hari" in tile(app, "days").text()
        assert app.screen.focused is tile(app, "queue")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueSummaryScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("down", "down")  # queue -> blangko -> days
        assert app.screen.focused is tile(app, "days")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DayReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("up", "right", "right")  # days -> blangko -> suket -> reports
        assert app.screen.focused is tile(app, "reports")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_other_roles_keep_the_main_menu(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("escape")  # the first screen: nowhere to go back to
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_tiles_refresh_themselves(app, demo_db, monkeypatch):
    monkeypatch.setattr(DashboardScreen, "refresh_scale", 0.05)  # the queue tile every 0.25 s
    from dukcapil_tui.services import blangko, queue

    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await dashboard_ready(pilot)
        assert tile(app, "queue").tile.value == "0"
        desk = actor_for(demo_db, "loket1")
        await meanwhile(queue.take_ticket, desk, "konsultasi", visitor_name="PENGUNJUNG")
        await meanwhile(queue.take_ticket, desk, "konsultasi", visitor_name="PENGUNJUNG LAIN")
        await wait_until(pilot, lambda: tile(app, "queue").tile.value == "2", what="the queue tile to show 2")
        stock = int(tile(app, "blangko").tile.value.replace(".", ""))
        await meanwhile(blangko.receive, actor_for(demo_db, "blangko1"), 1000, "SJ-77", "Kemendagri")
        await wait_until(pilot, lambda: tile(app, "blangko").tile.value == f"{stock + 1000:,}".replace(",", "."),
                         timeout=8, what="the blank tile to follow the receipt")


async def test_review_and_lock_a_day_then_a_back_dated_receipt_is_refused_on_screen(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        app.action_open_section("day_review")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DayReviewScreen) and screen.day == TODAY
        await pilot.press("pagedown")  # no day after today
        assert screen.day == TODAY
        await pilot.press("pageup")
        await settle(pilot)
        assert screen.day == YESTERDAY
        text = screen.text()
        assert "Antrean hari itu sudah ditutup." in text and "Cocok: hasil cetak sama dengan blangko terpakai." in text
        assert "Belum dikunci." in text
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        assert "setiap perubahan bertanggal 21-11-2026 ditolak" in str(app.screen.query_one(".form-intro").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "TERKUNCI oleh admin" in screen.text()
        assert "TERKUNCI" in str(screen.query_one("#review-state", Label).render())

        # the blank keeper's back-dated receipt is refused with the lock's words
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        await fill(pilot, "quantity", "500")
        await fill(pilot, "document_no", "SJ-21/XI")
        await fill(pilot, "day", "21-11-2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert str(form.query_one(".form-message", Label).render()) == LOCK_YESTERDAY
        await fill(pilot, "day", "31-11-2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Tanggal mutasi bukan tanggal yang benar" in str(form.query_one("#error-day", Label).render())
        await fill(pilot, "day", "20-11-2026")  # the day before the lock is open
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
    rows = query_db(demo_db, "SELECT day, quantity FROM blangko_movement WHERE reference = 'SJ-21/XI'")
    assert rows == [("2026-11-20", 500)]
    locks = query_db(demo_db, "SELECT day, locked_by, unlocked_at FROM day_lock")
    assert locks == [("2026-11-21", "admin", None)]


async def test_unlock_with_a_reason_from_the_review(app, demo_db):
    from dukcapil_tui.services import day_review

    before_start(demo_db, day_review.lock, actor_for(demo_db, "admin"), YESTERDAY)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        app.push_screen(DayReviewScreen(YESTERDAY))
        await settle(pilot)
        await pilot.press("ctrl+u")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert str(form.query_one("#error-reason", Label).render()) == "Alasan membuka kunci wajib diisi."
        await type_text(pilot, "lot 21-11 belum dicatat")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DayReviewScreen)
        assert "Belum dikunci." in app.screen.text()
        assert "lot 21-11 belum dicatat" in app.screen.text()  # the history keeps the reason
    lifted = query_db(demo_db, "SELECT unlocked_by, unlock_reason FROM day_lock")
    assert lifted == [("admin", "lot 21-11 belum dicatat")]
    assert query_db(demo_db, "SELECT COUNT(*) FROM audit_log WHERE action = ?", "day.unlock") == [(1,)]


async def test_a_difference_between_prints_and_blanks_asks_once_more(app, demo_db):
    from dukcapil_tui.services import blangko

    def uncovered_movement():
        admin = actor_for(demo_db, "admin")
        blangko.receive(admin, 5, "SJ-1", "Kemendagri")
        with database.atomic():
            blangko.append(admin, "print_failed", 1, reference="tanpa hasil cetak")

    before_start(demo_db, uncovered_movement)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        app.action_open_section("day_review")
        await settle(pilot)
        assert "! TIDAK COCOK: selisih +1" in app.screen.text()
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "! TIDAK COCOK: selisih +1" in str(app.screen.query_one(".form-intro").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # not now
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        assert query_db(demo_db, "SELECT COUNT(*) FROM day_lock") == [(0,)]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # lock anyway
        await settle(pilot)
        assert isinstance(app.screen, DayReviewScreen)
    assert query_db(demo_db, "SELECT day FROM day_lock WHERE unlocked_at IS NULL") == [("2026-11-22",)]


async def test_today_locked_refuses_the_counter_and_the_print_screen(app, demo_db):
    from dukcapil_tui.models import Resident
    from dukcapil_tui.services import blangko, cards, day_review, printing, queue

    def setup():
        admin = actor_for(demo_db, "admin")
        resident = Resident.select().where(Resident.recording_status == "belum").order_by(Resident.id).first()
        queue.take_ticket(admin, "rekam_baru", resident_id=resident.id)
        ticket = queue.claim_next(admin, 1)
        queue.finish(admin, ticket.id, 1, "recorded")
        cards.set_central_status(admin, resident.nik, "PRINT_READY_RECORD")
        blangko.receive(admin, 3, "SJ-1", "Kemendagri")
        printing.create_batch(admin, 1)
        day_review.lock(admin, TODAY)
        return resident.nik

    nik = before_start(demo_db, setup)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PickModal), what="the counter picker")
        await pilot.press("enter")  # counter 1
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await wait_until(pilot, lambda: screen.state is not None, what="the counter's queue")
        await pilot.press("n")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Hari 22-11-2026 sudah dikunci (oleh admin") for m in messages), messages
    cetak = app.__class__(db_path=demo_db, workstation="CETAK-01")
    async with cetak.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        messages = [n.message for n in cetak._notifications]
        assert any("Hari 22-11-2026 sudah dikunci" in m for m in messages), messages
    state = query_db(demo_db, "SELECT c.office_status FROM card c JOIN resident r ON r.id = c.resident_id "
                              "WHERE r.nik = ?", nik)
    assert state == [("ready_to_print",)]
    assert query_db(demo_db, "SELECT COUNT(*) FROM blangko_movement WHERE kind = 'print_ok' AND day = '2026-11-22'") \
        == [(0,)]
