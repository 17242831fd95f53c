"""Laporan penggunaan blangko KTP-el for a month.

Sheet "Mutasi harian": one row per day of the month with the opening stock, what came in
(penerimaan, dipinjam, pengembalian), what went out (cetak baik, gagal cetak, rusak/invalid,
dipinjamkan), the stock-count adjustment (penyesuaian opname, signed), corrections of wrong
entries approved by the head (koreksi, signed) and the closing stock;
each day's opening is the day before's closing, and every closing is a formula, so the JUMLAH
row's closing is the month's saldo akhir. Sheet "Rincian mutasi": the movements other than
printing and spoiling (receipts with their lot documents, loans, returns, adjustments, and each
correction beside the entry it corrects). Sheet
"Pemusnahan": the spoiled blanks and the withdrawn old cards destroyed this month, each with its
origin (blangko rusak / KTP-el lama ditarik), the category offices report it in (gagal encode /
chip invalid, rusak fisik, perubahan elemen data, kedatangan) and its berita acara; sheet
"Rekap pemusnahan": the same counted per category and origin; sheet
"Permintaan": the blank requests to the province made this month or still outstanding, with
what was delivered against them (the receipts that name them) and what remains.

The days the office began without a single blank (the day's opening stock zero) are counted
in the preview and named in a note of "Mutasi harian".

All numbers are sums over ``blangko_movement`` by ``day`` (the office's local date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dukcapil_tui.domain.cards import CATEGORY_OF, DESTRUCTION_CATEGORIES
from dukcapil_tui.reports import common
from dukcapil_tui.reports.common import Figure
from dukcapil_tui.reports.periods import Period

TITLE = "Laporan penggunaan blangko KTP-el"
DAILY_SHEET, DESTROYED_SHEET = "Mutasi harian", "Pemusnahan"

IN_KINDS = ("receipt", "loan_in", "returned")
OUT_KINDS = ("print_ok", "print_failed", "damaged", "loan_out")
SIGNED_KINDS = ("adjustment", "correction")
KINDS = IN_KINDS + OUT_KINDS + SIGNED_KINDS
KIND_LABELS = {
    "receipt": "Penerimaan", "loan_in": "Dipinjam (masuk)", "returned": "Pengembalian",
    "print_ok": "Cetak baik", "print_failed": "Gagal cetak", "damaged": "Rusak/invalid",
    "loan_out": "Dipinjamkan (keluar)", "adjustment": "Penyesuaian opname", "correction": "Koreksi",
}
REASONS = {"gagal_cetak": "Gagal cetak", "chip_rusak": "Chip rusak", "rusak_fisik": "Rusak fisik",
           "perubahan_data": "Perubahan elemen data", "kedatangan": "Kedatangan (pindah datang)"}
ORIGINS = {"blangko": "Blangko rusak", "ditarik": "KTP-el lama ditarik"}
CATEGORIES = {"gagal_encode": "Gagal encode / chip invalid", "rusak_fisik": "Rusak fisik",
              "perubahan_data": "Perubahan elemen data", "kedatangan": "Kedatangan"}


@dataclass
class BlangkoData:
    period: Period
    opening: int
    closing: int
    days: list[tuple[date, dict[str, int]]]  # per day: kind -> quantity (outflows positive)
    totals: dict[str, int]
    movements: list[tuple]  # (day, kind, quantity, reference, source, note)
    destroyed: list[tuple]  # (day, origin, masked NIK, category, reason, berita acara no, destruction day)
    closed_note: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    no_stock_days: list[date] = field(default_factory=list)
    requests: list = field(default_factory=list)  # services.blangko_requests.RequestRow as at the period's end
    requested: int = 0  # blanks asked for by letters dated in the period
    delivered: int = 0  # blanks received in the period against a request


def mask_nik(nik: str | None) -> str:
    """Region and sequence of the NIK, the birth date hidden: enough to match the card."""
    if not nik:
        return "-"
    return nik[:6] + "******" + nik[12:] if len(nik) == 16 else nik


def _balance_before(day: date) -> int:
    return common.query("SELECT COALESCE(SUM(quantity), 0) FROM blangko_movement WHERE day < ?",
                        (day.isoformat(),))[0][0]


def collect(period: Period) -> BlangkoData:
    start, end = period.start, period.end
    bounds = (start.isoformat(), end.isoformat())
    opening = _balance_before(start)
    per_day: dict[str, dict[str, int]] = {}
    for day, kind, quantity in common.query(
        "SELECT day, kind, SUM(quantity) FROM blangko_movement WHERE day BETWEEN ? AND ? GROUP BY day, kind",
        bounds,
    ):
        per_day.setdefault(str(day)[:10], {})[kind] = quantity if kind in IN_KINDS + SIGNED_KINDS else -quantity
    days = [(d, {k: per_day.get(d.isoformat(), {}).get(k, 0) for k in KINDS}) for d in period.days()]
    totals = {k: sum(values[k] for _, values in days) for k in KINDS}
    closing = _balance_before(end + timedelta(days=1))
    movements = [
        (date.fromisoformat(str(day)[:10]), kind, quantity, reference, source,
         _correction_note(note, o_kind, o_day, o_reference, o_quantity) if kind == "correction"
         else _corrected_note(note, quantity + corrected, corrected_on) if corrected_on else note)
        for day, kind, quantity, reference, source, note, o_kind, o_day, o_reference, o_quantity, corrected,
        corrected_on in common.query(
            "SELECT m.day, m.kind, m.quantity, m.reference, m.source, m.note, o.kind, o.day, o.reference, o.quantity, "
            "(SELECT COALESCE(SUM(c.quantity), 0) FROM blangko_movement c WHERE c.corrects_id = m.id), "
            "(SELECT MAX(c.day) FROM blangko_movement c WHERE c.corrects_id = m.id) "
            "FROM blangko_movement m LEFT JOIN blangko_movement o ON o.id = m.corrects_id "
            "WHERE m.day BETWEEN ? AND ? AND m.kind IN ('receipt', 'loan_in', 'returned', 'loan_out', 'adjustment', "
            "'correction') ORDER BY m.day, m.id", bounds)
    ]
    destroyed = [
        (date.fromisoformat(str(spoiled)[:10]), kind, mask_nik(nik), CATEGORY_OF.get(reason, reason),
         REASONS.get(reason, reason), number, date.fromisoformat(str(destroyed_on)[:10]))
        for spoiled, kind, nik, reason, number, destroyed_on in common.query(
            "SELECT s.day, s.kind, s.nik, s.reason, d.berita_acara_no, d.day FROM spoiled_card s "
            "JOIN destruction d ON d.id = s.destruction_id WHERE d.day BETWEEN ? AND ? "
            "ORDER BY d.day, d.id, s.day, s.id", bounds)
    ]
    closed = common.query("SELECT closed_at, closing_balance FROM blangko_month WHERE month = ?",
                          (start.strftime("%Y-%m"),))
    data = BlangkoData(period, opening, closing, days, totals, movements, destroyed)
    first = common.query("SELECT MIN(day) FROM (SELECT MIN(day) AS day FROM blangko_movement "
                         "UNION ALL SELECT MIN(day) FROM blangko_request) AS firsts")[0][0]
    data.no_stock_days = _no_stock_days(opening, days, date.fromisoformat(str(first)[:10]) if first else None)
    _add_requests(data)
    notes = ["Keluar (cetak, gagal, rusak, dipinjamkan) ditulis sebagai angka positif; penyesuaian opname dan "
             "koreksi (mutasi salah yang dibetulkan atas persetujuan Kepala Dinas) bertanda (+ tambah, − kurang)."]
    if closed:
        data.closed_note = f"Bulan ditutup dengan saldo {closed[0][1]}."
        notes.append(f"Bulan sudah ditutup (dikunci); saldo akhir saat penutupan: {closed[0][1]}.")
    if data.no_stock_days:
        notes.append(f"Hari tanpa stok (saldo awal hari nol): {len(data.no_stock_days)} hari, "
                     f"{day_ranges(data.no_stock_days)}.")
    data.notes = tuple(notes)
    return data


def _no_stock_days(opening: int, days: list[tuple[date, dict[str, int]]], since: date | None) -> list[date]:
    """The days that began with no blank in stock, from ``since`` (the office's first blank
    record, a movement or a request: before it the app does not know the stock)."""
    empty, stock = [], opening
    for day, values in days:
        if stock <= 0 and since is not None and day >= since:
            empty.append(day)
        stock += sum(values[k] for k in IN_KINDS + SIGNED_KINDS) - sum(values[k] for k in OUT_KINDS)
    return empty


def day_ranges(days: list[date]) -> str:
    """``01-11-2026 s.d. 03-11-2026, 07-11-2026``: consecutive days as ranges."""
    from dukcapil_tui.domain.formatting import format_date

    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(format_date(r[0]) if len(r) == 1 else f"{format_date(r[0])} s.d. {format_date(r[-1])}"
                     for r in runs)


def _add_requests(data: BlangkoData) -> None:
    """The requests of the period: those dated in it, those still outstanding at its start, and
    those a receipt of the period delivered."""
    from dukcapil_tui.services import blangko_requests

    start, end = data.period.start, data.period.end
    for row in blangko_requests.rows(until=end):
        in_period = [q for day, _, q in row.receipts if start <= day <= end]
        if start <= row.day <= end or in_period or row.outstanding:
            data.requests.append(row)
        if start <= row.day <= end:
            data.requested += row.quantity
        data.delivered += sum(in_period)


def _correction_note(reason: str, kind: str, day, reference: str, quantity: int) -> str:
    """"Koreksi atas Penerimaan 03-11-2026 SJ/12 (5.000): salah ketik" — the entry beside it."""
    from dukcapil_tui.domain.formatting import format_date, format_int

    entry = f"{KIND_LABELS.get(kind, kind)} {format_date(date.fromisoformat(str(day)[:10]))}"
    if reference:
        entry += f" {reference}"
    return f"Koreksi atas {entry} ({format_int(abs(quantity))}): {reason}"


def _corrected_note(note: str, effective: int, on) -> str:
    """Beside an entry later corrected: what it was corrected to, and when."""
    from dukcapil_tui.domain.formatting import format_date, format_int

    remark = f"Dikoreksi menjadi {format_int(abs(effective))} pada {format_date(date.fromisoformat(str(on)[:10]))}"
    return f"{note} ({remark})" if note else remark


def preview(data: BlangkoData) -> list[Figure]:
    t = data.totals
    return [
        Figure("Saldo awal", data.opening),
        Figure("Penerimaan", t["receipt"]),
        Figure("Dipinjam (masuk)", t["loan_in"]),
        Figure("Pengembalian", t["returned"]),
        Figure("Cetak baik", t["print_ok"]),
        Figure("Gagal cetak", t["print_failed"]),
        Figure("Rusak/invalid", t["damaged"]),
        Figure("Dipinjamkan", t["loan_out"]),
        Figure("Penyesuaian opname", t["adjustment"]),
        Figure("Koreksi", t["correction"]),
        Figure("Saldo akhir", data.closing),
        Figure("Blangko rusak dimusnahkan", sum(1 for row in data.destroyed if row[1] == "blangko")),
        Figure("KTP-el lama ditarik dimusnahkan", sum(1 for row in data.destroyed if row[1] == "ditarik")),
        Figure("Permintaan blangko (surat bulan ini)", data.requested),
        Figure("Diterima atas permintaan", data.delivered),
        Figure("Permintaan belum dipenuhi", sum(r.outstanding for r in data.requests)),
        Figure("Hari tanpa stok", len(data.no_stock_days)),
    ]


def by_category(data: BlangkoData) -> dict[str, dict[str, int]]:
    """Destroyed this month: category -> origin -> count (every category, zeros too)."""
    counts = {category: {origin: 0 for origin in ORIGINS} for category in DESTRUCTION_CATEGORIES}
    for _, origin, _, category, *_ in data.destroyed:
        counts.setdefault(category, {o: 0 for o in ORIGINS})[origin] += 1
    return counts


def stock_columns(layout) -> list:
    """Opening stock, each kind of movement, closing stock (a formula): the columns after the
    day, shared with the province's roll-up (``reports.rollup``), which reads them back by
    their headers."""
    Column, INT = layout.Column, layout.INT
    return [
        Column("awal", "Saldo Awal", 11, INT, "first"),
        *(Column(kind, header, width, INT, "sum") for kind, header, width in (
            ("receipt", "Penerimaan", 11), ("loan_in", "Dipinjam (Masuk)", 11), ("returned", "Pengembalian", 12),
            ("print_ok", "Pemakaian Cetak Baik", 12), ("print_failed", "Gagal Cetak", 10),
            ("damaged", "Rusak/ Invalid", 10), ("loan_out", "Dipinjamkan (Keluar)", 12),
            ("adjustment", "Penyesuaian Opname", 12), ("correction", "Koreksi", 10))),
        Column("akhir", "Saldo Akhir", 11, INT, "formula",
               formula="={awal}+{receipt}+{loan_in}+{returned}-{print_ok}-{print_failed}-{damaged}-{loan_out}"
                       "+{adjustment}+{correction}"),
    ]


def write(data: BlangkoData, path, letterhead: common.Letterhead,
          progress: Callable[[int, int], None] | None = None) -> int:
    from openpyxl import Workbook

    from dukcapil_tui.reports import layout
    from dukcapil_tui.reports.layout import CENTER, DATE, INT, TEXT, Column, Heading, Table

    wb = Workbook()
    wb.remove(wb.active)
    label = data.period.label()

    columns = [Column("tanggal", "Tanggal", 12, DATE, align=CENTER), *stock_columns(layout)]
    ws = wb.create_sheet(DAILY_SHEET)
    daily = Table(ws, columns, Heading(TITLE, label, data.notes), letterhead, freeze_columns=1, label_key="tanggal")
    for number, (day, values) in enumerate(data.days):
        row = dict(values, tanggal=day)
        row["awal"] = data.opening if number == 0 else daily.ref("akhir", daily.next_row - 1)
        daily.add(row)
    daily.total()
    daily.signature()
    if progress:
        progress(1, 3)

    ws = wb.create_sheet("Rincian mutasi")
    detail = Table(ws, [
        Column("no", "No", 5, align=CENTER),
        Column("tanggal", "Tanggal", 12, DATE, align=CENTER),
        Column("jenis", "Jenis Mutasi", 20),
        Column("referensi", "No. Dokumen / Referensi", 26, TEXT),
        Column("asal", "Asal / Tujuan", 26),
        Column("masuk", "Masuk", 10, INT, "sum"),
        Column("keluar", "Keluar", 10, INT, "sum"),
        Column("keterangan", "Keterangan", 30),
    ], Heading(f"{TITLE}: rincian penerimaan, pinjaman dan penyesuaian", label), letterhead,
        freeze_columns=2, label_key="jenis")
    for number, (day, kind, quantity, reference, source, note) in enumerate(data.movements, start=1):
        detail.add({"no": number, "tanggal": day, "jenis": KIND_LABELS[kind], "referensi": reference or "-",
                    "asal": source or "-", "masuk": quantity if quantity > 0 else None,
                    "keluar": -quantity if quantity < 0 else None, "keterangan": note})
    detail.total()
    detail.signature()
    if progress:
        progress(2, 3)

    ws = wb.create_sheet(DESTROYED_SHEET)
    destroyed = Table(ws, [
        Column("no", "No", 5, align=CENTER),
        Column("tanggal", "Tanggal Rusak/Ditarik", 12, DATE, align=CENTER),
        Column("nik", "NIK (disamarkan)", 20, TEXT, "count", align=CENTER),
        Column("asal", "Asal", 18),
        Column("kategori", "Kategori", 24),
        Column("alasan", "Alasan", 20),
        Column("ba", "No. Berita Acara", 26, TEXT),
        Column("tanggal_ba", "Tanggal Pemusnahan", 13, DATE, align=CENTER),
    ], Heading("Daftar blangko KTP-el rusak dan KTP-el lama ditarik yang dimusnahkan", label,
               ("NIK disamarkan (tanggal lahir ditutup): cukup untuk mencocokkan fisik kartu. Blangko rusak mengurangi "
                "stok; KTP-el lama yang ditarik (cetak ulang rusak, perubahan elemen data, kedatangan) tidak.",)),
        letterhead, freeze_columns=1, label_key="tanggal")
    for number, (day, origin, nik, category, reason, ba, ba_day) in enumerate(data.destroyed, start=1):
        destroyed.add({"no": number, "tanggal": day, "nik": nik, "asal": ORIGINS.get(origin, origin),
                       "kategori": CATEGORIES.get(category, category), "alasan": reason, "ba": ba,
                       "tanggal_ba": ba_day})
    destroyed.total()  # JUMLAH | =COUNTA(NIK column): the number of cards destroyed
    destroyed.signature()

    ws = wb.create_sheet("Rekap pemusnahan")
    recap = Table(ws, [
        Column("no", "No", 5, align=CENTER),
        Column("kategori", "Kategori", 30),
        Column("blangko", "Blangko Rusak", 12, INT, "sum"),
        Column("ditarik", "KTP-el Lama Ditarik", 12, INT, "sum"),
        Column("jumlah", "Jumlah", 11, INT, "formula", formula="={blangko}+{ditarik}"),
    ], Heading("Rekapitulasi pemusnahan KTP-el menurut kategori", label), letterhead, label_key="kategori")
    for number, (category, origins) in enumerate(by_category(data).items(), start=1):
        recap.add({"no": number, "kategori": CATEGORIES.get(category, category), **origins})
    recap.total()
    recap.signature()
    ws = wb.create_sheet("Permintaan")
    asked = Table(ws, [
        Column("no", "No", 5, align=CENTER),
        Column("tanggal", "Tanggal Surat", 12, DATE, align=CENTER),
        Column("surat", "No. Surat Permintaan", 26, TEXT),
        Column("kepada", "Ditujukan Kepada", 24),
        Column("diminta", "Diminta", 10, INT, "sum"),
        Column("diterima", "Diterima", 10, INT, "sum"),
        Column("sisa", "Belum Dipenuhi", 10, INT, "sum"),
        Column("penerimaan", "Penerimaan (tanggal, dokumen, jumlah)", 40),
        Column("keterangan", "Keterangan", 24),
    ], Heading("Permintaan blangko KTP-el kepada provinsi/pusat", label,
               ("Diterima: jumlah blangko dari penerimaan yang dicatat atas permintaan itu sampai akhir periode.",)),
        letterhead, freeze_columns=2, label_key="tanggal")
    from dukcapil_tui.domain.formatting import format_date, format_int

    for number, r in enumerate(data.requests, start=1):
        asked.add({"no": number, "tanggal": r.day, "surat": r.letter_no, "kepada": r.addressed_to,
                   "diminta": r.quantity, "diterima": r.delivered, "sisa": r.outstanding,
                   "penerimaan": "; ".join(f"{format_date(d)} {doc} ({format_int(q)})" for d, doc, q in r.receipts),
                   "keterangan": f"Ditutup: {r.closed_reason}" if r.closed else ""})
    asked.total()
    asked.signature()
    wb.save(path)
    if progress:
        progress(3, 3)
    return len(data.days) + len(data.movements) + len(data.destroyed) + len(data.requests)
