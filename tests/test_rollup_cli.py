"""The province roll-up end to end on the command line: two offices of Nusa Tenggara Barat set
up and filled with `dukcapil` commands (Lombok Tengah is the report test office; Kota Mataram
is made with `init`, its residents imported, blanks received and lent), each exports its
capaian recap and blangko report with `dukcapil export`, and `dukcapil rollup` combines them;
LibreOffice recalculates the province's tables (skipped where ``soffice`` is missing).

    Kota Mataram: residents L 2 (1 recorded), P 2 (both recorded, one of them a card PRINT
    READY from SIAK's listing); blanks: 500 received on 10-11-2026, 20 lent to Lombok Tengah
    on 12-11-2026.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules

from conftest import PASSWORD, login_args
from conftest import closed_office_copy
from report_helpers import clock, report_template  # noqa: F401
from rollup_helpers import BLANGKO, CAPAIAN, LOMBOK_TENGAH
from test_reports_libreoffice import SOFFICE, convert, number

MATARAM_CAPAIAN = (2, 2, 3, 1, 0, 1, 0)  # l, p, sudah, prr, cetak, belum_cetak, suket
MATARAM_BLANGKO = (0, 500, 0, 0, 0, 0, 0, 20, 0, 0, 480, 0, 0)  # as rollup_helpers.BLANGKO


pytestmark = pytest.mark.usefixtures("no_tui")  # conftest: the TUI never starts in these tests


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), obj=State())
    if database.obj is not None:
        database.close()
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result.stdout


def _residents_file(folder: Path) -> Path:
    ampenan = "52.71.01.1004"
    born = date(1990, 5, 17)
    rows = [(nik_rules.compose(ampenan[:8], born, sex, sequence), name, sex, status)
            for sequence, (name, sex, status) in enumerate((
                ("LALU AHMAD", "L", "SUDAH REKAM"), ("BAIQ NURUL", "P", "SUDAH REKAM"),
                ("MUHAMMAD ZAINI", "L", "BELUM REKAM"), ("NI LUH SARI", "P", "PRINT READY RECORD")), start=1)]
    path = folder / "penduduk-mataram.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "NAMA", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA", "ALAMAT", "RT", "RW",
                         "STAT_KWN", "STATUS_REKAM"])
        for nik, name, sex, status in rows:
            writer.writerow([nik, name, "MATARAM", born.strftime("%d-%m-%Y"), sex, ampenan, "JL. PEJANGGIK", "001",
                             "002", "KAWIN", status])
    return path


@pytest.fixture
def exported(report_template, clock, tmp_path) -> dict[str, list[Path]]:
    """{"capaian": [files], "blangko": [files]}: what the two offices sent, by `dukcapil export`."""
    tengah = closed_office_copy(report_template, tmp_path, "tengah.sqlite3")
    mataram = tmp_path / "mataram.sqlite3"
    secret = tmp_path / "admin-password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    run("--db", str(mataram), "init", "--office", "Disdukcapil Kota Mataram", "--region", "52.71",
        "--admin-password-file", str(secret))
    as_admin = ["--db", str(mataram), *login_args()]
    run(*as_admin, "import", "residents", str(_residents_file(tmp_path)), "--report-dir", str(tmp_path))
    run(*as_admin, "blangko", "receive", "500", "--document", "B-90/2026", "--source", "Ditjen Dukcapil",
        "--date", "10-11-2026")
    run(*as_admin, "blangko", "loan", "out", "20", "--office", "Disdukcapil Lombok Tengah", "--date", "12-11-2026")
    sent = tmp_path / "kiriman"
    files: dict[str, list[Path]] = {"capaian": [], "blangko": []}
    for office in (mataram, tengah):
        for report in files:
            out = run("--db", str(office), *login_args(), "export", report, "--month", "2026-11", "--out", str(sent))
            files[report].append(Path(out.strip()))
    return files


def _rollup(files: list[Path], out: Path, *options: str) -> Path:
    return Path(run("rollup", *map(str, files), "--out", str(out), "--period", "2026-11", *options).strip())


def test_the_command_line_rolls_up_what_the_command_line_exported(exported, tmp_path):
    assert [f.name for f in exported["capaian"]] == ["5271_capaian-perekaman_2026-11.xlsx",
                                                     "5202_capaian-perekaman_2026-11.xlsx"]
    capaian = load_workbook(_rollup(exported["capaian"], tmp_path / "provinsi"))["Kabupaten-Kota"]
    assert [capaian.cell(r, 3).value for r in (10, 11, 12)] == ["Kabupaten Lombok Tengah", "Kota Mataram", "JUMLAH"]
    inputs = (4, 5, 7, 12, 13, 14, 15)  # L, P, sudah, PRR, cetak, belum cetak, Suket
    assert [capaian.cell(10, c).value for c in inputs] == list(CAPAIAN[LOMBOK_TENGAH])
    assert [capaian.cell(11, c).value for c in inputs] == list(MATARAM_CAPAIAN)

    path = _rollup(exported["blangko"], tmp_path / "provinsi", "--place", "Mataram")
    assert path == tmp_path / "provinsi" / "52_rekap-penggunaan-blangko_2026-11.xlsx"
    blangko = load_workbook(path)["Kabupaten-Kota"]
    moves = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16]  # every number but the closing stock (a formula)
    expected = [*BLANGKO[LOMBOK_TENGAH][:10], *BLANGKO[LOMBOK_TENGAH][11:]]
    assert [blangko.cell(10, c).value for c in moves] == expected
    assert [blangko.cell(11, c).value for c in moves] == [*MATARAM_BLANGKO[:10], *MATARAM_BLANGKO[11:]]
    assert blangko.cell(14, 13).value == "Mataram, 22 November 2026"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_totals_the_offices_the_command_line_rolled_up(exported, tmp_path):
    written = [_rollup(exported[kind], tmp_path / "provinsi") for kind in ("capaian", "blangko")]
    convert(tmp_path, written, tmp_path / "csv")

    def table(path: Path, width: int) -> list[list[float | None]]:
        with (tmp_path / "csv" / f"{path.stem}-Kabupaten-Kota.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        start = next(i for i, row in enumerate(rows) if row[:1] == ["No"]) + 1
        assert [row[2] for row in rows[start:start + 3]] == ["Kabupaten Lombok Tengah", "Kota Mataram", "JUMLAH"]
        return [[number(v) for v in row[3:3 + width]] for row in rows[start:start + 3]]

    tengah, mataram, total = table(written[0], 12)
    for column in (0, 1, 2, 3, 4, 8, 9, 10, 11):  # every count; % columns are ratios
        assert total[column] == tengah[column] + mataram[column]
    assert total[:5] == [6, 7, 13, 8, 5] and total[8:] == [2, 2, 4, 2]
    assert total[5] == pytest.approx(8 / 13) and total[7] == pytest.approx(8 / 13 - 0.98)

    tengah, mataram, total = table(written[1], 13)
    assert tengah == list(BLANGKO[LOMBOK_TENGAH]) and mataram == list(MATARAM_BLANGKO)
    assert total == [a + b for a, b in zip(tengah, mataram, strict=True)]
    assert total == [998, 1000, 5, 2, 5, 1, 1, 30, -1, 0, 1967, 3, 1]
