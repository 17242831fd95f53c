"""The exported workbooks open in LibreOffice Calc and show the same totals once it has
recalculated their formulas (openpyxl writes formulas without cached results).

``.ci/run`` installs LibreOffice (Debian's ``libreoffice-calc-nogui``) so CI runs this; on a
machine without ``soffice`` it is skipped. See docs/reports.md.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date

import pytest

from dukcapil_tui import reports
from dukcapil_tui.reports.periods import Period

from report_helpers import admin, clock, office, report_template  # noqa: F401

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

TODAY = date(2026, 11, 22)
# Every sheet of every workbook, as CSV with the values LibreOffice computed (filter token 12 = -1).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def convert(tmp_path, files, out, target: str = CSV_FILTER) -> list:
    """LibreOffice opens ``files``, recalculates every formula and writes them into ``out`` as
    ``target`` (CSV of every sheet by default, or "xlsx": saved again as a spreadsheet would)."""
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                             "--outdir", str(out), *map(str, files)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return [out / f.name for f in files]


def jumlah_row(folder, stem: str, sheet: str) -> list[str]:
    with (folder / f"{stem}-{sheet}.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if "JUMLAH" in row]
    assert len(rows) == 1, rows
    row = rows[0]
    return row[row.index("JUMLAH") + 1:]


def test_libreoffice_recalculates_the_same_totals(office, admin, tmp_path):
    out = tmp_path / "out"
    paths = {report: reports.export(report, reports.default_period(report, TODAY), out, admin)
             for report in reports.REPORTS}
    converted = tmp_path / "csv"
    convert(tmp_path, paths.values(), converted)

    def totals(report: str, sheet: str) -> list[float | None]:
        return [number(v) for v in jumlah_row(converted, paths[report].stem, sheet)]

    capaian = reports.preview("capaian", Period.for_month(2026, 11, TODAY))
    figures = {f.label: f.value for f in capaian.figures}
    for sheet, skip in (("Kecamatan", 0), ("Desa", 0)):
        got = totals("capaian", sheet)[skip:]
        assert got[:5] == [figures["Wajib KTP laki-laki"], figures["Wajib KTP perempuan"], figures["Wajib KTP"],
                           figures["Sudah rekam"], figures["Belum rekam"]] == [4, 5, 9, 5, 4]
        assert got[5] == pytest.approx(5 / 9) and got[6] == pytest.approx(0.98)
        assert got[7] == pytest.approx(5 / 9 - 0.98)
        assert got[8:] == [figures["PRR (siap cetak)"], figures["Sudah cetak"], figures["Belum cetak"],
                           figures["Suket beredar"]] == [1, 2, 3, 2]

    from dukcapil_tui.services import blangko

    daily = totals("blangko", "Mutasi harian")
    assert daily == [998, 500, 5, 2, 5, 1, 1, 10, -1, 0, 1487] and daily[-1] == blangko.balance(until=TODAY)
    assert totals("blangko", "Rincian mutasi")[-3:-1] == [507, 11]
    assert totals("blangko", "Pemusnahan")[0] == 4  # three spoiled blanks and one withdrawn old card

    harian = totals("harian", "Layanan")
    assert harian == [None, 5, 2, 1, 1, 0, 1, pytest.approx(0.4), 15, 27, 10, 18]

    named = reports.preview("belum-rekam", Period.for_date(TODAY))
    assert totals("belum-rekam", "Ringkasan") == [1, 3, named.rows] == [1, 3, 4]
    assert totals("belum-rekam", "Pujut")[0] + totals("belum-rekam", "Praya")[0] == named.rows

    assert totals("backlog", "Status dan umur") == [2, 1, 0, 1, 4]
    assert totals("backlog", "Per kecamatan") == [2, 1, 1, 0, 4, 1, 113]
