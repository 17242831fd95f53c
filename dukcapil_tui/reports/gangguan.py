"""Laporan gangguan layanan for a month: per recording site, its outages by kind (those of the
whole office count at every site), the hours it could not work (each hour once however many
outages covered it), the days lost (hours / 24, a formula) and the days with some outage.
Sheet "Daftar gangguan" lists every outage that lasted into the month.

The numbers come from the outage log (``services.outages``); an outage still open counts up to
now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dukcapil_tui.reports import common
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period

TITLE = "Laporan gangguan layanan"
KIND_LABELS = {"network": "Jaringan putus", "central": "Server pusat diblokir", "power": "Listrik padam",
               "device": "Alat rusak"}


@dataclass
class GangguanData:
    period: Period
    sites: list  # services.outages.SiteOutages
    outages: list  # services.outages.OutageRow over the period (hours: within the period)

    @property
    def hours(self) -> float:
        return sum(s.hours for s in self.sites)


def collect(period: Period) -> GangguanData:
    from dukcapil_tui.services import outages

    return GangguanData(period, outages.monthly(period.start, period.end),
                        outages.period_rows(period.start, period.end))


def preview(data: GangguanData) -> list[Figure]:
    return [
        Figure("Gangguan tercatat", len(data.outages)),
        *(Figure(label, sum(1 for o in data.outages if o.kind == kind)) for kind, label in KIND_LABELS.items()),
        Figure("Hari hilang (semua lokasi)", round(data.hours / 24, 1), "decimal"),
        Figure("Lokasi terdampak", sum(1 for s in data.sites if s.hours > 0)),
    ]


def write(data: GangguanData, path, letterhead: common.Letterhead,
          progress: Callable[[int, int], None] | None = None) -> int:
    from openpyxl import Workbook

    from dukcapil_tui.reports.layout import CENTER, DEC, INT, Column, Heading, Table
    from dukcapil_tui.services import regions

    index = regions.index()
    wb = Workbook()
    wb.remove(wb.active)
    label = data.period.label()
    kinds = [Column(kind, label, 10, INT, "sum") for kind, label in KIND_LABELS.items()]
    per_site = Table(wb.create_sheet("Per lokasi"), [
        Column("no", "No", 5, align=CENTER),
        Column("kode", "Kode Lokasi", 18),
        Column("lokasi", "Lokasi Perekaman", 34),
        Column("kecamatan", "Kecamatan", 16),
        *kinds,
        Column("jumlah", "Jumlah Gangguan", 10, INT, "sum", formula="=" + "+".join(f"{{{k}}}" for k in KIND_LABELS)),
        Column("jam", "Jam Hilang", 10, DEC, "sum"),
        Column("hari", "Hari Hilang", 10, DEC, "formula", formula="={jam}/24"),
        Column("terdampak", "Hari Terdampak", 10, INT, "sum"),
    ], Heading(f"{TITLE} per lokasi perekaman", label, (
        "Gangguan seluruh kantor dihitung di setiap lokasi. Jam hilang: waktu lokasi tidak dapat bekerja, "
        "setiap jam sekali walau beberapa gangguan bersamaan; gangguan yang masih berlangsung dihitung sampai saat "
        "laporan dibuat.",
        "Hari hilang = jam hilang / 24. Hari terdampak: hari yang mengalami gangguan walau sebentar.",)),
        letterhead, freeze_columns=3, label_key="lokasi")
    for number, site in enumerate(data.sites, start=1):
        per_site.add({"no": number, "kode": site.code, "lokasi": site.name,
                      "kecamatan": index.name(site.kecamatan_code) if site.kecamatan_code else "-",
                      **site.counts, "jam": round(site.hours, 2), "terdampak": site.days_touched})
    per_site.total()
    per_site.signature()
    if progress:
        progress(1, 2)
    outage_list(wb.create_sheet("Daftar gangguan"), data.outages, "Jam dalam Periode",
                Heading(f"{TITLE}: daftar gangguan", label), letterhead)
    wb.save(path)
    if progress:
        progress(2, 2)
    return len(data.sites) + len(data.outages)


def outage_list(ws, rows: list, hours_header: str, heading, letterhead: common.Letterhead) -> None:
    """A sheet listing outages (``services.outages.OutageRow``) with the hours each took of the
    period (this report's Daftar gangguan, the daily report's Gangguan)."""
    from dukcapil_tui.domain.formatting import format_datetime
    from dukcapil_tui.reports.layout import CENTER, DEC, Column, Table
    from dukcapil_tui.services import settings

    zone = settings.office_timezone()
    table = Table(ws, [
        Column("no", "No", 5, align=CENTER),
        Column("jenis", "Jenis", 22),
        Column("lokasi", "Lokasi", 18),
        Column("mulai", "Mulai", 20),
        Column("selesai", "Selesai", 20),
        Column("jam", hours_header, 11, DEC, "sum"),
        Column("catatan", "Catatan", 44),
    ], heading, letterhead, freeze_columns=2, label_key="jenis")
    for number, row in enumerate(rows, start=1):
        table.add({"no": number, "jenis": KIND_LABELS[row.kind], "lokasi": row.site_code or "Seluruh kantor",
                   "mulai": format_datetime(row.started_at, zone),
                   "selesai": format_datetime(row.ended_at, zone) if row.ended_at else "masih berlangsung",
                   "jam": round(row.hours, 2), "catatan": row.note})
    table.total()
    table.signature()
