"""Every cell of every sheet of the five recaps, exported from a demo office with two weeks of
activity: a formula is stored as a formula (never as text that starts with "="), and where
LibreOffice is installed it recalculates every workbook with no error value in any cell and
with the same numbers the database holds.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from dukcapil_tui import reports
from dukcapil_tui.db import database, open_database
from dukcapil_tui.demo.builder import build_demo
from dukcapil_tui.models import AppUser
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import blangko, cards, context
from dukcapil_tui.services.context import Actor

TODAY = date(2026, 11, 22)
EVENING = datetime(2026, 11, 22, 14, 0)  # 22:00 WITA: the demo's day is over
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Every sheet of every workbook as CSV with the values LibreOffice computed (token 12 = -1: all sheets).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
ERRORS = ("#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The demo office (1,500 residents, two weeks of work) and the five recaps of its month,
    of the month before (blangko) and of today."""
    folder = tmp_path_factory.mktemp("workbooks")
    path = build_demo(folder / "demo.sqlite3", residents=1500, seed=5, today=TODAY)
    real = context.now_utc
    context.now_utc = lambda: EVENING
    open_database(path)
    try:
        user = AppUser.get(AppUser.username == "admin")
        admin = Actor(user.id, "admin", "admin", "TEST", user.full_name)
        out = folder / "out"
        files = {}
        for report in reports.REPORTS:
            files[report] = reports.export(report, reports.default_period(report, TODAY), out, admin)
        files["blangko-previous"] = reports.export("blangko", Period.for_month(2026, 10, TODAY), out, admin)
        facts = {
            "balances": {day: blangko.balance(until=day) for day in Period.for_month(2026, 11, TODAY).days()},
            "capaian": {f.label: f.value for f in reports.preview("capaian", reports.default_period("capaian", TODAY))
                        .figures},
            "harian": {f.label: f.value for f in reports.preview("harian", reports.default_period("harian", TODAY))
                       .figures},
            "belum": reports.preview("belum-rekam", Period.for_date(TODAY)).rows,
            "backlog": cards.backlog_counts(TODAY),
        }
        yield files, facts, folder
    finally:
        context.now_utc = real
        database.close()


def test_every_formula_is_stored_as_a_formula(exported):
    files, _, _ = exported
    formulas = 0
    for name, path in files.items():
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        assert cell.data_type == "f", (
                            f"{name} {sheet.title}!{cell.coordinate} holds {cell.value!r} as text"
                        )
                        formulas += 1
    assert formulas > 100  # the JUMLAH rows, percentages and running balances are live formulas


def test_blangko_daily_opening_is_the_day_befores_closing(exported):
    files, _, _ = exported
    sheet = load_workbook(files["blangko"])["Mutasi harian"]
    openings = [row for row in sheet.iter_rows(min_col=2, max_col=2) if row[0].data_type == "f"
                and row[0].value.startswith("=L")]
    assert len(openings) == 21  # 2..22 November (the month so far) open with the previous row's closing
    first = openings[0][0]
    assert first.value == f"=L{first.row - 1}"


def _sheets(folder, stem: str) -> dict[str, list[list[str]]]:
    found = {}
    for path in folder.glob(f"{stem}-*.csv"):
        with path.open(encoding="utf-8") as handle:
            found[path.stem[len(stem) + 1:]] = list(csv.reader(handle))
    return found


def _number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def _jumlah(rows: list[list[str]]) -> list[float | None]:
    found = [row for row in rows if "JUMLAH" in row]
    assert len(found) == 1, found
    row = found[0]
    return [_number(v) for v in row[row.index("JUMLAH") + 1:]]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_without_errors_and_agrees_with_the_database(exported):
    files, facts, folder = exported
    converted = folder / "csv"
    profile = (folder / "lo-profile").as_uri()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", CSV_FILTER,
         "--outdir", str(converted), *map(str, files.values())],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    sheets = {name: _sheets(converted, path.stem) for name, path in files.items()}
    for name, workbook in sheets.items():
        assert workbook, f"{name}: LibreOffice wrote no sheet"
        for sheet, rows in workbook.items():
            for number, row in enumerate(rows, start=1):
                for column, value in enumerate(row, start=1):
                    assert not value.startswith(ERRORS), f"{name} {sheet} row {number} column {column}: {value}"

    # Blangko: every day's closing balance is the ledger's balance at the end of that day.
    daily = sheets["blangko"]["Mutasi harian"]
    closings = {}
    for row in daily:
        try:
            day = datetime.strptime(row[0], "%m/%d/%Y").date()  # LibreOffice's own (en-US) date format
        except ValueError:
            continue
        closings[day] = _number(row[11])
    assert closings == {day: float(balance) for day, balance in facts["balances"].items()}
    assert _jumlah(daily)[-1] == facts["balances"][TODAY]

    # Capaian: the JUMLAH rows of both sheets are the database's totals.
    figures = facts["capaian"]
    for sheet in ("Kecamatan", "Desa"):
        got = _jumlah(sheets["capaian"][sheet])
        assert got[:5] == [figures["Wajib KTP laki-laki"], figures["Wajib KTP perempuan"], figures["Wajib KTP"],
                           figures["Sudah rekam"], figures["Belum rekam"]]
        assert got[5] == pytest.approx(figures["Sudah rekam"] / figures["Wajib KTP"])
        assert got[8:] == [figures["PRR (siap cetak)"], figures["Sudah cetak"], figures["Belum cetak"],
                           figures["Suket beredar"]]

    # Harian: tickets and served as the day's statistics count them.
    harian = _jumlah(sheets["harian"]["Layanan"])
    assert harian[1:3] == [facts["harian"]["Tiket"], facts["harian"]["Dilayani"]]

    # Belum rekam: the summary counts every resident listed.
    assert _jumlah(sheets["belum-rekam"]["Ringkasan"])[-1] == facts["belum"]

    # Backlog: per status and in all, as the backlog screen counts it.
    counts = facts["backlog"]
    status_total = _jumlah(sheets["backlog"]["Status dan umur"])[-1]
    assert status_total == sum(counts.by_status.values())
    from dukcapil_tui.reports.backlog import STATUSES

    # JUMLAH | one column per status (empty ones too) | Jumlah
    assert _jumlah(sheets["backlog"]["Per kecamatan"])[len(STATUSES)] == sum(counts.by_kecamatan.values())
