"""Laporan alat tidak berfungsi for a month: per recording site, its registered devices at the
period's end, how many were out of service then (broken or in repair), the device-days out of
service in the month, and the share out of service (a formula: the ministry's "% rusak").
Sheet "Daftar alat rusak" lists the devices out of service at the period's end with the day
they went out and, sent for repair, where to.

The numbers come from the device register's dated events (``services.devices``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dukcapil_tui.reports import common
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period

TITLE = "Laporan alat perekaman dan pencetakan tidak berfungsi"
KIND_LABELS = {"recording_set": "Perangkat rekam", "camera": "Kamera", "fingerprint": "Pemindai sidik jari",
               "iris": "Pemindai iris", "signature_pad": "Alat tanda tangan", "pc": "PC",
               "card_printer": "Printer kartu"}
STATUS_LABELS = {"broken": "rusak", "in_repair": "dalam perbaikan", "in_service": "berfungsi"}


@dataclass
class AlatData:
    period: Period
    sites: list  # services.devices.SiteDevices
    out: list  # services.devices.DeviceRow out of service now (the running month) or at the end

    @property
    def devices(self) -> int:
        return sum(s.devices for s in self.sites)

    @property
    def out_at_end(self) -> int:
        return sum(s.out_at_end for s in self.sites)


def collect(period: Period) -> AlatData:
    from dukcapil_tui.services import devices

    rows = devices.monthly(period.start, period.end)
    return AlatData(period, rows, devices.list_out_at(period.end))


def preview(data: AlatData) -> list[Figure]:
    return [
        Figure("Alat terdaftar", data.devices),
        Figure("Tidak berfungsi (akhir periode)", data.out_at_end),
        Figure("% tidak berfungsi", data.out_at_end / data.devices if data.devices else None, "pct"),
        Figure("Hari-alat tidak berfungsi", sum(s.days_out for s in data.sites)),
    ]


def write(data: AlatData, path, letterhead: common.Letterhead,
          progress: Callable[[int, int], None] | None = None) -> int:
    from openpyxl import Workbook

    from dukcapil_tui.domain.formatting import format_date
    from dukcapil_tui.reports.layout import CENTER, INT, PCT, Column, Heading, Table
    from dukcapil_tui.services import regions

    index = regions.index()
    wb = Workbook()
    wb.remove(wb.active)
    label = data.period.label()
    per_site = Table(wb.create_sheet("Per lokasi"), [
        Column("no", "No", 5, align=CENTER),
        Column("kode", "Kode Lokasi", 18),
        Column("lokasi", "Lokasi", 34),
        Column("kecamatan", "Kecamatan", 16),
        Column("alat", "Alat Terdaftar", 11, INT, "sum"),
        Column("rusak", "Tidak Berfungsi", 11, INT, "sum"),
        Column("pct", "% Tidak Berfungsi", 11, PCT, "formula", formula='=IF({alat}=0,"",{rusak}/{alat})'),
        Column("hari", "Hari-Alat Tidak Berfungsi", 13, INT, "sum"),
    ], Heading(f"{TITLE} per lokasi", label, (
        "Alat: perangkat rekam dan bagiannya (kamera, pemindai sidik jari, pemindai iris, alat tanda tangan, PC) "
        "serta printer kartu, menurut daftar alat. Tidak berfungsi: rusak atau dalam perbaikan pada akhir periode.",
        "Hari-alat: jumlah hari tiap alat tidak berfungsi dalam periode (hari ia rusak dihitung; hari ia kembali "
        "berfungsi tidak).",)), letterhead, freeze_columns=3, label_key="lokasi")
    for number, site in enumerate(data.sites, start=1):
        per_site.add({"no": number, "kode": site.code, "lokasi": site.name,
                      "kecamatan": index.name(site.kecamatan_code) if site.kecamatan_code else "-",
                      "alat": site.devices, "rusak": site.out_at_end, "hari": site.days_out})
    per_site.total()
    per_site.signature()
    if progress:
        progress(1, 2)
    listed = Table(wb.create_sheet("Daftar alat rusak"), [
        Column("no", "No", 5, align=CENTER),
        Column("nomor", "No. Alat", 8, align=CENTER),
        Column("jenis", "Jenis", 20),
        Column("seri", "Nomor Seri", 20),
        Column("lokasi", "Lokasi", 18),
        Column("status", "Status", 16),
        Column("sejak", "Sejak", 12),
        Column("hari", "Lama s.d. Akhir Periode (hari)", 12, INT),
        Column("tempat", "Tempat Perbaikan / Dokumen", 36),
    ], Heading(f"{TITLE}: daftar alat", label, (
        "Lama: hari sejak alat tidak berfungsi (tanggal Sejak) sampai akhir periode, termasuk hari sebelum "
        "periode ini; tidak dijumlahkan. Hari-alat dalam periode: lembar Per lokasi.",)),
        letterhead, freeze_columns=3, label_key="jenis")
    for number, row in enumerate(data.out, start=1):
        listed.add({"no": number, "nomor": row.id, "jenis": KIND_LABELS[row.kind], "seri": row.serial or "-",
                    "lokasi": row.site_code, "status": STATUS_LABELS[row.status], "sejak": format_date(row.since),
                    "hari": (data.period.end - row.since).days + 1 if row.since else None,
                    "tempat": f"{row.place} {row.document}".strip()})
    listed.total()
    listed.signature()
    wb.save(path)
    if progress:
        progress(2, 2)
    return len(data.sites) + len(data.out)
