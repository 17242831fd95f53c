"""Reading back the recaps this app exports, for the province's roll-up (``reports.rollup``).

Two kinds are read: the capaian recap (``dukcapil export capaian``: sheet "Kecamatan") and the
monthly blangko report (``dukcapil export blangko``: sheet "Mutasi harian", and "Pemusnahan"
for the spoiled blanks and withdrawn old cards destroyed). A file is recognised by its layout
(``reports.layout``): the letterhead names the kabupaten/kota (``PEMERINTAH KABUPATEN LOMBOK
TENGAH``), the third line is the title, the fourth the period, then notes, one row of column
headers (those the writers use: ``capaian.measure_columns``, ``blangko.stock_columns``), the data
rows and the JUMLAH row.

The numbers are the recap's own: the derived cells and the JUMLAH row are formulas, which
openpyxl does not compute and which carry a value only once a spreadsheet saved the file. So
the inputs are read from the data rows and everything else is computed from them; where a
derived or total cell shows a value (a number typed over a formula, or the value a
spreadsheet stored), it must equal the computed one, or the file is refused (someone edited
a total by hand, and the recap says two things). An input that is itself a formula counts
with the value the spreadsheet stored; without one it is refused (open and save the file in
the spreadsheet first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dukcapil_tui import wilayah
from dukcapil_tui.i18n import t
from dukcapil_tui.reports import blangko, capaian
from dukcapil_tui.reports.common import AGENCY
from dukcapil_tui.reports.periods import MONTHS, Period, last_day_of_month
from dukcapil_tui.wilayah import RegionRow

KINDS = ("capaian", "blangko")
CAPAIAN_SHEET = "Kecamatan"
# Sheet Pemusnahan's origins (``blangko.ORIGINS``) -> the numbers they are counted in.
DESTROYED = {"blangko": "destroyed", "ditarik": "withdrawn"}
_MONTH_NAMES = "|".join(m.upper() for m in MONTHS)
_DAY = rf"(\d{{1,2}}) ({_MONTH_NAMES}) (\d{{4}})"
_AS_OF = re.compile(rf"^KEADAAN S\.D\. {_DAY}$")
_MONTH = re.compile(rf"^BULAN ({_MONTH_NAMES}) (\d{{4}})(?: \(S\.D\. {_DAY}\))?$")


class Unusable(Exception):
    """Why a file cannot be rolled up (the message names no file: the caller adds it)."""


@dataclass
class Recap:
    path: Path
    kind: str  # capaian | blangko
    regency: RegionRow
    period: Period
    numbers: dict[str, int]  # capaian: the INPUTS summed; blangko: opening, each kind, destroyed, withdrawn
    target: float | None = None  # capaian: the office's target (a fraction)
    source: str = ""  # capaian: "register" or "impor" (where wajib KTP came from)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def read(path: Path | str) -> Recap:
    """The recap in ``path``; raises Unusable with the reason (in the user's language)."""
    path = Path(path)
    formulas, values = _open(path)
    try:
        names = formulas.sheetnames
        if CAPAIAN_SHEET in names:
            return _capaian(path, _Sheet(formulas[CAPAIAN_SHEET], values[CAPAIAN_SHEET]))
        if blangko.DAILY_SHEET in names:
            if blangko.DESTROYED_SHEET not in names:
                raise Unusable(t("rollup.sheet_missing", sheet=blangko.DESTROYED_SHEET))
            return _blangko(path, _Sheet(formulas[blangko.DAILY_SHEET], values[blangko.DAILY_SHEET]),
                            _Sheet(formulas[blangko.DESTROYED_SHEET], values[blangko.DESTROYED_SHEET]))
        raise Unusable(t("rollup.not_a_recap"))
    finally:
        formulas.close()
        values.close()


def _open(path: Path):
    from openpyxl import load_workbook

    from dukcapil_tui.files import os_reason

    try:
        with path.open("rb"):
            pass
        formulas = load_workbook(path, read_only=True, data_only=False)
        try:
            return formulas, load_workbook(path, read_only=True, data_only=True)
        except BaseException:
            formulas.close()
            raise
    except OSError as exc:
        raise Unusable(t("rollup.unreadable", reason=os_reason(exc))) from None
    except Exception:  # noqa: BLE001 - whatever a damaged or foreign file makes openpyxl raise
        raise Unusable(t("rollup.not_xlsx")) from None


class _Sheet:
    """A worksheet as read: each cell's value or formula, and the value a spreadsheet stored."""

    def __init__(self, formulas_ws, values_ws):
        self.title = formulas_ws.title
        self.cells = [[(c.value, getattr(c, "data_type", None) == "f") for c in row] for row in formulas_ws.iter_rows()]
        self.stored = [list(row) for row in values_ws.iter_rows(values_only=True)]

    @staticmethod
    def _at(rows: list, row: int, col: int):
        return rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else None

    def raw(self, row: int, col: int) -> tuple[object, bool]:
        return self._at(self.cells, row, col) or (None, False)

    def text(self, row: int, col: int = 1) -> str:
        value, formula = self.raw(row, col)
        return "" if value is None or formula else " ".join(str(value).split())

    def texts(self, row: int) -> list[str]:
        width = len(self.cells[row - 1]) if row <= len(self.cells) else 0
        return [self.text(row, col) for col in range(1, width + 1)]

    def shown(self, row: int, col: int):
        """What a spreadsheet shows in the cell, when that is known without computing."""
        value, formula = self.raw(row, col)
        return self._at(self.stored, row, col) if formula else value

    def ref(self, row: int, col: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.title}!{get_column_letter(col)}{row}"

    def number(self, row: int, col: int) -> int:
        """An input number (empty counts 0, as in a spreadsheet's sum)."""
        value, formula = self.raw(row, col)
        if formula:
            value = self._at(self.stored, row, col)
            if value is None:
                raise Unusable(t("rollup.formula_without_value", cell=self.ref(row, col)))
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise Unusable(t("rollup.not_a_number", cell=self.ref(row, col), value=str(value)[:40]))
        return int(value)

    def check(self, row: int, col: int, expected: float) -> None:
        """A derived or total cell, when it shows a value, shows the computed one."""
        shown = self.shown(row, col)
        if shown is None or shown == "":
            return
        if isinstance(shown, bool) or not isinstance(shown, int | float) or abs(shown - expected) > 1e-6:
            raise Unusable(t("rollup.cell_differs", cell=self.ref(row, col), shown=str(shown)[:40],
                             expected=_plain(expected)))


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:.4f}"


# --- the common frame ---------------------------------------------------------------------------

def _regency(sheet: _Sheet) -> RegionRow:
    government = sheet.text(1)
    if not government.startswith("PEMERINTAH ") or sheet.text(2) != AGENCY:
        raise Unusable(t("rollup.no_letterhead"))
    row = wilayah.regency_named(government.removeprefix("PEMERINTAH "))
    if row is None:
        raise Unusable(t("rollup.unknown_regency", text=government))
    return row


def _day(day: str, month: str, year: str) -> date:
    try:
        return date(int(year), MONTHS.index(month.title()) + 1, int(day))
    except ValueError:
        raise Unusable(t("rollup.bad_period", text=f"{day} {month} {year}")) from None


def _table(sheet: _Sheet, first_header: str, headers: list[str], label_col: int, what: str) -> tuple[int, int]:
    """(header row, JUMLAH row) of the sheet's table, its headers checked."""
    header = next((r for r in range(5, min(len(sheet.cells), 30) + 1) if sheet.text(r) == first_header), None)
    if header is None or sheet.texts(header)[:len(headers)] != headers:
        raise Unusable(t("rollup.columns_differ", sheet=sheet.title, what=what))
    total = next((r for r in range(header + 1, len(sheet.cells) + 1) if sheet.text(r, label_col) == "JUMLAH"), None)
    if total is None:
        raise Unusable(t("rollup.no_total", sheet=sheet.title))
    return header, total


def _headers(columns) -> list[str]:
    return [" ".join(c.header.split()) for c in columns]


# --- capaian ------------------------------------------------------------------------------------

def _capaian(path: Path, sheet: _Sheet) -> Recap:
    from dukcapil_tui.reports import layout

    regency = _regency(sheet)
    if sheet.text(3) != f"{capaian.TITLE} per kecamatan".upper():
        raise Unusable(t("rollup.not_a_recap"))
    match = _AS_OF.match(sheet.text(4))
    if not match:
        raise Unusable(t("rollup.bad_period", text=sheet.text(4)))
    period = Period.for_date(_day(*match.groups()))
    columns = capaian.columns(layout, per_desa=False)
    col = {c.key: i for i, c in enumerate(columns, start=1)}
    header, total = _table(sheet, "No", _headers(columns), col["nama"], t("rollup.kind.capaian"))
    sums = dict.fromkeys(capaian.INPUTS, 0)
    for row in range(header + 1, total):
        values = {key: sheet.number(row, col[key]) for key in capaian.INPUTS}
        sheet.check(row, col["wajib"], values["l"] + values["p"])
        sheet.check(row, col["belum"], values["l"] + values["p"] - values["sudah"])
        for key in capaian.INPUTS:
            sums[key] += values[key]
    for key in capaian.INPUTS:
        sheet.check(total, col[key], sums[key])
    sheet.check(total, col["wajib"], sums["l"] + sums["p"])
    sheet.check(total, col["belum"], sums["l"] + sums["p"] - sums["sudah"])
    target = sheet.shown(total, col["target"])
    if not isinstance(target, int | float) and total > header + 1:
        target = sheet.shown(header + 1, col["target"])
    notes = [sheet.text(r) for r in range(5, header)]
    source = next(("impor" if "diimpor" in n else "register" for n in notes if n.startswith("Sumber wajib KTP")), "")
    return Recap(path, "capaian", regency, period, sums,
                 float(target) if isinstance(target, int | float) and not isinstance(target, bool) else None,
                 source, notes)


# --- blangko ------------------------------------------------------------------------------------

def _blangko(path: Path, sheet: _Sheet, destroyed_sheet: _Sheet) -> Recap:
    from dukcapil_tui.reports import layout

    regency = _regency(sheet)
    if sheet.text(3) != blangko.TITLE.upper():
        raise Unusable(t("rollup.not_a_recap"))
    match = _MONTH.match(sheet.text(4))
    if not match:
        raise Unusable(t("rollup.bad_period", text=sheet.text(4)))
    first = _day("1", match.group(1), match.group(2))
    end = _day(*match.groups()[2:]) if match.group(3) else last_day_of_month(first)
    if (end.year, end.month) != (first.year, first.month):
        raise Unusable(t("rollup.bad_period", text=sheet.text(4)))
    period = Period("month", first, end)
    columns = [layout.Column("tanggal", "Tanggal", 12), *blangko.stock_columns(layout)]
    col = {c.key: i for i, c in enumerate(columns, start=1)}
    header, total = _table(sheet, "Tanggal", _headers(columns), col["tanggal"], t("rollup.kind.blangko"))
    days = [sheet.shown(r, col["tanggal"]) for r in range(header + 1, total)]
    if [d.date() if isinstance(d, datetime) else d for d in days] != period.days():
        raise Unusable(t("rollup.days_differ", sheet=sheet.title))
    opening = sheet.number(header + 1, col["awal"]) if total > header + 1 else 0
    sums = dict.fromkeys(blangko.KINDS, 0)
    stock = opening
    for row in range(header + 1, total):
        if row > header + 1:
            sheet.check(row, col["awal"], stock)
        moved = {kind: sheet.number(row, col[kind]) for kind in blangko.KINDS}
        stock += sum(q if kind in blangko.IN_KINDS + blangko.SIGNED_KINDS else -q for kind, q in moved.items())
        sheet.check(row, col["akhir"], stock)
        for kind, quantity in moved.items():
            sums[kind] += quantity
    sheet.check(total, col["awal"], opening)
    for kind in blangko.KINDS:
        sheet.check(total, col[kind], sums[kind])
    sheet.check(total, col["akhir"], stock)
    numbers = {"awal": opening, **sums, **_destroyed(destroyed_sheet)}
    return Recap(path, "blangko", regency, period, numbers, notes=[sheet.text(r) for r in range(5, header)])


def _destroyed(sheet: _Sheet) -> dict[str, int]:
    """What was destroyed in the month, by origin: the rows of sheet Pemusnahan, each a spoiled
    blank or a withdrawn old card by its Asal (JUMLAH counts them all)."""
    header, total = _table(sheet, "No", ["No", "Tanggal Rusak/Ditarik", "NIK (disamarkan)", "Asal"], 2,
                           t("rollup.kind.destroyed"))
    origins = {label: origin for origin, label in blangko.ORIGINS.items()}
    counts = dict.fromkeys(DESTROYED.values(), 0)
    for row in range(header + 1, total):
        label = sheet.text(row, 4)
        if not label and sheet.raw(row, 3)[0] in (None, ""):
            continue  # an empty row
        if label not in origins:
            raise Unusable(t("rollup.unknown_origin", cell=sheet.ref(row, 4), value=label[:40],
                             known=" / ".join(blangko.ORIGINS.values())))
        counts[DESTROYED[origins[label]]] += 1
    sheet.check(total, 3, sum(counts.values()))
    return counts
