"""Daftar tunggu KTP-el: who waits for a card, since when, with a Suket or not.

A named list (NIK, name, address): only ``admin`` may export it, and every export is written
to the audit log (who, when, how many rows, the file; never the NIKs), as the belum-rekam list.

Waiting: a card recorded and not yet handed over, in the state it had at the end of the day
asked for: waiting for PRR (at the centre or not yet sent), ready to print, or printed and not
collected. Oldest first. With the Suket the resident held at that moment (its number and the
day it ends), so the office can call the holders first when blanks arrive.

Sheet "Ringkasan": per kecamatan, how many wait, with and without a Suket, the longest wait.
Sheet "Daftar tunggu": the residents, streamed row by row (write-only workbook).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from dukcapil_tui.domain.formatting import to_local
from dukcapil_tui.reports import common
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import regions, settings

TITLE = "Daftar penduduk menunggu KTP-el"
WAITING = ("waiting_prr", "ready_to_print", "printed")
STATUS_LABELS = {"waiting_prr": "Menunggu PRR", "ready_to_print": "Siap cetak", "printed": "Dicetak, belum diambil"}
PROGRESS_EVERY = 2000


def _sql(day: date, select: str | None = None, tail: str = "ORDER BY cs.recorded_at, cs.card_id",
         holder: bool = True, states: str | None = None) -> tuple[str, dict]:
    """(nik, name, sex, desa, address, rt, rw, recorded_at, office status, suket number, suket end)
    of every card waiting at the end of ``day``, oldest first; or ``select`` and ``tail`` over
    the same rows (the counts: without ``holder``, the register is not joined, as the card
    carries its holder's desa; ``states``: one of ``common.card_state_parts`` instead of all)."""
    whole, params = common.card_states_sql(day)
    states = states or whole
    _, end = common.utc_bounds(day, day)
    params = dict(params, suket_end=end)
    marks = ", ".join(f"'{s}'" for s in WAITING)
    sql = (
        "SELECT " + (select or "r.nik, r.name, r.sex, r.desa_code, r.address, r.rt, r.rw, cs.recorded_at, "
                               "cs.office_status, s.number, s.valid_until ")
        + f" FROM ({states}) cs " + ("JOIN resident r ON r.id = cs.resident_id " if holder else "")
        + "LEFT JOIN (SELECT resident_id, MAX(id) AS id FROM suket WHERE issued_at < :suket_end "
        "           AND (closed_at IS NULL OR closed_at >= :suket_end) GROUP BY resident_id) held "
        "       ON held.resident_id = cs.resident_id "
        "LEFT JOIN suket s ON s.id = held.id "
        f"WHERE cs.office_status IN ({marks}) {tail}"
    )
    return sql, params


def _local_day(value) -> date:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return to_local(moment, settings.office_timezone()).date()


@dataclass
class WaitingCounts:
    period: Period
    per_kecamatan: dict[str, list] = field(default_factory=dict)  # code -> [waiting, with suket, oldest day]
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(row[0] for row in self.per_kecamatan.values())

    @property
    def with_suket(self) -> int:
        return sum(row[1] for row in self.per_kecamatan.values())


def counts(period: Period) -> WaitingCounts:
    """How many residents the list will hold, per kecamatan (the holder's now, as the list
    shows it) and per card state (one GROUP BY over the cards alone; the oldest recording per
    kecamatan is its earliest ``recorded_at``, the list's first row)."""
    queries = [_sql(period.end, "substr(cs.holder_desa_code, 1, 8), cs.office_status, COUNT(*), "
                                "COUNT(s.number), MIN(cs.recorded_at)", "GROUP BY 1, 2", holder=False, states=part)
               for part in common.card_state_parts(period.end)[0]]
    data = WaitingCounts(period)
    oldest: dict[str, str] = {}
    for kecamatan, status, waiting, with_suket, first in (row for sql, params in queries
                                                           for row in common.query(sql, params)):
        row = data.per_kecamatan.setdefault(kecamatan, [0, 0, None])
        row[0] += waiting
        row[1] += with_suket
        oldest[kecamatan] = min(oldest.get(kecamatan, str(first)), str(first))
        data.by_status[status] = data.by_status.get(status, 0) + waiting
    for kecamatan, first in oldest.items():
        data.per_kecamatan[kecamatan][2] = _local_day(first)
    return data


def preview(data: WaitingCounts) -> list[Figure]:
    return [
        Figure("Penduduk menunggu KTP-el", data.total),
        Figure("Dengan Suket", data.with_suket),
        Figure("Tanpa Suket", data.total - data.with_suket),
        Figure("Menunggu PRR", data.by_status.get("waiting_prr", 0)),
        Figure("Siap cetak", data.by_status.get("ready_to_print", 0)),
        Figure("Dicetak, belum diambil", data.by_status.get("printed", 0)),
    ]


def rows(period: Period) -> Iterator[tuple]:
    sql, params = _sql(period.end)
    yield from common.database_cursor(sql, params)


def write(period: Period, path, letterhead: common.Letterhead,
          progress: Callable[[int, int], None] | None = None, expected: int | None = None) -> int:
    """Stream the list into ``path``; returns the number of residents written."""
    from dukcapil_tui.reports.layout import streamed

    return streamed(lambda wb: _write(wb, period, path, letterhead, progress, expected))


def _write(wb, period: Period, path, letterhead: common.Letterhead, progress, expected: int | None) -> int:
    from dukcapil_tui.reports.layout import (CENTER, DATE, INT, TEXT, Column, Formula, Heading, Table, formatted,
                                             sheet_title, text_cell)

    index = regions.index()
    day = period.end
    label = period.label("as_of")
    taken: set[str] = set()
    notes = ("Menunggu: sudah rekam, KTP-el belum diserahkan. Pemegang Suket didahulukan saat blangko tersedia. "
             "DATA PRIBADI: hanya untuk pelayanan; jangan disebarluaskan.",)
    summary = Table(wb.create_sheet(sheet_title("Ringkasan", taken)), [
        Column("no", "No", 5, align=CENTER),
        Column("kode", "Kode Kec.", 11, TEXT, align=CENTER),
        Column("kecamatan", "Kecamatan", 24),
        Column("menunggu", "Menunggu", 11, INT, "sum"),
        Column("suket", "Dengan Suket", 11, INT, "sum"),
        Column("tanpa", "Tanpa Suket", 11, INT, "formula", formula="={menunggu}-{suket}"),
        Column("terlama", "Terlama (hari)", 11, INT, "max"),
    ], Heading(f"{TITLE}: jumlah per kecamatan", label, notes), letterhead, freeze_columns=3, label_key="kecamatan")
    ws = wb.create_sheet(sheet_title("Daftar tunggu", taken))
    listing = Table(ws, [
        Column("no", "No", 7),
        Column("nik", "NIK", 19, TEXT),
        Column("nama", "Nama", 30),
        Column("jk", "L/P", 5),
        Column("desa", "Desa/Kelurahan", 20),
        Column("kecamatan", "Kecamatan", 18),
        Column("alamat", "Alamat", 28),
        Column("rekam", "Tanggal Rekam", 12, DATE),
        Column("hari", "Lama Menunggu (hari)", 10, INT),
        Column("status", "Status Kartu", 20),
        Column("suket", "No. Suket", 24, TEXT),
        Column("berlaku", "Suket Berlaku s.d.", 12, DATE),
    ], Heading(TITLE, label, notes), letterhead, freeze_columns=3, styled_rows=False, label_key="nik")
    as_text, as_date = formatted(ws, TEXT), formatted(ws, DATE)
    per_kecamatan: dict[str, list] = {}
    written = 0
    for nik, name, sex, desa, address, rt, rw, recorded, status, number, until in rows(period):
        written += 1
        since = _local_day(recorded)
        until_cell = None
        if until is not None:
            until_cell = as_date(until if isinstance(until, date) else date.fromisoformat(str(until)))
        if name[:1] == "=" or not name.isprintable():
            name = text_cell(ws, name)
        where = " ".join(part for part in (address, f"RT {rt}/RW {rw}" if rt or rw else "") if part)
        if where and (where[0] == "=" or not where.isprintable()):
            where = text_cell(ws, where)
        listing.append([written, as_text(nik), name, sex, index.name(desa), index.name(desa[:8]), where, as_date(since),
                        (day - since).days, STATUS_LABELS.get(status, status), number or "-", until_cell])
        listing.last_data_row = listing.next_row - 1
        row = per_kecamatan.setdefault(desa[:8], [0, 0, 0])
        row[0] += 1
        row[1] += number is not None
        row[2] = max(row[2], (day - since).days)
        if progress and written % PROGRESS_EVERY == 0:
            progress(written, expected or written)
    listing.total(values={"nama": Formula(f"=COUNTA(B{listing.first_row}:B{listing.last_data_row})")}
                  if listing.last_data_row else None)
    for number, (code, (waiting, held, oldest)) in enumerate(sorted(per_kecamatan.items()), start=1):
        summary.add({"no": number, "kode": code, "kecamatan": index.name(code), "menunggu": waiting, "suket": held,
                     "terlama": oldest})
    summary.total()
    summary.signature()
    wb.save(path)
    if progress:
        progress(written, expected or written)
    return written
