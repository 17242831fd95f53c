"""The blank-card ledger: movements, the never-negative rule, closed months (service and SQL),
stock counts and their approval, destruction under a berita acara, and the forecast."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from peewee import IntegrityError

from dukcapil_tui.db import database
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import BlangkoMonth, BlangkoMovement, Destruction, SpoiledCard, StockCount
from dukcapil_tui.services import blangko, printing, settings
from dukcapil_tui.services.context import NeedsConfirmation, NotFound, PermissionDenied, ServiceError

from cetak_helpers import (TODAY, actor, add_resident, admin, office_template, clock, db_state, office, ready_card,  # noqa: F401
                           stock)

KEMENDAGRI = "Ditjen Dukcapil Kemendagri"


def _sum() -> int:
    return database.execute_sql("SELECT COALESCE(SUM(quantity), 0) FROM blangko_movement").fetchone()[0]


def _last() -> BlangkoMovement:
    return BlangkoMovement.select().order_by(BlangkoMovement.id.desc()).get()


# --- receipts, loans, returns ---------------------------------------------------------------

@pytest.mark.parametrize("typed, quantity", [("1.000", 1000), ("10.000", 10000), (" 2.500 ", 2500), ("750", 750),
                                             (500, 500), ("1.234.567", 1234567)])
def test_a_receipt_with_thousands_as_typed(admin, clock, typed, quantity):
    movement = blangko.receive(actor("blangko"), typed, " SJ/123/2026 ", "  Ditjen   Dukcapil  ",
                               confirmed=quantity > 10_000)
    assert (movement.kind, movement.quantity, movement.reference, movement.source, movement.day, movement.at,
            movement.username, movement.workstation) == ("receipt", quantity, "SJ/123/2026", "Ditjen Dukcapil", TODAY,
                                                         clock.now, "petugas_blangko", "TEST-02")
    assert blangko.balance() == quantity


@pytest.mark.parametrize("typed", ["1.5", "1,000", "1.0000", "0", "-5", "abc", "", None, "12.34.567", 2.5, True, -3])
def test_a_receipt_quantity_must_be_a_positive_whole_number(admin, clock, typed):
    with pytest.raises(ValidationError) as caught:
        blangko.receive(admin, typed, "SJ-1", KEMENDAGRI)
    assert caught.value.problems == {"quantity": "Jumlah harus angka bulat lebih dari 0."}
    assert BlangkoMovement.select().count() == 0


# --- unusual numbers need an explicit confirmation -------------------------------------------

def test_a_receipt_above_the_largest_lot_needs_a_confirmation(admin, clock):
    assert blangko.receive(admin, "10.000", "SJ-1", KEMENDAGRI).quantity == 10_000  # the largest lot: fine
    before = db_state()
    for typed in ("10.001", "99999999"):
        with pytest.raises(NeedsConfirmation) as caught:
            blangko.receive(admin, typed, "SJ-2", KEMENDAGRI)
        assert db_state() == before
    assert str(caught.value) == ("Penerimaan 99.999.999 blangko melebihi batas wajar 10.000 (lot terbesar dari "
                                 "Kemendagri). Periksa angkanya; catat hanya bila memang benar.")
    assert blangko.receive(admin, "10.001", "SJ-2", KEMENDAGRI, confirmed=True).quantity == 10_001
    settings.put(admin, "blangko_receipt_max", "20.000")  # the office's own limit
    assert blangko.receive(admin, "20000", "SJ-3", KEMENDAGRI).quantity == 20_000
    with pytest.raises(NeedsConfirmation):
        blangko.receive(admin, "20001", "SJ-4", KEMENDAGRI)


def test_a_loan_above_the_largest_lot_needs_a_confirmation_and_lending_above_the_stock_is_refused(admin, clock):
    assert (
        blangko.loan(admin, "in", 200, "Disdukcapil Lombok Barat").quantity == 200
    )  # with no stock: what loans are for
    assert blangko.loan(admin, "in", "9.800", "Disdukcapil Lombok Barat").quantity == 9800  # the largest lot: fine
    before = db_state()
    with pytest.raises(NeedsConfirmation) as caught:
        blangko.loan(admin, "in", 10_001, "Disdukcapil Lombok Barat")
    assert str(caught.value) == ("Pinjaman 10.001 blangko melebihi batas wajar 10.000. Periksa angkanya; catat hanya "
                                 "bila memang benar.")
    with pytest.raises(ServiceError) as refused:  # lending more than the stock is impossible, confirmed or not
        blangko.loan(admin, "out", 10_001, "Disdukcapil Lombok Barat", confirmed=True)
    assert str(refused.value) == "Stok blangko tidak cukup: perlu 10.001, tersedia 10.000."
    assert db_state() == before
    assert blangko.loan(admin, "in", 10_001, "Disdukcapil Lombok Barat", confirmed=True).quantity == 10_001
    assert blangko.loan(admin, "out", 20_001, "Disdukcapil Lombok Barat", confirmed=True).quantity == -20_001


@pytest.mark.parametrize("counted, unusual", [(90, False), (110, False), (89, True), (111, True)])
def test_a_count_far_from_the_ledger_needs_a_confirmation(admin, clock, counted, unusual):
    stock(admin, 100)
    if unusual:
        before = db_state()
        with pytest.raises(NeedsConfirmation) as caught:
            blangko.record_count(admin, counted)
        assert db_state() == before
        assert str(caught.value) == (f"Hasil opname {counted} berselisih lebih dari 10 blangko dengan buku. Hitung "
                                     "ulang; catat hanya bila memang benar.")
        assert "100" not in str(caught.value)  # a blind count: the book's figure is not told
    count = blangko.record_count(admin, counted, confirmed=unusual)
    assert (count.counted, count.computed, count.status) == (counted, 100, "pending")


def test_a_lot_document_used_before_needs_a_confirmation(admin, clock):
    blangko.receive(admin, 500, "SJ/12/2026", KEMENDAGRI)
    before = db_state()
    with pytest.raises(NeedsConfirmation) as caught:
        blangko.receive(admin, 500, " sj/12/2026 ", KEMENDAGRI)
    assert str(caught.value) == (
        "Nomor dokumen SJ/12/2026 sudah dipakai untuk penerimaan 22-11-2026 (500 blangko). Lot "
        "yang sama dicatat dua kali? Catat hanya bila ini lot lain."
    )
    assert db_state() == before
    assert blangko.receive(admin, 300, "SJ/12/2026", KEMENDAGRI, confirmed=True).quantity == 300
    assert blangko.receive(admin, 300, "SJ/13/2026", KEMENDAGRI).quantity == 300  # another document: fine


def test_a_receipt_needs_its_document_number_and_source(admin, clock):
    with pytest.raises(ValidationError) as caught:
        blangko.receive(admin, "x", "  ", None)
    assert caught.value.problems == {
        "quantity": "Jumlah harus angka bulat lebih dari 0.",
        "document_no": "Nomor dokumen wajib diisi.",
        "source": "Asal blangko wajib diisi.",
    }
    assert BlangkoMovement.select().count() == 0


def test_loans_in_and_out_and_returns(admin, clock):
    stock(admin, 100)
    lent = blangko.loan(admin, "out", "30", "Disdukcapil Lombok Timur", reference="ND/7")
    assert (lent.kind, lent.quantity, lent.source, lent.reference) == ("loan_out", -30, "Disdukcapil Lombok Timur",
                                                                       "ND/7")
    borrowed = blangko.loan(admin, "in", "20", "Disdukcapil Lombok Barat")
    assert (borrowed.kind, borrowed.quantity) == ("loan_in", 20)
    back = blangko.returned(admin, "30", "Disdukcapil Lombok Timur")
    assert (back.kind, back.quantity) == ("returned", 30)
    assert blangko.balance() == _sum() == 120
    with pytest.raises(ValidationError) as caught:
        blangko.loan(admin, "masuk", 5, "Kantor lain")
    assert caught.value.problems == {"direction": "Arah pinjaman: masuk atau keluar."}
    with pytest.raises(ValidationError) as caught:
        blangko.loan(admin, "in", 5, "")
    assert caught.value.problems == {"office": "Kantor mitra wajib diisi."}


def test_the_stock_never_goes_negative(admin, clock):
    stock(admin, 30)
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        blangko.loan(admin, "out", 50, "Disdukcapil Lombok Timur")
    assert str(caught.value) == "Stok blangko tidak cukup: perlu 50, tersedia 30."
    assert db_state() == before
    blangko.loan(admin, "out", 30, "Disdukcapil Lombok Timur")
    assert blangko.balance() == 0
    with pytest.raises(ServiceError) as caught:
        blangko.damaged(admin)
    assert str(caught.value) == "Stok blangko tidak cukup: perlu 1, tersedia 0."
    assert SpoiledCard.select().count() == 0


def test_a_damaged_blank_goes_into_the_spoiled_register(admin, clock):
    stock(admin, 3)
    spoiled = blangko.damaged(actor("cetak"), "chip_rusak", note="chip mati saat diperiksa")
    movement = _last()
    assert (movement.kind, movement.quantity, movement.reference, movement.note) == (
        "damaged", -1, "chip_rusak", "chip mati saat diperiksa")
    assert (spoiled.reason, spoiled.movement_id, spoiled.nik, spoiled.card_id, spoiled.day) == (
        "chip_rusak", movement.id, None, None, TODAY)
    assert blangko.damaged(admin).reason == "rusak_fisik"
    with pytest.raises(ValidationError):
        blangko.damaged(admin, "hilang")
    assert blangko.balance() == 1


@pytest.mark.parametrize("nik, message", [
    ("520204170805", "NIK harus 16 angka (terisi 12)."),
    ("5202041708050001x", "NIK hanya berisi angka 0–9; karakter ke-17 ('x') bukan angka."),
    ("５２０２０４１７０８０５０００１", "NIK hanya boleh berisi angka 0–9 biasa; ('５' = 5, U+FF15) adalah angka "
                                 "dari huruf/lebar lain: ketik ulang NIK dengan angka 0–9."),
    ("5202043213050001", "NIK: bagian tanggal lahir 321305 bukan tanggal yang mungkin (perempuan: tanggal + 40)."),
])
def test_a_damaged_blanks_nik_is_checked_like_every_nik(admin, clock, nik, message):
    stock(admin, 2)
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        blangko.damaged(admin, "chip_rusak", nik=nik)
    assert caught.value.problems == {"nik": message}
    assert db_state() == before
    with pytest.raises(ValidationError) as caught:  # a well-formed NIK nobody holds
        blangko.damaged(admin, "chip_rusak", nik="5202.0417.0805.0001")
    assert caught.value.problems == {"nik": "NIK 5202041708050001 tidak terdaftar di basis data penduduk."}
    holder = add_resident()
    spoiled = blangko.damaged(admin, "chip_rusak", nik=f"{holder.nik[:4]}.{holder.nik[4:]}")
    assert spoiled.nik == holder.nik


@pytest.mark.parametrize("role", ["cetak", "loket"])
def test_only_stock_keepers_receive_lend_and_count(admin, clock, role):
    stock(admin, 10)
    before = db_state()
    for attempt in (lambda: blangko.receive(actor(role), 5, "SJ-2", KEMENDAGRI),
                    lambda: blangko.loan(actor(role), "in", 5, "Kantor lain"),
                    lambda: blangko.returned(actor(role), 5, "Kantor lain"),
                    lambda: blangko.record_count(actor(role), 10)):
        with pytest.raises(PermissionDenied) as caught:
            attempt()
        assert str(caught.value) == f"Peran {role} tidak berwenang untuk mencatat stok blangko."
    assert db_state() == before
    if role == "loket":
        with pytest.raises(PermissionDenied):
            blangko.damaged(actor(role))


# --- closed months --------------------------------------------------------------------------

def test_closing_a_month_stores_its_balance_and_locks_it(admin, clock):
    blangko.receive(admin, 100, "SJ-OKT", KEMENDAGRI, day=date(2026, 10, 5))
    blangko.loan(admin, "out", 10, "Kantor lain", day=date(2026, 10, 31))
    blangko.receive(admin, 50, "SJ-NOV", KEMENDAGRI, day=date(2026, 11, 1))
    closed = blangko.close_month(admin, "2026-10")
    assert (closed.month, closed.closing_balance, closed.username, closed.closed_at) == (
        "2026-10", 90, "admin", clock.now)
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        blangko.receive(admin, 5, "SJ-LATE", KEMENDAGRI, day=date(2026, 10, 20))
    assert str(caught.value) == ("Bulan 2026-10 sudah ditutup; tidak ada mutasi blangko yang bisa dicatat di "
                                 "bulan itu.")
    with pytest.raises(ServiceError) as caught:
        blangko.close_month(admin, "2026-10")
    assert str(caught.value).startswith("Bulan 2026-10 sudah ditutup")
    assert db_state() == before
    blangko.receive(admin, 5, "SJ-NOW", KEMENDAGRI)  # today's month stays open
    assert blangko.balance() == 145


def test_a_closed_month_refuses_a_raw_insert_in_sql(admin, clock):
    blangko.close_month(admin, "2026-10")
    with pytest.raises(IntegrityError, match="blangko month is closed"):
        database.execute_sql(
            "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
            "VALUES ('x-1', '2026-11-22 02:00:00', '2026-10-15', 'receipt', 5, 'sqlite3', 'shell')")
    database.execute_sql(
        "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
        "VALUES ('x-2', '2026-11-22 02:00:00', '2026-11-15', 'receipt', 5, 'sqlite3', 'shell')")
    assert blangko.balance() == 5


def test_movements_are_append_only_in_sql(admin, clock):
    stock(admin, 10)
    for sql in ("UPDATE blangko_movement SET quantity = 1000", "DELETE FROM blangko_movement",
                "UPDATE blangko_movement SET note = 'koreksi' WHERE id = 1"):
        with pytest.raises(IntegrityError, match="blangko_movement is append-only"):
            database.execute_sql(sql)
    assert [(m.kind, m.quantity, m.note) for m in BlangkoMovement.select()] == [("receipt", 10, "")]


@pytest.mark.parametrize("sql", [
    "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
    "VALUES ('s-1', '2026-11-22', '2026-11-22', 'receipt', -5, 'x', 'x')",
    "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
    "VALUES ('s-2', '2026-11-22', '2026-11-22', 'print_ok', 1, 'x', 'x')",
    "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
    "VALUES ('s-3', '2026-11-22', '2026-11-22', 'adjustment', 0, 'x', 'x')",
    "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
    "VALUES ('s-4', '2026-11-22', '2026-11-22', 'hadiah', 5, 'x', 'x')",
])
def test_the_signs_of_each_kind_are_checked_in_sql(admin, sql):
    with pytest.raises(IntegrityError):
        database.execute_sql(sql)


@pytest.mark.parametrize("month, message", [
    ("2026-11", "Bulan 2026-11 belum berakhir; hanya bulan yang sudah lewat bisa ditutup."),
    ("2027-01", "Bulan 2027-01 belum berakhir; hanya bulan yang sudah lewat bisa ditutup."),
    ("2026-13", "Bulan '2026-13' tidak dikenal (gunakan YYYY-MM)."),
    ("Oktober", "Bulan 'Oktober' tidak dikenal (gunakan YYYY-MM)."),
    ("2026-10-01", "Bulan '2026-10-01' tidak dikenal (gunakan YYYY-MM)."),
])
def test_only_past_months_can_be_closed(admin, clock, month, message):
    with pytest.raises(ServiceError if "belum" in message else ValidationError) as caught:
        blangko.close_month(admin, month)
    assert str(caught.value) == message
    assert BlangkoMonth.select().count() == 0


def test_a_month_typed_without_its_zero_is_the_same_month(admin, clock):
    blangko.receive(admin, 7, "SJ-JAN", KEMENDAGRI, day=date(2026, 1, 15))
    assert blangko.close_month(admin, "2026-1").month == "2026-01"
    with pytest.raises(ServiceError):
        blangko.receive(admin, 5, "SJ-LATE", KEMENDAGRI, day=date(2026, 1, 20))
    with pytest.raises(ServiceError):
        blangko.close_month(admin, "2026-01")


@pytest.mark.parametrize("role", ["blangko", "cetak", "loket"])
def test_only_the_head_closes_months_decides_counts_and_destroys(admin, clock, role):
    stock(admin, 5)
    count = blangko.record_count(admin, 4)
    blangko.damaged(admin)
    before = db_state()
    for attempt in (lambda: blangko.close_month(actor(role), "2026-10"),
                    lambda: blangko.decide_count(actor(role), count.id, True),
                    lambda: blangko.destroy(actor(role), "BA/1", TODAY)):
        with pytest.raises(PermissionDenied) as caught:
            attempt()
        assert str(caught.value) == f"Peran {role} tidak berwenang untuk menyetujui (hanya kepala/admin)."
    assert db_state() == before


# --- stock counts ---------------------------------------------------------------------------

def test_an_approved_count_writes_the_variance(admin, clock):
    stock(admin, 1200)
    count = blangko.record_count(actor("blangko"), "1.195", note="opname akhir bulan")
    assert (count.counted, count.computed, count.status, count.movement, count.day) == (
        1195, 1200, "pending", None, TODAY)
    assert blangko.pending_counts() == [count]
    assert blangko.balance() == 1200  # nothing moves before the head decides
    clock.advance(hours=1)
    decided = blangko.decide_count(admin, count.id, True)
    assert (decided.status, decided.decided_by, decided.decided_at) == ("approved", "admin", clock.now)
    adjustment = _last()
    assert (adjustment.kind, adjustment.quantity, adjustment.reference, adjustment.note) == (
        "adjustment", -5, f"opname #{count.id}", "opname akhir bulan")
    assert decided.movement_id == adjustment.id
    assert blangko.balance() == 1195 and blangko.pending_counts() == []
    with pytest.raises(ServiceError) as caught:
        blangko.decide_count(admin, count.id, False)
    assert str(caught.value) == "Opname ini sudah disetujui."


def test_a_count_above_the_books_adds_blanks(admin, clock):
    stock(admin, 10)
    count = blangko.record_count(admin, 12)
    blangko.decide_count(admin, count.id, True)
    assert (_last().kind, _last().quantity) == ("adjustment", 2)
    assert blangko.balance() == 12


def test_no_variance_and_rejection_write_no_movement(admin, clock):
    stock(admin, 10)
    movements = BlangkoMovement.select().count()
    even = blangko.decide_count(admin, blangko.record_count(admin, 10).id, True)
    assert (even.status, even.movement) == ("approved", None)
    rejected = blangko.decide_count(admin, blangko.record_count(admin, 3).id, False)
    assert (rejected.status, rejected.movement, rejected.decided_by) == ("rejected", None, "admin")
    assert BlangkoMovement.select().count() == movements and blangko.balance() == 10
    with pytest.raises(ServiceError) as caught:
        blangko.decide_count(admin, rejected.id, True)
    assert str(caught.value) == "Opname ini sudah ditolak."
    with pytest.raises(NotFound):
        blangko.decide_count(admin, 999, True)


@pytest.mark.parametrize("typed", ["-1", "abc", "", None, "1.5"])
def test_a_count_must_be_a_whole_number(admin, clock, typed):
    with pytest.raises(ValidationError) as caught:
        blangko.record_count(admin, typed)
    assert caught.value.problems == {"counted": "Jumlah hasil hitung harus angka bulat 0 atau lebih."}
    assert StockCount.select().count() == 0


def test_an_empty_store_may_be_counted(admin, clock):
    stock(admin, 3)
    blangko.decide_count(admin, blangko.record_count(admin, "0").id, True)
    assert blangko.balance() == 0


def test_an_adjustment_that_would_go_negative_is_refused(admin, clock):
    stock(admin, 10)
    count = blangko.record_count(admin, 2)  # 8 missing
    blangko.loan(admin, "out", 5, "Kantor lain")  # meanwhile 5 leave: only 5 left in the books
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        blangko.decide_count(admin, count.id, True)
    assert str(caught.value) == "Stok blangko tidak cukup: perlu 8, tersedia 5."
    assert db_state() == before and StockCount.get_by_id(count.id).status == "pending"


# --- destruction ----------------------------------------------------------------------------

def test_destruction_under_a_berita_acara(admin, clock):
    stock(admin, 10)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    printing.record_result(admin, batch.jobs[0].id, False, "gagal_cetak")
    blangko.damaged(admin)
    clock.set(datetime(2026, 11, 25, 2, 0))
    late = blangko.damaged(admin, "chip_rusak")
    with pytest.raises(ValidationError) as caught:
        blangko.destroy(admin, "  ", TODAY)
    assert caught.value.problems == {"berita_acara_no": "Nomor berita acara wajib diisi."}
    done = blangko.destroy(admin, "BA/001/XI/2026", TODAY)  # those spoiled up to the 22nd
    assert (done.berita_acara_no, done.count, done.day, done.username) == ("BA/001/XI/2026", 2, TODAY, "admin")
    assert [(s.nik, s.destruction_id) for s in SpoiledCard.select().order_by(SpoiledCard.id)] == [
        (card.resident.nik, done.id), (None, done.id), (None, None)]
    assert blangko.spoiled_waiting_destruction() == [late]
    with pytest.raises(ValidationError) as caught:
        blangko.destroy(admin, "BA/001/XI/2026", date(2026, 11, 25))
    assert caught.value.problems == {"berita_acara_no": "Nomor berita acara BA/001/XI/2026 sudah dipakai."}
    with pytest.raises(ServiceError) as caught:
        blangko.destroy(admin, "BA/002/XI/2026", TODAY)
    assert str(caught.value) == "Tidak ada blangko rusak atau KTP-el lama ditarik yang menunggu pemusnahan."
    assert Destruction.select().count() == 1
    with pytest.raises(ValidationError) as caught:  # the 26th has not come yet (today is the 25th)
        blangko.destroy(admin, "BA/002/XI/2026", date(2026, 11, 26), spoiled_ids=[late.id])
    assert caught.value.problems == {"day": "Tanggal pemusnahan 26-11-2026 belum tiba; berita acara dicatat pada atau "
                                            "setelah harinya."}
    second = blangko.destroy(admin, "BA/002/XI/2026", date(2026, 11, 25), spoiled_ids=[late.id])  # today: fine
    assert second.count == 1 and blangko.spoiled_waiting_destruction() == []
    assert blangko.balance() == 7  # destruction moves no blanks: they left the stock when spoiled


# --- forecast -------------------------------------------------------------------------------

def _prints(day: date, kind: str, times: int) -> None:
    with database.atomic():
        for _ in range(times):
            blangko.append(actor("cetak"), kind, 1, day=day)


def test_forecast_prints_per_working_day_days_left_and_threshold(admin, clock):
    blangko.receive(admin, 1000, "SJ-1", KEMENDAGRI, day=date(2026, 11, 1))
    _prints(date(2026, 11, 8), "print_ok", 10)   # outside the 14 days ending on Sunday 22-11
    _prints(date(2026, 11, 9), "print_ok", 20)   # first day of the window
    _prints(date(2026, 11, 20), "print_ok", 10)
    _prints(date(2026, 11, 22), "print_failed", 5)
    _prints(date(2026, 11, 21), "damaged", 1)    # not printing: not in the rate
    for _ in range(3):
        ready_card()
    f = blangko.forecast()
    assert (f.balance, f.ready_to_print, f.shortfall, f.threshold) == (954, 3, 0, 1000)
    assert f.prints_per_day == pytest.approx(35 / 10)  # 10 working days in 9..22 November
    assert f.days_left == pytest.approx(954 / 3.5)
    assert f.below_threshold is True
    settings.put(admin, "reorder_threshold", "900")
    assert blangko.forecast().below_threshold is False
    with pytest.raises(ValidationError, match="Batas pesan ulang blangko"):
        settings.put(admin, "reorder_threshold", "banyak")  # refused: the threshold stays
    assert blangko.forecast().threshold == 900
    settings._write(admin, "reorder_threshold", "banyak")  # an unreadable value stored by hand: the default
    assert blangko.forecast().threshold == 1000


def test_forecast_without_prints_and_with_a_shortfall(admin, clock):
    stock(admin, 2)
    for _ in range(5):
        ready_card()
    f = blangko.forecast(TODAY)
    assert (f.balance, f.prints_per_day, f.days_left, f.ready_to_print, f.shortfall) == (2, 0, None, 5, 3)
    assert f.below_threshold


def test_working_days():
    from dukcapil_tui.domain.cards import working_days

    assert working_days(date(2026, 11, 22), 14) == 10  # Sunday
    assert working_days(date(2026, 11, 20), 14) == 10  # Friday
    assert working_days(date(2026, 11, 21), 1) == 0    # a Saturday alone
    assert working_days(date(2026, 11, 23), 7) == 5


def test_an_outflow_dated_back_cannot_make_an_earlier_day_negative(admin, clock):
    from datetime import timedelta

    keeper = actor("blangko")
    blangko.receive(keeper, 10, "SJ-1", "Kemendagri", day=TODAY - timedelta(days=5))
    blangko.loan(keeper, "out", 8, "Disdukcapil Lombok Timur", day=TODAY - timedelta(days=2))
    blangko.receive(keeper, 50, "SJ-2", "Provinsi")  # today: plenty now
    before = db_state()
    with pytest.raises(ServiceError, match="akan membuat stok minus: perlu 5, stok terendah sejak itu 2"):
        blangko.loan(keeper, "out", 5, "Disdukcapil Lombok Barat", day=TODAY - timedelta(days=3))
    assert db_state() == before
    blangko.loan(keeper, "out", 2, "Disdukcapil Lombok Barat", day=TODAY - timedelta(days=3))
    assert blangko.balance(until=TODAY - timedelta(days=2)) == 0
    with pytest.raises(ValidationError):
        blangko.receive(keeper, 1, "SJ-3", "Provinsi", day=TODAY + timedelta(days=1))


def test_the_ledger_reads_in_words_with_separators():
    from dukcapil_tui.domain.formatting import format_signed
    from dukcapil_tui.models import BlangkoMovement
    from dukcapil_tui.services import ledger_view

    assert [format_signed(v) for v in (5000, 1, 0, -1, -4500)] == ["+5.000", "+1", "0", "-1", "-4.500"]
    withdrawn = BlangkoMovement(kind="spoiled", reference="perubahan_data", note="")
    assert ledger_view.reference(withdrawn) == "perubahan elemen data"
    assert ledger_view.reference(BlangkoMovement(kind="spoiled", reference="chip_rusak")) == "chip rusak"
    receipt = BlangkoMovement(kind="receipt", reference="SJ/12/2026", note="")
    assert ledger_view.reference(receipt) == "SJ/12/2026"
    assert ledger_view.reference(receipt, corrected=True) == "SJ/12/2026 (dikoreksi)"
    correction = BlangkoMovement(kind="correction", reference="koreksi #1", note="salah ketik")
    assert ledger_view.reference(correction, corrected=True) == "koreksi #1: salah ketik"
