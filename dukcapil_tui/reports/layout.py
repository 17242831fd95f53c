"""The layout every report shares, as an office sends it upward.

A sheet is a header block (PEMERINTAH KABUPATEN …, the agency, the title, the period and any
notes), one row of column headers, the data rows, a JUMLAH row of Excel formulas, and the
signature block (place and date, the head's title, name and NIP). Percent and derived columns
are formulas too, so a corrected number recalculates. Header rows are frozen and repeated on
every printed page; pages are landscape A4, fitted to the page width.

Rows are only ever appended, through cells made with ``WriteOnlyCell``, so the same code
writes a normal workbook (small recaps, charts) and a write-only streaming one (the named list
of 100,000 rows). Imported only by the writers: openpyxl loads only when exporting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from dukcapil_tui.reports.common import Letterhead

# Number formats. Excel and LibreOffice draw the separators of the computer's locale, so on an
# office PC set to Indonesian "#,##0" reads 1.234.567 and "0.00%" reads 91,66%.
INT = "#,##0"
PCT = "0.00%"
DEC = "#,##0.0"
DATE = "dd-mm-yyyy"
TEXT = "@"
PAPER_A4 = "9"  # Worksheet.PAPERSIZE_A4, which write-only sheets lack

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=12)
NOTE_FONT = Font(italic=True, size=9)
NAME_FONT = Font(bold=True, underline="single")
CENTER_ACROSS = Alignment(horizontal="centerContinuous", vertical="center")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
CENTER = Alignment(horizontal="center", vertical="center")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``formula``: a template such as ``"=IF({wajib}=0,\\"\\",{sudah}/{wajib})"`` in which each
    ``{key}`` becomes that column's cell in the same row. ``total``: what the JUMLAH row holds:
    ``sum``, ``count`` (non-empty cells), ``max``, ``first`` (the first data row's cell),
    ``formula`` (the column's own formula, applied to the JUMLAH row) or None (empty)."""

    key: str
    header: str
    width: float
    fmt: str | None = None
    total: str | None = None
    formula: str | None = None
    align: Alignment | None = None


@dataclass(frozen=True)
class Heading:
    title: str
    period: str
    notes: tuple[str, ...] = ()


def safe_text(value: str) -> str:
    """Text as a cell can hold it: no control characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


_FORMULA_START = re.compile(r"^\s*[=+\-@]")


class Formula(str):
    """A spreadsheet formula (``=SUM(B8:B20)``). Only values of this type are written as
    formulas: any other text, whatever it starts with, is stored as text, so a formula is never
    kept as a string (which a spreadsheet shows as #VALUE! in the cells that use it) and a
    resident's name starting with "=" never becomes a live formula."""

    def __new__(cls, text: str) -> Formula:
        if not text.startswith("="):
            raise ValueError(f"a formula starts with '=': {text!r}")
        return super().__new__(cls, text)


class Table:
    """A sheet holding one table in the office layout. Create it on an empty worksheet
    (normal or write-only), then ``add`` rows, ``total``, ``signature``."""

    def __init__(self, ws, columns: Sequence[Column], heading: Heading, letterhead: Letterhead, *,
                 freeze_columns: int = 0, styled_rows: bool = True, label_key: str | None = None,
                 autofilter: bool = False):
        self.ws = ws
        self.columns = list(columns)
        self.heading = heading
        self.letterhead = letterhead
        self.styled_rows = styled_rows
        self.keys = {c.key: get_column_letter(i) for i, c in enumerate(self.columns, start=1)}
        self.width = len(self.columns)
        self.label_key = label_key or self.columns[min(1, self.width - 1)].key
        self.header_row = 4 + len(heading.notes) + 2
        self.first_row = self.header_row + 1
        self.next_row = 1
        self.last_data_row: int | None = None
        self.total_row: int | None = None
        self._configure(freeze_columns, autofilter)
        self._write_heading()

    # --- sheet set-up (before the first row, as write-only sheets require) ---------------

    def _configure(self, freeze_columns: int, autofilter: bool) -> None:
        ws = self.ws
        for column in self.columns:
            ws.column_dimensions[self.keys[column.key]].width = column.width
        ws.row_dimensions[self.header_row].height = 45
        ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{self.first_row}"
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPER_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
        ws.oddFooter.center.text = "Halaman &P dari &N"
        ws.oddFooter.center.size = 8
        if autofilter:
            ws.auto_filter.ref = f"A{self.header_row}:{get_column_letter(self.width)}{self.header_row}"

    # --- cells ----------------------------------------------------------------------------

    def cell(self, value=None, *, fmt: str | None = None, font=None, align=None, border=None, fill=None,
             text: bool = False):
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value and not isinstance(value, Formula):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        if fmt:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
        if align is not None:
            cell.alignment = align
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        return cell

    def append(self, cells: Iterable) -> int:
        row = self.next_row
        self.ws.append(list(cells))
        self.next_row += 1
        return row

    def _across(self, text: str, font, align=CENTER_ACROSS) -> None:
        first = self.cell(text, font=font, align=align, text=True)
        rest = [self.cell(None, align=align) for _ in range(self.width - 1)] if align is CENTER_ACROSS else []
        self.append([first, *rest])

    def _write_heading(self) -> None:
        lh = self.letterhead
        self._across(lh.government, TITLE_FONT)
        self._across(lh.agency, TITLE_FONT)
        self._across(self.heading.title.upper(), TITLE_FONT)
        self._across(self.heading.period, BOLD)
        for note in self.heading.notes:
            self._across(note, NOTE_FONT, align=LEFT)
        self.append([])
        self.append([self.cell(c.header, font=BOLD, align=HEADER_ALIGN, border=BORDER, fill=HEADER_FILL, text=True)
                     for c in self.columns])
        assert self.next_row == self.first_row

    def formula(self, column: Column, row: int) -> Formula:
        return Formula(column.formula.format_map({k: f"{letter}{row}" for k, letter in self.keys.items()}))

    def ref(self, key: str, row: int) -> Formula:
        """A formula that takes the value of column ``key`` in ``row`` (``=K8``)."""
        return Formula(f"={self.keys[key]}{row}")

    def add(self, values: Mapping[str, object]) -> int:
        """One data row; formula columns are filled in, text is written as text."""
        row = self.next_row
        cells = []
        for column in self.columns:
            value = self.formula(column, row) if column.formula else values.get(column.key)
            is_text = isinstance(value, str) and not isinstance(value, Formula)
            if is_text:
                value = safe_text(value)
            if self.styled_rows:
                cells.append(self.cell(value, fmt=column.fmt, align=column.align, border=BORDER, text=is_text))
            elif column.fmt or (is_text and _FORMULA_START.match(value)):
                cells.append(self.cell(value, fmt=column.fmt, text=is_text))
            else:
                cells.append(value)
        self.append(cells)
        self.last_data_row = row
        return row

    def total(self, label: str = "JUMLAH", values: Mapping[str, object] | None = None) -> int:
        """The JUMLAH row: formulas over the data rows (0 when there are none)."""
        row = self.next_row
        values = values or {}
        first, last = self.first_row, self.last_data_row
        cells = []
        for column in self.columns:
            letter = self.keys[column.key]
            if column.key in values:
                value = values[column.key]
            elif column.key == self.label_key:
                value = label
            elif column.total in ("sum", "count", "max"):
                function = {"sum": "SUM", "count": "COUNTA", "max": "MAX"}[column.total]
                value = Formula(f"={function}({letter}{first}:{letter}{last})") if last else 0
            elif column.total == "first":
                value = Formula(f"={letter}{first}") if last else None
            elif column.total == "formula" and column.formula:
                value = self.formula(column, row)
            else:
                value = None
            cells.append(self.cell(value, fmt=column.fmt, font=BOLD, border=BORDER, fill=TOTAL_FILL,
                                   align=CENTER if column.key == self.label_key else column.align))
        self.append(cells)
        self.total_row = row
        return row

    def note(self, text: str) -> None:
        self.append([self.cell(text, font=NOTE_FONT, text=True)])

    def signature(self, gap: int = 1) -> int:
        """Place and date, the head's title, room to sign, name and NIP: on the right."""
        lh = self.letterhead
        for _ in range(gap):
            self.append([])
        start = max(1, self.width - 3)  # 1-based column where the block begins
        lead = [None] * (start - 1)
        first = self.next_row

        def line(text: str, font=None) -> None:
            self.append(lead + [self.cell(text, font=font, align=CENTER_ACROSS, text=True)]
                        + [self.cell(None, align=CENTER_ACROSS) for _ in range(self.width - start)])

        line(lh.place_and_date)
        for part in lh.head_title:
            line(part, BOLD)
        for _ in range(3):
            self.append([])
        line(lh.head_name or "(…………………………………)", NAME_FONT)
        line(f"NIP. {lh.head_nip}" if lh.head_nip else "NIP. …………………………")
        return first


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, no []:*?/\\), unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, number = base, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f" ({number})"
        title = base[:31 - len(suffix)] + suffix
        number += 1
    taken.add(title)
    return title


def streamed(fill) -> int:
    """A write-only workbook for a streamed list: ``fill(wb)`` writes and saves it and returns
    the rows written; a failure part-way discards the workbook (its spool files) and goes on."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    try:
        return fill(wb)
    except BaseException:
        discard(wb)
        raise


class _FormattedCell(Cell):
    """A write-only cell with a number format (``formatted``). openpyxl's write-only ``append``
    tries every value as a plain value first and takes a cell from the ValueError that follows,
    whose message carries the value's repr: a constant one keeps that cheap."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<formatted cell>"


def formatted(ws, number_format: str) -> Callable[[object], Cell]:
    """A maker of write-only cells on ``ws`` shown with ``number_format`` (a NIK as text, a
    date), for the streamed lists: the format is registered once and each cell copies its
    style, instead of every cell setting it. A date, or text of digits only (a NIK: nothing
    to escape, never a formula), is bound as what it is without openpyxl's checks of the value
    (its type guessed, the text searched for illegal characters): with both, a 100,000-row list
    about 0.4 s faster (tests/test_reports.py reads the cells back)."""
    template = WriteOnlyCell(ws)
    template.number_format = number_format
    style = template._style

    def make(value) -> Cell:
        kind = "d" if type(value) is date else "s" if type(value) is str and value.isdigit() else None
        if kind is None:
            return _FormattedCell(ws, value=value, style_array=style)
        cell = _FormattedCell(ws, style_array=style)
        cell._value, cell.data_type = value, kind
        return cell

    return make


def text_cell(ws, value: str):
    """Text that must stay text (never a formula) and hold no control characters."""
    cell = WriteOnlyCell(ws, value=safe_text(value))
    cell.data_type = "s"
    return cell


def discard(wb) -> None:
    """Abandon a write-only workbook after a failure: stop each sheet's row stream and remove
    its temporary file now, rather than leave both to the garbage collector."""
    for ws in getattr(wb, "_sheets", ()):
        rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
        steps = [rows.close] if rows is not None else []
        steps += [writer.close, writer.cleanup] if writer is not None else []
        for step in steps:
            try:
                step()
            except Exception:  # noqa: BLE001 - best effort: the export has failed already
                pass
        if rows is not None:
            ws._rows = None
