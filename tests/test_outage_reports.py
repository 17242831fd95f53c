"""Outages change what the reports say: the daily report lists the day's outages and hours lost,
the monthly outage report gives each site's outages and days lost, the capaian recap names the
kecamatan whose site was down; LibreOffice recalculates the same totals."""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from dukcapil_tui import reports
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import outages, sites

from report_helpers import TODAY, admin, by_header, clock, find_row, office, report_template  # noqa: F401

NOVEMBER = Period.for_month(2026, 11, TODAY)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture
def outage_log(office, admin):
    """The whole office's central block of ten days (01-11 08:00 to 11-11 08:00 WITA), Pujut's
    device failure from 20-11 08:00 still open (50 hours to 22-11 10:00), a power cut at the Dinas
    on 22-11 from 07:00 to 08:30, and a network cut of October that does not count."""
    sites.save(admin, {"code": "UPT-PUJUT", "name": "UPT Pujut", "kind": "upt", "kecamatan_code": "52.02.04"})

    def add(**values):
        outages.add(admin, {"site": "", **values})

    add(kind="central", started="01-11-2026 08:00", ended="11-11-2026 08:00", note="server diblokir")
    add(kind="device", site="UPT-PUJUT", started="20-11-2026 08:00", note="kamera rusak")
    add(kind="power", site="DINAS", started="22-11-2026 07:00", ended="22-11-2026 08:30")
    add(kind="network", started="01-10-2026 08:00", ended="02-10-2026 08:00")


def _table(ws, first_text: str = "No") -> list[dict]:
    header = find_row(ws, 1, first_text)
    end = find_row(ws, 2, "JUMLAH") if ws.title in ("Daftar gangguan", "Gangguan") else \
        find_row(ws, 3, "JUMLAH")
    return [by_header(ws, header, r) for r in range(header + 1, end)]


def test_the_daily_report_lists_the_days_outages_and_hours_lost(outage_log, admin, tmp_path):
    shown = dict(reports.preview("harian", Period.for_date(TODAY)).lines())
    assert (shown["Gangguan"], shown["Jam gangguan"]) == ("2", "11,5")  # 10 h of Pujut's, 1,5 h of power
    wb = load_workbook(reports.export("harian", Period.for_date(TODAY), tmp_path, admin))
    rows = _table(wb["Gangguan"])
    assert [(r["Jenis"], r["Lokasi"], r["Mulai"], r["Selesai"], r["Jam Hilang Hari Ini"], r["Catatan"])
            for r in rows] == [
        ("Alat rusak", "UPT-PUJUT", "20-11-2026 08:00 WITA", "masih berlangsung", 10, "kamera rusak"),
        ("Listrik padam", "DINAS", "22-11-2026 07:00 WITA", "22-11-2026 08:30 WITA", 1.5, None),
    ]
    summary = wb["Ringkasan"]
    assert (summary.cell(15, 2).value, summary.cell(15, 3).value, summary.cell(15, 4).value) == (
        "Gangguan layanan", 2, "11,5 jam gangguan hari ini (lihat Gangguan)")
    # a day without outages says so
    quiet = load_workbook(reports.export("harian", Period.for_date(TODAY.replace(day=15)), tmp_path, admin))
    assert quiet["Ringkasan"].cell(15, 4).value == "tidak ada gangguan tercatat"
    assert _table(quiet["Gangguan"]) == []


def test_the_monthly_outage_report_gives_days_lost_per_site(outage_log, admin, tmp_path):
    shown = dict(reports.preview("gangguan", NOVEMBER).lines())
    assert shown == {"Gangguan tercatat": "3", "Jaringan putus": "0", "Server pusat diblokir": "1",
                     "Listrik padam": "1", "Alat rusak": "1",
                     "Hari hilang (semua lokasi)": "22,1",  # (241,5 + 290) / 24
                     "Lokasi terdampak": "2"}
    path = reports.export("gangguan", NOVEMBER, tmp_path, admin)
    assert path.name == "5202_gangguan-layanan_2026-11.xlsx"
    wb = load_workbook(path)
    rows = {r["Kode Lokasi"]: r for r in _table(wb["Per lokasi"])}
    assert set(rows) == {"DINAS", "UPT-PUJUT"}
    dinas, pujut = rows["DINAS"], rows["UPT-PUJUT"]
    assert (dinas["Server pusat diblokir"], dinas["Listrik padam"], dinas["Alat rusak"], dinas["Jam Hilang"],
            dinas["Hari Terdampak"]) == (1, 1, 0, 241.5, 12)
    assert (pujut["Kecamatan"], pujut["Server pusat diblokir"], pujut["Alat rusak"], pujut["Jam Hilang"],
            pujut["Hari Terdampak"]) == ("Pujut", 1, 1, 290, 14)
    assert str(pujut["Hari Hilang"]).startswith("=") and str(pujut["Jumlah Gangguan"]).startswith("=")
    listed = _table(wb["Daftar gangguan"])
    assert [(r["Jenis"], r["Jam dalam Periode"]) for r in listed] == [
        ("Server pusat diblokir", 240), ("Alat rusak", 50), ("Listrik padam", 1.5)]


def test_the_capaian_recap_names_the_kecamatan_whose_site_was_down(outage_log, admin):
    data = reports.preview("capaian", NOVEMBER)
    from dukcapil_tui.reports import capaian

    notes = capaian.collect(NOVEMBER).notes
    assert notes[-1] == ("Lokasi perekaman terganggu 01-11-2026 s.d. 22-11-2026: Kecamatan Pujut (UPT-PUJUT: alat "
                         "rusak; 2,1 hari hilang) (lihat laporan gangguan layanan).")
    assert data.figures  # the figures are unchanged by the note
    # a one-day recap looks from the first of its month; before Pujut's failure (and with only the
    # whole office's block, which is no kecamatan's) there is no such note
    early = capaian.collect(Period.for_date(TODAY.replace(day=19))).notes
    assert not any(n.startswith("Lokasi perekaman terganggu") for n in early)
    assert capaian.collect(Period.for_date(TODAY.replace(day=20))).notes[-1].startswith(
        "Lokasi perekaman terganggu 01-11-2026 s.d. 20-11-2026: Kecamatan Pujut (UPT-PUJUT: alat rusak; 0,7 hari")
    october = capaian.collect(Period.for_month(2026, 10, TODAY)).notes
    assert not any(n.startswith("Lokasi perekaman terganggu") for n in october)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_the_outage_totals(outage_log, admin, tmp_path):
    out = tmp_path / "out"
    monthly = reports.export("gangguan", NOVEMBER, out, admin)
    daily = reports.export("harian", Period.for_date(TODAY), out, admin)
    converted = tmp_path / "csv"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless", "--convert-to",
         CSV_FILTER, "--outdir", str(converted), str(monthly), str(daily)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr

    def sheet(path, name: str) -> list[list[str]]:
        with (converted / f"{path.stem}-{name}.csv").open(encoding="utf-8") as handle:
            return list(csv.reader(handle))

    def jumlah(path, name: str) -> list[float | None]:
        row = next(r for r in sheet(path, name) if "JUMLAH" in r)
        return [float(v) if v.strip() else None for v in row[row.index("JUMLAH") + 1:]]

    # kecamatan, four kinds, outages (formula), hours, days lost (formula on the JUMLAH row), days touched
    assert jumlah(monthly, "Per lokasi") == [None, 0, 2, 1, 1, 4, 531.5, pytest.approx(531.5 / 24), 26]
    pujut = next(r for r in sheet(monthly, "Per lokasi") if "UPT-PUJUT" in r)
    assert float(pujut[-2]) == pytest.approx(290 / 24) and float(pujut[-4]) == 2  # days lost, outages
    assert jumlah(monthly, "Daftar gangguan")[3] == 291.5
    assert jumlah(daily, "Gangguan")[3] == 11.5


# --- devices ---------------------------------------------------------------------------------------

@pytest.fixture
def device_register(office, admin):
    """Pujut: two recording sets, one broken since 20-09-2026 and sent for repair (all of November
    out: 22 days); the Dinas: a card printer broken 10-11 and repaired 12-11 (two days out), and a
    second one in service."""
    from dukcapil_tui.services import devices

    sites.save(admin, {"code": "UPT-PUJUT", "name": "UPT Pujut", "kind": "upt", "kecamatan_code": "52.02.04"})
    for kind, serial, site in (("recording_set", "SET-1", "UPT-PUJUT"), ("recording_set", "SET-2", "UPT-PUJUT"),
                               ("card_printer", "PR-1", "DINAS"), ("card_printer", "PR-2", "DINAS")):
        devices.add(admin, {"kind": kind, "serial": serial, "site": site, "day": "01-09-2026"})
    devices.record(admin, "SET-1", "broken", {"day": "20-09-2026"})
    devices.record(admin, "SET-1", "sent_for_repair", {"day": "25-09-2026", "place": "Provinsi", "document": "BA-3"})
    devices.record(admin, "PR-1", "broken", {"day": "10-11-2026"})
    devices.record(admin, "PR-1", "repaired", {"day": "12-11-2026"})


def test_the_device_report_gives_days_out_and_the_share_broken(device_register, admin, tmp_path):
    shown = dict(reports.preview("alat", NOVEMBER).lines())
    assert shown == {"Alat terdaftar": "4", "Tidak berfungsi (akhir periode)": "1", "% tidak berfungsi": "25,00 %",
                     "Hari-alat tidak berfungsi": "24"}
    wb = load_workbook(reports.export("alat", NOVEMBER, tmp_path, admin))
    rows = {r["Kode Lokasi"]: r for r in _table(wb["Per lokasi"])}
    assert {c: (r["Alat Terdaftar"], r["Tidak Berfungsi"], r["Hari-Alat Tidak Berfungsi"]) for c, r in rows.items()} \
        == {"DINAS": (2, 0, 2), "UPT-PUJUT": (2, 1, 22)}
    listed = _table(wb["Daftar alat rusak"], "No")
    assert [(r["Jenis"], r["Nomor Seri"], r["Status"], r["Sejak"], r["Lama s.d. Akhir Periode (hari)"],
             r["Tempat Perbaikan / Dokumen"]) for r in listed] == [
        ("Perangkat rekam", "SET-1", "dalam perbaikan", "20-09-2026", 64, "Provinsi BA-3")]
    # how long each has been out is not summed: the device-days of the month are on "Per lokasi"
    sheet = wb["Daftar alat rusak"]
    total = next(r for r in sheet.iter_rows(values_only=True) if "JUMLAH" in r)
    assert 64 not in total and not any(str(v).startswith("=SUM(H") for v in total if v)
    # October: PR-1 was in service; SET-1 out all month
    october = reports.preview("alat", Period.for_month(2026, 10, TODAY))
    assert dict(october.lines())["Hari-alat tidak berfungsi"] == "31"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_the_device_totals(device_register, admin, tmp_path):
    out = tmp_path / "out"
    path = reports.export("alat", NOVEMBER, out, admin)
    converted = tmp_path / "csv"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless", "--convert-to",
         CSV_FILTER, "--outdir", str(converted), str(path)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    with (converted / f"{path.stem}-Per lokasi.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    total = next(r for r in rows if "JUMLAH" in r)
    total = total[total.index("JUMLAH") + 1:]
    # kecamatan, devices, out, share (formula over the JUMLAH row), device-days
    assert total[1:3] == ["4", "1"] and float(total[3].rstrip("%")) / 100 == pytest.approx(0.25) and total[4] == "24"
    pujut = next(r for r in rows if "UPT-PUJUT" in r)
    assert float(pujut[-2].rstrip("%")) / 100 == pytest.approx(0.5)
