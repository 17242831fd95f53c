"""Suket: who may have one, numbering by the pattern setting per year, the stock rule, the letter."""

from __future__ import annotations

from datetime import datetime

import pytest

from dukcapil_tui.domain.problems import ValidationError

from dukcapil_tui.models import AuditLog, Suket
from dukcapil_tui.services import printing, settings, suket
from dukcapil_tui.services.cards import set_central_status
from dukcapil_tui.services.context import NotFound, PermissionDenied, ServiceError

from cetak_helpers import (actor, add_card, add_resident, admin, office_template, clock, db_state,  # noqa: F401
                           office, ready_card, stock)

PRR = "PRINT_READY_RECORD"


def test_numbers_follow_the_pattern_and_count_up(admin, clock):
    first = suket.issue(actor("loket"), add_card().resident.nik)
    second = suket.issue(admin, ready_card().resident.nik)
    assert (first.number, first.year, first.seq, first.status) == ("470/0001/DKPS/XI/2026", 2026, 1, "open")
    assert (second.number, second.seq) == ("470/0002/DKPS/XI/2026", 2)
    assert (first.issued_at, first.username) == (clock.now, "petugas_loket")
    entry = AuditLog.select().where(AuditLog.action == "suket.issue").order_by(AuditLog.id).first()
    assert entry.entity_id == str(first.id)
    assert suket.open_count() == 2
    assert [s.number for s in suket.open_register()] == [first.number, second.number]


def test_numbering_restarts_in_a_new_office_year(admin, clock):
    suket.issue(admin, add_card().resident.nik)
    clock.set(datetime(2026, 12, 31, 15, 59))  # 23:59 WITA on 31 December
    assert suket.issue(admin, add_card().resident.nik).number == "470/0002/DKPS/XII/2026"
    clock.set(datetime(2026, 12, 31, 16, 0))  # 00:00 WITA on 1 January: a new year in the office
    new_year = suket.issue(admin, add_card().resident.nik)
    assert (new_year.number, new_year.year, new_year.seq) == ("470/0001/DKPS/I/2027", 2027, 1)
    assert suket.issue(admin, add_card().resident.nik).number == "470/0002/DKPS/I/2027"


def test_the_pattern_setting(admin, clock):
    settings.put(admin, "suket_number_pattern", "SKT-{year}-{month:02d}-{day:02d}/{seq:03d}")
    assert suket.issue(admin, add_card().resident.nik).number == "SKT-2026-11-22/001"
    settings.put(admin, "suket_number_pattern", "")  # empty: the default
    assert suket.issue(admin, add_card().resident.nik).number == "470/0002/DKPS/XI/2026"


@pytest.mark.parametrize("pattern", ["470/{nomor}/{year}", "470/{seq:xyz}", "470/{0}", "470/{seq.x}",
                                     "470/{seq[0]}", "470/{seq"])
def test_a_broken_pattern_gives_a_clear_message(admin, clock, pattern):
    with pytest.raises(ValidationError, match="Pola nomor Suket"):
        settings.put(admin, "suket_number_pattern", pattern)  # the settings refuse it…
    settings._write(admin, "suket_number_pattern", pattern)  # …but one stored by hand must not crash
    card = add_card()
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, card.resident.nik)
    assert str(caught.value) == f"Pola nomor Suket di pengaturan tidak benar: {pattern}"
    assert db_state() == before


def test_a_pattern_without_the_sequence_collides_with_a_message(admin, clock):
    with pytest.raises(ValidationError, match="harus memuat nomor urut"):
        settings.put(admin, "suket_number_pattern", "470/DKPS/{year}")
    settings._write(admin, "suket_number_pattern", "470/DKPS/{year}")
    assert suket.issue(admin, add_card().resident.nik).number == "470/DKPS/2026"
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, add_card().resident.nik)
    assert str(caught.value) == "Nomor Suket 470/DKPS/2026 sudah dipakai; periksa pola nomor di pengaturan."
    assert Suket.select().count() == 1


def test_only_recorded_residents_whose_card_is_not_printed(admin, clock):
    not_recorded = add_card(add_resident(recording="belum"))
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, not_recorded.resident.nik)
    assert str(caught.value) == "Suket hanya untuk penduduk yang SUDAH REKAM."
    printed = add_card(central=PRR, office="printed")
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, printed.resident.nik)
    assert str(caught.value) == "Kartu berstatus sudah dicetak; Suket hanya selama kartu belum dicetak."
    failed = add_card()
    set_central_status(admin, failed.resident.nik, "ENROLL_FAILURE_AT_CENTRAL")  # back to BELUM REKAM
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, failed.resident.nik)
    assert str(caught.value) == "Suket hanya untuk penduduk yang SUDAH REKAM."
    no_card = add_resident()
    with pytest.raises(NotFound) as caught:
        suket.issue(admin, no_card.nik)
    assert str(caught.value) == f"NIK {no_card.nik} tidak punya kartu dalam antrean cetak."
    with pytest.raises(NotFound):
        suket.issue(admin, "5202040101909999")
    assert Suket.select().count() == 0


def test_one_open_suket_per_resident(admin, clock):
    card = add_card()
    first = suket.issue(admin, card.resident.nik)
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, card.resident.nik)
    assert str(caught.value) == "Penduduk ini masih memegang Suket 470/0001/DKPS/XI/2026 yang berlaku."
    assert db_state() == before
    # the card fails at the centre, the resident records again: a new card, the same letter
    set_central_status(admin, card.resident.nik, "ENROLL_FAILURE_AT_CENTRAL")
    resident = card.resident
    resident.recording_status = "sudah"
    resident.save()
    new_card = add_card(resident, central=PRR, recorded_at=datetime(2026, 11, 21, 2, 0))
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, resident.nik)
    assert "470/0001/DKPS/XI/2026" in str(caught.value)
    # the new card is printed and handed over: the resident's letter is closed
    stock(admin, 1)
    batch = printing.create_batch(admin, 1)
    printing.record_result(admin, batch.jobs[0].id, True)
    printing.handover(admin, resident.nik, collected_by="resident", collector_name="", receipt_no="TT-1",
                      id_checked=True)
    assert Suket.get_by_id(first.id).status == "closed"
    assert batch.jobs[0].card_id == new_card.id


def test_the_office_may_forbid_suket_while_blanks_are_in_stock(admin, clock):
    card = add_card()
    stock(admin, 5)
    assert suket.forbid_when_stock() is False
    settings.put(admin, "suket_forbid_when_stock", "1")
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, card.resident.nik)
    assert str(caught.value) == ("Blangko masih tersedia (5); pengaturan kantor melarang Suket baru. "
                                 "Cetak kartunya.")
    from dukcapil_tui.services import blangko

    blangko.loan(admin, "out", 5, "Disdukcapil Lombok Barat")
    assert suket.issue(admin, card.resident.nik).number == "470/0001/DKPS/XI/2026"


def test_stock_staff_may_not_issue(admin, clock):
    card = add_card()
    with pytest.raises(PermissionDenied) as caught:
        suket.issue(actor("blangko"), card.resident.nik)
    assert str(caught.value) == "Peran blangko tidak berwenang untuk menerbitkan Suket."
    assert suket.issue(actor("cetak"), card.resident.nik).seq == 1


def test_letter_text(admin, clock):
    settings.put(admin, "head_name", "H. LALU AHMAD ZAENURI")
    settings.put(admin, "head_nip", "197001011990031001")
    letter = suket.issue(admin, add_card().resident.nik)
    text = suket.letter_text(letter)
    nik = letter.resident.nik
    assert text.startswith("PEMERINTAH KABUPATEN LOMBOK TENGAH\nDISDUKCAPIL KABUPATEN LOMBOK TENGAH\n\n"
                           "SURAT KETERANGAN PENGGANTI KTP-EL\n"
                           "Nomor: 470/0001/DKPS/XI/2026\n")
    for line in (
        "  Nama lengkap        : BAIQ NURUL",
        f"  NIK                 : {nik}",
        "  Tempat/tgl. lahir   : Praya, 17-05-1990",
        "  Jenis kelamin       : Perempuan",
        "  Alamat              : Dusun Sade RT 001/RW 002, Rembitan, Kec. Pujut",
        "Lombok Tengah, 22-11-2026",
        "Kepala Dinas,",
        "H. LALU AHMAD ZAENURI",
        "NIP. 197001011990031001",
    ):
        assert line in text.splitlines(), line
    assert "berlaku sebagai pengganti KTP-el" in text
    assert text.endswith("NIP. 197001011990031001\n")


def test_letter_text_without_a_head_leaves_room_to_write_by_hand(admin, clock):
    text = suket.letter_text(suket.issue(admin, add_card().resident.nik))
    assert text.endswith("………………………\nNIP. ………………………\n")
