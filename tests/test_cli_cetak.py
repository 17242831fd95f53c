"""``dukcapil import statuses``, ``dukcapil blangko``, ``dukcapil backlog`` through CliRunner."""

from __future__ import annotations

import csv

from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner

from dukcapil_tui import paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database

from cetak_helpers import PRAYA, PUJUT, add_card, add_resident
from conftest import PASSWORD, login_args

OFFICE = "Disdukcapil Kabupaten Lombok Tengah"


pytestmark = pytest.mark.usefixtures("no_tui")  # conftest: the TUI never starts in these tests


def invoke(*args: str):
    result = CliRunner().invoke(cli, [*login_args(), *args], obj=State())
    if database.obj is not None:
        database.close()
    return result


def assert_clean_exit(result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.fixture
def office(tmp_path):
    secret = tmp_path / "sandi.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    assert_clean_exit(invoke("init", "--office", OFFICE, "--region", "52.02", "--admin-password-file", str(secret)), 0)
    return paths.default_db_path()


def _today() -> date:
    from dukcapil_tui.services import settings

    return settings.office_today()


def _with_db(path, work):
    """Write test data straight into the office database, then close it for the command."""
    open_database(path)
    try:
        return work()
    finally:
        database.close()


def _state(path, nik):
    def read():
        from dukcapil_tui.models import Card, Resident

        card = Card.select().join(Resident).where(Resident.nik == nik).order_by(Card.id.desc()).get()
        return card.central_status, card.office_status

    return _with_db(path, read)


# --- import statuses ------------------------------------------------------------------------

def test_import_statuses_reports_rejected_lines_and_exits_1(office, tmp_path):
    niks = _with_db(office, lambda: [add_card(central=c).resident.nik for c in
                                     ("SENT_FOR_ENROLLMENT", "PRINT_READY_RECORD", "BIO_CAPTURED")])
    listing = tmp_path / "siak.csv"
    listing.write_text("NIK,STATUS\n"
                       f"{niks[0]},PRR\n"
                       f"{niks[1]},BIO_CAPTURED\n"
                       f"{niks[2]},BIO_CAPTURED\n"
                       "5202040101909999,PRR\n"
                       f"{niks[0]},CETAK\n", encoding="utf-8")
    result = invoke("import", "statuses", str(listing), "--report-dir", str(tmp_path / "laporan"))
    assert_clean_exit(result, 1)
    (report,) = (tmp_path / "laporan").glob("impor-status_siak_*_ditolak.csv")
    with report.open(encoding="utf-8-sig") as handle:
        assert [row[:2] for row in csv.reader(handle)] == [["BARIS", "NIK"], ["3", niks[1]],
                                                         ["5", "5202040101909999"], ["6", niks[0]]]
    assert result.output == (
        "siak.csv: 5 baris; 1 diterapkan, 0 kartu baru (0 penduduk baru), 1 tidak berubah, 3 ditolak.\n"
        f"  baris 3, NIK {niks[1]}: Status pusat tidak bisa berubah dari PRINT_READY_RECORD ke BIO_CAPTURED.\n"
        "  baris 5, NIK 5202040101909999: NIK 5202040101909999 tidak terdaftar di basis data penduduk dan daftar "
        "tidak menyebut nama dan desanya (kolom NAMA dan KODE_DESA atau NO_PROP/NO_KAB/NO_KEC/NO_KEL).\n"
        f"  baris 6, NIK {niks[0]}: Status pusat 'CETAK' tidak dikenal; gunakan salah satu dari BIO_CAPTURED, "
        "SENT_FOR_ENROLLMENT, PROCESSING, RECEIVED_AT_CENTRAL, REQUEST_VALIDATION, ADJUDICATE_RECORD, "
        "DUPLICATE_RECORD, ENROLL_FAILURE_AT_REGIONAL, ENROLL_FAILURE_AT_CENTRAL, SEARCH_FAILURE_AT_CENTRAL, "
        "PRINT_READY_RECORD, SENT_FOR_CARD_PRINTING, CARD_PRINTED, CARD_SHIPPED, CARD_ISSUED.\n"
        f"Laporan baris yang ditolak: {report}\n"
    )
    assert _state(office, niks[0]) == ("PRINT_READY_RECORD", "ready_to_print")
    assert _state(office, niks[1]) == ("PRINT_READY_RECORD", "ready_to_print")


def test_import_statuses_all_applied_exits_0(office, tmp_path):
    nik = _with_db(office, lambda: add_card(central="PRINT_READY_RECORD").resident.nik)
    listing = tmp_path / "siak.csv"
    listing.write_text(f"NIK;STATUS_CETAK\n{nik};card printed\n", encoding="utf-8")
    result = invoke("--lang", "en", "import", "statuses", str(listing))
    assert_clean_exit(result, 0)
    assert result.output == "siak.csv: 1 rows; 1 applied, 0 new cards (0 new residents), 0 unchanged, 0 rejected.\n"
    assert _state(office, nik) == ("CARD_PRINTED", "printed")


def test_import_statuses_refuses_a_missing_or_unusable_file(office, tmp_path):
    missing = tmp_path / "tidak_ada.csv"
    result = invoke("import", "statuses", str(missing))
    assert_clean_exit(result, 2)
    assert result.stderr == f"Berkas {missing} tidak dapat dibaca: berkas tidak ditemukan\n"
    wrong = tmp_path / "penduduk.csv"
    wrong.write_text("NIK,NAMA\n5202040101900001,BUDI\n", encoding="utf-8")
    result = invoke("import", "statuses", str(wrong))
    assert_clean_exit(result, 2)
    assert "Kolom wajib tidak ada: STATUS." in result.stderr


def test_commands_without_a_database_give_the_hint(tmp_path):
    for args in (("backlog",), ("blangko", "balance"), ("blangko", "receive", "5", "--document", "A", "--source", "B")):
        result = invoke(*args)
        assert_clean_exit(result, 2)
        assert "dukcapil init" in result.stderr


# --- blangko --------------------------------------------------------------------------------

def test_receive_and_balance(office):
    result = invoke("blangko", "receive", "1.000", "--document", "SJ/12/2026", "--source", "Ditjen Dukcapil")
    assert_clean_exit(result, 0)
    assert result.output == "Penerimaan 1.000 blangko dicatat (dokumen SJ/12/2026). Stok sekarang 1.000.\n"
    result = invoke("blangko", "receive", "500", "--document", "SJ/13/2026", "--source", "Provinsi NTB")
    assert result.output.endswith("Stok sekarang 1.500.\n")

    def prints():
        from dukcapil_tui.services import blangko
        from dukcapil_tui.services.context import system_actor

        for _ in range(3):
            add_card(central="PRINT_READY_RECORD")
        with database.atomic():
            for _ in range(20):
                blangko.append(system_actor("T"), "print_ok", 1)
        return _today()

    today = _with_db(office, prints)
    working = sum(1 for i in range(14) if (today - timedelta(days=i)).weekday() < 5)
    rate = 20 / working
    result = invoke("blangko", "balance")
    assert_clean_exit(result, 0)
    lines = result.output.splitlines()
    assert lines[0] == "Stok blangko: 1.480"
    assert lines[1] == f"Pemakaian rata-rata: {rate:.1f}".replace(".", ",") + \
        " blangko per hari kerja (14 hari terakhir)"
    assert lines[2] == f"Cukup untuk sekitar {1480 / rate:.1f}".replace(".", ",") + " hari kerja"
    assert lines[3] == "Kartu siap cetak: 3; kekurangan blangko: 0"
    assert len(lines) == 4  # above the threshold: no warning


def test_balance_warns_under_the_threshold(office):
    assert_clean_exit(invoke("blangko", "receive", "700", "--document", "SJ-1", "--source", "Kemendagri"), 0)
    result = invoke("blangko", "balance")
    assert_clean_exit(result, 0)
    assert result.output.splitlines() == [
        "Stok blangko: 700",
        "Pemakaian rata-rata: 0,0 blangko per hari kerja (14 hari terakhir)",
        "Tidak ada pencetakan dalam 14 hari terakhir; sisa hari tidak dapat diperkirakan.",
        "Kartu siap cetak: 0; kekurangan blangko: 0",
        "PERINGATAN: Stok blangko 700 di bawah batas pesan ulang 1.000. Segera ajukan permintaan blangko.",
    ]


@pytest.mark.parametrize("args, message", [
    (("1,5", "--document", "SJ-1", "--source", "Kemendagri"), "  - Jumlah harus angka bulat lebih dari 0."),
    (("0", "--document", "SJ-1", "--source", "Kemendagri"), "  - Jumlah harus angka bulat lebih dari 0."),
    (("100", "--source", "Kemendagri"), "  - Nomor dokumen wajib diisi."),
    (("100", "--document", "SJ-1"), "  - Asal blangko wajib diisi."),
])
def test_receive_refuses_bad_arguments_with_exit_2(office, args, message):
    result = invoke("blangko", "receive", *args)
    assert_clean_exit(result, 2)
    assert result.stderr.splitlines() == ["Data belum benar:", message]
    assert invoke("blangko", "balance").output.startswith("Stok blangko: 0\n")


def test_receive_without_a_quantity_is_a_usage_error(office):
    result = invoke("blangko", "receive")
    assert result.exit_code == 2 and "QUANTITY" in result.stderr


# --- backlog --------------------------------------------------------------------------------

def test_backlog_counts(office):
    def cards():
        today = _today()
        at = datetime(today.year, today.month, today.day) - timedelta(hours=8)  # midnight office time, UTC
        add_card(add_resident(kecamatan=PUJUT), central="BIO_CAPTURED", recorded_at=at)
        add_card(add_resident(kecamatan=PUJUT), central="PRINT_READY_RECORD", reason="rusak",
                 recorded_at=at - timedelta(days=20))
        add_card(add_resident(kecamatan=PRAYA), central="PRINT_READY_RECORD", office="printed",
                 recorded_at=at - timedelta(days=40))
        add_card(
            add_resident(kecamatan=PRAYA), central="ENROLL_FAILURE_AT_CENTRAL", recorded_at=at - timedelta(days=200)
        )
        add_card(add_resident(kecamatan=PRAYA), central="CARD_ISSUED", recorded_at=at - timedelta(days=300))
        return today

    today = _with_db(office, cards)
    result = invoke("backlog")
    assert_clean_exit(result, 0)
    head, *blocks = result.output.split("\n\n")
    assert head == f"Antrean cetak per {today:%d-%m-%Y}: 4 kartu belum diserahkan"
    sections, aged = {}, {}
    for block in blocks:
        title, *lines = block.rstrip("\n").split("\n")
        assert len({len(line) for line in lines}) == 1, lines  # the numbers line up
        if title.startswith("Belum terkirim"):
            aged[title] = [line.split() for line in lines]
            continue
        sections[title] = [tuple(line.strip().rsplit(None, 1)) for line in lines]
    by_site = aged.pop("Belum terkirim (BIO CAPTURED) per lokasi perekaman, menurut umur (hari); di pusat terpisah")
    assert by_site[0] == ["0–2", "3–7", "8–30", ">", "30", "belum", "terkirim", "di", "pusat"]
    assert by_site[1:] == [["(lokasi", "tidak", "disebut", "daftar", "SIAK)", "1", "0", "0", "0", "1", "0"],
                           ["JUMLAH", "1", "0", "0", "0", "1", "0"]]
    by_kecamatan = aged.pop("Belum terkirim per kecamatan, menurut umur (hari); di pusat terpisah")
    assert by_kecamatan[1:] == [["52.02.04", "Pujut", "1", "0", "0", "0", "1", "0"],
                                ["JUMLAH", "1", "0", "0", "0", "1", "0"]]
    assert aged == {}
    assert sections == {
        "Menurut status": [("menunggu PRR", "1"), ("siap cetak", "1"), ("sudah dicetak", "1"),
                           ("perlu rekam ulang", "1")],
        "Menurut kecamatan": [("52.02.01 Praya", "2"), ("52.02.04 Pujut", "2")],
        "Menurut alasan": [("Baru", "3"), ("Rusak", "1")],
        "Menurut umur (hari sejak perekaman)": [("0–7", "1"), ("8–30", "1"), ("31–90", "1"), ("> 90", "1")],
    }


def test_backlog_of_an_empty_office(office):
    result = invoke("--lang", "en", "backlog")
    assert_clean_exit(result, 0)
    assert result.output.splitlines()[0].endswith(": 0 cards not handed over")
    assert "By status\n  -\n" in result.output


def test_an_unusual_receipt_needs_the_confirm_flag(office):
    assert "--confirm-unusual" in invoke("blangko", "receive", "--help").output
    refused = invoke("blangko", "receive", "99999999", "--document", "SJ-9", "--source", "Kemendagri")
    assert_clean_exit(refused, 2)
    assert refused.stderr == (
        "Penerimaan 99.999.999 blangko melebihi batas wajar 10.000 (lot terbesar dari Kemendagri). "
        "Periksa angkanya; catat hanya bila memang benar.\n"
        "Bila angka ini memang benar, ulangi perintah dengan --confirm-unusual.\n"
    )
    assert "Stok blangko: 0" in invoke("blangko", "balance").output
    done = invoke("blangko", "receive", "99999999", "--document", "SJ-9", "--source", "Kemendagri",
                  "--confirm-unusual")
    assert_clean_exit(done, 0)
    assert "Stok sekarang 99.999.999" in done.output


def test_loans_and_counts_from_the_command_line(office):
    assert_clean_exit(invoke("blangko", "receive", "700", "--document", "SJ-1", "--source", "Kemendagri"), 0)
    lent = invoke("blangko", "loan", "out", "200", "--office", "Disdukcapil Lombok Barat", "--reference", "P-1")
    assert_clean_exit(lent, 0)
    assert lent.output == "Dipinjamkan 200 blangko dicatat (Disdukcapil Lombok Barat). Stok sekarang 500.\n"
    too_many = invoke("blangko", "loan", "out", "501", "--office", "Disdukcapil Lombok Barat")
    assert_clean_exit(too_many, 2)
    assert too_many.stderr == "Stok blangko tidak cukup: perlu 501, tersedia 500.\n"
    unusual = invoke("blangko", "count", "450")
    assert_clean_exit(unusual, 2)
    assert "selisih" not in unusual.stdout and "--confirm-unusual" in unusual.stderr
    counted = invoke("blangko", "count", "495", "--note", "opname akhir bulan")
    assert_clean_exit(counted, 0)
    assert counted.output == ("Opname #1 dicatat: dihitung 495, buku 500, selisih -5. Menunggu persetujuan "
                              "Kepala Dinas.\n")


def test_a_correction_from_the_command_line(office):
    assert_clean_exit(invoke("blangko", "receive", "5.000", "--document", "SJ-7", "--source", "Kemendagri"), 0)
    ledger = invoke("blangko", "ledger")
    assert_clean_exit(ledger, 0)
    (line,) = ledger.output.splitlines()
    number = line.split()[0]
    assert number.startswith("#") and "Penerimaan" in line and "+5.000" in line
    asked = invoke("blangko", "correct", number, "500", "--reason", "salah ketik")
    assert_clean_exit(asked, 0)
    assert asked.output.startswith("Permintaan koreksi #1 dicatat: mutasi " + number + " menjadi 500 (selisih -4.500).")
    assert "correction Koreksi #1: Penerimaan" in invoke("blangko", "pending").output
    missing_reason = invoke("blangko", "correct", number, "400")
    assert missing_reason.exit_code == 2 and "--reason" in missing_reason.stderr
    decided = invoke("blangko", "decide", "correction", "1", "--approve")
    assert_clean_exit(decided, 0)
    assert decided.output == "correction #1 disetujui. Stok sekarang 500.\n"
    assert "(dikoreksi)" in invoke("blangko", "ledger").output
    assert invoke("blangko", "pending").output == "Tidak ada opname atau koreksi yang menunggu persetujuan.\n"
    again = invoke("blangko", "decide", "correction", "1", "--reject")
    assert_clean_exit(again, 2)
    assert again.stderr == "Permintaan koreksi ini sudah disetujui.\n"


def test_blanks_lent_earlier_come_back(office):
    assert_clean_exit(invoke("blangko", "receive", "100", "--document", "SJ-1", "--source", "Kemendagri"), 0)
    assert_clean_exit(invoke("blangko", "loan", "out", "40", "--office", "Disdukcapil Lombok Barat"), 0)
    back = invoke("blangko", "loan", "returned", "40", "--office", "Disdukcapil Lombok Barat")
    assert_clean_exit(back, 0)
    assert back.output == "Pengembalian 40 blangko dicatat (Disdukcapil Lombok Barat). Stok sekarang 100.\n"


# --- recording sites and unsent recordings ------------------------------------------------------

def test_sites_from_the_command_line(office):
    added = invoke("sites", "add", "UPT-PUJUT", "--name", "UPT Disdukcapil Kecamatan Pujut", "--kind", "upt",
                   "--kecamatan", "pujut")
    assert_clean_exit(added, 0)
    assert added.output == "Lokasi UPT-PUJUT tersimpan: UPT Disdukcapil Kecamatan Pujut\n"
    refused = invoke("sites", "add", "UPT-X", "--name", "UPT X", "--kind", "upt")
    assert_clean_exit(refused, 2)
    assert "UPT kecamatan harus menyebut kecamatannya." in refused.stderr
    unknown = invoke("sites", "add", "UPT-Y", "--name", "UPT Y", "--kind", "upt", "--kecamatan", "Selong")
    assert "Kecamatan Selong bukan kecamatan kabupaten/kota ini." in unknown.stderr
    assert_clean_exit(invoke("sites", "edit", "UPT-PUJUT", "--name", "UPT Pujut"), 0)
    from dukcapil_tui.services import workstations

    here = _with_db(office, lambda: workstations.list_workstations()[0].code)
    placed = invoke("sites", "place", here, "upt-pujut")
    assert placed.output == f"Workstation {here} merekam di lokasi UPT-PUJUT.\n"
    assert "Kantor Dinas tidak bisa dinonaktifkan" in invoke("sites", "edit", "DINAS", "--inactive").stderr

    def cards():
        today = _today()
        at = datetime(today.year, today.month, today.day, 1)
        for site, central in (("UPT-PUJUT", "BIO_CAPTURED"), ("UPT-PUJUT", "SENT_FOR_ENROLLMENT"),
                              ("DINAS", "BIO_CAPTURED")):
            card = add_card(add_resident(kecamatan=PUJUT), central=central, recorded_at=at)
            card.site_code = site
            card.save()
        return today

    _with_db(office, cards)
    listed = invoke("sites", "list")
    assert_clean_exit(listed, 0)
    rows = {line.split()[0]: line.split() for line in listed.output.splitlines()[2:-1]}
    assert rows["UPT-PUJUT"][1:7] == ["upt", "Pujut", "2", "2", "1", "1"]  # that day, the month, unsent, at centre
    assert rows["DINAS"][1:7] == ["dinas", "-", "1", "1", "1", "0"]
    assert listed.output.splitlines()[-1] == "JUMLAH: 3 hari itu, 3 bulan itu, 2 belum terkirim, 1 di pusat"
    assert "HARI INI" in listed.output.splitlines()[1]
    earlier = invoke("sites", "list", "--date", "01-11-2026")
    assert_clean_exit(earlier, 0)
    assert "HARI ITU" in earlier.output.splitlines()[1] and "HARI INI" not in earlier.output


def test_mark_sent_by_site_and_day(office):
    def cards():
        today = _today()
        for days in (0, 3, 10):
            at = datetime(today.year, today.month, today.day, 1) - timedelta(days=days)
            card = add_card(add_resident(kecamatan=PUJUT), central="BIO_CAPTURED", recorded_at=at)
            card.site_code = "DINAS"
            card.save()
        return today

    today = _with_db(office, cards)
    until = (today - timedelta(days=3)).strftime("%d-%m-%Y")
    done = invoke("mark-sent", "--site", "dinas", "--until", until)
    assert_clean_exit(done, 0)
    assert done.output == "2 rekaman lokasi DINAS ditandai terkirim (SENT FOR ENROLLMENT).\n"
    statuses = _with_db(office, lambda: [c for c, in database.execute_sql(
        "SELECT central_status FROM card ORDER BY id").fetchall()])
    assert statuses == ["BIO_CAPTURED", "SENT_FOR_ENROLLMENT", "SENT_FOR_ENROLLMENT"]  # today's stays unsent
    again = invoke("mark-sent", "--site", "DINAS", "--until", until)
    assert_clean_exit(again, 2)
    assert again.stderr.startswith("Tidak ada rekaman belum terkirim di lokasi DINAS")
    future = invoke("mark-sent", "--site", "DINAS", "--until", (today + timedelta(days=1)).strftime("%d-%m-%Y"))
    assert "Direkam sampai tidak boleh di masa depan." in future.stderr
    unknown = invoke("mark-sent", "--site", "UPT-ENTAH", "--until", until)
    assert "Lokasi perekaman 'UPT-ENTAH' tidak terdaftar; yang terdaftar: DINAS." in unknown.stderr


def test_mark_sent_asks_for_the_confirm_flag_while_the_link_is_down(office):
    def cards():
        from dukcapil_tui.services import outages

        from conftest import actor

        today = _today()
        card = add_card(add_resident(kecamatan=PUJUT), central="BIO_CAPTURED",
                        recorded_at=datetime(today.year, today.month, today.day, 0) - timedelta(days=1))
        card.site_code = "DINAS"
        card.save()
        outages.add(actor("admin"), {"kind": "network", "site": "", "started": "01-01-2026 08:00"})
        return today

    until = _with_db(office, cards).strftime("%d-%m-%Y")
    refused = invoke("mark-sent", "--site", "DINAS", "--until", until)
    assert_clean_exit(refused, 2)
    assert refused.stderr.startswith("Koneksi ke pusat sedang terputus: jaringan putus (seluruh kantor, sejak ")
    assert refused.stderr.endswith("ulangi perintah dengan --confirm-unusual.\n")
    assert _with_db(office, lambda: database.execute_sql("SELECT central_status FROM card").fetchall()) == [
        ("BIO_CAPTURED",)]
    done = invoke("mark-sent", "--site", "DINAS", "--until", until, "--confirm-unusual")
    assert_clean_exit(done, 0)
    assert done.output == "1 rekaman lokasi DINAS ditandai terkirim (SENT FOR ENROLLMENT).\n"


def test_a_negative_quantity_is_refused_by_its_rule_not_taken_for_an_option(office):
    for args, message in ((("receive", "-5", "--document", "SJ-9", "--source", "Kemendagri"),
                           "Jumlah harus angka bulat lebih dari 0."),
                          (("count", "-3"), "Jumlah hasil hitung harus angka bulat 0 atau lebih.")):
        result = invoke("blangko", *args)
        assert_clean_exit(result, 2)
        assert message in result.stderr and "Opsi" not in result.stderr
