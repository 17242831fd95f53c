"""Print batches, print results with their blank movement, handover, and uncollected cards."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import (
    AuditLog,
    BlangkoMovement,
    Card,
    CardEvent,
    Handover,
    PrintBatch,
    PrintJob,
    SpoiledCard,
    Suket,
)
from dukcapil_tui.services import blangko, printing, suket
from dukcapil_tui.services.cards import set_central_status
from dukcapil_tui.services.context import NeedsConfirmation, NotFound, PermissionDenied, ServiceError

from cetak_helpers import (START, TODAY, actor, add_card, admin, office_template, clock,  # noqa: F401
                           db_state, office, ready_card, refresh, stock)

PRR = "PRINT_READY_RECORD"


def _batch_cards(batch) -> list[int]:
    return [j.card_id for j in PrintJob.select().where(PrintJob.batch == batch.id).order_by(PrintJob.id)]


def _job(batch, card) -> PrintJob:
    return PrintJob.get((PrintJob.batch == batch.id) & (PrintJob.card == card.id))


# --- batches --------------------------------------------------------------------------------

def test_a_batch_takes_priority_first_then_the_oldest_ready_cards(admin, clock):
    stock(admin, 100)
    old = ready_card(recorded_at=datetime(2026, 8, 1))
    older = ready_card(recorded_at=datetime(2026, 7, 1))
    urgent_new = ready_card(recorded_at=datetime(2026, 11, 20), priority=True)
    urgent_old = ready_card(recorded_at=datetime(2026, 10, 1), priority=True)
    newest = ready_card(recorded_at=datetime(2026, 11, 21))
    add_card(central="SENT_FOR_ENROLLMENT", recorded_at=datetime(2026, 1, 1))  # not print-ready
    add_card(central=PRR, office="printed", recorded_at=datetime(2026, 1, 1))  # printed already
    batch = printing.create_batch(actor("cetak"), "4")
    assert _batch_cards(batch) == [urgent_old.id, urgent_new.id, older.id, old.id]
    assert (batch.size, batch.username, batch.closed_at) == (4, "petugas_cetak", None)
    # cards in an open batch are not taken twice; fewer ready than asked for is said first
    before = db_state()
    with pytest.raises(NeedsConfirmation) as caught:
        printing.create_batch(admin, 10)
    assert str(caught.value) == ("Hanya 1 kartu siap cetak yang belum masuk batch (diminta 10). Buat batch 1 "
                                 "kartu?")
    assert db_state() == before
    second = printing.create_batch(admin, 10, confirmed=True)
    assert _batch_cards(second) == [newest.id]
    with pytest.raises(ServiceError) as caught:
        printing.create_batch(admin, 10)
    assert str(caught.value) == "Tidak ada kartu siap cetak (PRR) yang belum masuk batch."
    assert printing.open_batches() == [batch, second]


@pytest.mark.parametrize("size", ["0", "501", "abc", "", None, "-3", "1.000", 2.5])
def test_a_batch_size_must_be_1_to_500(admin, clock, size):
    stock(admin, 10)
    ready_card()
    with pytest.raises(ValidationError) as caught:
        printing.create_batch(admin, size)
    assert caught.value.problems == {"size": "Jumlah kartu per batch: angka 1 sampai 500."}
    assert PrintBatch.select().count() == 0


def test_a_batch_needing_more_blanks_than_the_stock_is_refused(admin, clock):
    stock(admin, 2)
    for _ in range(3):
        ready_card()
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        printing.create_batch(admin, 3)
    assert str(caught.value) == ("Batch perlu 3 blangko, stok hanya 2. Kurangi jumlah atau catat penerimaan "
                                 "blangko dulu.")
    assert db_state() == before
    assert printing.create_batch(admin, 2).size == 2


def test_blanks_promised_to_another_open_batch_are_not_counted_twice(admin, clock):
    stock(admin, 5)
    for _ in range(8):
        ready_card()
    printing.create_batch(admin, 4)
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        printing.create_batch(admin, 2)
    assert str(caught.value) == ("Batch perlu 2 blangko, stok 5 tetapi 4 sudah disiapkan untuk batch lain yang "
                                 "masih terbuka. Selesaikan batch itu atau catat penerimaan blangko dulu.")
    assert db_state() == before
    assert printing.create_batch(admin, 1).size == 1


def test_no_blanks_at_all(admin, clock):
    ready_card()
    with pytest.raises(ServiceError) as caught:
        printing.create_batch(admin, 1)
    assert str(caught.value).startswith("Batch perlu 1 blangko, stok hanya 0.")


@pytest.mark.parametrize("role", ["loket", "blangko"])
def test_counter_and_stock_staff_may_not_print(admin, clock, role):
    stock(admin, 5)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    job = _job(batch, card)
    before = db_state()
    for attempt in (lambda: printing.create_batch(actor(role), 1),
                    lambda: printing.record_result(actor(role), job.id, True),
                    lambda: printing.record_result(actor(role), job.id, False, "gagal_cetak"),
                    lambda: printing.close_batch(actor(role), batch.id)):
        with pytest.raises(PermissionDenied) as caught:
            attempt()
        assert str(caught.value) == f"Peran {role} tidak berwenang untuk mencetak kartu."
    assert db_state() == before


# --- results --------------------------------------------------------------------------------

def test_a_good_print_uses_one_blank_and_the_card_is_printed(admin, clock):
    stock(admin, 5)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    clock.advance(minutes=5)
    job = printing.record_result(actor("cetak"), _job(batch, card).id, True)
    assert (job.result, job.reason, job.at, job.username) == ("ok", None, clock.now, "petugas_cetak")
    assert blangko.balance() == 4
    movement = BlangkoMovement.select().order_by(BlangkoMovement.id.desc()).get()
    assert (movement.kind, movement.quantity, movement.card_id, movement.reference, movement.day) == (
        "print_ok", -1, card.id, f"batch {batch.id}", TODAY)
    after = refresh(card)
    assert (after.office_status, after.central_status, after.status_changed_at) == ("printed", PRR, clock.now)
    event = CardEvent.select().where(CardEvent.card == card.id).order_by(CardEvent.id.desc()).get()
    assert (event.office_status, event.source) == ("printed", "print")
    assert SpoiledCard.select().count() == 0


@pytest.mark.parametrize("reason", ["gagal_cetak", "chip_rusak"])
def test_a_failed_print_spoils_a_blank_and_the_card_stays_ready(admin, clock, reason):
    stock(admin, 5)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    job = printing.record_result(admin, _job(batch, card).id, False, reason)
    assert (job.result, job.reason) == ("failed", reason)
    assert blangko.balance() == 4
    movement = BlangkoMovement.select().order_by(BlangkoMovement.id.desc()).get()
    assert (movement.kind, movement.quantity, movement.card_id) == ("print_failed", -1, card.id)
    spoiled = SpoiledCard.get()
    assert (spoiled.nik, spoiled.card_id, spoiled.reason, spoiled.movement_id, spoiled.day, spoiled.destruction) == (
        card.resident.nik, card.id, reason, movement.id, TODAY, None)
    assert refresh(card).office_status == "ready_to_print"
    # the card goes into the next batch, and prints there
    again = printing.create_batch(admin, 1)
    assert _batch_cards(again) == [card.id]
    printing.record_result(admin, _job(again, card).id, True)
    assert refresh(card).office_status == "printed" and blangko.balance() == 3


@pytest.mark.parametrize("reason", [None, "", "rusak_fisik", "macet"])
def test_a_failed_print_needs_a_print_failure_reason(admin, clock, reason):
    stock(admin, 5)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        printing.record_result(admin, _job(batch, card).id, False, reason)
    assert caught.value.problems["reason"] == (
        "Alasan gagal wajib dipilih: gagal cetak, chip rusak." if not reason else
        f"Alasan gagal: nilai '{reason}' tidak dikenal; pilih salah satu dari gagal cetak, chip rusak.")
    assert db_state() == before


def test_a_result_is_recorded_once_and_not_in_a_closed_batch(admin, clock):
    stock(admin, 5)
    first, second = ready_card(), ready_card()
    batch = printing.create_batch(admin, 2)
    printing.record_result(admin, _job(batch, first).id, True)
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        printing.record_result(admin, _job(batch, first).id, False, "gagal_cetak")
    assert str(caught.value) == "Hasil cetak kartu ini sudah dicatat."
    before_close = db_state()
    with pytest.raises(NeedsConfirmation) as caught:  # a card without a result: said first
        printing.close_batch(admin, batch.id)
    assert str(caught.value) == (f"1 kartu di batch {batch.id} belum dicatat hasil cetaknya. Bila batch ditutup, "
                                 "kartu itu kembali ke antrean siap cetak tanpa memakai blangko (bisa masuk batch "
                                 "berikutnya). Tutup batch?")
    assert db_state() == before_close
    closed = printing.close_batch(admin, batch.id, confirmed=True)
    assert closed.closed_at == clock.now
    job = _job(batch, second)
    assert (job.result, job.at) == ("skipped", clock.now)
    assert refresh(second).office_status == "ready_to_print"
    with pytest.raises(ServiceError) as caught:
        printing.record_result(admin, job.id, True)
    assert str(caught.value) == "Hasil cetak kartu ini sudah dicatat."
    with pytest.raises(ServiceError) as caught:
        printing.close_batch(admin, batch.id)
    assert str(caught.value) == "Batch ini sudah ditutup."
    assert BlangkoMovement.select().where(BlangkoMovement.kind != "receipt").count() == 1
    # skipped cards are free for the next batch
    assert _batch_cards(printing.create_batch(admin, 5, confirmed=True)) == [second.id]
    with pytest.raises(NotFound):
        printing.record_result(admin, 999_999, True)
    with pytest.raises(NotFound):
        printing.close_batch(admin, 999_999)
    assert db_state()["print_job"] != before["print_job"]


def test_a_result_for_an_unrecorded_job_of_a_closed_batch_is_refused(admin, clock, monkeypatch):
    stock(admin, 5)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    PrintBatch.update(closed_at=clock.now).where(PrintBatch.id == batch.id).execute()  # closed elsewhere
    with pytest.raises(ServiceError) as caught:
        printing.record_result(admin, _job(batch, card).id, True)
    assert str(caught.value) == "Batch ini sudah ditutup."
    assert blangko.balance() == 5


def test_a_card_whose_status_changed_meanwhile_is_not_printed_and_uses_no_blank(admin, clock):
    stock(admin, 5)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    set_central_status(admin, card.resident.nik, "DUPLICATE_RECORD")  # the listing arrives meanwhile: held back
    before = db_state()
    for ok, reason in ((True, None), (False, "gagal_cetak")):
        with pytest.raises(ServiceError) as caught:
            printing.record_result(admin, _job(batch, card).id, ok, reason)
        assert str(caught.value) == "Kartu berstatus menunggu PRR, tidak bisa dicetak."
    assert db_state() == before
    assert _job(batch, card).result is None and blangko.balance() == 5


def test_a_print_without_a_blank_is_refused_as_one_transaction(admin, clock):
    stock(admin, 2)
    first, second = ready_card(), ready_card()
    batch = printing.create_batch(admin, 2)
    blangko.loan(admin, "out", 2, "Disdukcapil Lombok Timur")  # the blanks left meanwhile
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        printing.record_result(admin, _job(batch, first).id, True)
    assert str(caught.value) == "Stok blangko tidak cukup: perlu 1, tersedia 0."
    with pytest.raises(ServiceError):
        printing.record_result(admin, _job(batch, second).id, False, "chip_rusak")
    assert db_state() == before
    assert refresh(first).office_status == "ready_to_print" and _job(batch, first).result is None


def test_batch_jobs_lists_the_batch(admin, clock):
    stock(admin, 5)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    printing.record_result(admin, _job(batch, card).id, False, "chip_rusak")
    [row] = printing.batch_jobs(batch.id)
    assert (row.card_id, row.nik, row.name, row.reason, row.result, row.fail_reason) == (
        card.id, card.resident.nik, "BAIQ NURUL", "baru", "failed", "chip_rusak")


# --- handover -------------------------------------------------------------------------------

def _printed_card(**kwargs) -> Card:
    return add_card(central=PRR, office="printed", **kwargs)


def _hand(nik, **changes):
    values = dict(collected_by="resident", collector_name="", receipt_no="TT/2026/0001", id_checked=True)
    values.update(changes)
    return printing.handover(actor("loket"), nik, **values)


def test_handover_to_the_resident(admin, clock):
    card = _printed_card()
    row = _hand(card.resident.nik)
    assert (row.card_id, row.collected_by, row.collector_name, row.relation, row.receipt_no, row.id_checked,
            row.username, row.at) == (card.id, "resident", "BAIQ NURUL", "", "TT/2026/0001", True, "petugas_loket",
                                      clock.now)
    after = refresh(card)
    assert (after.office_status, after.status_changed_at) == ("handed_over", clock.now)
    assert CardEvent.select().where((CardEvent.card == card.id) & (CardEvent.source == "handover")).count() == 1
    assert AuditLog.select().where(AuditLog.action == "card.handover").count() == 1


def test_handover_to_family_needs_relation_and_name(admin, clock):
    card = _printed_card()
    with pytest.raises(ValidationError) as caught:
        _hand(card.resident.nik, collected_by="family", relation="tetangga", collector_name="  ")
    assert caught.value.problems == {
        "relation": "Hubungan keluarga: nilai 'tetangga' tidak dikenal; pilih salah satu dari suami, istri, ayah, "
                    "ibu, anak, saudara, lainnya.",
        "collector_name": "Nama pengambil wajib diisi.",
    }
    with pytest.raises(ValidationError) as caught:
        _hand(card.resident.nik, collected_by="family", relation="", collector_name="Baiq Nur")
    assert caught.value.problems == {
        "relation": "Hubungan keluarga wajib dipilih: suami, istri, ayah, ibu, anak, saudara, lainnya."}
    with pytest.raises(ValidationError) as caught:
        _hand(card.resident.nik, collected_by="tetangga")
    assert caught.value.problems == {"collected_by": "Pengambil: penduduk sendiri atau keluarga."}
    assert Handover.select().count() == 0
    row = _hand(card.resident.nik, collected_by="family", relation="suami", collector_name="  lalu   ahmad ")
    assert (row.collected_by, row.relation, row.collector_name) == ("family", "suami", "LALU AHMAD")


@pytest.mark.parametrize("receipt, problem", [
    ("", "Nomor tanda terima wajib diisi."), ("   ", "Nomor tanda terima wajib diisi."),
    (None, "Nomor tanda terima wajib diisi."),
    ("TT 001", "Nomor tanda terima 'TT 001' hanya boleh huruf, angka, / . - tanpa spasi, maksimal 40 karakter."),
    ("X" * 41, f"Nomor tanda terima '{'X' * 40}…' hanya boleh huruf, angka, / . - tanpa spasi, maksimal 40 karakter."),
])
def test_handover_needs_a_receipt_number(admin, clock, receipt, problem):
    card = _printed_card()
    with pytest.raises(ValidationError) as caught:
        _hand(card.resident.nik, receipt_no=receipt)
    assert caught.value.problems == {"receipt_no": problem}
    assert refresh(card).office_status == "printed"


def test_handover_needs_the_id_checked_and_a_unique_receipt(admin, clock):
    first, second = _printed_card(), _printed_card()
    with pytest.raises(ValidationError) as caught:
        _hand(first.resident.nik, id_checked=False)
    assert caught.value.problems == {"id_checked": "Identitas pengambil harus diperiksa dulu."}
    _hand(first.resident.nik, receipt_no="tt-7")
    assert Handover.get().receipt_no == "TT-7"  # one spelling: upper case
    before = db_state()
    for spelling in ("TT-7", "tt-7", "Tt-7"):
        with pytest.raises(ValidationError) as caught:
            _hand(second.resident.nik, receipt_no=spelling)
        assert caught.value.problems == {"receipt_no": "Nomor tanda terima TT-7 sudah dipakai."}
    assert db_state() == before


@pytest.mark.parametrize("central, office_status, status", [
    ("BIO_CAPTURED", "waiting_prr", "menunggu PRR"), (PRR, "ready_to_print", "siap cetak"),
    ("ENROLL_FAILURE_AT_CENTRAL", "needs_rerecording", "perlu rekam ulang"),
])
def test_only_printed_cards_are_handed_over(admin, clock, central, office_status, status):
    card = add_card(central=central, office=office_status)
    with pytest.raises(ServiceError) as caught:
        _hand(card.resident.nik)
    assert str(caught.value) == (f"Kartu berstatus {status}; hanya kartu yang sudah dicetak bisa diserahkan.")
    assert Handover.select().count() == 0


def test_a_second_handover_is_impossible(admin, clock):
    card = _printed_card()
    nik = card.resident.nik
    _hand(nik)
    before = db_state()
    for typed in (nik, f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"):
        with pytest.raises(ServiceError) as caught:
            _hand(typed, receipt_no="TT/2026/0002")
        assert str(caught.value) == "Kartu NIK ini sudah diserahkan; penyerahan kedua tidak mungkin."
    assert db_state() == before
    with pytest.raises(NotFound):
        _hand("5202040101909999")


def test_handover_closes_the_residents_open_suket(admin, clock):
    card = ready_card()
    letter = suket.issue(admin, card.resident.nik)
    stock(admin, 1)
    batch = printing.create_batch(admin, 1)
    printing.record_result(admin, _job(batch, card).id, True)
    clock.advance(days=2)
    _hand(card.resident.nik)
    closed = Suket.get_by_id(letter.id)
    assert (closed.status, closed.closed_at, closed.closed_reason) == ("closed", clock.now, "handover")


def test_stock_staff_may_not_hand_cards_over(admin, clock):
    card = _printed_card()
    with pytest.raises(PermissionDenied):
        printing.handover(actor("blangko"), card.resident.nik, collected_by="resident", collector_name="",
                          receipt_no="TT-1", id_checked=True)


def test_uncollected_lists_cards_printed_more_than_n_days_ago(admin, clock):
    stock(admin, 5)
    cards_ = [ready_card(recorded_at=datetime(2026, 1, 1)) for _ in range(3)]
    batch = printing.create_batch(admin, 3)
    printed_on = {}
    for card, day in zip(cards_, (date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 20))):
        clock.set(datetime(day.year, day.month, day.day, 2, 0))
        printing.record_result(admin, _job(batch, card).id, True)
        printed_on[card.id] = day
    clock.set(START)
    # a late listing confirming CARD_PRINTED does not make the card look freshly printed
    set_central_status(admin, cards_[0].resident.nik, "CARD_PRINTED")
    rows = printing.uncollected(30, TODAY)
    assert [(r.card_id, r.nik, r.printed_at.date(), r.days) for r in rows] == [
        (cards_[0].id, cards_[0].resident.nik, date(2026, 10, 1), 52)]
    assert [r.card_id for r in printing.uncollected(7, TODAY)] == [cards_[0].id, cards_[1].id]
    assert printing.uncollected(60, TODAY) == []
    _hand(cards_[0].resident.nik)
    assert [r.card_id for r in printing.uncollected(7, TODAY)] == [cards_[1].id]
