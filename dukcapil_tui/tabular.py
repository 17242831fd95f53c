"""Reading CSV and XLSX files as rows of named cells, with the file's line numbers.

Used by every import (residents now; bookings and SIAK status listings later). Headers are
normalised (upper case, spaces and dots to underscores) and mapped through aliases, so that
``Nama Lengkap``, ``NAMA_LGKP`` and ``NAMA`` all arrive as ``NAMA``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".csv", ".xlsx", ".xlsm")


class TabularError(Exception):
    """The file cannot be read as a table at all (not: one bad row)."""


def normalise_header(name: object) -> str:
    text = str(name or "").strip().upper()
    return re.sub(r"[\s.\-/]+", "_", text).strip("_")


@dataclass
class Table:
    path: Path
    columns: list[str]  # canonical names, in file order
    rows: Iterator[tuple[int, dict[str, object]]]  # (line number, {canonical: value})
    total: int | None  # data rows, when cheap to know


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _canonical(headers: list[object], aliases: Mapping[str, str]) -> list[str]:
    names = []
    for header in headers:
        key = normalise_header(header)
        names.append(aliases.get(key, key))
    return names


def _read_csv(path: Path, aliases: Mapping[str, str]) -> Table:
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise TabularError(str(exc)) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t", "|"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise TabularError("empty file") from None
    except csv.Error as exc:
        raise TabularError(f"line {reader.line_num}: {exc}") from None
    columns = _canonical(headers, aliases)
    total = max(0, sum(1 for line in text.splitlines()[1:] if line.strip()))

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        try:
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                yield line, dict(zip(columns, cells))
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            raise TabularError(f"line {reader.line_num}: {exc}") from None

    return Table(path, columns, rows(), total)


def _read_xlsx(path: Path, aliases: Mapping[str, str]) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise TabularError(f"{type(exc).__name__}: {exc}") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header_line = 0
    headers: list[object] = []
    for header_line, cells in enumerate(iterator, start=1):
        if any(c not in (None, "") for c in cells):
            headers = list(cells)
            break
    if not headers:
        workbook.close()
        raise TabularError("empty sheet")
    columns = _canonical(headers, aliases)
    total = max(0, (sheet.max_row or header_line) - header_line)

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        line = header_line
        try:
            for line, cells in enumerate(iterator, start=header_line + 1):
                if all(c in (None, "") for c in cells):
                    continue
                yield line, dict(zip(columns, cells))
        except Exception as exc:  # noqa: BLE001 - a damaged sheet fails in many ways mid-read
            raise TabularError(f"line {line + 1}: {type(exc).__name__}: {exc}") from None
        finally:
            workbook.close()

    return Table(path, columns, rows(), total)


def open_table(path: Path | str, aliases: Mapping[str, str] | None = None) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise TabularError(f"unsupported file type {suffix or '(none)'}")
    if not path.exists():
        raise TabularError("file not found")
    aliases = aliases or {}
    return _read_csv(path, aliases) if suffix == ".csv" else _read_xlsx(path, aliases)
