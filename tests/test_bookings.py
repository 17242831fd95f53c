"""Online booking lists (CSV and XLSX) becoming booked tickets, and the check-in at the desk."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest

from dukcapil_tui.models import AuditLog, Service, Ticket, TicketEvent
from dukcapil_tui.services import bookings, queue_stats
from dukcapil_tui.services import queue as q
from dukcapil_tui.services.context import ServiceError

from queue_helpers import TODAY, add_resident, admin, clock, office, office_template  # noqa: F401

TOMORROW = TODAY + timedelta(days=1)
HEADER = "TANGGAL;NIK;NAMA;LAYANAN;JAM"


def write_csv(tmp_path, *rows: str, header: str = HEADER, name: str = "booking.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def rejections(result) -> list[tuple[int, str, str]]:
    return [(r.line, r.field, r.reason) for r in result.rejected]


@pytest.fixture
def people(office):
    return [add_resident(name=f"WARGA {i}") for i in range(3)]


def test_csv_import_books_good_rows_and_rejects_bad_ones_by_line(admin, clock, people, tmp_path):
    one, two, three = people
    stranger = "5202041708050999"  # a valid NIK nobody holds here
    path = write_csv(
        tmp_path,
        f"22-11-2026;{one.nik};{one.name};rekam_baru;11:00",         # line 2: by code
        f"23-11-2026;{two.nik};{two.name};E;09.30",                  # line 3: by prefix, 09.30
        f"22-11-2026;{stranger};ORANG LAIN;rekam_baru;10:00",        # line 4
        f"22-11-2026;{one.nik};{one.name};paspor;10:00",             # line 5
        f"22-11-2026;{one.nik};{one.name};konsultasi;25:00",         # line 6
        f"21-11-2026;{one.nik};{one.name};konsultasi;10:00",         # line 7
        f"31-02-2026;{one.nik};{one.name};konsultasi;10:00",         # line 8
        f"22-11-2026;12345;{one.name};konsultasi;10:00",             # line 9
        "",
        f"2026-11-22;{three.nik};{three.name};Pengambilan KTP-el;13:15",  # line 11: by name, ISO date
    )
    result = bookings.import_bookings(admin, path)
    assert (result.booked, result.already) == (3, 0)
    assert rejections(result) == [
        (4, "NIK", f"NIK {stranger} tidak terdaftar di basis data penduduk."),
        (5, "LAYANAN", "Layanan 'paspor' tidak dikenal."),
        (6, "JAM", "Jam '25:00' tidak dikenal (gunakan HH:MM)."),
        (7, "TANGGAL", "Tanggal 21-11-2026 sudah lewat."),
        (8, "TANGGAL", "TANGGAL bukan tanggal yang benar (gunakan DD-MM-YYYY)."),
        (9, "NIK", "NIK harus 16 angka (terisi 5)."),
    ]
    tickets = list(Ticket.select().order_by(Ticket.id))
    assert [(q.ticket_label(t), t.day, t.status, t.channel, t.resident_id) for t in tickets] == [
        ("A-001", TODAY, "booked", "online", one.id),
        ("E-001", TOMORROW, "booked", "online", two.id),
        ("E-001", TODAY, "booked", "online", three.id),
    ]
    # slots are office time (WITA, UTC+8), stored in UTC
    assert [t.booked_at for t in tickets] == [datetime(2026, 11, 22, 3, 0), datetime(2026, 11, 23, 1, 30),
                                              datetime(2026, 11, 22, 5, 15)]
    assert tickets[0].notes == "Booking online jam 11:00" and tickets[0].checked_in_at is None
    event = TicketEvent.get(TicketEvent.ticket == tickets[0].id)
    assert (event.event, event.to_status) == ("book", "booked")
    assert json.loads(event.detail) == {"service": "rekam_baru", "slot": "11:00", "file": "booking.csv"}
    entry = AuditLog.get(AuditLog.action == "booking.import")
    assert json.loads(entry.changes) == {"file": "booking.csv", "booked": 3, "rejected": 6}


def test_importing_the_same_list_again_books_nobody_twice(admin, clock, people, tmp_path):
    one, two, _ = people
    path = write_csv(tmp_path, f"22-11-2026;{one.nik};X;rekam_baru;11:00", f"22-11-2026;{two.nik};Y;rekam_baru;11:30",
                     f"22-11-2026;{one.nik};X;rekam_baru;11:00")  # the same row twice in one file
    first = bookings.import_bookings(admin, path)
    assert (first.booked, first.already, first.rejected) == (2, 1, [])
    again = bookings.import_bookings(admin, path)
    assert (again.booked, again.already, again.rejected) == (0, 3, [])
    assert Ticket.select().count() == 2
    assert AuditLog.select().where(AuditLog.action == "booking.import").count() == 1
    other_service = bookings.import_bookings(admin, write_csv(tmp_path, f"22-11-2026;{one.nik};X;konsultasi;12:00",
                                                              name="lain.csv"))
    assert other_service.booked == 1  # another service the same day is another booking


def test_xlsx_import(admin, clock, people, tmp_path):
    from openpyxl import Workbook

    one, two, _ = people
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Tanggal Kunjungan", "NIK", "Nama Lengkap", "Jenis Layanan", "Jam"])
    sheet.append([datetime(2026, 11, 23), one.nik, one.name, "cetak_ulang", time(8, 30)])
    sheet.append(["23-11-2026", two.nik, two.name, "Konsultasi", "jam sembilan"])
    sheet.append([None, None, None, None, None])
    sheet.append(["24-11-2026", two.nik, two.name, "H", datetime(2026, 11, 24, 14, 45)])
    path = tmp_path / "booking.xlsx"
    workbook.save(path)
    result = bookings.import_bookings(admin, path)
    assert result.booked == 2
    assert rejections(result) == [(3, "JAM", "Jam 'jam sembilan' tidak dikenal (gunakan HH:MM).")]
    tickets = list(Ticket.select().order_by(Ticket.id))
    assert [(q.ticket_label(t), t.day, t.booked_at) for t in tickets] == [
        ("B-001", TOMORROW, datetime(2026, 11, 23, 0, 30)),
        ("H-001", TOMORROW + timedelta(days=1), datetime(2026, 11, 24, 6, 45)),
    ]


def test_a_full_quota_rejects_the_booking_row(admin, clock, people, tmp_path):
    Service.update(daily_quota=1).where(Service.code == "rekam_baru").execute()
    one, two, _ = people
    result = bookings.import_bookings(admin, write_csv(
        tmp_path, f"23-11-2026;{one.nik};X;rekam_baru;08:00", f"23-11-2026;{two.nik};Y;rekam_baru;08:15"))
    assert result.booked == 1
    assert rejections(result) == [(3, "LAYANAN", "Kuota harian layanan Perekaman KTP-el (baru) (1 tiket) sudah habis. "
                                                 "Sarankan datang besok atau daftar online.")]


def test_an_inactive_service_is_not_bookable(admin, clock, people, tmp_path):
    Service.update(active=False).where(Service.code == "kia").execute()
    result = bookings.import_bookings(admin, write_csv(tmp_path, f"23-11-2026;{people[0].nik};X;kia;08:00"))
    assert result.booked == 0 and rejections(result) == [
        (2, "LAYANAN", "Layanan Kartu Identitas Anak (KIA) sedang tidak dibuka.")]


def test_unreadable_files_and_missing_columns_are_refused(admin, clock, tmp_path):
    with pytest.raises(ServiceError, match="Kolom wajib tidak ada: JAM. Kolom yang ditemukan: TANGGAL, NIK, LAYANAN."):
        bookings.import_bookings(admin, write_csv(tmp_path, header="TANGGAL;NIK;LAYANAN"))
    text = tmp_path / "booking.txt"
    text.write_text("x", encoding="utf-8")
    with pytest.raises(ServiceError, match="tidak dapat dibaca: jenis berkas .txt tidak didukung"):
        bookings.import_bookings(admin, text)
    with pytest.raises(ServiceError, match="tidak dapat dibaca: berkas tidak ditemukan"):
        bookings.import_bookings(admin, tmp_path / "tidak-ada.csv")
    assert Ticket.select().count() == 0


def test_check_in_flow(admin, clock, people, tmp_path):
    one, two, _ = people
    clock.at_wita(7, 30)
    bookings.import_bookings(admin, write_csv(
        tmp_path, f"22-11-2026;{one.nik};X;rekam_baru;09:00", f"23-11-2026;{two.nik};Y;rekam_baru;09:00"))
    clock.at_wita(8, 40)
    assert q.claim_next(admin, 1) is None  # booked, not yet here: never called
    (booked,) = bookings.bookings_for(one.nik, TODAY)
    assert bookings.bookings_for(two.nik, TODAY) == [] and bookings.bookings_for("0000000000000000", TODAY) == []
    (tomorrows,) = bookings.bookings_for(two.nik, TOMORROW)
    with pytest.raises(ServiceError) as refused:
        q.check_in(admin, tomorrows.id)
    assert str(refused.value) == "Booking A-001 untuk tanggal 23-11-2026, bukan hari ini: tidak bisa check-in."
    assert Ticket.get_by_id(tomorrows.id).status == "booked"

    clock.at_wita(8, 45)
    walk_in = q.take_ticket(admin, "rekam_baru", resident_id=add_resident().id)
    clock.at_wita(8, 50)
    checked = q.check_in(admin, booked.id)
    assert (checked.status, checked.checked_in_at, checked.queued_at) == ("waiting", clock.now, clock.now)
    assert bookings.bookings_for(one.nik, TODAY) == []
    with pytest.raises(ServiceError, match="Tiket A-001 berstatus menunggu: tidak bisa check-in."):
        q.check_in(admin, booked.id)
    clock.at_wita(9, 0)  # the slot has come: ahead of the walk-in who came earlier
    assert q.claim_next(admin, 1).id == booked.id
    clock.at_wita(9, 20)
    q.finish(admin, booked.id, 1, "referred")
    assert q.claim_next(admin, 1).id == walk_in.ticket.id
    (row,) = queue_stats.day_summary(TODAY)
    assert row.tickets == 2 and sorted(row.waiting_minutes) == [10.0, 35.0]  # from check-in, from arrival
    q.end_of_day(admin, TODAY, carry_over=False)
    (row,) = queue_stats.day_summary(TODAY)
    assert row.tickets == 2  # tomorrow's booking is not today's; a checked-in booking is a ticket
