"""Laporan harian layanan for one day.

Sheet "Layanan": per service, tickets, served (recorded or served), failed or referred (a failed
recording, a resident sent elsewhere: not served), no-show, transferred, the rest (closed or still
open), % served, and the median and 90th percentile of waiting and service time in minutes
(``services.queue_stats.day_summary``, from the ticket events). The JUMLAH row sums the counts;
its times are those of all the day's tickets together (a median cannot be summed).
Sheet "Ringkasan": recordings (new recordings that day, at every site), reprints and data
changes asked for (no recording), cards printed and failed, cards handed over, Suket issued,
and the blanks left at the end of the day. Sheet "Perekaman per lokasi": each recording site's
recordings that day and in its month up to that day (the Dinas's counters, the kecamatan UPTs
and mobile units as their SIAK listings bring them). Sheet "Gangguan": the outages that lasted
into the day (``services.outages``) with the hours of the day each took.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dukcapil_tui.domain.queue import percentile
from dukcapil_tui.reports import common
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period

TITLE = "Laporan harian layanan"


@dataclass
class ServiceRow:
    name: str
    prefix: str
    tickets: int = 0
    served: int = 0
    failed: int = 0
    no_show: int = 0
    transferred: int = 0
    waiting: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)


@dataclass
class HarianData:
    period: Period
    services: list[ServiceRow]
    recorded: int
    failed_recordings: int
    printed: int
    print_failed: int
    handed_over: int
    suket: int
    blanks_left: int
    reprints: int = 0
    sites: list = field(default_factory=list)  # services.sites.SiteActivity, per site
    outages: list = field(default_factory=list)  # services.outages.OutageRow

    @property
    def outage_hours(self) -> float:
        return sum(o.hours for o in self.outages)

    @property
    def tickets(self) -> int:
        return sum(s.tickets for s in self.services)

    @property
    def served(self) -> int:
        return sum(s.served for s in self.services)

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.services)

    @property
    def no_show(self) -> int:
        return sum(s.no_show for s in self.services)

    def all_waiting(self) -> list[float]:
        return [m for s in self.services for m in s.waiting]

    def all_service(self) -> list[float]:
        return [m for s in self.services for m in s.service]


def collect(period: Period) -> HarianData:
    from dukcapil_tui.services import catalog, queue_stats

    day = period.end
    rows: dict[str, ServiceRow] = {s.code: ServiceRow(s.name, s.prefix) for s in catalog.services()}
    for summary in queue_stats.day_summary(day):
        row = rows.setdefault(summary.service_code, ServiceRow(summary.service_name, summary.prefix))
        row.tickets, row.served, row.failed, row.no_show = summary.tickets, summary.served, summary.failed, \
            summary.no_show
        row.transferred = summary.transferred
        row.waiting, row.service = list(summary.waiting_minutes), list(summary.service_minutes)
    start, end = common.utc_bounds(day, day)
    span = {"start": start, "end": end}

    def count(sql: str, params: dict) -> int:
        return common.query(sql, params)[0][0] or 0

    from dukcapil_tui.services import outages, sites

    return HarianData(
        outages=outages.day_rows(day),
        period=period,
        services=list(rows.values()),
        recorded=count("SELECT COUNT(*) FROM card WHERE recorded_at >= :start AND recorded_at < :end "
                       "AND reason = 'baru'", span),
        reprints=count("SELECT COUNT(*) FROM card WHERE recorded_at >= :start AND recorded_at < :end "
                       "AND reason != 'baru'", span),
        sites=sites.activity(day),
        failed_recordings=count(
            # These outcomes exist only where biometrics are recorded (also a service that recorded
            # then and no longer does: cetak ulang before migration 10).
            "SELECT COUNT(*) FROM ticket t WHERE t.day = :day "
            "AND t.status = 'done' AND t.outcome IN ('failed_device', 'failed_biometric')",
            {"day": day.isoformat()}),
        printed=-count("SELECT SUM(quantity) FROM blangko_movement WHERE day = :day AND kind = 'print_ok'",
                       {"day": day.isoformat()}),
        print_failed=-count("SELECT SUM(quantity) FROM blangko_movement WHERE day = :day AND kind = 'print_failed'",
                            {"day": day.isoformat()}),
        handed_over=count("SELECT COUNT(*) FROM handover WHERE at >= :start AND at < :end", span),
        suket=count("SELECT COUNT(*) FROM suket WHERE issued_at >= :start AND issued_at < :end", span),
        blanks_left=count("SELECT SUM(quantity) FROM blangko_movement WHERE day <= :day", {"day": day.isoformat()}),
    )


def preview(data: HarianData) -> list[Figure]:
    waiting = data.all_waiting()
    return [
        Figure("Tiket", data.tickets),
        Figure("Dilayani", data.served),
        Figure("Gagal/dirujuk", data.failed),
        Figure("Tidak hadir", data.no_show),
        Figure("Median waktu tunggu", percentile(waiting, 0.5), "minutes"),
        Figure("Persentil 90 waktu tunggu", percentile(waiting, 0.9), "minutes"),
        Figure("Perekaman", data.recorded),
        Figure("Perekaman gagal", data.failed_recordings),
        Figure("Cetak ulang/perubahan data", data.reprints),
        Figure("Kartu dicetak", data.printed),
        Figure("Kartu diserahkan", data.handed_over),
        Figure("Suket diterbitkan", data.suket),
        Figure("Sisa blangko", data.blanks_left),
        Figure("Gangguan", len(data.outages)),
        Figure("Jam gangguan", round(data.outage_hours, 1), "decimal"),
    ]


def _minutes(values: list[float], fraction: float) -> float | None:
    found = percentile(values, fraction)
    return round(found, 1) if found is not None else None


def write(data: HarianData, path, letterhead: common.Letterhead,
          progress: Callable[[int, int], None] | None = None) -> int:
    from openpyxl import Workbook

    from dukcapil_tui.domain.formatting import format_decimal
    from dukcapil_tui.reports import gangguan
    from dukcapil_tui.reports.layout import CENTER, DEC, INT, PCT, Column, Heading, Table

    wb = Workbook()
    wb.remove(wb.active)
    label = data.period.label()
    columns = [
        Column("no", "No", 5, align=CENTER),
        Column("layanan", "Layanan", 32),
        Column("kode", "Kode", 6, align=CENTER),
        Column("tiket", "Tiket", 9, INT, "sum"),
        Column("dilayani", "Dilayani", 9, INT, "sum"),
        Column("gagal", "Gagal/ Dirujuk", 9, INT, "sum"),
        Column("tidak_hadir", "Tidak Hadir", 9, INT, "sum"),
        Column("dialihkan", "Dialihkan", 9, INT, "sum"),
        Column("lainnya", "Lainnya (ditutup/ belum selesai)", 12, INT, "formula",
               formula="={tiket}-{dilayani}-{gagal}-{tidak_hadir}-{dialihkan}"),
        Column("pct", "% Dilayani", 9, PCT, "formula", formula='=IF({tiket}=0,"",{dilayani}/{tiket})'),
        Column("tunggu_med", "Waktu Tunggu Median (menit)", 11, DEC),
        Column("tunggu_p90", "Waktu Tunggu P90 (menit)", 11, DEC),
        Column("layanan_med", "Waktu Layanan Median (menit)", 11, DEC),
        Column("layanan_p90", "Waktu Layanan P90 (menit)", 11, DEC),
    ]
    notes = ("Dilayani: selesai dengan hasil direkam atau dilayani. Gagal/dirujuk: perekaman gagal (alat rusak, "
             "biometrik gagal) atau dirujuk ke tempat lain; tidak dihitung dilayani.",
             "Waktu tunggu: dari ambil/cek-in tiket sampai dipanggil; waktu layanan: dari mulai dilayani sampai "
             "selesai. P90: 9 dari 10 pengunjung tidak lebih lama dari ini.",)
    table = Table(wb.create_sheet("Layanan"), columns, Heading(TITLE, label, notes), letterhead, freeze_columns=2,
                  label_key="layanan")
    for number, row in enumerate(data.services, start=1):
        table.add(
            {
                "no": number,
                "layanan": row.name,
                "kode": row.prefix,
                "tiket": row.tickets,
                "dilayani": row.served,
                "gagal": row.failed,
                "tidak_hadir": row.no_show,
                "dialihkan": row.transferred,
                "tunggu_med": _minutes(row.waiting, 0.5),
                "tunggu_p90": _minutes(row.waiting, 0.9),
                "layanan_med": _minutes(row.service, 0.5),
                "layanan_p90": _minutes(row.service, 0.9),
            }
        )
    waiting, service = data.all_waiting(), data.all_service()
    table.total(values={"tunggu_med": _minutes(waiting, 0.5), "tunggu_p90": _minutes(waiting, 0.9),
                        "layanan_med": _minutes(service, 0.5), "layanan_p90": _minutes(service, 0.9)})
    table.signature()
    if progress:
        progress(1, 2)

    summary = Table(wb.create_sheet("Ringkasan"), [
        Column("no", "No", 5, align=CENTER),
        Column("uraian", "Uraian", 44),
        Column("jumlah", "Jumlah", 12, INT),
        Column("keterangan", "Keterangan", 44),
    ], Heading(f"{TITLE}: perekaman, pencetakan dan penyerahan", label), letterhead, label_key="uraian")
    for number, (text, value, note) in enumerate((
        ("Perekaman KTP-el", data.recorded, "perekaman baru hari ini di semua lokasi (lihat Perekaman per lokasi)"),
        ("Perekaman gagal", data.failed_recordings, "alat rusak atau biometrik gagal; perlu direkam ulang"),
        ("Cetak ulang / perubahan data", data.reprints,
         "permohonan kartu dari rekaman yang ada di pusat; tanpa perekaman"),
        ("KTP-el dicetak (baik)", data.printed, "pemakaian blangko cetak baik"),
        ("Gagal cetak", data.print_failed, "blangko rusak saat pencetakan"),
        ("KTP-el diserahkan", data.handed_over, "dengan tanda terima"),
        ("Suket diterbitkan", data.suket, "Surat Keterangan pengganti KTP-el"),
        ("Sisa blangko akhir hari", data.blanks_left, "saldo buku blangko"),
        ("Gangguan layanan", len(data.outages),
         f"{format_decimal(data.outage_hours, 1)} jam gangguan hari ini (lihat Gangguan)" if data.outages
         else "tidak ada gangguan tercatat"),
    ), start=1):
        summary.add({"no": number, "uraian": text, "jumlah": value, "keterangan": note})
    summary.signature()

    from dukcapil_tui.services import regions

    index = regions.index()
    per_site = Table(wb.create_sheet("Perekaman per lokasi"), [
        Column("no", "No", 5, align=CENTER),
        Column("kode", "Kode Lokasi", 22),
        Column("lokasi", "Lokasi Perekaman", 36),
        Column("kecamatan", "Kecamatan", 18),
        Column("hari", "Perekaman Hari Ini", 12, INT, "sum"),
        Column("bulan", "Perekaman Bulan Ini (s.d. tanggal)", 14, INT, "sum"),
    ], Heading(f"{TITLE}: perekaman KTP-el per lokasi", label,
               ("Perekaman baru menurut tanggal rekam; lokasi kecamatan dan keliling masuk lewat daftar SIAK.",)),
        letterhead, freeze_columns=2, label_key="lokasi")
    for number, site in enumerate(data.sites, start=1):
        per_site.add({"no": number, "kode": site.code or "-", "lokasi": site.name,
                      "kecamatan": index.name(site.kecamatan_code) if site.kecamatan_code else "-",
                      "hari": site.recorded_day, "bulan": site.recorded_month})
    per_site.total()
    per_site.signature()

    gangguan.outage_list(wb.create_sheet("Gangguan"), data.outages, "Jam Hilang Hari Ini", Heading(
        f"{TITLE}: gangguan layanan", label, (
            "Gangguan yang berlangsung pada hari ini (jaringan, server pusat, listrik, alat) dan jamnya pada hari "
            "ini; yang masih berlangsung dihitung sampai saat laporan dibuat.",)), letterhead)
    wb.save(path)
    if progress:
        progress(2, 2)
    return len(data.services) + 9 + len(data.sites) + len(data.outages)
