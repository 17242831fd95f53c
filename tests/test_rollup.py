"""The province roll-up (``dukcapil rollup``): three offices' recaps in one table, and every
refusal of files that cannot make one. The offices and their numbers: tests/rollup_helpers.py."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from dukcapil_tui.domain.problems import Refusal
from dukcapil_tui.reports import rollup
from dukcapil_tui.reports.common import AGENCY
from dukcapil_tui.reports.periods import long_date

from report_helpers import find_row, report_template, values  # noqa: F401
from rollup_helpers import (  # noqa: F401
    BLANGKO, CAPAIAN, LOMBOK_BARAT, LOMBOK_TENGAH, MATARAM, NAMES, ORDER, copy_files, province_files,
)

MISSING = ("Kabupaten Lombok Timur, Kabupaten Sumbawa, Kabupaten Dompu, Kabupaten Bima, Kabupaten Sumbawa Barat, "
           "Kabupaten Lombok Utara, Kota Bima")


def refused(paths, period_text=None) -> list[str]:
    with pytest.raises(Refusal) as refusal:
        rollup.combine(paths, period_text)
    return list(refusal.value.problems.values())


# --- the province's table, cell by cell -------------------------------------------------------

def test_capaian_recaps_become_the_province_table(province_files, tmp_path):
    files = copy_files(province_files["capaian"], tmp_path / "in")
    combined = rollup.combine(files)
    assert [r.regency.code for r in combined.recaps] == list(ORDER)
    path = rollup.write(combined, tmp_path / "out")
    assert path.name == "52_rekap-capaian-perekaman_2026-11-22.xlsx"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    ws = load_workbook(path)["Kabupaten-Kota"]
    assert [values(ws, r)[0] for r in range(1, 5)] == [
        "PEMERINTAH PROVINSI NUSA TENGGARA BARAT", AGENCY,
        "REKAPITULASI CAPAIAN PEREKAMAN KTP-EL PER KABUPATEN/KOTA", "KEADAAN S.D. 22 NOVEMBER 2026"]
    assert values(ws, 5)[0] == "Gabungan 3 laporan kabupaten/kota: " + ", ".join(f.name for f in files) + "."
    assert values(ws, 6)[0] == f"Belum ada laporan dari: {MISSING}."
    assert values(ws, 9) == ["No", "Kode", "Kabupaten/Kota", "Wajib KTP L", "Wajib KTP P", "Wajib KTP Jumlah",
                             "Sudah Rekam", "Belum Rekam", "% Rekam", "Target %", "Selisih thd Target",
                             "PRR (Siap Cetak)", "Sudah Cetak", "Belum Cetak", "Suket Beredar", "Sumber Wajib KTP"]
    for number, (row, code) in enumerate(zip((10, 11, 12), ORDER, strict=True), start=1):
        male, female, sudah, prr, cetak, belum_cetak, suket = CAPAIAN[code]
        assert values(ws, row) == [
            number, code, NAMES[code], male, female, f"=D{row}+E{row}", sudah, f"=F{row}-G{row}",
            f'=IF(F{row}=0,"",G{row}/F{row})', 0.98, f'=IF(I{row}="","",I{row}-J{row})', prr, cetak, belum_cetak,
            suket, "register"]
    assert values(ws, 13) == [None, None, "JUMLAH", "=SUM(D10:D12)", "=SUM(E10:E12)", "=D13+E13", "=SUM(G10:G12)",
                              "=F13-G13", '=IF(F13=0,"",G13/F13)', 0.98, '=IF(I13="","",I13-J13)', "=SUM(L10:L12)",
                              "=SUM(M10:M12)", "=SUM(N10:N12)", "=SUM(O10:O12)", None]
    assert ws.cell(15, 13).value == f"Nusa Tenggara Barat, {long_date(date.today())}"
    assert ws.cell(16, 13).value == "KEPALA DINAS KEPENDUDUKAN DAN"
    assert combined.totals == {"l": 10, "p": 10, "sudah": 13, "prr": 2, "cetak": 4, "belum_cetak": 5, "suket": 2}


def test_blangko_reports_become_the_province_table(province_files, tmp_path):
    files = copy_files(province_files["blangko"], tmp_path / "in", MATARAM, LOMBOK_TENGAH, LOMBOK_BARAT)
    combined = rollup.combine(files, "2026-11")
    letter = rollup.letterhead(combined, date(2026, 12, 1), place="Mataram", head_name="Drs. H. AHMAD",
                               head_nip="19700101 199003 1 001")
    path = rollup.write(combined, tmp_path / "out", letter=letter)
    assert path.name == "52_rekap-penggunaan-blangko_2026-11.xlsx"
    ws = load_workbook(path)["Kabupaten-Kota"]
    assert [values(ws, r)[0] for r in range(1, 5)] == [
        "PEMERINTAH PROVINSI NUSA TENGGARA BARAT", AGENCY, "LAPORAN PENGGUNAAN BLANGKO KTP-EL PER KABUPATEN/KOTA",
        "BULAN NOVEMBER 2026 (S.D. 22 NOVEMBER 2026)"]
    header = find_row(ws, 1, "No")
    assert values(ws, header) == ["No", "Kode", "Kabupaten/Kota", "Saldo Awal", "Penerimaan", "Dipinjam (Masuk)",
                                  "Pengembalian", "Pemakaian Cetak Baik", "Gagal Cetak", "Rusak/ Invalid",
                                  "Dipinjamkan (Keluar)", "Penyesuaian Opname", "Koreksi", "Saldo Akhir",
                                  "Blangko Rusak Dimusnahkan", "KTP-el Lama Ditarik Dimusnahkan"]
    for number, code in enumerate(ORDER, start=1):  # in code order, whatever order the files came in
        row = header + number
        *moves, _akhir, destroyed, withdrawn = BLANGKO[code]
        assert values(ws, row) == [number, code, NAMES[code], *moves,
                                   f"=D{row}+E{row}+F{row}+G{row}-H{row}-I{row}-J{row}-K{row}+L{row}+M{row}",
                                   destroyed, withdrawn]
    total = header + 4
    sums = [f"=SUM({c}{header + 1}:{c}{header + 3})" for c in "DEFGHIJKLMOP"]
    assert values(ws, total) == [None, None, "JUMLAH", *sums[:10],
                                 f"=D{total}+E{total}+F{total}+G{total}-H{total}-I{total}-J{total}-K{total}+L{total}"
                                 f"+M{total}", *sums[10:]]
    signature = [ws.cell(r, 13).value for r in range(total + 2, total + 10)]
    assert signature == ["Mataram, 1 Desember 2026", "KEPALA DINAS KEPENDUDUKAN DAN", "PENCATATAN SIPIL,", None,
                         None, None, "Drs. H. AHMAD", "NIP. 19700101 199003 1 001"]
    assert combined.totals == {"awal": 1198, "receipt": 650, "loan_in": 5, "returned": 2, "print_ok": 7,
                               "print_failed": 2, "damaged": 2, "loan_out": 15, "adjustment": 0, "correction": 0,
                               "destroyed": 4, "withdrawn": 2}


def test_a_second_rollup_never_replaces_the_first(province_files, tmp_path):
    files = copy_files(province_files["capaian"], tmp_path / "in")
    first = rollup.write(rollup.combine(files), tmp_path / "out")
    second = rollup.write(rollup.combine(files), tmp_path / "out")
    assert second.name == "52_rekap-capaian-perekaman_2026-11-22_v2.xlsx" and first.exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([first.name, second.name])  # no leftovers


def test_offices_with_different_targets_leave_the_total_target_empty(province_files, tmp_path):
    files = copy_files(province_files["capaian"], tmp_path / "in")
    wb = load_workbook(files[2])
    ws = wb["Kecamatan"]
    for row in range(10, find_row(ws, 2, "JUMLAH") + 1):
        ws.cell(row, 9).value = 0.975
    wb.save(files[2])
    ws = load_workbook(rollup.write(rollup.combine(files), tmp_path / "out"))["Kabupaten-Kota"]
    assert [ws.cell(r, 10).value for r in (10, 11, 12, 13)] == [0.98, 0.98, 0.975, None]
    assert ws.cell(13, 11).value is None  # no single target: no gap to it


def test_where_each_office_took_its_wajib_ktp_from_is_kept(province_files, tmp_path):
    files = copy_files(province_files["capaian"], tmp_path / "in")
    assert load_workbook(files[0])["Kecamatan"]["A5"].value.startswith("Sumber wajib KTP: register penduduk")
    _edit(files[0], "Kecamatan", "A5", "Sumber wajib KTP: angka per desa yang diimpor (berkas wajib.xlsx).")
    _edit(files[2], "Kecamatan", "A5", "Catatan lain.")
    ws = load_workbook(rollup.write(rollup.combine(files), tmp_path / "out"))["Kabupaten-Kota"]
    assert [ws.cell(r, 16).value for r in (10, 11, 12)] == ["impor", "register", "-"]


# --- refusals ---------------------------------------------------------------------------------

def _edit(path: Path, sheet: str, cell: str, value) -> Path:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)
    return path


def test_files_that_cannot_be_read_or_are_no_recap_are_refused_by_name(province_files, tmp_path):
    good = copy_files(province_files["capaian"], tmp_path / "in", LOMBOK_TENGAH)[0]
    text = tmp_path / "catatan.xlsx"
    text.write_text("bukan excel", encoding="utf-8")
    other = tmp_path / "lain.xlsx"
    Workbook().save(other)
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    problems = refused([good, tmp_path / "hilang.xlsx", text, other, folder])
    assert problems == [
        "Berkas hilang.xlsx: tidak bisa dibaca (folder atau berkas itu (atau induknya) tidak ada)",
        "Berkas catatan.xlsx: bukan berkas Excel (.xlsx) yang utuh",
        "Berkas lain.xlsx: bukan rekap capaian atau laporan blangko yang diekspor aplikasi ini "
        "(dukcapil export capaian|blangko)",
        "Berkas folder.xlsx: tidak bisa dibaca (itu sebuah folder, bukan berkas)",
    ]


@pytest.mark.parametrize(("sheet", "cell", "value", "reason"), [
    ("Kecamatan", "A3", "REKAP LAIN", "bukan rekap capaian atau laporan blangko yang diekspor aplikasi ini "
                                      "(dukcapil export capaian|blangko)"),
    ("Kecamatan", "A1", "KABUPATEN LOMBOK TENGAH", "kop laporan (PEMERINTAH …, DINAS KEPENDUDUKAN DAN PENCATATAN "
                                                   "SIPIL) tidak ada di baris 1–2"),
    ("Kecamatan", "A1", "PEMERINTAH KABUPATEN ANTAH BERANTAH", "kop 'PEMERINTAH KABUPATEN ANTAH BERANTAH' tidak "
                                                               "menyebut kabupaten/kota resmi (Kemendagri)"),
    ("Kecamatan", "A4", "KEADAAN 22-11-2026", "periode 'KEADAAN 22-11-2026' di baris 4 tidak dikenal"),
    ("Kecamatan", "D9", "Wajib L", "kolom lembar 'Kecamatan' tidak sesuai rekap capaian perekaman"),
    ("Kecamatan", "B22", "TOTAL", "baris JUMLAH lembar 'Kecamatan' tidak ditemukan"),
    ("Kecamatan", "C10", "satu", "sel Kecamatan!C10 bukan angka bulat ('satu')"),
    ("Kecamatan", "C10", 1.5, "sel Kecamatan!C10 bukan angka bulat ('1.5')"),
    ("Kecamatan", "C10", "=1+1", "sel Kecamatan!C10 berisi rumus yang belum dihitung; buka dan simpan berkas di "
                                 "Excel/LibreOffice dulu"),
    ("Kecamatan", "E10", 5, "sel Kecamatan!E10 menunjukkan 5, padahal dari baris-barisnya 2 "
                               "(jumlah diubah dengan tangan?)"),
    ("Kecamatan", "C22", 99, "sel Kecamatan!C22 menunjukkan 99, padahal dari baris-barisnya 4 "
                                "(jumlah diubah dengan tangan?)"),
    ("Kecamatan", "F22", 6, "sel Kecamatan!F22 menunjukkan 6, padahal dari baris-barisnya 5 "
                               "(jumlah diubah dengan tangan?)"),
])
def test_a_recap_that_says_two_things_or_is_not_ours_is_refused(province_files, tmp_path, sheet, cell, value,
                                                                  reason):
    # Lombok Tengah's Kecamatan sheet: its 12 kecamatan in rows 10 (Praya: L 1, P 1) to 21, JUMLAH in row 22.
    path = copy_files(province_files["capaian"], tmp_path / "in", LOMBOK_TENGAH)[0]
    ws = load_workbook(path)["Kecamatan"]
    assert find_row(ws, 2, "JUMLAH") == 22 and values(ws, 10)[1:4] == ["Praya", 1, 1]
    _edit(path, sheet, cell, value)
    assert refused([path]) == [f"Berkas {path.name}: {reason}"]


def test_typed_numbers_that_agree_with_the_rows_are_accepted(province_files, tmp_path):
    path = copy_files(province_files["capaian"], tmp_path / "in", LOMBOK_TENGAH)[0]
    for cell, value in (("C22", 4), ("E22", 9), ("F22", 5), ("G22", 4), ("N22", 2), ("E10", 2), ("G10", 1)):
        _edit(path, "Kecamatan", cell, value)
    assert rollup.combine([path]).totals["l"] == 4


@pytest.mark.parametrize(("sheet", "cell", "value", "reason"), [
    ("Mutasi harian", "A4", "BULAN NOVEMBER 2026", "tanggal di lembar 'Mutasi harian' tidak sesuai hari-hari bulan "
                                                   "laporannya"),
    ("Mutasi harian", "A9", None, "tanggal di lembar 'Mutasi harian' tidak sesuai hari-hari bulan laporannya"),
    ("Mutasi harian", "B9", 5, "sel Mutasi harian!B9 menunjukkan 5, padahal dari baris-barisnya 998 (jumlah "
                               "diubah dengan tangan?)"),
    ("Mutasi harian", "L8", 1, "sel Mutasi harian!L8 menunjukkan 1, padahal dari baris-barisnya 998 (jumlah "
                               "diubah dengan tangan?)"),
    ("Pemusnahan", "C12", 3, "sel Pemusnahan!C12 menunjukkan 3, padahal dari baris-barisnya 4 (jumlah diubah "
                             "dengan tangan?)"),
    ("Pemusnahan", "D11", "Hilang", "sel Pemusnahan!D11: asal 'Hilang' tidak dikenal (Blangko rusak / KTP-el lama "
                                   "ditarik)"),
    ("Pemusnahan", "D7", "Tanggal", "kolom lembar 'Pemusnahan' tidak sesuai daftar blangko rusak dan KTP-el lama "
                                    "ditarik yang dimusnahkan"),
])
def test_a_blangko_report_that_says_two_things_is_refused(province_files, tmp_path, sheet, cell, value, reason):
    path = copy_files(province_files["blangko"], tmp_path / "in", LOMBOK_TENGAH)[0]
    wb = load_workbook(path)
    assert wb["Mutasi harian"]["A8"].value.day == 1 and find_row(wb["Pemusnahan"], 2, "JUMLAH") == 12
    assert [wb["Pemusnahan"].cell(r, 4).value for r in range(7, 12)] == ["Asal", "Blangko rusak", "Blangko rusak",
                                                                          "Blangko rusak", "KTP-el lama ditarik"]
    _edit(path, sheet, cell, value)
    assert refused([path]) == [f"Berkas {path.name}: {reason}"]


def test_a_blangko_report_without_its_destruction_sheet_is_refused(province_files, tmp_path):
    path = copy_files(province_files["blangko"], tmp_path / "in", MATARAM)[0]
    wb = load_workbook(path)
    del wb["Pemusnahan"]
    wb.save(path)
    assert refused([path]) == [f"Berkas {path.name}: lembar 'Pemusnahan' tidak ada"]


def test_a_mix_of_kinds_provinces_periods_and_a_regency_twice_is_refused(province_files, tmp_path):
    capaian = copy_files(province_files["capaian"], tmp_path / "c")
    blangko = copy_files(province_files["blangko"], tmp_path / "b", MATARAM)[0]
    twice = tmp_path / "salinan.xlsx"
    twice.write_bytes(capaian[0].read_bytes())
    jambi = _edit(copy_files(province_files["capaian"], tmp_path / "j", MATARAM)[0], "Kecamatan", "A1",
                  "PEMERINTAH KABUPATEN SAROLANGUN")
    earlier = _edit(copy_files(province_files["capaian"], tmp_path / "e", MATARAM)[0], "Kecamatan", "A4",
                    "KEADAAN S.D. 21 NOVEMBER 2026")
    first = capaian[0].name
    assert refused([*capaian, blangko, twice, jambi, earlier]) == [
        f"Berkas {blangko.name} adalah laporan penggunaan blangko, sedangkan {first} adalah rekap capaian perekaman: "
        "gabungkan satu jenis laporan sekali jalan.",
        f"Berkas salinan.xlsx dan {first} sama-sama dari Kabupaten Lombok Barat: satu berkas per kabupaten/kota.",
        f"Berkas {jambi.name} dari Kabupaten Sarolangun, Provinsi Jambi, sedangkan {first} dari Provinsi Nusa "
        "Tenggara Barat.",
        f"Berkas {earlier.name} periodenya keadaan s.d. 21 November 2026, sedangkan {first} keadaan s.d. 22 November "
        "2026.",
    ]


@pytest.mark.parametrize(("report", "period", "accepted"), [
    ("capaian", "2026-11", True), ("capaian", "22-11-2026", True), ("capaian", "2026-11-22", True),
    ("capaian", "21-11-2026", False), ("capaian", "23-11-2026", False), ("capaian", "2026-10", False),
    ("capaian", "2026-12", False), ("blangko", "2026-11", True), ("blangko", "22-11-2026", True),
    ("blangko", "30-11-2026", False), ("blangko", "2026-10", False),
])
def test_period_option(province_files, tmp_path, report, period, accepted):
    files = copy_files(province_files[report], tmp_path / "in", LOMBOK_BARAT, MATARAM)
    if accepted:
        assert rollup.combine(files, period).period.end == date(2026, 11, 22)
        return
    shown = "keadaan s.d. 22 November 2026" if report == "capaian" else "bulan November 2026 (s.d. 22 November 2026)"
    assert refused(files, period) == [f"Berkas {f.name} periodenya {shown}, bukan --period {period}." for f in files]


def test_files_of_two_days_of_the_period_month_are_still_refused(province_files, tmp_path):
    barat = copy_files(province_files["capaian"], tmp_path / "in", LOMBOK_BARAT)[0]
    earlier = _edit(copy_files(province_files["capaian"], tmp_path / "e", MATARAM)[0], "Kecamatan", "A4",
                    "KEADAAN S.D. 21 NOVEMBER 2026")
    assert refused([barat, earlier], "2026-11") == [
        f"Berkas {earlier.name} periodenya keadaan s.d. 21 November 2026, sedangkan {barat.name} keadaan s.d. 22 "
        "November 2026."]


def test_the_same_file_named_twice_is_refused(province_files, tmp_path):
    files = copy_files(province_files["blangko"], tmp_path / "in", LOMBOK_BARAT, MATARAM)
    assert refused([*files, tmp_path / "in" / ".." / "in" / files[1].name]) == [
        f"Berkas {files[1].name} disebut dua kali."]


def test_a_period_option_that_is_no_period_is_refused(province_files, tmp_path):
    files = copy_files(province_files["capaian"], tmp_path / "in", MATARAM)
    assert refused(files, "kemarin") == [
        "--period 'kemarin' tidak dikenal; gunakan YYYY-MM (mis. 2026-11) atau DD-MM-YYYY."]


# --- the command line ---------------------------------------------------------------------------

def test_rollup_command_needs_no_database_nor_login(province_files, tmp_path):
    from click.testing import CliRunner

    from dukcapil_tui.cli import cli
    from dukcapil_tui.cli.common import State

    files = copy_files(province_files["blangko"], tmp_path / "in")
    result = CliRunner().invoke(cli, ["rollup", *map(str, files), "--out", str(tmp_path / "out"), "--period",
                                      "2026-11", "--place", "Mataram"], obj=State())
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / "52_rekap-penggunaan-blangko_2026-11.xlsx"
    assert result.stdout.splitlines() == [str(written)]
    assert f"Rekap provinsi (3 kabupaten/kota) ditulis: {written}" in result.stderr
    assert str(load_workbook(written).active.cell(find_row(load_workbook(written).active, 3, "JUMLAH") + 2, 13)
               .value).startswith("Mataram, ")

    refusal = CliRunner().invoke(cli, ["rollup", str(files[0]), str(tmp_path / "hilang.xlsx"), "--out",
                                       str(tmp_path / "out")], obj=State())
    assert refusal.exit_code == 2
    assert refusal.output.strip() == ("Berkas hilang.xlsx: tidak bisa dibaca (folder atau berkas itu (atau induknya) "
                                      "tidak ada)")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [written.name]  # nothing more written
