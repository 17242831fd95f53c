"""SIAK listings bring the backlog recorded elsewhere: cards made from status and resident listings,
residents the register did not hold, SIAK's STATUS_REKAM vocabulary, life status, sites and dates."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.models import AuditLog, Card, Resident, Suket
from dukcapil_tui.services import cards, check, sites, status_import
from dukcapil_tui.services.resident_import import import_residents
from dukcapil_tui.services.status_import import import_statuses

from cetak_helpers import (PUJUT, TODAY, add_card, add_resident, admin, clock, db_state,  # noqa: F401
                           office, office_template, refresh)

PRR, BIO, SENT, ISSUED = "PRINT_READY_RECORD", "BIO_CAPTURED", "SENT_FOR_ENROLLMENT", "CARD_ISSUED"


def write(tmp_path, header: str, lines: list[str], name: str = "status.csv"):
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def upt(admin):
    return sites.save(admin, {"code": "UPT-PUJUT", "name": "UPT Kecamatan Pujut", "kind": "upt",
                              "kecamatan_code": PUJUT})


# --- the status listing ---------------------------------------------------------------------------

def test_a_status_listing_creates_the_cards_recorded_elsewhere(admin, clock, tmp_path, upt):
    known = add_resident(recording="belum")  # the register still says BELUM REKAM
    path = write(tmp_path, "NIK;STATUS_KTP;TGL_REKAM;LOKASI_REKAM;KETERANGAN",
                 [f"{known.nik};Print Ready Record;03-11-2026;upt pujut;rekam di kecamatan"])
    result = import_statuses(admin, path)
    assert (result.total, result.created, result.applied, result.unchanged, result.rejected) == (1, 1, 0, 0, [])
    card = Card.get(Card.resident == known.id)
    assert (card.central_status, card.office_status, card.reason, card.site_code, card.origin, card.kecamatan_code) == (
        PRR, "ready_to_print", "baru", "UPT-PUJUT", "siak", PUJUT)
    assert card.recorded_at == datetime(2026, 11, 2, 16, 0)  # 03-11-2026 00:00 WITA
    assert [(e.central_status, e.office_status, e.source, e.note) for e in card.events] == [
        (PRR, "ready_to_print", "import", "rekam di kecamatan")]
    assert Resident.get_by_id(known.id).recording_status == "sudah"  # the centre holds the record
    actions = [e.action for e in AuditLog.select().order_by(AuditLog.id)][-3:]
    assert actions == ["card.create_many", "resident.update_many", "card.listing_import"]
    assert json.loads(AuditLog.get(AuditLog.action == "resident.update_many").changes)["residents"] == [known.id]
    assert check.run_checks() == []  # every event is audited
    # The card is in the backlog like any other: counts, the forecast's PRR, a Suket.
    assert cards.backlog_counts(TODAY).by_status == {"ready_to_print": 1}
    before = db_state()
    again = import_statuses(admin, path)
    assert (again.created, again.unchanged, again.rejected) == (0, 1, [])
    assert db_state() == before


def test_a_nik_missing_from_the_register_takes_the_listings_name_and_desa(admin, clock, tmp_path):
    nik = nik_rules.compose(PUJUT, datetime(1985, 3, 9).date(), "P", 812)
    nameless = nik_rules.compose(PUJUT, datetime(1985, 3, 9).date(), "P", 813)
    path = write(tmp_path, "NIK,NAMA_LGKP,NO_PROP,NO_KAB,NO_KEC,NO_KEL,STATUS,TGL_REKAM",
                 [f"{nik},Baiq Sumarni,52,2,4,2008,SENT FOR ENROLLMENT,2026-10-01 09:30",
                  f"{nameless},,,,,,PRR,"])
    result = import_statuses(admin, path)
    assert (result.created, result.residents_created) == (1, 1)
    assert result.rejected == [(3, nameless, f"NIK {nameless} tidak terdaftar di basis data penduduk dan daftar tidak "
                                "menyebut nama dan desanya (kolom NAMA dan KODE_DESA atau "
                                "NO_PROP/NO_KAB/NO_KEC/NO_KEL).")]
    resident = Resident.get(Resident.nik == nik)
    assert (resident.name, resident.desa_code, resident.sex, resident.birth_date.isoformat(),
            resident.marital_status, resident.recording_status) == (
        "BAIQ SUMARNI", "52.02.04.2008", "P", "1985-03-09", "belum_kawin", "sudah")
    card = Card.get(Card.resident == resident.id)
    assert (card.central_status, card.office_status, card.site_code) == (SENT, "waiting_prr", None)
    assert card.recorded_at == datetime(2026, 10, 1, 1, 30)
    entry = AuditLog.get(AuditLog.action == "resident.import")
    assert json.loads(entry.changes)["inserted"] == 1
    assert check.run_checks() == []


@pytest.mark.parametrize("cells, reason", [
    ("PRR;02-11-2026;UPT SELONG;", "Lokasi perekaman 'UPT SELONG' tidak terdaftar; yang terdaftar: DINAS, UPT-PUJUT."),
    ("PRR;31-02-2026;;", "Tanggal rekam bukan tanggal yang benar (gunakan DD-MM-YYYY)."),
    ("PRR;23-11-2026;;", "Tanggal rekam tidak boleh di masa depan."),
    ("PRR;;;GANTI WARNA", "Alasan 'GANTI WARNA' tidak dikenal; gunakan salah satu dari BARU, REKAM BARU"),
    ("DICETAK;;;", "Status pusat 'DICETAK' tidak dikenal; gunakan salah satu dari BIO_CAPTURED, SENT_FOR_ENROLLMENT"),
])
def test_bad_card_facts_are_reported_with_what_is_accepted(admin, clock, tmp_path, upt, cells, reason):
    resident = add_resident(recording="belum")
    path = write(tmp_path, "NIK;STATUS;TGL_REKAM;LOKASI_REKAM;ALASAN", [f"{resident.nik};{cells}"])
    result = import_statuses(admin, path)
    assert result.created == 0 and len(result.rejected) == 1
    assert result.rejected[0][2].startswith(reason)
    assert Card.select().count() == 0


def test_the_last_day_is_today_and_reasons_are_kept_apart(admin, clock, tmp_path):
    lost, damaged, moved = (add_resident() for _ in range(3))
    path = write(tmp_path, "NIK;STATUS;TGL_REKAM;ALASAN",
                 [f"{lost.nik};PRR;22-11-2026;Cetak ulang hilang", f"{damaged.nik};PRR;21-11-2026;RUSAK",
                  f"{moved.nik};PRR;;pindah datang"])
    assert import_statuses(admin, path).rejected == []
    assert {c.resident_id: c.reason for c in Card.select()} == {lost.id: "hilang", damaged.id: "rusak",
                                                                moved.id: "pindah_datang"}
    assert Card.get(Card.resident == moved.id).recorded_at == clock.now  # no date in the listing: now


def test_a_failure_from_the_centre_makes_a_card_to_record_again(admin, clock, tmp_path):
    resident = add_resident(recording="sudah")
    path = write(tmp_path, "NIK,STATUS", [f"{resident.nik},search failure at central"])
    assert import_statuses(admin, path).created == 1
    card = Card.get(Card.resident == resident.id)
    assert (card.central_status, card.office_status) == ("SEARCH_FAILURE_AT_CENTRAL", "needs_rerecording")
    assert Resident.get_by_id(resident.id).recording_status == "belum"
    # recorded again at a kecamatan: the listing shows the new record; the old card is replaced
    again = write(tmp_path, "NIK,STATUS", [f"{resident.nik},BIO_CAPTURED"], "again.csv")
    result = import_statuses(admin, again)
    assert (result.created, result.rejected) == (1, [])
    assert refresh(card).office_status == "replaced"
    new = Card.select().where(Card.resident == resident.id).order_by(Card.id.desc()).get()
    assert (new.central_status, new.office_status) == (BIO, "waiting_prr")
    assert Resident.get_by_id(resident.id).recording_status == "sudah"
    assert check.run_checks() == []


def test_card_issued_for_a_nik_without_a_card_makes_no_card_but_counts_the_recording(admin, clock, tmp_path):
    resident = add_resident(recording="belum")
    path = write(tmp_path, "NIK,STATUS", [f"{resident.nik},CARD ISSUED"])
    result = import_statuses(admin, path)
    assert (result.created, result.applied, result.unchanged) == (0, 1, 0)
    assert Card.select().count() == 0 and Resident.get_by_id(resident.id).recording_status == "sudah"
    assert import_statuses(admin, path).unchanged == 1


def test_the_dead_and_moved_get_no_card(admin, clock, tmp_path):
    resident = add_resident()
    Resident.update(life_status="mati", life_status_on=TODAY).where(Resident.id == resident.id).execute()
    path = write(tmp_path, "NIK,STATUS", [f"{resident.nik},PRR"])
    assert import_statuses(admin, path).rejected == [
        (2, resident.nik, "Penduduk berstatus Mati: tidak ada kartu yang dibuat atau diubah untuknya.")]
    assert Card.select().count() == 0


def test_every_central_status_spelled_either_way_creates_its_card(admin, clock, tmp_path):
    made = {}
    lines = []
    for number, status in enumerate(rules.CENTRAL_STATUSES):
        if status == ISSUED:
            continue
        resident = add_resident()
        made[resident.id] = status
        spelled = status.replace("_", " ").title() if number % 2 else status.lower()
        lines.append(f"{resident.nik},{spelled}")
    result = import_statuses(admin, write(tmp_path, "NIK,CURRENT_STATUS", lines))
    assert (result.created, result.rejected) == (len(made), [])
    for card in Card.select():
        assert (card.central_status, card.office_status) == (made[card.resident_id],
                                                             rules.office_status_for(made[card.resident_id]))


def test_creation_in_chunks_and_a_resident_recorded_meanwhile_is_reported(admin, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(status_import, "CREATE_CHUNK", 2)
    residents = [add_resident(recording="belum") for _ in range(5)]
    path = write(tmp_path, "NIK,STATUS", [f"{r.nik},BIO_CAPTURED" for r in residents])
    real = status_import._create_chunk
    calls = []

    def interfere(actor_, rows, filename, result):
        calls.append(len(rows))
        if len(calls) == 2:  # someone records the 3rd resident at a counter meanwhile
            add_card(residents[2])
        return real(actor_, rows, filename, result)

    monkeypatch.setattr(status_import, "_create_chunk", interfere)
    result = import_statuses(admin, path)
    assert calls == [2, 2, 1] and result.created == 4
    assert result.rejected == [(4, residents[2].nik, f"NIK {residents[2].nik} diubah petugas lain selama impor; "
                                "baris ini tidak diterapkan, impor ulang berkasnya.")]
    assert Card.select().where(Card.resident == residents[2].id).count() == 1
    chunks = [json.loads(e.changes) for e in AuditLog.select().where(AuditLog.action == "card.create_many")]
    assert [c["cards"] for c in chunks] == [2, 1, 1]


# --- the resident listing ---------------------------------------------------------------------------

HEADER = "NIK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN,NO_PROP,NO_KAB,NO_KEC,NO_KEL,STAT_KWN,STATUS_REKAM"


def _row(nik: str, status: str, extra: str = "", birth: str = "09-03-1985") -> str:
    return f"{nik},WARGA {chr(65 + int(nik[-3:]) % 26)},{birth},P,52,2,4,2008,KAWIN,{status}{extra}"


def _nik(number: int) -> str:
    return nik_rules.compose(PUJUT, datetime(1985, 3, 9).date(), "P", number)


@pytest.mark.parametrize("status, recording, central", [
    ("BELUM REKAM", "belum", None), ("SUDAH REKAM", "sudah", None), ("BELUM WAJIB", "belum", None),
    ("PRINT READY RECORD", "sudah", PRR), ("SENT FOR CARD PRINTING", "sudah", "SENT_FOR_CARD_PRINTING"),
    ("CARD PRINTED", "sudah", "CARD_PRINTED"), ("CARD SHIPPED", "sudah", "CARD_SHIPPED"),
    ("CARD ISSUED", "sudah", None), ("BIO CAPTURED", "sudah", BIO), ("DUPLICATE RECORD", "sudah", "DUPLICATE_RECORD"),
    ("ENROLL FAILURE AT CENTRAL", "belum", "ENROLL_FAILURE_AT_CENTRAL"), ("PROCESSING", "sudah", "PROCESSING"),
])
def test_siak_status_rekam_maps_to_the_register_and_a_card(admin, clock, tmp_path, status, recording, central):
    path = write(tmp_path, HEADER, [_row(_nik(901), status)], "penduduk.csv")
    result = import_residents(admin, path, today=TODAY)
    assert (result.inserted, result.rejected) == (1, [])
    resident = Resident.get(Resident.nik == _nik(901))
    assert resident.recording_status == recording
    made = [(c.central_status, c.office_status, c.origin) for c in Card.select()]
    assert made == ([(central, rules.office_status_for(central), "siak")] if central else [])
    assert result.cards_created == (1 if central else 0)
    assert resident_rules.parse_recording(status) == recording


def test_an_unknown_status_rekam_is_reported_with_the_accepted_values(admin, clock, tmp_path):
    path = write(tmp_path, HEADER, [_row(_nik(902), "SUDAH CETAK")], "penduduk.csv")
    result = import_residents(admin, path, today=TODAY)
    assert [(r.line, r.field) for r in result.rejected] == [(2, "Status rekam")]
    assert result.rejected[0].reason == (
        "Status rekam: nilai 'SUDAH CETAK' tidak dikenal; pilih salah satu dari BELUM REKAM, SUDAH REKAM, BELUM WAJIB, "
        "BIO CAPTURED, SENT FOR ENROLLMENT, PROCESSING, RECEIVED AT CENTRAL, REQUEST VALIDATION, ADJUDICATE RECORD, "
        "DUPLICATE RECORD, ENROLL FAILURE AT REGIONAL, ENROLL FAILURE AT CENTRAL, SEARCH FAILURE AT CENTRAL, "
        "PRINT READY RECORD, SENT FOR CARD PRINTING, CARD PRINTED, CARD SHIPPED, CARD ISSUED.")


def test_a_resident_listing_moves_an_open_card_and_refuses_an_impossible_move(admin, clock, tmp_path):
    moving, stuck = add_resident(kecamatan=PUJUT), add_resident(kecamatan=PUJUT)
    card = add_card(moving, central=SENT)
    printed = add_card(stuck, central=PRR, office="printed")
    lines = [f"{moving.nik},{moving.name},17-05-1990,P,52,2,4,2008,KAWIN,PRINT READY RECORD",
             f"{stuck.nik},NAMA BARU,17-05-1990,P,52,2,4,2008,KAWIN,BIO CAPTURED"]
    result = import_residents(admin, write(tmp_path, HEADER, lines, "penduduk.csv"), today=TODAY)
    assert (result.cards_changed, result.cards_created) == (1, 0)
    assert (refresh(card).central_status, refresh(card).office_status) == (PRR, "ready_to_print")
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "Status pusat tidak bisa berubah dari PRINT_READY_RECORD ke BIO_CAPTURED.")]
    assert Resident.get_by_id(stuck.id).name == stuck.name  # the refused row wrote nothing
    assert refresh(printed).office_status == "printed"


def test_life_status_from_a_listing_takes_the_dead_out_and_back(admin, clock, tmp_path):
    resident = add_resident(kecamatan=PUJUT, recording="sudah")
    card = add_card(resident, central=PRR)
    from dukcapil_tui.services import suket

    letter = suket.issue(admin, resident.nik)
    header = HEADER + ",STATUS_HIDUP,TGL_STATUS_HIDUP"
    dead = write(tmp_path, header, [f"{resident.nik},{resident.name},17-05-1990,P,52,2,4,2008,KAWIN,"
                                    "PRINT READY RECORD,MENINGGAL DUNIA,20-11-2026"], "mati.csv")
    result = import_residents(admin, dead, today=TODAY)
    assert (result.updated, result.cards_closed, result.rejected) == (1, 1, [])
    stored = Resident.get_by_id(resident.id)
    assert (stored.life_status, stored.life_status_on.isoformat()) == ("mati", "2026-11-20")
    assert refresh(card).office_status == "closed"
    assert Suket.get_by_id(letter.id).closed_reason == "life_status"
    assert cards.backlog_counts(TODAY).by_status == {}
    alive = write(tmp_path, header, [f"{resident.nik},{resident.name},17-05-1990,P,52,2,4,2008,KAWIN,"
                                     "PRINT READY RECORD,HIDUP,"], "hidup.csv")
    import_residents(admin, alive, today=TODAY)
    assert refresh(card).office_status == "ready_to_print"  # where it was before
    assert [e.office_status for e in cards.history(card.id)][-2:] == ["closed", "ready_to_print"]
    assert check.run_checks() == []


def test_a_bad_life_status_is_reported_with_the_accepted_words(admin, clock, tmp_path):
    header = HEADER + ",STATUS_HIDUP,TGL_STATUS_HIDUP"
    path = write(tmp_path, header, [_row(_nik(903), "BELUM REKAM", ",WAFAT,30-11-2026"),
                                    _row(_nik(904), "BELUM REKAM", ",GAIB,"),
                                    _row(_nik(905), "BELUM REKAM", ",PINDAH,01-01-1980")], "penduduk.csv")
    result = import_residents(admin, path, today=TODAY)
    assert [(r.line, r.field, r.reason) for r in result.rejected] == [
        (2, "Tanggal status hidup", "Tanggal status hidup tidak boleh di masa depan."),
        (3, "Status hidup", "Status hidup: nilai 'GAIB' tidak dikenal; pilih salah satu dari ADA, AKTIF, HIDUP, "
                            "HILANG, KEMATIAN, MATI, MENINGGAL, MENINGGAL DUNIA, ORANG HILANG, PINDAH, PINDAH DALAM "
                            "NEGERI, PINDAH KELUAR, PINDAH LUAR NEGERI, WAFAT."),
        (4, "Tanggal status hidup", "Tanggal status hidup tidak boleh sebelum tanggal lahir."),
    ]


def test_check_finds_a_dead_residents_card_in_the_backlog_and_an_undated_life_status(admin, clock):
    resident = add_resident()
    add_card(resident, central=PRR)
    assert [p for p in check.run_checks() if p.startswith("status hidup:")] == []
    Resident.update(life_status="pindah").where(Resident.id == resident.id).execute()  # behind the services' back
    assert [p for p in check.run_checks() if p.startswith("status hidup:")] == [
        "status hidup: 1 penduduk yang status hidup dan tanggalnya tidak cocok (tanggal hanya bila bukan HIDUP)",
        "status hidup: 1 kartu masih dalam antrean cetak untuk penduduk yang meninggal atau pindah"]


def test_the_form_takes_the_dead_out_of_wajib_and_the_backlog_and_back(admin, clock):
    from dukcapil_tui.services import residents

    resident = add_resident()
    card = add_card(resident, central=PRR)
    values = residents.to_form(resident)
    assert (values["life_status"], values["life_status_on"]) == ("hidup", "")
    before = residents.summary(TODAY)
    residents.update(admin, resident.id, {**values, "life_status": "mati", "life_status_on": "21-11-2026"}, TODAY)
    stored = Resident.get_by_id(resident.id)
    assert (stored.life_status, stored.life_status_on.isoformat()) == ("mati", "2026-11-21")
    assert refresh(card).office_status == "closed"
    after = residents.summary(TODAY)
    assert (after.residents, after.wajib_ktp, after.recorded) == (before.residents - 1, before.wajib_ktp - 1,
                                                                  before.recorded - 1)
    assert residents.summary(datetime(2026, 11, 20).date()).wajib_ktp == before.wajib_ktp  # history: alive then
    view = residents.view(resident.id, TODAY)
    assert (view.wajib.required, view.wajib.reason) == (False, "tidak lagi: berstatus Mati")
    entries = [e.action for e in AuditLog.select().where(AuditLog.entity == "card")]
    assert entries[-1] == "card.closed"
    residents.update(admin, resident.id, {**values, "life_status": "hidup", "life_status_on": ""}, TODAY)
    assert refresh(card).office_status == "ready_to_print"
    assert Resident.get_by_id(resident.id).life_status_on is None
    assert check.run_checks() == []
