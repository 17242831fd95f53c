"""The Excel recaps: every workbook is opened with openpyxl and checked cell by cell against
numbers worked out by hand from the data in ``report_helpers`` (read its docstring first)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from dukcapil_tui import reports
from dukcapil_tui.domain.residents import age_on
from dukcapil_tui.models import AuditLog, WajibKtpFigure
from dukcapil_tui.reports import capaian as capaian_report
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import capaian as capaian_settings
from dukcapil_tui.services.context import PermissionDenied, ServiceError

from report_helpers import KUTA, PRAYA, REMBITAN, actor, admin, by_header, clock, find_row, office, values  # noqa: F401
from report_helpers import report_template, utc  # noqa: F401

TODAY = date(2026, 11, 22)
NOVEMBER = Period.for_month(2026, 11, TODAY)
YESTERDAY = Period.for_date(date(2026, 11, 21))

CAPAIAN_HEADERS = ["No", "Kecamatan", "Wajib KTP L", "Wajib KTP P", "Wajib KTP Jumlah", "Sudah Rekam", "Belum Rekam",
                   "% Rekam", "Target %", "Selisih thd Target", "PRR (Siap Cetak)", "Sudah Cetak", "Belum Cetak",
                   "Suket Beredar"]


def export(report, period, tmp_path, who, **kwargs):
    return reports.export(report, period, tmp_path / "out", who, **kwargs)


def check_layout(ws, header_row: int, title: str, period: str, freeze: str) -> None:
    assert values(ws, 1)[0] == "PEMERINTAH KABUPATEN LOMBOK TENGAH"
    assert values(ws, 2)[0] == "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
    assert values(ws, 3)[0] == title.upper()
    assert values(ws, 4)[0] == period
    assert ws.freeze_panes == freeze
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.paperSize == 9  # A4
    assert all(ws.column_dimensions[letter].width > 0 for letter in "ABC")


def check_signature(ws, after_row: int) -> None:
    cells = [v for row in ws.iter_rows(min_row=after_row, values_only=True) for v in row if v]
    assert cells == ["Lombok Tengah, 22 November 2026", "KEPALA DINAS KEPENDUDUKAN DAN", "PENCATATAN SIPIL,",
                     "H. LALU AHMAD ZAENURI, S.H.", "NIP. 19700101 199003 1 001"]


# --- periods and names -------------------------------------------------------------------------

def test_periods_and_file_names(office):
    assert reports.parse_period("capaian", today=TODAY) == NOVEMBER
    assert reports.parse_period("capaian", date_text="21-11-2026", today=TODAY) == YESTERDAY
    assert reports.parse_period("blangko", month_text="2026-10", today=TODAY) == Period("month", date(2026, 10, 1),
                                                                                         date(2026, 10, 31))
    assert reports.parse_period("harian", today=TODAY) == Period.for_date(TODAY)
    assert reports.file_name("capaian", NOVEMBER) == "5202_capaian-perekaman_2026-11.xlsx"
    assert reports.file_name("harian", Period.for_date(TODAY)) == "5202_harian-layanan_2026-11-22.xlsx"
    assert reports.file_name("belum-rekam", YESTERDAY) == "5202_belum-rekam_2026-11-21.xlsx"
    assert NOVEMBER.label() == "BULAN NOVEMBER 2026 (S.D. 22 NOVEMBER 2026)"
    assert Period.for_month(2026, 10, TODAY).label() == "BULAN OKTOBER 2026"
    assert NOVEMBER.label("as_of") == "KEADAAN S.D. 22 NOVEMBER 2026"


@pytest.mark.parametrize("report, kwargs, message", [
    ("blangko", {"date_text": "01-11-2026"}, "laporan bulanan: isi bulan YYYY-MM"),
    ("harian", {"month_text": "2026-11"}, "dibuat per tanggal: isi tanggal DD-MM-YYYY"),
    ("capaian", {"date_text": "31-02-2026"}, "Tanggal '31-02-2026' tidak dikenal"),
    ("capaian", {"date_text": "23-11-2026"}, "belum terjadi"),
    ("capaian", {"month_text": "2026-12"}, "Bulan 2026-12 belum dimulai"),
    ("capaian", {"month_text": "11/26"}, "Bulan '11/26' tidak dikenal"),
    ("capaian", {"month_text": "2026-11", "date_text": "01-11-2026"}, "Pilih salah satu"),
    ("laporan", {}, "Laporan 'laporan' tidak dikenal"),
])
def test_bad_periods_are_refused_with_a_message(report, kwargs, message):
    with pytest.raises(ServiceError) as caught:
        reports.parse_period(report, today=TODAY, **kwargs)
    assert message in str(caught.value)


# --- capaian -----------------------------------------------------------------------------------

def test_capaian_hand_computed(office, admin, tmp_path):
    capaian_settings.set_target(admin, 2026, "97,5")
    shown = dict(reports.preview("capaian", NOVEMBER).lines())
    assert shown["Wajib KTP"] == "9" and shown["Sudah rekam"] == "5" and shown["Belum rekam"] == "4"
    assert shown["% rekam"] == "55,56 %" and shown["Target"] == "97,50 %"
    assert shown["PRR (siap cetak)"] == "1" and shown["Sudah cetak"] == "2" and shown["Belum cetak"] == "3"
    assert shown["Suket beredar"] == "2"

    path = export("capaian", NOVEMBER, tmp_path, admin)
    assert path.name == "5202_capaian-perekaman_2026-11.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Kecamatan", "Desa", "Grafik"]

    ws = wb["Kecamatan"]
    header = 10  # 4 heading lines + 3 notes + blank + header
    check_layout(ws, header - 1, "Rekapitulasi capaian perekaman KTP-el per kecamatan",
                 "KEADAAN S.D. 22 NOVEMBER 2026", "C10")
    notes = [values(ws, r)[0] for r in (5, 6, 7)]
    assert notes[0].startswith("Sumber wajib KTP: register penduduk")
    assert notes[1] == "Target perekaman tahun 2026: 97,5 % (pengaturan target_rekam_2026)."
    assert values(ws, 9) == CAPAIAN_HEADERS
    praya = by_header(ws, 9, 10)
    assert praya == {"No": 1, "Kecamatan": "Praya", "Wajib KTP L": 1, "Wajib KTP P": 1, "Wajib KTP Jumlah": "=C10+D10",
                     "Sudah Rekam": 1, "Belum Rekam": "=E10-F10", "% Rekam": '=IF(E10=0,"",F10/E10)',
                     "Target %": 0.975, "Selisih thd Target": '=IF(H10="","",H10-I10)', "PRR (Siap Cetak)": 0,
                     "Sudah Cetak": 0, "Belum Cetak": 1, "Suket Beredar": 0}
    pujut_row = find_row(ws, 2, "Pujut")
    pujut = by_header(ws, 9, pujut_row)
    assert (pujut["Wajib KTP L"], pujut["Wajib KTP P"], pujut["Sudah Rekam"]) == (3, 4, 4)
    assert (pujut["PRR (Siap Cetak)"], pujut["Sudah Cetak"], pujut["Belum Cetak"], pujut["Suket Beredar"]) == (
        1,
        2,
        2,
        2,
    )
    total_row = find_row(ws, 2, "JUMLAH")
    assert total_row == 10 + 12  # the 12 kecamatan of Lombok Tengah, then JUMLAH
    total = by_header(ws, 9, total_row)
    assert total["Wajib KTP L"] == "=SUM(C10:C21)" and total["Sudah Rekam"] == "=SUM(F10:F21)"
    assert total["Wajib KTP Jumlah"] == f"=C{total_row}+D{total_row}"
    assert total["% Rekam"] == f'=IF(E{total_row}=0,"",F{total_row}/E{total_row})'
    assert total["Suket Beredar"] == "=SUM(N10:N21)" and total["Target %"] == 0.975
    column_sums = {h: sum(by_header(ws, 9, r)[h] for r in range(10, total_row))
                   for h in ("Wajib KTP L", "Wajib KTP P", "Sudah Rekam", "PRR (Siap Cetak)", "Sudah Cetak",
                             "Belum Cetak", "Suket Beredar")}
    assert column_sums == {"Wajib KTP L": 4, "Wajib KTP P": 5, "Sudah Rekam": 5, "PRR (Siap Cetak)": 1,
                           "Sudah Cetak": 2, "Belum Cetak": 3, "Suket Beredar": 2}
    assert ws.cell(10, 8).number_format == "0.00%" and ws.cell(10, 3).number_format == "#,##0"
    check_signature(ws, total_row + 1)

    desa = wb["Desa"]
    assert values(desa, 9)[:4] == ["No", "Kecamatan", "Kode Desa/Kel.", "Desa/Kelurahan"]
    rows = {desa.cell(r, 3).value: by_header(desa, 9, r) for r in range(10, find_row(desa, 4, "JUMLAH"))}
    assert len(rows) == 154
    rembitan, kuta, praya_kel = rows[REMBITAN], rows[KUTA], rows[PRAYA]
    assert (rembitan["Wajib KTP L"], rembitan["Wajib KTP P"], rembitan["Sudah Rekam"]) == (2, 3, 2)
    assert (rembitan["PRR (Siap Cetak)"], rembitan["Sudah Cetak"], rembitan["Belum Cetak"],
            rembitan["Suket Beredar"]) == (1, 1, 1, 1)
    assert (kuta["Wajib KTP L"], kuta["Wajib KTP P"], kuta["Sudah Rekam"], kuta["Suket Beredar"]) == (1, 1, 2, 1)
    assert (praya_kel["Wajib KTP L"], praya_kel["Wajib KTP P"], praya_kel["Sudah Rekam"]) == (1, 1, 1)
    assert desa.cell(10, 3).data_type == "s" and desa.freeze_panes == "E10"
    jumlah = find_row(desa, 4, "JUMLAH")
    assert desa.cell(jumlah, 5).value == f"=SUM(E10:E{jumlah - 1})"

    assert wb["Grafik"]["A1"].value.endswith("per kecamatan — keadaan s.d. 22 November 2026")  # month capitalised
    chart = wb["Grafik"]._charts[0]
    refs = [s.val.numRef.f for s in chart.series]
    assert refs == ["'Kecamatan'!$H$10:$H$21", "'Kecamatan'!$I$10:$I$21"]
    categories = chart.series[0].cat.numRef or chart.series[0].cat.strRef
    assert categories.f == "'Kecamatan'!$B$10:$B$21"


def test_capaian_on_a_past_day_uses_the_card_events(office, admin, tmp_path):
    """On 21-11: #4 was 16, #11 not yet recorded (first card on 22-11), #1's card waited for
    PRR, #2's was printed but not handed over and its Suket still open."""
    data = capaian_report.collect(YESTERDAY)
    by_code = {a.code: a for a in data.desa}
    rembitan, kuta, praya = by_code[REMBITAN], by_code[KUTA], by_code[PRAYA]
    assert (rembitan.male, rembitan.female, rembitan.recorded) == (1, 3, 2)
    assert (rembitan.prr, rembitan.printed, rembitan.not_printed, rembitan.suket) == (0, 1, 1, 1)
    assert (kuta.prr, kuta.printed, kuta.not_printed, kuta.suket) == (0, 1, 1, 1)
    assert (praya.wajib, praya.recorded, praya.not_printed) == (2, 0, 0)
    assert (data.total.wajib, data.total.recorded, data.total.not_recorded) == (8, 4, 4)
    assert not data.target.configured and data.target.percent == 98.0
    path = export("capaian", YESTERDAY, tmp_path, admin)
    assert path.name == "5202_capaian-perekaman_2026-11-21.xlsx"
    ws = load_workbook(path)["Kecamatan"]
    assert values(ws, 4)[0] == "KEADAAN S.D. 21 NOVEMBER 2026"
    assert values(ws, 6)[0] == "Target perekaman tahun 2026: 98 % (bawaan; belum diatur untuk tahun ini)."


def test_capaian_with_imported_denominators_says_so(office, admin, tmp_path):
    source = tmp_path / "wajib.csv"
    source.write_text("Kode Desa;Laki-laki;Perempuan;Jumlah\n52.02.04.2008;10;12;22\n5202042009;1.200;1.300;2.500\n",
                      encoding="utf-8")
    result = capaian_settings.import_figures(admin, source, note="DAK2 semester I 2026")
    assert (result.applied, result.male, result.female, result.rejected) == (2, 1210, 1312, [])
    shown = dict(reports.preview("capaian", NOVEMBER).lines())
    assert shown["Sumber wajib KTP"] == "angka impor" and shown["Wajib KTP"] == "2.522"
    path = export("capaian", NOVEMBER, tmp_path, admin)
    ws = load_workbook(path)["Desa"]
    note = values(ws, 5)[0]
    assert "angka per desa yang diimpor (berkas wajib.csv" in note and "152 tanpa angka" in note
    assert "DAK2 semester I 2026" in note
    rows = {ws.cell(r, 3).value: by_header(ws, 9, r) for r in range(10, 164)}
    assert (rows[REMBITAN]["Wajib KTP L"], rows[REMBITAN]["Wajib KTP P"], rows[REMBITAN]["Sudah Rekam"]) == (10, 12, 2)
    assert (rows[PRAYA]["Wajib KTP L"], rows[PRAYA]["Sudah Rekam"]) == (0, 1)
    # the register can still be asked for explicitly
    assert reports.preview("capaian", NOVEMBER, wajib_source="register").figures[3].value == 9
    assert capaian_settings.clear_figures(admin) == 2
    assert capaian_settings.effective_source() == "register"
    with pytest.raises(ServiceError, match="Belum ada angka wajib KTP"):
        reports.preview("capaian", NOVEMBER, wajib_source="impor")


def test_wajib_import_is_all_or_nothing_with_line_numbers(office, admin, tmp_path):
    source = tmp_path / "wajib.csv"
    source.write_text("KODE_DESA,L,P,JUMLAH\n52.02.04.2008,10,12,22\n52.02.04,1,1,2\n52.02.04.2008,1,1,2\n"
                      "52.02.01.1001,x,3,\n52.02.04.2009,1,1,5\n", encoding="utf-8")
    result = capaian_settings.import_figures(admin, source)
    assert [(line, code) for line, code, _ in result.rejected] == [
        (3, "52.02.04"), (4, "52.02.04.2008"), (5, "52.02.01.1001"), (6, "52.02.04.2009")]
    assert "muncul lagi di berkas (pertama di baris 2)" in result.rejected[1][2]
    assert "tidak sama dengan L 1 + P 1" in result.rejected[3][2]
    assert result.applied == 0 and WajibKtpFigure.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action == "wajib_ktp.import").exists()
    missing = tmp_path / "kolom.csv"
    missing.write_text("KODE_DESA,JUMLAH\n52.02.04.2008,3\n", encoding="utf-8")
    with pytest.raises(ServiceError, match="Kolom wajib tidak ada: L, P"):
        capaian_settings.import_figures(admin, missing)
    with pytest.raises(PermissionDenied):
        capaian_settings.import_figures(actor("loket"), source)


def test_targets_are_settings_per_year(office, admin):
    assert capaian_settings.target_for(2026).configured is False
    capaian_settings.set_target(admin, "2027", "99")
    assert capaian_settings.targets() == {2027: 99.0}
    assert capaian_settings.target_for(2027).fraction == 0.99
    for bad in ("0", "101", "abc", "98,555"):
        with pytest.raises(ServiceError):
            capaian_settings.set_target(admin, 2026, bad)
    with pytest.raises(PermissionDenied):
        capaian_settings.set_target(actor("loket"), 2026, "90")


# --- blangko -----------------------------------------------------------------------------------

def test_blangko_month(office, admin, tmp_path):
    shown = dict(reports.preview("blangko", NOVEMBER).lines())
    assert (shown["Saldo awal"], shown["Penerimaan"], shown["Saldo akhir"]) == ("998", "500", "1.487")
    path = export("blangko", NOVEMBER, tmp_path, actor("blangko"))
    assert path.name == "5202_penggunaan-blangko_2026-11.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Mutasi harian", "Rincian mutasi", "Pemusnahan", "Rekap pemusnahan", "Permintaan"]
    ws = wb["Mutasi harian"]
    check_layout(ws, 7, "Laporan penggunaan blangko KTP-el", "BULAN NOVEMBER 2026 (S.D. 22 NOVEMBER 2026)", "B8")
    assert values(ws, 7) == ["Tanggal", "Saldo Awal", "Penerimaan", "Dipinjam (Masuk)", "Pengembalian",
                             "Pemakaian Cetak Baik", "Gagal Cetak", "Rusak/ Invalid", "Dipinjamkan (Keluar)",
                             "Penyesuaian Opname", "Koreksi", "Saldo Akhir"]
    assert values(ws, 8)[:2] == [datetime(2026, 11, 1), 998]
    assert values(ws, 8)[11] == "=B8+C8+D8+E8-F8-G8-H8-I8+J8+K8"
    assert values(ws, 9)[1] == "=L8"  # each day opens with the day before's closing
    nov3 = by_header(ws, 7, 10)
    assert (nov3["Pemakaian Cetak Baik"], nov3["Gagal Cetak"]) == (3, 1)
    total_row = 8 + 22
    assert values(ws, total_row)[0] == "JUMLAH"
    total = by_header(ws, 7, total_row)
    assert total["Saldo Awal"] == "=B8" and total["Penerimaan"] == "=SUM(C8:C29)"
    assert total["Saldo Akhir"] == f"=B{total_row}+C{total_row}+D{total_row}+E{total_row}-F{total_row}-G{total_row}" \
                                   f"-H{total_row}-I{total_row}+J{total_row}+K{total_row}"
    sums = {h: sum(by_header(ws, 7, r)[h] for r in range(8, total_row))
            for h in ("Penerimaan", "Dipinjam (Masuk)", "Pengembalian", "Pemakaian Cetak Baik", "Gagal Cetak",
                      "Rusak/ Invalid", "Dipinjamkan (Keluar)", "Penyesuaian Opname", "Koreksi")}
    assert sums == {"Penerimaan": 500, "Dipinjam (Masuk)": 5, "Pengembalian": 2, "Pemakaian Cetak Baik": 5,
                    "Gagal Cetak": 1, "Rusak/ Invalid": 1, "Dipinjamkan (Keluar)": 10, "Penyesuaian Opname": -1,
                    "Koreksi": 0}
    assert 998 + 500 + 5 + 2 - 5 - 1 - 1 - 10 - 1 == 1487  # = blangko.balance(until=22-11)
    from dukcapil_tui.services import blangko

    assert blangko.balance(until=TODAY) == 1487
    check_signature(ws, total_row + 1)

    detail = wb["Rincian mutasi"]
    rows = [by_header(detail, 6, r) for r in range(7, 12)]
    assert [(r["Jenis Mutasi"], r["No. Dokumen / Referensi"], r["Masuk"], r["Keluar"]) for r in rows] == [
        ("Penerimaan", "B-002/2026", 500, None), ("Dipinjamkan (keluar)", "PJ-7", None, 10),
        ("Dipinjam (masuk)", "PJ-8", 5, None), ("Pengembalian", "-", 2, None),
        ("Penyesuaian opname", "opname #1", None, 1)]
    assert values(detail, 12)[5:7] == ["=SUM(F7:F11)", "=SUM(G7:G11)"]

    destroyed = wb["Pemusnahan"]
    rows = [by_header(destroyed, 7, r) for r in range(8, 12)]
    assert [(r["Asal"], r["Kategori"], r["Alasan"]) for r in rows] == [
        ("Blangko rusak", "Gagal encode / chip invalid", "Gagal cetak"),
        ("Blangko rusak", "Gagal encode / chip invalid", "Gagal cetak"),
        ("Blangko rusak", "Rusak fisik", "Rusak fisik"),
        ("KTP-el lama ditarik", "Perubahan elemen data", "Perubahan elemen data")]
    assert {r["No. Berita Acara"] for r in rows} == {"BA/01/XI/2026"}
    assert rows[0]["NIK (disamarkan)"].startswith("520204") and "******" in rows[0]["NIK (disamarkan)"]
    assert rows[2]["NIK (disamarkan)"] == "-"
    assert values(destroyed, 12)[1:3] == ["JUMLAH", "=COUNTA(C8:C11)"]
    recap = wb["Rekap pemusnahan"]
    assert values(recap, 6) == ["No", "Kategori", "Blangko Rusak", "KTP-el Lama Ditarik", "Jumlah"]
    assert [values(recap, r)[1:4] for r in range(7, 11)] == [
        ["Gagal encode / chip invalid", 2, 0], ["Rusak fisik", 1, 0], ["Perubahan elemen data", 0, 1],
        ["Kedatangan", 0, 0]]
    assert values(recap, 11)[1:5] == ["JUMLAH", "=SUM(C7:C10)", "=SUM(D7:D10)", "=C11+D11"]
    figures = dict(reports.preview("blangko", NOVEMBER).lines())
    assert (figures["Blangko rusak dimusnahkan"], figures["KTP-el lama ditarik dimusnahkan"]) == ("3", "1")


def test_blangko_month_shows_a_correction_beside_its_entry(office, admin, tmp_path):
    from dukcapil_tui.models import BlangkoMovement
    from dukcapil_tui.services import blangko
    from dukcapil_tui.services import blangko_corrections as corrections

    receipt = BlangkoMovement.get(BlangkoMovement.reference == "B-002/2026")  # 500 received; really 450
    corrections.decide(admin, corrections.request(actor("blangko"), receipt.id, "450", "lot kurang 50").id, True)
    assert blangko.balance(until=TODAY) == 1437
    shown = dict(reports.preview("blangko", NOVEMBER).lines())
    assert (shown["Koreksi"], shown["Saldo akhir"]) == ("-50", "1.437")
    wb = load_workbook(export("blangko", NOVEMBER, tmp_path, actor("blangko")))
    ws = wb["Mutasi harian"]
    today = by_header(ws, 7, 8 + 21)
    assert today["Tanggal"] == datetime(2026, 11, 22) and today["Koreksi"] == -50
    detail = wb["Rincian mutasi"]
    rows = [by_header(detail, 6, r) for r in range(7, 13)]
    day = receipt.day.strftime("%d-%m-%Y")
    assert (rows[-1]["Jenis Mutasi"], rows[-1]["No. Dokumen / Referensi"], rows[-1]["Keluar"],
            rows[-1]["Keterangan"]) == ("Koreksi", f"koreksi #{receipt.id}", 50,
                                        f"Koreksi atas Penerimaan {day} B-002/2026 (500): lot kurang 50")
    original = next(r for r in rows if r["No. Dokumen / Referensi"] == "B-002/2026")
    assert original["Keterangan"] == "Dikoreksi menjadi 450 pada 22-11-2026"  # beside the original too


# --- harian ------------------------------------------------------------------------------------

def test_harian_layanan(office, admin, tmp_path):
    path = export("harian", Period.for_date(TODAY), tmp_path, actor("loket"))
    assert path.name == "5202_harian-layanan_2026-11-22.xlsx"
    wb = load_workbook(path)
    ws = wb["Layanan"]
    check_layout(ws, 8, "Laporan harian layanan", "TANGGAL 22 NOVEMBER 2026", "C9")
    assert values(ws, 8)[:10] == ["No", "Layanan", "Kode", "Tiket", "Dilayani", "Gagal/ Dirujuk", "Tidak Hadir",
                                  "Dialihkan", "Lainnya (ditutup/ belum selesai)", "% Dilayani"]
    rows = {by_header(ws, 8, r)["Kode"]: by_header(ws, 8, r) for r in range(9, 17)}
    a, b, e = rows["A"], rows["B"], rows["E"]
    assert (a["Tiket"], a["Dilayani"], a["Gagal/ Dirujuk"], a["Tidak Hadir"]) == (3, 2, 0, 1)
    assert (b["Tiket"], b["Dilayani"], b["Gagal/ Dirujuk"]) == (1, 0, 1)  # the device failed: not served
    assert (a["Waktu Tunggu Median (menit)"], a["Waktu Tunggu P90 (menit)"]) == (10, 18)
    assert (a["Waktu Layanan Median (menit)"], a["Waktu Layanan P90 (menit)"]) == (15, 19)
    assert (b["Tiket"], b["Waktu Tunggu Median (menit)"], b["Waktu Layanan Median (menit)"]) == (1, 30, 5)
    assert (e["Tiket"], e["Dilayani"], e["Waktu Tunggu Median (menit)"]) == (1, 0, None)
    assert e["Lainnya (ditutup/ belum selesai)"] == "=D13-E13-F13-G13-H13"  # pengambilan: 5th service
    assert a["% Dilayani"] == '=IF(D9=0,"",E9/D9)'
    total = by_header(ws, 8, 17)
    assert total["Layanan"] == "JUMLAH" and total["Tiket"] == "=SUM(D9:D16)"
    assert sum(r["Tiket"] for r in rows.values()) == 5 and sum(r["Dilayani"] for r in rows.values()) == 2
    assert (total["Waktu Tunggu Median (menit)"], total["Waktu Tunggu P90 (menit)"]) == (15, 27)
    assert (total["Waktu Layanan Median (menit)"], total["Waktu Layanan P90 (menit)"]) == (10, 18)
    summary = wb["Ringkasan"]
    got = {summary.cell(r, 2).value: summary.cell(r, 3).value for r in range(7, 15)}
    assert got == {"Perekaman KTP-el": 1, "Perekaman gagal": 1, "Cetak ulang / perubahan data": 0,
                   "KTP-el dicetak (baik)": 2, "Gagal cetak": 0, "KTP-el diserahkan": 1, "Suket diterbitkan": 1,
                   "Sisa blangko akhir hari": 1487}


def test_harian_counts_recordings_per_site_and_reprints_apart(office, admin, tmp_path):
    from dukcapil_tui.db import database
    from dukcapil_tui.models import Card, Resident
    from dukcapil_tui.services import card_status, sites

    sites.save(admin, {"code": "UPT-PUJUT", "name": "UPT Pujut", "kind": "upt", "kecamatan_code": "52.02.04"})
    people = list(Resident.select().where(Resident.recording_status == "sudah").order_by(Resident.id))
    with database.atomic():
        Card.update(site_code="DINAS").where(Card.site_code.is_null()).execute()
        for resident, site, reason, at in ((people[0], "UPT-PUJUT", "baru", utc(2026, 11, 22, 3)),
                                           (people[1], "UPT-PUJUT", "baru", utc(2026, 11, 3)),
                                           (people[2], "DINAS", "hilang", utc(2026, 11, 22, 4))):
            card_status.create(admin, resident, reason=reason, recorded_where="t", central="PRINT_READY_RECORD",
                               site_code=site, recorded_at=at, origin="siak")
    data = reports.preview("harian", Period.for_date(TODAY))
    figures = dict(data.lines())
    assert (figures["Perekaman"], figures["Cetak ulang/perubahan data"]) == ("2", "1")
    wb = load_workbook(export("harian", Period.for_date(TODAY), tmp_path, actor("loket")))
    ws = wb["Perekaman per lokasi"]
    header = find_row(ws, 1, "No")
    rows = {by_header(ws, header, r)["Kode Lokasi"]: by_header(ws, header, r)
            for r in range(header + 1, find_row(ws, 3, "JUMLAH"))}
    assert {code: (r["Perekaman Hari Ini"], r["Perekaman Bulan Ini (s.d. tanggal)"]) for code, r in rows.items()} == {
        "DINAS": (1, 3), "UPT-PUJUT": (1, 2)}  # the reprint (DINAS, today) is no recording
    assert rows["UPT-PUJUT"]["Kecamatan"] == "Pujut"


# --- backlog -----------------------------------------------------------------------------------

def test_backlog_today_and_on_a_past_day(office, admin, tmp_path):
    path = export("backlog", Period.for_date(TODAY), tmp_path, actor("cetak"))
    wb = load_workbook(path)
    ws = wb["Status dan umur"]
    check_layout(ws, 7, "Backlog cetak KTP-el menurut status dan umur", "KEADAAN S.D. 22 NOVEMBER 2026", "C8")
    assert values(ws, 7) == ["No", "Status Kartu", "0–7 hari", "8–30 hari", "31–90 hari", "> 90 hari", "Jumlah"]
    assert values(ws, 8)[1:] == ["Menunggu PRR", 2, 0, 0, 0, "=SUM(C8:F8)"]
    assert values(ws, 9)[1:6] == ["Siap cetak (PRR)", 0, 1, 0, 0]
    assert values(ws, 10)[1:6] == ["Sudah dicetak, belum diserahkan", 0, 0, 0, 1]
    assert values(ws, 12)[1:] == ["JUMLAH", "=SUM(C8:C11)", "=SUM(D8:D11)", "=SUM(E8:E11)", "=SUM(F8:F11)",
                                  "=SUM(C12:F12)"]
    kec = wb["Per kecamatan"]
    rows = {kec.cell(r, 2).value: by_header(kec, 8, r) for r in range(9, 21)}  # two notes above the header
    assert (rows["Pujut"]["Menunggu PRR"], rows["Pujut"]["Siap cetak (PRR)"],
            rows["Pujut"]["Sudah dicetak, belum diserahkan"]) == (1, 1, 1)
    assert (rows["Pujut"]["Lebih dari 30 hari"], rows["Pujut"]["Tertua (hari)"]) == (1, 113)
    assert (rows["Praya"]["Menunggu PRR"], rows["Praya"]["Tertua (hari)"]) == (1, 0)
    assert values(kec, 21)[1] == "JUMLAH" and values(kec, 21)[-1] == "=MAX(I9:I20)"
    past = reports.preview("backlog", YESTERDAY)
    assert [(f.label, f.value) for f in past.figures[:5]] == [
        ("Kartu belum diserahkan", 4), ("Menunggu PRR", 2), ("Siap cetak (PRR)", 0),
        ("Sudah dicetak, belum diserahkan", 2), ("Perlu rekam ulang", 0)]
    assert [(f.label, f.value) for f in past.figures[-2:]] == [("Belum terkirim ke pusat", 2),
                                                               ("Menunggu di pusat", 0)]


def test_backlog_keeps_unsent_recordings_apart_by_site_and_kecamatan(office, admin, tmp_path):
    from dukcapil_tui.db import database
    from dukcapil_tui.models import Card
    from dukcapil_tui.services import sites

    sites.save(admin, {"code": "UPT-PUJUT", "name": "UPT Pujut", "kind": "upt", "kecamatan_code": "52.02.04"})
    with database.atomic():  # the two unsent cards of today: one recorded at the UPT, one named nowhere
        first = Card.select().where(Card.central_status == "BIO_CAPTURED").order_by(Card.id).first()
        Card.update(site_code="UPT-PUJUT").where(Card.id == first.id).execute()
    assert [(f.label, f.value) for f in reports.preview("backlog", Period.for_date(TODAY)).figures[-2:]] == [
        ("Belum terkirim ke pusat", 2), ("Menunggu di pusat", 0)]
    wb = load_workbook(export("backlog", Period.for_date(TODAY), tmp_path, actor("cetak")))
    assert wb.sheetnames == ["Status dan umur", "Per kecamatan", "Belum terkirim per lokasi",
                             "Belum terkirim per kecamatan"]
    ws = wb["Belum terkirim per lokasi"]
    header = find_row(ws, 1, "No")
    assert values(ws, header) == ["No", "Lokasi Perekaman", "Kecamatan", "0–2 hari", "3–7 hari", "8–30 hari",
                                  "> 30 hari", "Belum Terkirim", "Di Pusat"]
    rows = {by_header(ws, header, r)["Lokasi Perekaman"]: by_header(ws, header, r)
            for r in range(header + 1, find_row(ws, 2, "JUMLAH"))}
    assert list(rows) == ["DINAS Kantor Dinas", "UPT-PUJUT UPT Pujut", "- (lokasi tidak disebut daftar SIAK)"]
    assert (rows["UPT-PUJUT UPT Pujut"]["0–2 hari"], rows["UPT-PUJUT UPT Pujut"]["Kecamatan"]) == (1, "Pujut")
    assert rows["- (lokasi tidak disebut daftar SIAK)"]["0–2 hari"] == 1
    kec = wb["Belum terkirim per kecamatan"]
    header = find_row(kec, 1, "No")
    total = by_header(kec, header, find_row(kec, 2, "JUMLAH"))
    assert total["0–2 hari"].startswith("=SUM(") and total["Belum Terkirim"].startswith("=SUM(")


# --- the named list ----------------------------------------------------------------------------

def test_named_list_admin_only_and_audited(office, admin, tmp_path):
    for role in ("loket", "cetak", "blangko"):
        with pytest.raises(PermissionDenied):
            export("belum-rekam", Period.for_date(TODAY), tmp_path, actor(role))
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert not AuditLog.select().where(AuditLog.action == "report.export").exists()

    progress = []
    path = reports.export("belum-rekam", Period.for_date(TODAY), tmp_path / "out", admin,
                          progress=lambda done, total: progress.append((done, total)))
    assert path.name == "5202_belum-rekam_2026-11-22.xlsx" and progress[-1] == (4, 4)
    entry = AuditLog.select().where(AuditLog.action == "report.export").get()
    changes = json.loads(entry.changes)
    assert (entry.username, entry.entity_id) == ("admin", "belum-rekam")
    assert changes == {"period": "2026-11-22", "file": path.name, "folder": str(tmp_path / "out"), "rows": 4}
    from dukcapil_tui.models import Resident

    assert not any(r.nik in entry.changes for r in Resident.select())

    wb = load_workbook(path)
    assert wb.sheetnames == ["Ringkasan", "Praya", "Pujut"]
    summary = wb["Ringkasan"]
    check_layout(summary, 7, "Daftar penduduk wajib KTP-el belum rekam: jumlah per desa/kelurahan",
                 "KEADAAN S.D. 22 NOVEMBER 2026", "E8")
    assert values(summary, 5)[0].startswith("Wajib KTP: berumur 17 tahun ke atas atau pernah kawin.")
    counts = {summary.cell(r, 3).value: (summary.cell(r, 5).value, summary.cell(r, 6).value) for r in range(8, 162)}
    assert counts[REMBITAN] == (1, 2) and counts[PRAYA] == (0, 1) and counts[KUTA] == (0, 0)
    assert values(summary, 162)[3:] == ["JUMLAH", "=SUM(E8:E161)", "=SUM(F8:F161)", "=E162+F162"]
    check_signature(summary, 163)

    pujut = wb["Pujut"]
    check_layout(pujut, 7, "Daftar penduduk wajib KTP-el belum rekam — Kecamatan Pujut",
                 "KEADAAN S.D. 22 NOVEMBER 2026", "D8")
    assert values(pujut, 7) == ["No", "NIK", "Nama", "L/P", "Tanggal Lahir", "Umur", "Status Kawin", "Alamat", "RT/RW",
                                "Desa/Kelurahan"]
    listed = [values(pujut, r) for r in range(8, 11)]
    assert [row[2] for row in listed] == ["=BAIQ SITI", "INAQ SAHNUN", "LALU RIZKI"]  # by name within the desa
    assert [row[5] for row in listed] == [26, 16, 17]
    # the birth dates read back as dates, and are the ones the ages were counted from
    assert [age_on(row[4].date(), TODAY) for row in listed] == [26, 16, 17]
    assert [row[8:] for row in listed] == [["001/002", "Rembitan"]] * 3
    assert listed[0][7] == '=HYPERLINK("x")'  # text, never a formula
    for r in range(8, 11):
        nik = pujut.cell(r, 2)
        assert nik.data_type == "s" and len(nik.value) == 16 and nik.number_format == "@"
        assert pujut.cell(r, 3).data_type == "s" and pujut.cell(r, 5).number_format == "dd-mm-yyyy"
    assert pujut.cell(8, 8).data_type == "s"
    assert values(pujut, 11)[1:3] == ["JUMLAH", "=COUNTA(B8:B10)"]
    # the list holds exactly the recap's "belum rekam" (register source)
    assert reports.preview("belum-rekam", Period.for_date(TODAY)).rows == 4
    past = reports.preview("belum-rekam", YESTERDAY)
    assert past.rows == 4  # #4 was 16; #11 was not recorded yet


def test_a_failed_export_leaves_no_file(office, admin, tmp_path, monkeypatch):
    from dukcapil_tui.reports import layout

    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "5202_capaian-perekaman_2026-11.xlsx").write_bytes(b"the report sent last time")
    calls = {"n": 0}
    original = layout.Table.add

    def breaks_midway(self, row):
        calls["n"] += 1
        if calls["n"] == 20:
            raise OSError("disk full")
        return original(self, row)

    monkeypatch.setattr(layout.Table, "add", breaks_midway)
    with pytest.raises(OSError, match="disk full"):
        reports.export("capaian", NOVEMBER, folder, admin)
    assert sorted(p.name for p in folder.iterdir()) == ["5202_capaian-perekaman_2026-11.xlsx"]
    assert (folder / "5202_capaian-perekaman_2026-11.xlsx").read_bytes() == b"the report sent last time"
    assert not AuditLog.select().where(AuditLog.action == "report.export").exists()

    def stream_breaks(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("dukcapil_tui.reports.belum_rekam.age_on", stream_breaks)
    with pytest.raises(KeyboardInterrupt):
        reports.export("belum-rekam", Period.for_date(TODAY), folder, admin)
    assert sorted(p.name for p in folder.iterdir()) == ["5202_capaian-perekaman_2026-11.xlsx"]


def test_export_to_an_unusable_folder_is_refused(office, admin, tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("x")
    with pytest.raises(ServiceError, match="tidak bisa dipakai untuk menyimpan berkas"):
        reports.export("harian", Period.for_date(TODAY), blocker / "sub", admin)


def test_export_into_a_folder_whose_parent_is_missing_is_refused(office, admin, tmp_path):
    with pytest.raises(ServiceError, match="folder .*usb tidak ada .flashdisk"):
        reports.export("harian", Period.for_date(TODAY), tmp_path / "usb" / "laporan", admin)
    assert not (tmp_path / "usb").exists()
    assert reports.export("harian", Period.for_date(TODAY), tmp_path / "laporan", admin).parent == tmp_path / "laporan"


def test_every_report_exports_with_its_layout(office, admin, tmp_path):
    for report in reports.REPORTS:
        path = reports.export(report, reports.default_period(report, TODAY), tmp_path / "all", admin)
        wb = load_workbook(path)
        first = wb.worksheets[0]
        assert values(first, 1)[0] == "PEMERINTAH KABUPATEN LOMBOK TENGAH"
        assert first.oddFooter.center.text == "Halaman &P dari &N"
    assert len(list((tmp_path / "all").iterdir())) == len(reports.REPORTS) == 8


def test_openpyxl_loads_only_when_exporting():
    """DESIGN §6: the report modules, their periods and previews do not import openpyxl."""
    import subprocess
    import sys

    code = ("import sys, importlib\n"
            "for m in ('dukcapil_tui.reports', 'dukcapil_tui.reports.capaian', 'dukcapil_tui.reports.blangko',"
            " 'dukcapil_tui.reports.harian', 'dukcapil_tui.reports.belum_rekam', 'dukcapil_tui.reports.backlog',"
            " 'dukcapil_tui.services.capaian', 'dukcapil_tui.cli'):\n"
            "    importlib.import_module(m)\n"
            "assert 'openpyxl' not in sys.modules, 'openpyxl imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_second_export_of_the_same_period_keeps_the_first(office, admin, tmp_path):
    first = export("harian", Period.for_date(TODAY), tmp_path, admin)
    content = first.read_bytes()
    second = export("harian", Period.for_date(TODAY), tmp_path, admin)
    third = export("harian", Period.for_date(TODAY), tmp_path, admin)
    assert first.name == "5202_harian-layanan_2026-11-22.xlsx"
    assert (second.name, third.name) == ("5202_harian-layanan_2026-11-22_v2.xlsx",
                                         "5202_harian-layanan_2026-11-22_v3.xlsx")
    assert first.read_bytes() == content  # untouched
    assert load_workbook(second)["Layanan"].title == "Layanan"
    files = [json.loads(e.changes)["file"] for e in
             AuditLog.select().where(AuditLog.action == "report.export").order_by(AuditLog.id)]
    assert files == [first.name, second.name, third.name]
    assert sorted(p.name for p in first.parent.iterdir()) == sorted([first.name, second.name, third.name])


def test_capaian_sudah_cetak_uses_siak_cumulative_counts_plus_later_prints(office, admin, tmp_path, monkeypatch):
    from office_helpers import Clock

    from dukcapil_tui.models import Resident
    from dukcapil_tui.services import card_status, cetak_figures, context

    clock = Clock(datetime(2026, 11, 22, 2))
    monkeypatch.setattr(context, "now_utc", clock)

    bad = tmp_path / "cetak_bad.csv"
    bad.write_text("KODE_DESA;SUDAH_CETAK;TANGGAL\n52.02.04.2008;lima ratus;10-11-2026\n52.02.99.9999;3;\n",
                   encoding="utf-8")
    refused = cetak_figures.import_figures(admin, bad, report_dir=tmp_path)
    assert [(line, reason) for line, _, reason in refused.rejected] == [
        (2, "SUDAH_CETAK harus bilangan bulat 0 atau lebih, bukan 'lima ratus'."),
        (3, "Kode desa/kelurahan 52.02.99.9999 tidak dikenal di kabupaten/kota ini.")]
    assert cetak_figures.figures() == {}  # all or nothing
    good = tmp_path / "cetak_siak.csv"
    good.write_text("NO_PROP;NO_KAB;NO_KEC;NO_KEL;SUDAH_CETAK;TANGGAL\n52;2;4;2008;1.250;10-11-2026\n",
                    encoding="utf-8")
    assert cetak_figures.import_figures(admin, good).applied == 1
    before = {a.code: a.printed for a in capaian_report.collect(NOVEMBER).desa}
    resident = Resident.get(Resident.desa_code == REMBITAN)
    clock.set(datetime(2026, 11, 12, 2))
    made = card_status.create(admin, resident, reason="hilang", recorded_where="t", central="PRINT_READY_RECORD")
    clock.set(datetime(2026, 11, 15, 2))
    card_status.change(admin, made, "print", "print.result", office="printed")  # printed here after the figure
    clock.set(datetime(2026, 11, 16, 2))
    card_status.create(admin, resident, reason="baru", recorded_where="t", central="CARD_PRINTED")  # SIAK's own
    clock.set(datetime(2026, 11, 22, 2))
    data = capaian_report.collect(NOVEMBER)
    after = {a.code: a for a in data.desa}
    assert after[REMBITAN].printed == 1250 + 1
    assert after[KUTA].printed == before[KUTA]  # no figure: the app's cards
    assert ("angka kumulatif SIAK per desa (berkas cetak_siak.csv, keadaan 10-11-2026; 1 desa/kelurahan)"
            in data.notes[2])
    assert "desa lain: kartu di aplikasi" in data.notes[2]
    early = capaian_report.collect(Period.for_date(date(2026, 11, 9)))  # before the figure's day: not used
    assert {a.code: a for a in early.desa}[REMBITAN].printed < 1250
    assert cetak_figures.clear_figures(admin) == 1


def test_the_dead_and_moved_leave_wajib_ktp_and_the_belum_rekam_list_from_that_day(office, admin):
    from dukcapil_tui.db import database
    from dukcapil_tui.models import Resident
    from dukcapil_tui.reports import belum_rekam

    before = capaian_report.collect(NOVEMBER).total
    unrecorded_before = belum_rekam.counts(Period.for_date(TODAY)).total
    earlier = Period.for_date(date(2026, 11, 20))
    wajib_earlier, unrecorded_earlier = capaian_report.collect(earlier).total.wajib, belum_rekam.counts(earlier).total
    gone = list(Resident.select().where(Resident.recording_status == "belum").order_by(Resident.id))
    wajib_gone = [r for r in gone if r.marital_status != "belum_kawin" or r.birth_date.year <= 2009][:2]
    with database.atomic():
        for resident, status in zip(wajib_gone, ("mati", "pindah"), strict=True):
            Resident.update(life_status=status, life_status_on=date(2026, 11, 21)).where(
                Resident.id == resident.id).execute()
    after = capaian_report.collect(NOVEMBER).total
    assert (after.wajib, after.recorded) == (before.wajib - 2, before.recorded)
    assert belum_rekam.counts(Period.for_date(TODAY)).total == unrecorded_before - 2
    # the day before they died or moved they still counted: history does not change
    assert capaian_report.collect(earlier).total.wajib == wajib_earlier
    assert belum_rekam.counts(earlier).total == unrecorded_earlier
    assert len(wajib_gone) == 2
