"""Backlog cetak: the cards not yet handed over, by status and age, at the end of a day.

Sheet "Status dan umur": office status (menunggu PRR, siap cetak, sudah dicetak but not
collected, perlu rekam ulang) against age since recording (0–7, 8–30, 31–90, > 90 days, the
buckets of ``domain.cards.AGE_BUCKETS``), with row and column totals. Sheet "Per kecamatan":
the same cards by the resident's kecamatan and status, with those older than 30 days and the
oldest. Counts only; no names. For a past day the statuses are those of the card events up to
that day's end (``reports.common.card_states_sql``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dukcapil_tui.domain.cards import AGE_BUCKETS, OPEN_STATUSES
from dukcapil_tui.reports import common
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import regions

TITLE = "Backlog cetak KTP-el"
STATUSES = OPEN_STATUSES
STATUS_LABELS = {
    "waiting_prr": "Menunggu PRR",
    "ready_to_print": "Siap cetak (PRR)",
    "printed": "Sudah dicetak, belum diserahkan",
    "needs_rerecording": "Perlu rekam ulang",
}
BUCKETS = tuple(label for _, _, label in AGE_BUCKETS)


def _bucket_sql(age: str) -> str:
    parts = []
    for low, high, label in AGE_BUCKETS:
        if high is not None:
            parts.append(f"WHEN {age} <= {high} THEN '{label}'")
        else:
            parts.append(f"ELSE '{label}'")
    return "CASE " + " ".join(parts) + " END"


@dataclass
class BacklogData:
    period: Period
    by_status_age: dict[str, dict[str, int]]  # status -> bucket -> count
    by_kecamatan: list[tuple[str, str, dict[str, int], int, int]]  # code, name, status counts, >30 days, oldest

    @property
    def total(self) -> int:
        return sum(sum(b.values()) for b in self.by_status_age.values())

    def status_total(self, status: str) -> int:
        return sum(self.by_status_age[status].values())


def collect(period: Period) -> BacklogData:
    day = period.end
    states, params = common.card_states_sql(day)
    params = {**params, "day": day.isoformat()}
    age = "CAST(julianday(:day) - julianday(date(s.recorded_at)) AS INTEGER)"
    marks = ", ".join(f"'{s}'" for s in STATUSES)
    by_status_age = {s: {b: 0 for b in BUCKETS} for s in STATUSES}
    for status, bucket, count in common.query(
        f"SELECT s.office_status, {_bucket_sql(age)} AS bucket, COUNT(*) FROM ({states}) s "
        f"WHERE s.office_status IN ({marks}) GROUP BY 1, 2", params,
    ):
        by_status_age[status][bucket] = count
    index = regions.index()
    kecamatan: dict[str, list] = {code: [code, name, {s: 0 for s in STATUSES}, 0, 0] for code, name in index.kecamatan}
    for code, status, count, old, oldest in common.query(
        f"SELECT r.kecamatan_code, s.office_status, COUNT(*), SUM({age} > 30), MAX({age}) FROM ({states}) s "
        f"JOIN resident r ON r.id = s.resident_id WHERE s.office_status IN ({marks}) GROUP BY 1, 2", params,
    ):
        row = kecamatan.setdefault(code, [code, index.name(code), {s: 0 for s in STATUSES}, 0, 0])
        row[2][status] = count
        row[3] += old
        row[4] = max(row[4], oldest or 0)
    return BacklogData(period, by_status_age, [tuple(r) for r in sorted(kecamatan.values())])


def preview(data: BacklogData) -> list[Figure]:
    return [Figure("Kartu belum diserahkan", data.total)] + [
        Figure(STATUS_LABELS[s], data.status_total(s)) for s in STATUSES
    ] + [Figure("Lebih dari 30 hari", sum(r[3] for r in data.by_kecamatan))]


def write(data: BacklogData, path, letterhead: common.Letterhead,
          progress: Callable[[int, int], None] | None = None) -> int:
    from openpyxl import Workbook

    from dukcapil_tui.reports.layout import CENTER, INT, Column, Heading, Table

    wb = Workbook()
    wb.remove(wb.active)
    label = data.period.label("as_of")
    bucket_keys = [f"b{i}" for i in range(len(BUCKETS))]
    columns = [Column("no", "No", 5, align=CENTER), Column("status", "Status Kartu", 34)]
    columns += [Column(key, f"{bucket} hari", 11, INT, "sum") for key, bucket in zip(bucket_keys, BUCKETS)]
    columns += [Column("jumlah", "Jumlah", 11, INT, "formula",
                       formula="=SUM({%s}:{%s})" % (bucket_keys[0], bucket_keys[-1]))]
    notes = ("Umur: hari sejak perekaman sampai tanggal laporan. Kartu yang sudah diserahkan tidak dihitung.",)
    table = Table(wb.create_sheet("Status dan umur"), columns, Heading(TITLE + " menurut status dan umur", label,
                                                                        notes), letterhead, freeze_columns=2,
                  label_key="status")
    for number, status in enumerate(STATUSES, start=1):
        values = {"no": number, "status": STATUS_LABELS[status]}
        values.update({key: data.by_status_age[status][bucket] for key, bucket in zip(bucket_keys, BUCKETS)})
        table.add(values)
    table.total()
    table.signature()
    if progress:
        progress(1, 2)

    columns = [Column("no", "No", 5, align=CENTER), Column("kecamatan", "Kecamatan", 24)]
    columns += [Column(status, STATUS_LABELS[status], 14, INT, "sum") for status in STATUSES]
    columns += [
        Column("jumlah", "Jumlah", 11, INT, "formula", formula="=SUM({%s}:{%s})" % (STATUSES[0], STATUSES[-1])),
        Column("lama", "Lebih dari 30 hari", 11, INT, "sum"),
        Column("tertua", "Tertua (hari)", 10, INT, "max"),
    ]
    table = Table(wb.create_sheet("Per kecamatan"), columns, Heading(TITLE + " per kecamatan", label, notes),
                  letterhead, freeze_columns=2, label_key="kecamatan")
    for number, (_code, name, counts, old, oldest) in enumerate(data.by_kecamatan, start=1):
        table.add({"no": number, "kecamatan": name, **counts, "lama": old, "tertua": oldest})
    table.total()
    table.signature()
    wb.save(path)
    if progress:
        progress(2, 2)
    return len(STATUSES) + len(data.by_kecamatan)
