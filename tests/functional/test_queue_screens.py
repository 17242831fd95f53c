"""The queue screens driven with real key presses: the registration desk issues tickets, the
counter calls and serves them, the board and the day summary show them; the database is
checked afterwards. The service clock is fixed at 22-11-2026 10:00 WITA (the demo's today)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Label

from dukcapil_tui.screens.queue_counter import CounterScreen
from dukcapil_tui.screens.queue_desk import DeskScreen
from dukcapil_tui.screens.queue_forms import ConfirmModal, FinishModal, PickModal
from dukcapil_tui.screens.queue_summary import QueueSummaryScreen
from dukcapil_tui.widgets.bigtext import BigText

from .conftest import actor_for, before_start, login, meanwhile, pick_option, query_db, settle, type_text, wait_until

SIZE = (120, 40)
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 2, 0, 0)  # 10:00 WITA


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The service clock: a second passes at every reading, so events keep their order."""
    from conftest import Clock

    from dukcapil_tui.services import context

    fixed = Clock(NOW, tick=timedelta(seconds=1))
    monkeypatch.setattr(context, "now_utc", fixed)
    return fixed


def adult_not_recorded(db: Path, offset: int = 0) -> tuple[int, str, str]:
    return query_db(db, "SELECT id, nik, name FROM resident WHERE recording_status = 'belum' "
                        "AND birth_date < '2000-01-01' ORDER BY id LIMIT 1 OFFSET ?", offset)[0]


def take(db: Path, service: str, **fields):
    from dukcapil_tui.services import queue

    return before_start(db, lambda: queue.take_ticket(actor_for(db, "loket2"), service, **fields).label)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


def table_labels(screen) -> list[str]:
    table = screen.query_one("#counter-table", DataTable)
    return [table.get_row_at(i)[1] for i in range(table.row_count)]


async def open_counter(pilot, number: int = 1) -> CounterScreen:
    await pilot.press("f5")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PickModal), what="the counter picker")
    for _ in range(number - 1):
        await pilot.press("down")
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, CounterScreen)
    await wait_until(pilot, lambda: screen.state is not None, what="the counter's queue")
    return screen


# --- the registration desk --------------------------------------------------------------------

async def test_desk_issues_tickets_with_nik_and_for_a_visitor(app, demo_db, isolated_home):
    resident_id, nik, name = adult_not_recorded(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f4")
        await settle(pilot)
        desk = app.screen
        assert isinstance(desk, DeskScreen)

        await pilot.press("ctrl+s")  # nothing filled in
        await settle(pilot)
        assert text_of(desk, "#error-service") == "Layanan wajib diisi."
        assert text_of(desk, "#error-visitor_name").startswith("Isi NIK penduduk, atau nama pengunjung")
        assert desk.focused.id == "visitor_name"  # the first field in error
        await pilot.press("shift+tab")
        assert desk.focused.id == "nik"

        await type_text(pilot, nik)
        await settle(pilot)
        assert text_of(desk, "#error-service") == "Layanan wajib diisi."  # typing the NIK clears only its own field's

        await wait_until(pilot, lambda: name in text_of(desk, "#desk-resident"), what="the resident")
        assert "Belum rekam" in text_of(desk, "#desk-resident")
        await pilot.press("enter")  # on to the service
        assert desk.focused.id == "service"
        await pick_option(pilot, "service", "perekaman")
        await settle(pilot)
        assert text_of(desk, "#error-service") == ""  # the field changed: its message is gone
        assert not desk.query_one("#field-service").has_class("-invalid")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: desk.query_one("#desk-label", BigText).text == "A-001", what="the ticket")
        assert "Antrean di depannya: 0" in text_of(desk, "#desk-issued-text")
        assert "Karcis disimpan" in text_of(desk, "#desk-issued-text")
        assert desk.query_one("#nik").value == "" and desk.focused.id == "nik"  # ready for the next one

        await pilot.press("tab")
        await type_text(pilot, "ibu sari")
        await pilot.press("enter")
        await pick_option(pilot, "service", "konsul")
        await pick_option(pilot, "priority", "lansia")
        desk.query_one("#notes").focus()
        await type_text(pilot, "tanya akta")
        await pilot.press("enter")  # Enter in the notes issues too
        await wait_until(
            pilot, lambda: desk.query_one("#desk-label", BigText).text == "H-001", what="the visitor's ticket"
        )

    rows = query_db(
        demo_db,
        "SELECT s.code, t.number, t.resident_id, t.visitor_name, t.priority, t.channel, t.notes, "
        "t.status, t.workstation FROM ticket t JOIN service s ON s.id = t.service_id ORDER BY t.id",
    )
    assert rows == [
        ("rekam_baru", 1, resident_id, "", None, "langsung", "", "waiting", "DEMO"),
        ("konsultasi", 1, None, "IBU SARI", "lansia", "langsung", "tanya akta", "waiting", "DEMO"),
    ]
    slip = isolated_home / "data" / "exports" / "karcis" / "2026-11-22_A-001.txt"
    assert "A - 0 0 1" in slip.read_text(encoding="utf-8")


async def test_desk_asks_before_a_wasted_visit_and_shows_a_full_quota(app, demo_db):
    nik, = query_db(demo_db, "SELECT nik FROM resident WHERE recording_status = 'sudah' ORDER BY id LIMIT 1")[0]
    query_db(demo_db, "UPDATE service SET daily_quota = 1 WHERE code = 'pindah_datang'")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f4")
        await settle(pilot)
        desk = app.screen
        await type_text(pilot, nik)
        await wait_until(pilot, lambda: "Sudah rekam" in text_of(desk, "#desk-resident"), what="the resident")
        await pick_option(pilot, "service", "perekaman")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the warning")
        lines = [str(label.render()) for label in app.screen.query(".confirm-line").results(Label)]
        assert any("SUDAH REKAM" in line for line in lines)
        await pilot.press("escape")  # think again
        await settle(pilot)
        assert app.screen is desk and text_of(desk, "#desk-message") == "Tiket tidak jadi diambil."
        assert query_db(demo_db, "SELECT count(*) FROM ticket") == [(0,)]

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the warning again")
        await pilot.press("enter")  # issue anyway
        await wait_until(pilot, lambda: desk.query_one("#desk-label", BigText).text == "A-001", what="the ticket")

        for visitor in ("pak amir", "pak badu"):
            desk.query_one("#visitor_name").focus()
            await type_text(pilot, visitor)
            await pick_option(pilot, "service", "pindah")
            await pilot.press("ctrl+s")
            await settle(pilot)
            await settle(pilot)
        message = text_of(desk, "#desk-message")
        assert "Kuota harian layanan Pindah datang (1 tiket) sudah habis" in message
        assert desk.query_one("#visitor_name").value == "pak badu"  # kept, to try another service
    assert query_db(demo_db, "SELECT visitor_name FROM ticket WHERE service_id = "
                             "(SELECT id FROM service WHERE code = 'pindah_datang')") == [("PAK AMIR",)]


async def test_desk_registers_an_unknown_nik_then_issues(app, demo_db):
    new_nik = "5202045708050099"
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f4")
        await settle(pilot)
        desk = app.screen
        await type_text(pilot, new_nik)
        await wait_until(pilot, lambda: "belum terdaftar" in text_of(desk, "#desk-resident"), what="unknown NIK")
        await pilot.press("f3")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#nik").value == new_nik
        await pilot.press("tab")
        await type_text(pilot, "baiq siti aminah")
        await pick_option(pilot, "desa_code", "Rembitan")
        await pick_option(pilot, "marital_status", "Kawin")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is desk and "BAIQ SITI AMINAH" in text_of(desk, "#desk-resident"),
                         what="back at the desk with the new resident")
        assert desk.focused.id == "service"
        await pick_option(pilot, "service", "perekaman")
        await settle(pilot)
        assert text_of(desk, "#error-service") == ""  # the field changed: its message is gone
        assert not desk.query_one("#field-service").has_class("-invalid")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: desk.query_one("#desk-label", BigText).text == "A-001", what="the ticket")
    assert query_db(demo_db, "SELECT r.nik FROM ticket t JOIN resident r ON r.id = t.resident_id") == [(new_nik,)]


async def test_desk_checks_in_an_online_booking(app, demo_db, tmp_path):
    from dukcapil_tui.services import bookings

    _, nik, _ = adult_not_recorded(demo_db)
    booking_file = tmp_path / "booking.csv"
    booking_file.write_text(f"TANGGAL,NIK,NAMA,LAYANAN,JAM\n22-11-2026,{nik},X,pengambilan,09:30\n", encoding="utf-8")
    result = before_start(demo_db, bookings.import_bookings, actor_for(demo_db, "admin"), booking_file)
    assert result.booked == 1
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f4")
        await settle(pilot)
        desk = app.screen
        await type_text(pilot, nik)
        await wait_until(pilot, lambda: "E-001" in text_of(desk, "#desk-booking"), what="the booking")
        assert "09:30" in text_of(desk, "#desk-booking")
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: desk.query_one("#desk-label", BigText).text == "E-001", what="the check-in")
    assert query_db(demo_db, "SELECT status, channel, checked_in_at IS NOT NULL FROM ticket") == [
        ("waiting", "online", 1)
    ]


# --- the counter -----------------------------------------------------------------------------------

async def test_counter_calls_starts_and_finishes_a_recording(app, demo_db):
    resident_id, nik, name = adult_not_recorded(demo_db)
    take(demo_db, "rekam_baru", resident_id=resident_id)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot, 2)
        assert text_of(counter, "#counter-number") == "LOKET 2"
        assert table_labels(counter) == ["A-001"]
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        assert counter.query_one("#current-label", BigText).text == "A-001"
        detail = text_of(counter, "#current-detail")
        assert name in detail and nik in detail and "DIPANGGIL" in detail
        assert table_labels(counter) == []
        await pilot.press("m")
        await wait_until(pilot, lambda: counter.current.status == "serving", what="the start")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, FinishModal), what="the outcome form")
        await pilot.press("enter")  # "Sudah direkam" is highlighted first
        await pilot.press("enter")  # no note
        await wait_until(pilot, lambda: app.screen is counter and counter.current is None, what="the finish")
    assert query_db(demo_db, "SELECT status, outcome, counter FROM ticket") == [("done", "recorded", 2)]
    assert query_db(demo_db, "SELECT recording_status FROM resident WHERE id = ?", resident_id) == [("sudah",)]
    assert query_db(demo_db, "SELECT central_status, office_status, reason FROM card WHERE resident_id = ?",
                    resident_id) == [("BIO_CAPTURED", "waiting_prr", "baru")]
    assert [r[0] for r in query_db(demo_db, "SELECT event FROM ticket_event ORDER BY id")] == \
        ["take", "call", "start", "finish"]


async def test_counter_files_a_lost_card_as_hilang_with_no_recording(app, demo_db):
    resident_id, nik, _ = query_db(demo_db, "SELECT id, nik, name FROM resident r WHERE recording_status = 'sudah' "
                                            "AND life_status = 'hidup' AND NOT EXISTS (SELECT 1 FROM card c WHERE "
                                            "c.resident_id = r.id) ORDER BY id LIMIT 1")[0]
    take(demo_db, "cetak_ulang", resident_id=resident_id)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, FinishModal), what="the outcome form")
        finish = app.screen
        assert finish.query_one("#qfield-card_reason").display  # "Selesai dilayani" first: lost or damaged?
        await pilot.press("enter")  # served -> the reason list
        await pilot.press("down")  # Rusak (the service's own) -> Hilang
        await pilot.press("enter")  # -> the note
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is counter and counter.current is None, what="the finish")
    assert query_db(demo_db, "SELECT status, outcome FROM ticket") == [("done", "served")]
    assert query_db(demo_db, "SELECT central_status, office_status, reason, site_code FROM card WHERE resident_id = ?",
                    resident_id) == [("PRINT_READY_RECORD", "ready_to_print", "hilang", "DINAS")]
    assert query_db(demo_db, "SELECT recording_status FROM resident WHERE id = ?", resident_id) == [("sudah",)]


async def test_counter_hold_and_return_transfer_and_no_show(app, demo_db, clock):
    for visitor in ("ani", "budi", "citra"):
        take(demo_db, "konsultasi", visitor_name=visitor)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot)
        assert table_labels(counter) == ["H-001", "H-002", "H-003"]

        # hold with a reason, then return it to the queue in its place
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no reason: refused under the field
        await settle(pilot)
        assert "wajib diisi" in str(app.screen.query_one("#error-reason", Label).render())
        await type_text(pilot, "KK belum dibawa")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is counter and counter.current is None, what="the hold")
        assert table_labels(counter) == ["H-002", "H-003", "H-001"]  # held ones below the waiting
        assert query_db(demo_db, "SELECT status, hold_reason FROM ticket WHERE number = 1") == [
            ("on_hold", "KK belum dibawa")
        ]
        await pilot.press("k")  # the only held ticket: returned wherever the cursor is
        await wait_until(pilot, lambda: table_labels(counter) == ["H-001", "H-002", "H-003"], what="the return")
        assert query_db(demo_db, "SELECT status FROM ticket WHERE number = 1") == [("waiting",)]

        # transfer the called ticket to another service
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        await pilot.press("a")
        await settle(pilot)
        for _ in range(3):  # A, B, C, D: Pindah datang
            await pilot.press("down")
        await pilot.press("enter")
        await type_text(pilot, "pindah dari mataram")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is counter and counter.current is None, what="the transfer")
        assert table_labels(counter)[0] == "D-001"  # keeps its place by arrival time
        note = next(n.message for n in app._notifications if "dialihkan" in n.message)
        assert note.startswith("H-001 dialihkan: nomor baru D-001 (Pindah datang). Karcis disimpan: ")
        slip = Path(note.split("Karcis disimpan: ")[1])
        assert slip.name == "2026-11-22_D-001.txt" and "D - 0 0 1" in slip.read_text(encoding="utf-8")

        # no-show only after the recalls
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        called = counter.current.label
        await pilot.press("x")
        await settle(pilot)
        assert counter.current is not None
        assert any("tandai tidak hadir setelah 3" in n.message for n in app._notifications)
        for recalls in (1, 2, 3):
            await pilot.press("u")
            await wait_until(pilot, lambda n=recalls: counter.current.recalls == n, what=f"recall {recalls}")
        await pilot.press("x")  # three quick recalls: not yet, five minutes must pass since the call
        await settle(pilot)
        assert counter.current is not None
        assert any("tandai tidak hadir setelah 5 menit" in n.message for n in app._notifications)
        clock.now += timedelta(minutes=5)
        await pilot.press("x")
        await wait_until(pilot, lambda: counter.current is None, what="the no-show")

    tickets = dict(query_db(demo_db, "SELECT s.prefix || '-00' || t.number, t.status FROM ticket t "
                                     "JOIN service s ON s.id = t.service_id"))
    assert called == "D-001" and tickets == {"H-001": "transferred", "H-002": "waiting", "H-003": "waiting",
                                             "D-001": "no_show"}
    assert query_db(demo_db, "SELECT transferred_from_id FROM ticket WHERE service_id = "
                             "(SELECT id FROM service WHERE code = 'pindah_datang')") == [(1,)]


async def test_priority_ticket_is_called_first(app, demo_db):
    take(demo_db, "konsultasi", visitor_name="datang dulu")
    take(demo_db, "konsultasi", visitor_name="nenek", priority="lansia")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot)
        assert table_labels(counter) == ["H-002", "H-001"]
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        assert counter.current.label == "H-002" and counter.current.priority == "lansia"
        assert "Prioritas: Lansia" in text_of(counter, "#current-detail")


async def test_counter_refreshes_when_another_counter_moves_the_queue(app, demo_db):
    from dukcapil_tui.services import queue

    take(demo_db, "kia", visitor_name="anak satu")
    other = actor_for(demo_db, "loket2")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot)
        assert table_labels(counter) == ["G-001"]
        await meanwhile(queue.take_ticket, other, "kia", visitor_name="anak dua")  # another desk
        await wait_until(pilot, lambda: table_labels(counter) == ["G-001", "G-002"], timeout=5,
                         what="the screen to refresh by itself")
        await meanwhile(queue.claim_next, other, 2)  # another counter calls G-001
        await wait_until(pilot, lambda: table_labels(counter) == ["G-002"], timeout=5,
                         what="the screen to refresh by itself again")
        await pilot.press("n")  # this counter gets the next one, never the same
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        assert counter.current.label == "G-002"
    assert query_db(demo_db, "SELECT number, counter FROM ticket ORDER BY number") == [(1, 2), (2, 1)]


# --- the board and the day ----------------------------------------------------------------------------

async def test_board_shows_the_called_number_and_the_next_ones(demo_db):
    from dukcapil_tui.board import BoardApp
    from dukcapil_tui.services import queue

    for visitor in ("satu", "dua", "tiga"):
        take(demo_db, "suket", visitor_name=visitor)
    other = actor_for(demo_db, "loket2")
    before_start(demo_db, queue.claim_next, other, 3)
    board = BoardApp(db_path=demo_db)
    async with board.run_test(size=SIZE) as pilot:
        panel = "#board-counter-3"
        await wait_until(pilot, lambda: bool(board.query(panel)), what="the board")
        assert board.query_one(f"{panel} BigText", BigText).text == "F-001"
        assert "F-001" in str(board.query_one(f"{panel} .board-state", Label).render())
        lines = [str(label.render()) for label in board.query(".board-service").results(Label)]
        assert any(line.startswith("F") and "F-002  F-003" in line for line in lines)

        await meanwhile(queue.claim_next, other, 1)
        await wait_until(pilot, lambda: board.query_one("#board-counter-1 BigText", BigText).text == "F-002",
                         timeout=5, what="the board to show the new call")
        assert board.query_one("#board-counter-1").has_class("-fresh")
        await pilot.press("ctrl+q")
    assert board.return_code == 0


async def test_day_summary_and_end_of_day_carry_over(app, demo_db, clock):
    from dukcapil_tui.services import queue

    def a_day():
        actor = actor_for(demo_db, "loket2")
        for visitor in ("satu", "dua", "tiga"):
            queue.take_ticket(actor, "suket", visitor_name=visitor)
        served = queue.claim_next(actor, 2)
        queue.finish(actor, served.id, 2, "served")
        absent = queue.claim_next(actor, 2)
        for _ in range(3):
            queue.recall(actor, absent.id, 2)
        clock.now += timedelta(minutes=5)
        queue.no_show(actor, absent.id, 2)

    before_start(demo_db, a_day)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f6")
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, QueueSummaryScreen)
        table = summary.query_one("#summary-table", DataTable)
        assert table.row_count == 1
        row = table.get_row_at(0)
        assert row[0].startswith("F · Surat keterangan") and row[1:9] == ["3", "1", "0", "1", "0", "1", "0", "0"]
        assert text_of(summary, "#summary-totals") == \
            "22-11-2026: 3 tiket · 1 dilayani · 0 gagal/dirujuk · 1 tidak hadir · 1 masih terbuka"
        outcomes = summary.query_one("#summary-outcomes", DataTable)
        assert outcomes.get_row_at(0)[1:] == ["Selesai dilayani", "1"]

        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, PickModal)
        await pilot.press("down")  # carry over
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "dibawa ke 23-11-2026" in text_of(summary, "#summary-message"),
                         what="the end of day")
        assert text_of(summary, "#summary-message") == \
            "Hari 22-11-2026 ditutup: 0 tiket ditutup, 1 dibawa ke 23-11-2026."
        await wait_until(pilot, lambda: table.get_row_at(0)[6:9] == ["0", "0", "1"],
                         what="the summary to reload: open 0, closed 0, carried over 1")
    assert query_db(demo_db, "SELECT day, status, outcome, carried_over FROM ticket WHERE number = 3 ORDER BY id") == [
        ("2026-11-22", "closed", "carried_over", 0)]
    assert query_db(demo_db, "SELECT day, number, status, carried_over, visitor_name FROM ticket "
                             "WHERE day = '2026-11-23'") == [("2026-11-23", 1, "waiting", 1, "TIGA")]


async def test_admin_edits_a_service_and_what_a_counter_calls(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("enter")  # the first service: rekam_baru
        await settle(pilot)
        form = app.screen
        prefix = form.query_one("#in-prefix")
        prefix.focus()
        prefix.value = ""
        await type_text(pilot, "B")  # taken by cetak_ulang
        quota = form.query_one("#in-daily_quota")
        quota.focus()
        quota.value = ""
        await type_text(pilot, "120")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(form.query_one("#error-prefix", Label).render()) == "Awalan B sudah dipakai layanan lain."
        prefix.focus()
        prefix.value = ""
        await type_text(pilot, "R")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form

        await pilot.press("tab")  # to the counters
        await pilot.press("enter")  # counter 1
        await settle(pilot)
        await pilot.press("space")  # the first service in the list
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert query_db(demo_db, "SELECT prefix, daily_quota FROM service WHERE code = 'rekam_baru'") == [("R", 120)]
    assert query_db(demo_db, "SELECT service_codes FROM counter WHERE number = 1") == [("rekam_baru",)]


async def test_counter_keys_in_english(demo_db):
    from dukcapil_tui import i18n
    from dukcapil_tui.app import DukcapilApp

    i18n.set_language("en")
    app = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot)
        keys = {b.binding.description: b.enabled for b in counter.active_bindings.values()}
        assert keys["Call next"] is True and keys["Finish"] is False and keys["Recall"] is False
        assert text_of(counter, "#counter-list-title").startswith("This counter's queue: 0 waiting")
