"""Backlog cetak: the cards not yet handed over, by status and age, at the end of a day.

Sheet "Status dan umur": office status (menunggu PRR, siap cetak, sudah dicetak but not
collected, perlu rekam ulang) against age since recording (0–7, 8–30, 31–90, > 90 days, the
buckets of ``domain.cards.AGE_BUCKETS``), with row and column totals. Sheet "Per kecamatan":
the same cards by the card's kecamatan (where its holder lived when recorded, as the backlog
screen groups them; no look-up of 1,000,000 residents) and status, with those older than 30
days and the oldest. Sheets "Belum terkirim per lokasi" and "Belum terkirim per kecamatan": the recordings
not yet sent to the centre (BIO CAPTURED) by how long they have waited (0–2, 3–7, 8–30, > 30
days, ``domain.cards.UNSENT_BUCKETS``), with the records waiting at the centre (sent, in
processing, adjudication, a duplicate being resolved) in a column apart. Counts only; no names.
For a past day the statuses are those of the card events up to that day's end
(``reports.common.card_states_sql``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dukcapil_tui.domain.cards import AGE_BUCKETS, AT_CENTRE, OPEN_STATUSES, UNSENT, UNSENT_BUCKETS
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
UNSENT_LABELS = tuple(label for _, _, label in UNSENT_BUCKETS)


def _bucket_sql(day: date, buckets=AGE_BUCKETS) -> str:
    """The age bucket of ``s.recorded_at`` on ``day`` (whole days from its date to ``day``) as
    comparisons of the stored text with dates: "at most N days" is "recorded on or after the
    date N days before", no date arithmetic per card."""
    parts = []
    for _low, high, label in buckets:
        if high is not None:
            parts.append(f"WHEN s.recorded_at >= '{(day - timedelta(days=high)).isoformat()}' THEN '{label}'")
        else:
            parts.append(f"ELSE '{label}'")
    return "CASE " + " ".join(parts) + " END"


@dataclass
class BacklogData:
    period: Period
    by_status_age: dict[str, dict[str, int]]  # status -> bucket -> count
    by_kecamatan: list[tuple[str, str, dict[str, int], int, int]]  # code, name, status counts, >30 days, oldest
    # code, name, kecamatan name, unsent per UNSENT bucket, at the centre
    unsent_by_site: list[tuple[str, str, str, dict[str, int], int]] = None
    unsent_by_kecamatan: list[tuple[str, str, str, dict[str, int], int]] = None

    @property
    def unsent(self) -> int:
        return sum(sum(r[3].values()) for r in self.unsent_by_site or ())

    @property
    def at_centre(self) -> int:
        return sum(r[4] for r in self.unsent_by_site or ())

    @property
    def total(self) -> int:
        return sum(sum(b.values()) for b in self.by_status_age.values())

    def status_total(self, status: str) -> int:
        return sum(self.by_status_age[status].values())


def collect(period: Period) -> BacklogData:
    """One pass over the cards' states that day, grouped finely enough for every sheet (status,
    kecamatan, site, central status, both agings); the sheets are summed from those groups."""
    from dukcapil_tui.models import RecordingSite

    day = period.end
    parts, params = common.card_state_parts(day)
    params = {**params, "over_30": (day - timedelta(days=30)).isoformat()}
    marks = ", ".join(f"'{s}'" for s in STATUSES)
    index = regions.index()
    by_status_age = {s: {b: 0 for b in BUCKETS} for s in STATUSES}
    kecamatan: dict[str, list] = {code: [code, name, {s: 0 for s in STATUSES}, 0, 0] for code, name in index.kecamatan}
    sites = {s.code: [s.code, s.name, index.name(s.kecamatan_code) if s.kecamatan_code else "-",
                      {b: 0 for b in UNSENT_LABELS}, 0] for s in RecordingSite.select().order_by(RecordingSite.code)}
    unsent_kec = {code: [code, name, name, {b: 0 for b in UNSENT_LABELS}, 0] for code, name in index.kecamatan}
    for status, code, site, central, bucket, unsent_bucket, old, count, first in (row for states in parts for row in
        common.query(
            f"SELECT s.office_status, s.kecamatan_code, s.site_code, s.central_status, {_bucket_sql(day)}, "
            f"{_bucket_sql(day, UNSENT_BUCKETS)}, s.recorded_at < :over_30, COUNT(*), MIN(s.recorded_at) "
            f"FROM ({states}) s WHERE s.office_status IN ({marks}) GROUP BY 1, 2, 3, 4, 5, 6, 7", params)):
        by_status_age[status][bucket] += count
        row = kecamatan.setdefault(code, [code, index.name(code), {s: 0 for s in STATUSES}, 0, 0])
        row[2][status] += count
        row[3] += count if old else 0
        row[4] = max(row[4], (day - date.fromisoformat(str(first)[:10])).days)
        if central in UNSENT or central in AT_CENTRE:
            site_row = sites.setdefault(site or "", [site or "-", "(lokasi tidak disebut daftar SIAK)", "-",
                                                     {b: 0 for b in UNSENT_LABELS}, 0])
            kec_row = unsent_kec.setdefault(code, [code, index.name(code), index.name(code),
                                                   {b: 0 for b in UNSENT_LABELS}, 0])
            for unsent_row in (site_row, kec_row):
                if central in UNSENT:
                    unsent_row[3][unsent_bucket] += count
                else:
                    unsent_row[4] += count
    return BacklogData(period, by_status_age, [tuple(r) for r in sorted(kecamatan.values())],
                       [tuple(r) for r in sites.values()], [tuple(r) for r in sorted(unsent_kec.values())])


def preview(data: BacklogData) -> list[Figure]:
    return [Figure("Kartu belum diserahkan", data.total)] + [
        Figure(STATUS_LABELS[s], data.status_total(s)) for s in STATUSES
    ] + [Figure("Lebih dari 30 hari", sum(r[3] for r in data.by_kecamatan)),
         Figure("Belum terkirim ke pusat", data.unsent), Figure("Menunggu di pusat", data.at_centre)]


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
                       formula=f"=SUM({{{bucket_keys[0]}}}:{{{bucket_keys[-1]}}})")]
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
        Column("jumlah", "Jumlah", 11, INT, "formula", formula=f"=SUM({{{STATUSES[0]}}}:{{{STATUSES[-1]}}})"),
        Column("lama", "Lebih dari 30 hari", 11, INT, "sum"),
        Column("tertua", "Tertua (hari)", 10, INT, "max"),
    ]
    where = ("Kecamatan: tempat tinggal pemegang saat kartu direkam, seperti layar Cetak. Rekap capaian menghitung "
             "kartu menurut desa pemegang sekarang: untuk penduduk yang pindah sesudah direkam, angka per kecamatan "
             "kedua laporan berbeda.",)
    table = Table(wb.create_sheet("Per kecamatan"), columns, Heading(TITLE + " per kecamatan", label, notes + where),
                  letterhead, freeze_columns=2, label_key="kecamatan")
    for number, (_code, name, counts, old, oldest) in enumerate(data.by_kecamatan, start=1):
        table.add({"no": number, "kecamatan": name, **counts, "lama": old, "tertua": oldest})
    table.total()
    table.signature()
    _unsent_sheets(wb, data, letterhead, label)
    wb.save(path)
    if progress:
        progress(2, 2)
    return len(STATUSES) + len(data.by_kecamatan)


def _unsent_sheets(wb, data: BacklogData, letterhead: common.Letterhead, label: str) -> None:
    from dukcapil_tui.reports.layout import CENTER, INT, Column, Heading, Table

    keys = [f"u{i}" for i in range(len(UNSENT_LABELS))]
    notes = ("Belum terkirim: sudah direkam (BIO CAPTURED), belum dikirim ke pusat; umur dalam hari sejak perekaman. "
             "Di pusat: terkirim dan menunggu (SENT FOR ENROLLMENT, PROCESSING, RECEIVED AT CENTRAL, REQUEST "
             "VALIDATION, ADJUDICATE RECORD, DUPLICATE RECORD), dihitung terpisah.",)
    for title, rows, first in (("Belum terkirim per lokasi", data.unsent_by_site, "Lokasi Perekaman"),
                               ("Belum terkirim per kecamatan", data.unsent_by_kecamatan, "Kecamatan")):
        columns = [Column("no", "No", 5, align=CENTER), Column("nama", first, 30)]
        if first != "Kecamatan":
            columns.append(Column("kecamatan", "Kecamatan", 18))
        columns += [Column(key, f"{bucket} hari", 10, INT, "sum")
                    for key, bucket in zip(keys, UNSENT_LABELS, strict=True)]
        columns += [Column("jumlah", "Belum Terkirim", 11, INT, "formula",
                           formula="=SUM({" + keys[0] + "}:{" + keys[-1] + "})"),
                    Column("pusat", "Di Pusat", 11, INT, "sum")]
        table = Table(wb.create_sheet(title), columns, Heading(f"Rekaman KTP-el belum terkirim ke pusat — {title[15:]}",
                                                               label, notes), letterhead, freeze_columns=2,
                      label_key="nama")
        for number, (code, name, kecamatan, buckets, centre) in enumerate(rows or (), start=1):
            values = {"no": number, "nama": f"{code} {name}" if first != "Kecamatan" else name,
                      "kecamatan": kecamatan, "pusat": centre}
            values.update({key: buckets[bucket] for key, bucket in zip(keys, UNSENT_LABELS, strict=True)})
            table.add(values)
        table.total()
        table.signature()
