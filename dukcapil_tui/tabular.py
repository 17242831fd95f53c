"""Reading CSV and XLSX files as rows of named cells, with the file's line numbers.

Used by every import. Headers are normalised (upper case, spaces and dots to underscores) and
mapped through aliases, so that ``Nama Lengkap``, ``NAMA_LGKP`` and ``NAMA`` all arrive as
``NAMA``.

Whatever the file holds, reading it never raises anything but ``TabularError``, whose message
is ready for the user (in Indonesian by default) and never shows Python's ``None`` or an
exception's class name:

- the encoding is found from the byte-order mark (UTF-8, UTF-16 as Excel's "Unicode text"
  writes it) or tried (UTF-8, then Windows-1252 for Latin-1 files); the delimiter is the one of
  ``,`` ``;`` tab ``|`` the header line uses most;
- an Excel workbook named ``.csv``, an old ``.xls``, a damaged or truncated ``.xlsx``, binary
  garbage and a header that names a column twice are refused whole, with what to do;
- a row with too few or too many cells, or with a cell longer than ``MAX_CELL``, is yielded
  with its ``problem`` set (the importer rejects that row and goes on);
- control characters (NUL and the like) are removed from every cell, so they never reach the
  database; tabs and line breaks inside a cell become spaces.

CSV files are read as a stream, row by row (a large listing is never held in memory).
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from dukcapil_tui.domain.problems import Refusal, shown
from dukcapil_tui.files import os_reason
from dukcapil_tui.i18n import t

__all__ = ["MAX_CELL", "Row", "Table", "TabularError", "clean_cell", "describe_columns", "normalise_header",
           "open_table", "shown"]

SUPPORTED = (".csv", ".xlsx", ".xlsm")
MAX_CELL = 1000  # characters: far above any real field (an address is 200); more is a broken file
FIELD_LIMIT = 16 * 1024 * 1024  # what the csv module accepts in one field before giving up on the file
_HEAD = 64 * 1024  # bytes read to recognise the file's kind, encoding and delimiter
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[\t\r\n]+")

csv.field_size_limit(FIELD_LIMIT)


class TabularError(Refusal):
    """The file cannot be read as a table at all (not: one bad row). The message is for the user."""


def normalise_header(name: object) -> str:
    text = clean_cell(name) if isinstance(name, str) else str(name if name is not None else "")
    text = text.strip().upper()
    return re.sub(r"[\s.\-/]+", "_", text).strip("_")


def clean_cell(value: object) -> object:
    """A cell as the database may take it: text without control characters (tabs and line
    breaks become spaces); numbers, dates and empty cells as they are."""
    if not isinstance(value, str):
        return value
    if value.isprintable():  # no control character, tab or line break: nothing to clean
        return value
    if _SPACES.search(value):
        value = _SPACES.sub(" ", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value


def describe_columns(columns: list[str], limit: int = 15) -> str:
    """The header's columns for a message: a few, each short (a garbled header stays readable)."""
    names = [shown(c, 30) for c in columns if c][:limit]
    more = len([c for c in columns if c]) - len(names)
    return ", ".join(names) + (f" (+{more})" if more > 0 else "") if names else t("tabular.empty_value")


class Row(dict):
    """One data row: ``{column: value}`` for every column of the header (missing cells are
    ``""``), with ``problem`` set when the row cannot be trusted as a whole."""

    line: int = 0
    problem: str | None = None
    problem_column: str = ""


@dataclass
class Table:
    path: Path
    columns: list[str]  # canonical names, in file order
    rows: Iterator[tuple[int, Row]]  # (line number, row)
    total: int | None  # data rows, when cheap to know (an estimate for CSV: its line count)


def _canonical(headers: list[object], aliases: Mapping[str, str]) -> list[str]:
    names = []
    for header in headers:
        key = normalise_header(header)
        names.append(aliases.get(key, key))
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            continue
        if name in seen:
            raise TabularError(t("tabular.duplicate_header", name=name, first=seen[name], second=position))
        seen[name] = position
    return names


def _row(columns: list[str], cells: list[object], line: int) -> Row:
    if len(cells) == len(columns) and all(columns):
        # The common row: one cell per named column (checked cell by cell below otherwise).
        row = Row(zip(columns, map(clean_cell, cells), strict=True))
        row.line = line
        if any(isinstance(v, str) and len(v) > MAX_CELL for v in row.values()):
            return _row_slowly(columns, cells, line)
        return row
    return _row_slowly(columns, cells, line)


def _text_row(columns: list[str], cells: list[str], line: int, named: bool) -> Row:
    """A CSV row (every cell text). Most rows need no cleaning and no cell is too long: a row
    that says so as a whole is taken as it is; any other goes through ``_row``. (Cleaning only
    ever shortens a cell, so a row whose raw cells all fit, fits.)"""
    if named and len(cells) == len(columns) and max(map(len, cells)) <= MAX_CELL and "".join(cells).isprintable():
        row = Row(zip(columns, cells, strict=True))
        row.line = line
        return row
    return _row(columns, cells, line)


def _row_slowly(columns: list[str], cells: list[object], line: int) -> Row:
    row = Row()
    row.line = line
    width = len(columns)
    for position, name in enumerate(columns):
        value = clean_cell(cells[position]) if position < len(cells) else ""
        if name:
            row[name] = value
        if isinstance(value, str) and len(value) > MAX_CELL and row.problem is None:
            row.problem = t("tabular.cell_too_long", column=name or str(position + 1), length=len(value),
                            max=MAX_CELL)
            row.problem_column = name
    extra = [c for c in cells[width:] if c not in (None, "") and str(c).strip()]
    if row.problem is None and extra:
        row.problem = t("tabular.too_many_cells", found=width + len(extra), expected=width)
    if row.problem is None and len(cells) < width:
        missing = [name for name in columns[len(cells):] if name]
        if missing:
            row.problem = t("tabular.too_few_cells", found=len(cells), expected=width, columns=", ".join(missing))
            row.problem_column = missing[0]
    return row


# --- CSV ---------------------------------------------------------------------------------------

def _encoding(head: bytes) -> str:
    """The file's encoding from its first bytes; refuses what is no text at all."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text": the BOM tells the byte order
    nuls = head.count(0)
    if nuls:
        # UTF-16 without a mark: every other byte of Latin text is NUL.
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
            return "utf-16-be"
        if nuls > max(4, len(head) // 200):
            raise TabularError(t("tabular.binary"))
        # A few stray NULs in a text file: read it; clean_cell removes them from the cells.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"  # Windows' Latin-1: what Excel writes as "CSV" on an Indonesian PC


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n")
    return controls > max(8, len(text) // 50)


def _read_csv(path: Path, aliases: Mapping[str, str], head: bytes) -> Table:
    if head.startswith(_ZIP):
        raise TabularError(t("tabular.xlsx_named_csv"))
    if head.startswith(_OLE2):
        raise TabularError(t("tabular.old_xls"))
    encoding = _encoding(head)
    errors = "replace" if encoding == "cp1252" else "strict"  # cp1252 leaves five bytes undefined
    try:
        handle = path.open(encoding=encoding, errors=errors, newline="")
    except OSError as exc:
        raise TabularError(t("tabular.unreadable", reason=os_reason(exc))) from None
    if _looks_binary(head.decode(encoding.replace("-sig", ""), errors="replace")):
        handle.close()
        raise TabularError(t("tabular.binary"))
    try:
        first = handle.readline(_HEAD)
    except UnicodeDecodeError:
        handle.close()
        raise TabularError(t("tabular.decode", line=1, encoding=encoding)) from None
    if not first.strip():
        handle.close()
        raise TabularError(t("tabular.empty_file"))
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    handle.seek(0)
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        headers = next(reader)
        columns = _canonical(headers, aliases)
    except (csv.Error, UnicodeDecodeError):
        handle.close()
        raise TabularError(t("tabular.bad_header")) from None
    except TabularError:
        handle.close()
        raise
    total = max(0, _count_lines(path) - 1)
    named = all(columns)

    def rows() -> Iterator[tuple[int, Row]]:
        line = reader.line_num
        try:
            for cells in reader:
                start, line = line + 1, reader.line_num  # a quoted cell may span lines: name the first
                if not any(c.strip() for c in cells):
                    continue
                yield start, _text_row(columns, cells, start, named)
        except csv.Error:
            raise TabularError(t("tabular.bad_line", line=line + 1)) from None
        except UnicodeDecodeError:
            raise TabularError(t("tabular.decode", line=line + 1, encoding=encoding)) from None
        finally:
            handle.close()

    return Table(path, columns, rows(), total)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


# --- XLSX --------------------------------------------------------------------------------------

def _read_xlsx(path: Path, aliases: Mapping[str, str], head: bytes) -> Table:
    from zipfile import BadZipFile

    if head.startswith(_OLE2):
        raise TabularError(t("tabular.old_xls"))
    if not head.startswith(_ZIP):
        raise TabularError(t("tabular.not_xlsx"))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError, AttributeError, EOFError):
        raise TabularError(t("tabular.xlsx_damaged")) from None
    except Exception:  # noqa: BLE001 - openpyxl and lxml raise many kinds for a broken file
        raise TabularError(t("tabular.xlsx_damaged")) from None
    iterator = sheet.iter_rows(values_only=True)
    header_line = 0
    headers: list[object] = []
    try:
        for header_line, cells in enumerate(iterator, start=1):  # noqa: B007 - read after a failure below
            if any(c not in (None, "") for c in cells):
                headers = list(cells)
                break
    except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways mid-read
        workbook.close()
        raise TabularError(t("tabular.xlsx_damaged_at", line=header_line + 1)) from None
    if not headers:
        workbook.close()
        raise TabularError(t("tabular.empty_sheet"))
    try:
        columns = _canonical(headers, aliases)
    except TabularError:
        workbook.close()
        raise
    total = max(0, (sheet.max_row or header_line) - header_line)

    def rows() -> Iterator[tuple[int, Row]]:
        line = header_line
        try:
            for line, cells in enumerate(iterator, start=header_line + 1):
                if all(c in (None, "") for c in cells):
                    continue
                yield line, _row(columns, list(cells), line)
        except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways mid-read
            raise TabularError(t("tabular.xlsx_damaged_at", line=line + 1)) from None
        finally:
            workbook.close()

    return Table(path, columns, rows(), total)


def open_table(path: Path | str, aliases: Mapping[str, str] | None = None) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise TabularError(t("tabular.unsupported", suffix=suffix or "-"))
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except FileNotFoundError:
        raise TabularError(t("tabular.not_found")) from None
    except IsADirectoryError:
        raise TabularError(t("tabular.is_folder")) from None
    except OSError as exc:
        raise TabularError(t("tabular.unreadable", reason=os_reason(exc))) from None
    if not head.strip():
        raise TabularError(t("tabular.empty_file"))
    aliases = aliases or {}
    return _read_csv(path, aliases, head) if suffix == ".csv" else _read_xlsx(path, aliases, head)
