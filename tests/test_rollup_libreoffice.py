"""The province's table in a real spreadsheet: LibreOffice recalculates it with no error value
and totals equal to the sum of the kabupaten/kota; and offices' files that went through a
spreadsheet (saved again, formulas with stored values) are read with the same numbers.
Skipped where ``soffice`` is missing (``.ci/run`` installs it)."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from dukcapil_tui.domain.problems import Refusal
from dukcapil_tui.reports import rollup

from report_helpers import report_template  # noqa: F401
from rollup_helpers import BLANGKO, CAPAIAN, LOMBOK_TENGAH, ORDER, copy_files, province_files  # noqa: F401
from test_reports_libreoffice import SOFFICE, convert, number

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
ERRORS = ("#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "Err:")


def test_libreoffice_recalculates_the_province_tables(province_files, tmp_path):
    written = [rollup.write(rollup.combine(copy_files(province_files[kind], tmp_path / kind)), tmp_path / "out")
               for kind in ("capaian", "blangko")]
    convert(tmp_path, written, tmp_path / "csv")
    tables = {}
    for path in written:
        with (tmp_path / "csv" / f"{path.stem}-Kabupaten-Kota.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert not [cell for row in rows for cell in row if cell.startswith(ERRORS)]
        start = next(i for i, row in enumerate(rows) if row[:1] == ["No"]) + 1
        width = 12 if "capaian" in path.name else 13  # the numbers after No, Kode, Kabupaten/Kota
        tables[path.name] = [[number(v) for v in row[3:3 + width]] for row in rows[start:start + 4]]
        if "capaian" in path.name:
            assert [row[15] for row in rows[start:start + 4]] == ["register", "register", "register", ""]
        assert [row[2] for row in rows[start:start + 4]] == ["Kabupaten Lombok Barat", "Kabupaten Lombok Tengah",
                                                             "Kota Mataram", "JUMLAH"]

    capaian = tables["52_rekap-capaian-perekaman_2026-11-22.xlsx"]
    for row, code in zip(capaian, ORDER, strict=False):
        male, female, sudah, prr, cetak, belum_cetak, suket = CAPAIAN[code]
        wajib = male + female
        assert row[:5] == [male, female, wajib, sudah, wajib - sudah] and row[5] == pytest.approx(sudah / wajib)
        assert row[7] == pytest.approx(sudah / wajib - 0.98) and row[8:12] == [prr, cetak, belum_cetak, suket]
    total = capaian[3]
    for column in (0, 1, 2, 3, 4, 8, 9, 10, 11):
        assert total[column] == sum(row[column] for row in capaian[:3])
    assert total[:5] == [10, 10, 20, 13, 7] and total[5] == pytest.approx(0.65) and total[6] == pytest.approx(0.98)

    blangko = tables["52_rekap-penggunaan-blangko_2026-11.xlsx"]
    for row, code in zip(blangko, ORDER, strict=False):
        assert row == list(BLANGKO[code])
    assert blangko[3] == [sum(row[c] for row in blangko[:3]) for c in range(13)]
    assert blangko[3] == [1198, 650, 5, 2, 7, 2, 2, 15, 0, 0, 1829, 4, 2]


def test_files_saved_again_by_a_spreadsheet_are_read_with_their_values(province_files, tmp_path):
    for kind in ("capaian", "blangko"):
        originals = copy_files(province_files[kind], tmp_path / f"{kind}-in")
        expected = rollup.combine(originals).totals
        resaved = convert(tmp_path, originals, tmp_path / f"{kind}-resaved", "xlsx")
        assert rollup.combine(resaved).totals == expected

    # An input typed as a formula counts once a spreadsheet has stored its value.
    path = copy_files(province_files["capaian"], tmp_path / "formula", LOMBOK_TENGAH)[0]
    wb = load_workbook(path)
    wb["Kecamatan"]["C10"] = "=0+1"
    wb.save(path)
    with pytest.raises(Refusal, match="sel Kecamatan!C10 berisi rumus yang belum dihitung"):
        rollup.combine([path])
    resaved = convert(tmp_path, [path], tmp_path / "formula-resaved", "xlsx")
    assert rollup.combine(resaved).totals["l"] == 4
