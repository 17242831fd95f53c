"""Daftar belum rekam: wajib KTP residents not recorded, per desa, for planning mobile recording.

A named list (NIK, name, birth date, address): only ``admin`` may export it, and every export
is written to the audit log (who, when, how many rows, the file; never the NIKs).

Sheet "Ringkasan": the count per desa (L, P, jumlah) with a JUMLAH row. Then one sheet per
kecamatan listing its residents by desa and name. The list streams: rows go from an SQLite
cursor straight into openpyxl's write-only workbook (inline strings, no shared-string table),
so memory stays flat whatever the length (DESIGN §4, §6).

"Not recorded on day D" is the register's BELUM REKAM, plus residents whose first recording
in this app (a card for a new e-KTP) came after D, as in the capaian recap, so the list's
count per desa equals the recap's "belum rekam" when the recap counts from the register.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dukcapil_tui.domain.residents import age_on
from dukcapil_tui.db import sum_true
from dukcapil_tui.reports import common
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import regions

TITLE = "Daftar penduduk wajib KTP-el belum rekam"
MARITAL = {"belum_kawin": "Belum kawin", "kawin": "Kawin", "cerai_hidup": "Cerai hidup", "cerai_mati": "Cerai mati"}
PROGRESS_EVERY = 2000


def _where(day) -> tuple[str, dict]:
    params = common.wajib_params(day)
    condition = f"{common.wajib_condition('r')} AND (r.recording_status = 'belum'"
    if not common.is_current(day):
        _, params["end"] = common.utc_bounds(day, day)
        condition += f" OR (r.recording_status = 'sudah' AND r.id IN ({common.first_recorded_since_sql()}))"
    return condition + ")", params


@dataclass
class BelumRekamCounts:
    period: Period
    per_desa: dict[str, tuple[int, int]]  # desa code -> (L, P)

    @property
    def total(self) -> int:
        return sum(male + female for male, female in self.per_desa.values())


def counts(period: Period) -> BelumRekamCounts:
    """How many residents the list will hold, per desa (one GROUP BY)."""
    condition, params = _where(period.end)
    per_sex = ", ".join(sum_true(c) for c in ("r.sex = 'L'", "r.sex = 'P'"))
    per_desa = {code: (male, female) for code, male, female in common.query(
        f"SELECT r.desa_code, {per_sex} FROM resident r WHERE {condition} "
        "GROUP BY r.desa_code", params)}
    return BelumRekamCounts(period, per_desa)


def preview(data: BelumRekamCounts) -> list[Figure]:
    male = sum(m for m, _ in data.per_desa.values())
    female = sum(f for _, f in data.per_desa.values())
    return [
        Figure("Penduduk wajib KTP belum rekam", data.total),
        Figure("Laki-laki", male),
        Figure("Perempuan", female),
        Figure("Desa/kelurahan dengan penduduk belum rekam", sum(1 for m, f in data.per_desa.values() if m + f)),
    ]


def rows(period: Period) -> Iterator[tuple]:
    """(nik, name, sex, birth_date, marital, address, rt, rw, desa_code) by desa and name."""
    condition, params = _where(period.end)
    cursor = common.database_cursor(
        "SELECT r.nik, r.name, r.sex, r.birth_date, r.marital_status, r.address, r.rt, r.rw, r.desa_code "
        f"FROM resident r NOT INDEXED WHERE {condition} ORDER BY r.desa_code, r.name, r.id", params)
    yield from cursor


def write(period: Period, path, letterhead: common.Letterhead,
          progress: Callable[[int, int], None] | None = None, expected: int | None = None) -> int:
    """Stream the list into ``path``; returns the number of residents written."""
    from dukcapil_tui.reports.layout import streamed

    return streamed(lambda wb: _write(wb, period, path, letterhead, progress, expected))


def _write(wb, period: Period, path, letterhead: common.Letterhead, progress, expected: int | None) -> int:
    from datetime import date

    from dukcapil_tui.reports.layout import (CENTER, DATE, INT, TEXT, Column, Formula, Heading, Table, formatted,
                                             sheet_title, text_cell)

    index = regions.index()
    day = period.end
    label = period.label("as_of")
    taken: set[str] = set()
    notes = ("Wajib KTP: berumur 17 tahun ke atas atau pernah kawin. DATA PRIBADI: hanya untuk perencanaan "
             "perekaman; jangan disebarluaskan.",)
    summary = Table(wb.create_sheet(sheet_title("Ringkasan", taken)), [
        Column("no", "No", 5, align=CENTER),
        Column("kecamatan", "Kecamatan", 22),
        Column("kode", "Kode Desa/Kel.", 14, TEXT, align=CENTER),
        Column("desa", "Desa/Kelurahan", 24),
        Column("l", "L", 9, INT, "sum"),
        Column("p", "P", 9, INT, "sum"),
        Column("jumlah", "Jumlah", 10, INT, "formula", formula="={l}+{p}"),
    ], Heading(f"{TITLE}: jumlah per desa/kelurahan", label, notes), letterhead, freeze_columns=4,
        label_key="desa")
    list_columns = [
        Column("no", "No", 7),
        Column("nik", "NIK", 19, TEXT),
        Column("nama", "Nama", 30),
        Column("jk", "L/P", 5),
        Column("lahir", "Tanggal Lahir", 12, DATE),
        Column("umur", "Umur", 6, INT),
        Column("kawin", "Status Kawin", 12),
        Column("alamat", "Alamat", 30),
        Column("rtrw", "RT/RW", 9),
        Column("desa", "Desa/Kelurahan", 22),
    ]
    per_desa: dict[str, list[int]] = {}
    sheet: Table | None = None
    current_kecamatan = None
    number = written = 0

    def close(table: Table | None) -> None:
        if table is not None:
            # JUMLAH | number of residents on the sheet (a count of the NIK column)
            table.total(values={"nama": Formula(f"=COUNTA(B{table.first_row}:B{table.last_data_row})")})

    for nik, name, sex, birth, marital, address, rt, rw, desa_code in rows(period):
        kecamatan = desa_code[:8]
        if kecamatan != current_kecamatan:
            close(sheet)
            current_kecamatan = kecamatan
            ws = wb.create_sheet(sheet_title(index.name(kecamatan), taken))
            sheet = Table(ws, list_columns, Heading(f"{TITLE} — Kecamatan {index.name(kecamatan)}", label, notes),
                          letterhead, freeze_columns=3, styled_rows=False, label_key="nik")
            as_text, as_date = formatted(ws, TEXT), formatted(ws, DATE)
            number = 0
        number += 1
        birth_date = birth if isinstance(birth, date) else date.fromisoformat(str(birth)[:10])
        if name[:1] == "=" or not name.isprintable():
            name = text_cell(ws, name)
        if address and (address[0] == "=" or not address.isprintable()):
            address = text_cell(ws, address)
        sheet.append([number, as_text(nik), name, sex, as_date(birth_date), age_on(birth_date, day),
                      MARITAL.get(marital, marital), address, f"{rt}/{rw}" if rt or rw else "", index.name(desa_code)])
        sheet.last_data_row = sheet.next_row - 1
        counts_row = per_desa.setdefault(desa_code, [0, 0])
        counts_row[0 if sex == "L" else 1] += 1
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written, expected or written)
    close(sheet)

    row_number = 0
    for kecamatan_code, kecamatan_name in index.kecamatan:
        for code, name in index.desa_by_kecamatan.get(kecamatan_code, ()):
            male, female = per_desa.pop(code, (0, 0))
            row_number += 1
            summary.add({"no": row_number, "kecamatan": kecamatan_name, "kode": code, "desa": name,
                         "l": male, "p": female})
    for code, (male, female) in sorted(per_desa.items()):  # a desa missing from the region table
        row_number += 1
        summary.add({"no": row_number, "kecamatan": index.name(code[:8]), "kode": code, "desa": code,
                     "l": male, "p": female})
    summary.total()
    summary.signature()
    wb.save(path)
    if progress:
        progress(written, expected or written)
    return written
