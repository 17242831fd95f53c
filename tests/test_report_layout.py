"""``reports.layout.formatted``: the cells the streamed lists write with a number format, read
back from the saved workbook, whichever way the maker binds them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from dukcapil_tui.reports.layout import DATE, TEXT, formatted


def test_formatted_cells_keep_their_value_type_and_format(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Daftar")
    as_text, as_date = formatted(ws, TEXT), formatted(ws, DATE)
    ws.append([as_text("5202044101900001"), as_date(date(1990, 1, 1)), as_text("470/12/2026"),
               as_text("0012"), as_date(datetime(2026, 11, 30, 8, 15))])
    path = tmp_path / "daftar.xlsx"
    wb.save(path)
    cells = load_workbook(path)["Daftar"][1]
    # digits: text, never a number (leading zeros kept), shown as text
    assert [(c.value, c.data_type, c.number_format) for c in (cells[0], cells[3])] == [
        ("5202044101900001", "s", "@"), ("0012", "s", "@")]
    # other text takes openpyxl's own path, and stays text
    assert (cells[2].value, cells[2].data_type, cells[2].number_format) == ("470/12/2026", "s", "@")
    # a date is a date shown day first; a moment keeps its time
    assert (cells[1].value, cells[1].number_format) == (datetime(1990, 1, 1), "dd-mm-yyyy")
    assert cells[4].value == datetime(2026, 11, 30, 8, 15)


def test_text_that_is_not_digits_is_still_checked(tmp_path):
    ws = Workbook(write_only=True).create_sheet("Daftar")
    with pytest.raises(IllegalCharacterError):
        formatted(ws, TEXT)("NAMA\x07")
