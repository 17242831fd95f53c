"""Print a batch and hand a card over with real key presses; check the ledger afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.screens.backlog import BacklogScreen
from dukcapil_tui.screens.blangko import BlangkoScreen
from dukcapil_tui.screens.handover import HandoverScreen
from dukcapil_tui.screens.print_batch import PrintBatchScreen
from dukcapil_tui.widgets.form_modal import FormModal

from .conftest import login, query_db, settle, type_text

SIZE = (120, 40)


@pytest.fixture
def cards_db(demo_db):
    """The demo office with 6 recorded residents: 4 cards print-ready, 2 waiting; 5 blanks."""
    from dukcapil_tui.models import AppUser, Resident
    from dukcapil_tui.services import blangko, cards, queue
    from dukcapil_tui.services.context import Actor

    dbmod.open_database(demo_db)
    user = AppUser.get(AppUser.username == "admin")
    actor = Actor(user.id, "admin", "admin", "TEST", user.full_name)
    residents = list(Resident.select().where((Resident.recording_status == "belum")
                                             & (Resident.birth_date < "2000-01-01")).order_by(Resident.id).limit(6))
    assert len(residents) == 6
    for resident in residents:
        queue.take_ticket(actor, "rekam_baru", resident_id=resident.id)
        ticket = queue.claim_next(actor, 1)
        queue.finish(actor, ticket.id, 1, "recorded")
    for resident in residents[:4]:
        cards.set_central_status(actor, resident.nik, "PRINT_READY_RECORD")
    blangko.receive(actor, 5, "SPB-1/2026", "Kemendagri")
    database.close()
    return demo_db, [r.nik for r in residents]


async def test_print_batch_with_keys(cards_db):
    from dukcapil_tui.app import DukcapilApp

    path, niks = cards_db
    app = DukcapilApp(db_path=path, workstation="CETAK-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, BacklogScreen)
        # the status line counts every card the filter holds, not only the page's
        status = str(app.screen.query_one("#backlog-status", Label).render())
        waiting = query_db(path, "SELECT COUNT(*) FROM card WHERE office_status IN "
                                 "('waiting_prr', 'ready_to_print', 'printed', 'needs_rerecording')")[0][0]
        assert f"{waiting:,}".replace(",", ".") + " kartu sesuai saringan" in status
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, PrintBatchScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        size = app.screen.query_one("#in-size", Input)
        size.value = ""
        await type_text(pilot, "3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PrintBatchScreen)
        assert app.screen.query_one(DataTable).row_count == 3
        await pilot.press("o")  # first card printed fine
        await settle(pilot)
        await pilot.press("c")  # second: bad chip
        await settle(pilot)
        await pilot.press("o")  # third printed fine
        await settle(pilot)
        head = str(app.screen.query_one("#batch-head", Label).render())
        assert "3 dari 3" in head and "stok blangko 2" in head
        await pilot.press("t")
        await settle(pilot)

    statuses = dict(query_db(path, "SELECT r.nik, c.office_status FROM card c JOIN resident r ON r.id = c.resident_id"))
    assert [statuses[n] for n in niks[:4]] == ["printed", "ready_to_print", "printed", "ready_to_print"]
    movements = query_db(path, "SELECT kind, quantity, username FROM blangko_movement ORDER BY id")
    assert movements == [("receipt", 5, "admin"), ("print_ok", -1, "cetak1"), ("print_failed", -1, "cetak1"),
                         ("print_ok", -1, "cetak1")]
    assert query_db(path, "SELECT nik, reason FROM spoiled_card") == [(niks[1], "chip_rusak")]
    assert query_db(path, "SELECT SUM(quantity) FROM blangko_movement") == [(2,)]


async def test_batch_refused_when_blanks_run_short(cards_db):
    from dukcapil_tui.app import DukcapilApp

    path, _ = cards_db
    app = DukcapilApp(db_path=path, workstation="CETAK-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        # Use up 4 of the 5 blanks' worth: ask for 4 cards when only... first take all 4 ready cards
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        modal = app.screen
        modal.query_one("#in-size", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        for key in ("o", "o", "o", "o"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
    # Now 1 blank left and no ready card: a new batch is refused with a clear message
    assert query_db(path, "SELECT SUM(quantity) FROM blangko_movement") == [(1,)]
    app = DukcapilApp(db_path=path, workstation="CETAK-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(app.screen.query_one(".form-message", Label).render())
        assert "Tidak ada kartu siap cetak" in message


async def test_handover_and_suket_with_keys(cards_db):
    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.services import printing

    path, niks = cards_db
    dbmod.open_database(path)
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services.context import Actor

    user = AppUser.get(AppUser.username == "cetak1")
    actor = Actor(user.id, "cetak1", "cetak", "TEST", user.full_name)
    batch = printing.create_batch(actor, 1)
    printing.record_result(actor, printing.batch_jobs(batch.id)[0].job_id, True)
    database.close()

    app = DukcapilApp(db_path=path, workstation="LOKET-03")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        # A waiting card gets a Suket with Ctrl+T, after a confirmation that names the resident
        await type_text(pilot, niks[4])
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        from dukcapil_tui.widgets.dialogs import ConfirmModal

        assert isinstance(app.screen, ConfirmModal)
        assert query_db(path, "SELECT COUNT(*) FROM suket") == [(0,)]
        assert niks[4] in str(app.screen.query_one(".confirm-line", Label).render())
        await pilot.press("enter")
        await settle(pilot)
        suket_number = query_db(path, "SELECT number FROM suket")[0][0]
        assert suket_number.startswith("470/0001/DKPS/")
        # The printed card is handed over with F3
        search = app.screen.query_one("#nik", Input)
        search.value = ""
        search.focus()
        await type_text(pilot, niks[0])
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, FormModal)
        modal.query_one("#in-receipt_no").focus()
        await type_text(pilot, "TT-0001")
        await pilot.press("ctrl+s")  # identity not checked yet: refused
        await settle(pilot)
        assert "Identitas pengambil harus diperiksa" in str(modal.query_one("#error-id_checked", Label).render())
        modal.query_one("#in-id_checked").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        # A second handover is impossible: F3 does nothing any more
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
    rows = query_db(path, "SELECT h.receipt_no, h.collected_by, h.username, c.office_status FROM handover h "
                          "JOIN card c ON c.id = h.card_id")
    assert rows == [("TT-0001", "resident", "loket1", "handed_over")]


async def test_blangko_receipt_and_count_approval(cards_db):
    from dukcapil_tui.app import DukcapilApp

    path, _ = cards_db
    app = DukcapilApp(db_path=path, workstation="GUDANG")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "blangko1")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "1.000")
        await pilot.press("ctrl+s")  # no document number
        await settle(pilot)
        assert "Nomor dokumen wajib diisi" in str(app.screen.query_one("#error-document_no", Label).render())
        app.screen.query_one("#in-document_no").focus()
        await type_text(pilot, "SPB-2/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
        assert [n.message for n in app._notifications][-1] == "Tersimpan — Penerimaan."
        await pilot.press("o")
        await settle(pilot)
        await type_text(pilot, "1003")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")  # only the head approves: nothing happens for the stock keeper
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
    assert query_db(path, "SELECT SUM(quantity) FROM blangko_movement") == [(1005,)]
    assert query_db(path, "SELECT counted, computed, status FROM stock_count") == [(1003, 1005, "pending")]

    app = DukcapilApp(db_path=path, workstation="KEPALA")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # open the decision list
        await type_text(pilot, "Setujui")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert query_db(path, "SELECT status, decided_by FROM stock_count") == [("approved", "admin")]
    assert query_db(path, "SELECT kind, quantity FROM blangko_movement ORDER BY id DESC LIMIT 1") == [
        ("adjustment", -2)
    ]


async def test_an_unusual_receipt_is_confirmed_in_a_dialog_that_names_the_number(cards_db):
    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.widgets.dialogs import ConfirmModal

    path, _ = cards_db
    app = DukcapilApp(db_path=path, workstation="GUDANG")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "blangko1")
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "99999999")
        app.screen.query_one("#in-document_no").focus()
        await type_text(pilot, "SPB-3/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        lines = [str(label.render()) for label in app.screen.query(".confirm-line").results(Label)]
        assert lines == ["Penerimaan 99.999.999 blangko melebihi batas wajar 10.000 (lot terbesar dari Kemendagri). "
                         "Periksa angkanya; catat hanya bila memang benar."]
        await pilot.press("escape")  # no: back to the form to correct it
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        assert query_db(path, "SELECT SUM(quantity) FROM blangko_movement") == [(5,)]
        quantity = app.screen.query_one("#in-quantity", Input)
        quantity.value = "9999"
        quantity.focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "12.000")
        app.screen.query_one("#in-document_no").focus()
        await type_text(pilot, "SPB-4/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # yes: it is a real, large lot
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
    assert query_db(path, "SELECT quantity, reference FROM blangko_movement WHERE kind = 'receipt' ORDER BY id") == [
        (5, "SPB-1/2026"), (9999, "SPB-3/2026"), (12000, "SPB-4/2026")]


async def test_a_wrong_receipt_is_corrected_from_the_ledger_and_approved_by_the_head(cards_db):
    from dukcapil_tui.app import DukcapilApp

    path, _ = cards_db  # one receipt of 5 blanks (SPB-1/2026): really 4
    app = DukcapilApp(db_path=path, workstation="GUDANG")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "blangko1")
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("k")  # the highlighted entry: the receipt
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        assert "Penerimaan 22-11-2026 SPB-1/2026 (5)" in str(app.screen.query_one(".form-intro", Label).render())
        await type_text(pilot, "4")
        await pilot.press("enter")
        await type_text(pilot, "satu blangko tidak ada di kotak")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BlangkoScreen)
        assert "1 permintaan koreksi menunggu" in str(app.screen.query_one("#blangko-warning", Label).render())
    assert query_db(path, "SELECT quantity, delta, status FROM blangko_correction") == [(4, -1, "pending")]
    assert query_db(path, "SELECT SUM(quantity) FROM blangko_movement") == [(5,)]

    app = DukcapilApp(db_path=path, workstation="KEPALA")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "dikoreksi menjadi 4 (selisih -1)" in str(app.screen.query_one(".form-intro", Label).render())
        await pilot.press("enter")
        await type_text(pilot, "Setujui")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#ledger", DataTable)
        assert [table.get_row_at(r)[1] for r in range(table.row_count)] == ["Koreksi", "Penerimaan"]
        assert table.get_row_at(0)[3] == "koreksi #1: satu blangko tidak ada di kotak"
        assert table.get_row_at(1)[3] == "SPB-1/2026 (dikoreksi)"
    assert query_db(path, "SELECT kind, quantity, corrects_id FROM blangko_movement ORDER BY id") == [
        ("receipt", 5, None), ("correction", -1, 1)]


async def test_a_status_import_keeps_its_rejections_on_screen_and_in_a_report(cards_db, tmp_path):
    from textual.widgets import TextArea

    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.widgets.messages import TextModal

    path, niks = cards_db
    listing = tmp_path / "status siak.csv"
    listing.write_text(f"NIK;STATUS\n{niks[4]};PRR\n5202040101909999;PRR\n{niks[5]};=HYPERLINK(\"x\")\n",
                       encoding="utf-8")
    app = DukcapilApp(db_path=path, workstation="CETAK-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#in-path", Input).value = str(listing)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TextModal)
        text = app.screen.query_one(TextArea).text.splitlines()
        assert text[0] == "3 baris: 1 diterapkan, 0 kartu baru (0 penduduk baru), 0 tetap, 2 ditolak."
        assert text[1].startswith("Laporan baris yang ditolak: ") and text[1].endswith("_ditolak.csv")
        assert "baris 3, 5202040101909999:" in text[3]
        report = text[1].removeprefix("Laporan baris yang ditolak: ")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BacklogScreen)
    lines = Path(report).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "BARIS,NIK,ALASAN" and lines[1].startswith("3,5202040101909999,")
    assert query_db(path, "SELECT central_status FROM card c JOIN resident r ON r.id = c.resident_id "
                          "WHERE r.nik = ?", niks[4]) == [("PRINT_READY_RECORD",)]


async def test_closing_a_batch_with_unprinted_cards_asks_and_says_what_becomes_of_them(cards_db):
    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.widgets.dialogs import ConfirmModal

    path, _ = cards_db
    app = DukcapilApp(db_path=path, workstation="CETAK-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#in-size", Input).value = "9"  # only 4 are print-ready
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert [str(x.render()) for x in app.screen.query(".confirm-line").results(Label)] == [
            "Hanya 4 kartu siap cetak yang belum masuk batch (diminta 9). Buat batch 4 kartu?"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrintBatchScreen) and app.screen.query_one(DataTable).row_count == 4
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        (line,) = [str(x.render()) for x in app.screen.query(".confirm-line").results(Label)]
        assert line.startswith("3 kartu di batch 1 belum dicatat hasil cetaknya. Bila batch ditutup, kartu itu kembali")
        await pilot.press("escape")  # not now
        await settle(pilot)
        assert query_db(path, "SELECT closed_at FROM print_batch") == [(None,)]
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert query_db(path, "SELECT result, COUNT(*) FROM print_job GROUP BY result ORDER BY result") == [
        ("ok", 1), ("skipped", 3)]
    assert query_db(path, "SELECT closed_at IS NOT NULL FROM print_batch") == [(1,)]


async def test_results_pressed_in_quick_succession_each_go_to_their_own_card(cards_db):
    from textual import events

    from dukcapil_tui.app import DukcapilApp

    path, _ = cards_db
    app = DukcapilApp(db_path=path, workstation="CETAK-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#in-size", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        for key in "oogo":  # as the cards leave the printer, without waiting for the screen
            app.post_message(events.Key(key, key))
        await settle(pilot)
        await settle(pilot)
    assert query_db(path, "SELECT result, COUNT(*) FROM print_job GROUP BY result ORDER BY result") == [
        ("failed", 1), ("ok", 3)]
    assert query_db(path, "SELECT SUM(quantity) FROM blangko_movement") == [(1,)]
