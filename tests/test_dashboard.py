"""The dashboard's tiles and the day's review, from the services (the screens have their own
functional tests)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dukcapil_tui.db import database
from dukcapil_tui.models import Card
from dukcapil_tui.services import (blangko, blangko_requests, dashboard, day_review, printing, report_deadlines,
                                   settings, suket)
from dukcapil_tui.services import queue as q

from cetak_helpers import (TODAY, add_card, add_resident, admin, clock, office, office_template,  # noqa: F401
                           ready_card, stock)

YESTERDAY = TODAY - timedelta(days=1)


def tile(key: str, today: date = TODAY) -> dashboard.Tile:
    return dashboard.spec(key).read(today)


def test_the_queue_tile_counts_the_queue_now_and_the_waits(admin, clock):
    clock.at_wita(8)
    first = q.take_ticket(admin, "konsultasi", visitor_name="SATU")
    q.take_ticket(admin, "konsultasi", visitor_name="DUA")
    q.take_ticket(admin, "konsultasi", visitor_name="TIGA")
    held = q.take_ticket(admin, "konsultasi", visitor_name="EMPAT")
    clock.at_wita(8, 10)
    called = q.claim_next(admin, 1)  # waited 10 minutes
    assert called.id == first.ticket.id
    q.finish(admin, called.id, 1, "referred")
    clock.at_wita(8, 30)
    second = q.claim_next(admin, 1)  # waited 30 minutes
    q.start(admin, second.id, 1)
    q.call_specific(admin, held.ticket.id, 2, "dokumen")
    q.hold(admin, held.ticket.id, 2, "KK belum dibawa")  # waited 30 minutes
    clock.at_wita(9)
    shown = tile("queue")
    assert shown.value == "1"
    assert shown.lines == ("Menunggu 1 · dilayani 1 · ditahan 1", "Median waktu tunggu hari ini: 30,0 menit",
                           "Terlama menunggu sekarang: 60 menit", "Tiket selesai hari ini: 1")
    assert tile("queue", TODAY + timedelta(days=1)).lines[1] == "Belum ada yang dipanggil hari ini."


def test_recordings_today_by_site_on_the_office_day(admin, clock):
    resident = add_resident()
    for at, where in ((datetime(2026, 11, 21, 15, 59), "Dinas (LOKET-01)"),  # 23:59 WITA yesterday
                      (datetime(2026, 11, 21, 16, 0), "Dinas (LOKET-01)"),  # 00:00 WITA today
                      (datetime(2026, 11, 22, 3, 0), "UPT Pujut"),
                      (datetime(2026, 11, 22, 4, 0), "Dinas (LOKET-01)"),
                      (datetime(2026, 11, 22, 15, 59), "UPT Pujut"),
                      (datetime(2026, 11, 22, 16, 0), "Dinas (LOKET-01)")):  # 00:00 WITA tomorrow
        Card.create(uuid=f"c-{at}", resident=resident.id, reason="baru", recorded_at=at, recorded_where=where,
                    central_status="BIO_CAPTURED", office_status="waiting_prr", workstation="X", created_at=at,
                    updated_at=at)
    assert day_review.recordings_by_site(TODAY, TODAY) == [("Dinas (LOKET-01)", 2), ("UPT Pujut", 2)]
    shown = tile("recordings")
    assert (shown.value, shown.lines) == ("4", ("Dinas (LOKET-01): 2", "UPT Pujut: 2"))
    assert tile("recordings", TODAY + timedelta(days=3)).lines == ("Belum ada perekaman hari ini.",)


def test_the_backlog_by_stage_with_the_oldest_ages(admin, clock):
    add_card(recorded_at=datetime(2026, 11, 20, 2))  # unsent, 2 days
    add_card(recorded_at=datetime(2026, 11, 12, 2))  # unsent, 10 days
    add_card(central="SENT_FOR_ENROLLMENT", recorded_at=datetime(2026, 11, 1, 2))
    add_card(central="DUPLICATE_RECORD", recorded_at=datetime(2026, 10, 23, 2))  # at the centre, 30 days
    ready_card(recorded_at=datetime(2026, 11, 21, 15, 59))  # 23:59 WITA yesterday: 1 day
    add_card(central="PRINT_READY_RECORD", office="handed_over")  # done: not in the backlog
    shown = tile("backlog")
    assert shown.value == "5"
    assert shown.lines == ("Belum terkirim: 2 (tertua 10 hari)", "Di pusat: 2 (tertua 30 hari)",
                           "Siap cetak (PRR): 1 (tertua 1 hari)", "Dicetak, belum diambil: 0", "Perlu rekam ulang: 0")


def test_the_blank_tile_warns_in_words(admin, clock):
    for _ in range(3):
        ready_card()
    shown = tile("blangko")
    assert shown.value == "0"
    assert shown.alerts == ("STOK HABIS: tidak ada blangko; terbitkan Suket bagi yang menunggu.",
                            "Kurang 3 blangko untuk kartu siap cetak.")
    assert shown.lines[0] == "Siap cetak 3 · kurang 3"
    assert shown.lines[2] == "Tidak ada permintaan blangko yang belum dipenuhi."
    blangko_requests.request(admin, 500, "S/7", day=date(2026, 11, 2))
    stock(admin, 3)
    shown = tile("blangko")
    assert shown.alerts == ("Stok blangko 3 di bawah batas pesan ulang 1.000. Segera ajukan permintaan blangko.",)
    assert shown.lines[2] == "Permintaan belum dipenuhi: 1 (500 blangko, sejak 02-11-2026)"
    settings.put(admin, "reorder_threshold", "3")  # at the threshold: no warning
    assert tile("blangko").alerts == ()


def test_the_suket_tile(admin, clock):
    clock.at_wita(10, day=date(2026, 5, 10))
    suket.issue(admin, add_card().resident.nik)  # until 10-11: expired
    clock.at_wita(10, day=date(2026, 5, 25))
    suket.issue(admin, add_card().resident.nik)  # until 25-11: ending this week
    clock.at_wita(10)
    suket.issue(admin, add_card().resident.nik)
    shown = tile("suket")
    assert (shown.value, shown.lines) == ("3", ("Berakhir dalam 7 hari: 1", "Habis berlaku, kartu belum diserahkan: 1"))
    assert shown.alerts == ("1 Suket berakhir minggu ini: perpanjang.", "1 Suket sudah habis berlaku.")


def test_the_reports_tile(admin, clock):
    settings.put(admin, "reports_due_from", "2026-10")
    report_deadlines.record_sent(admin, "blangko", "2026-10", via="email", sent_on=date(2026, 11, 4))
    shown = tile("reports")
    assert shown.value == "1 terlambat · 0 segera"
    assert shown.alerts == ("TERLAMBAT: Rekap capaian perekaman KTP-el 2026-10, batas 10-11-2026, lewat 12 hari",)
    assert shown.lines == ("Rekap capaian perekaman KTP-el 2026-11: batas 10-12-2026 (18 hari lagi)",
                           "Laporan penggunaan blangko KTP-el 2026-10: terkirim 04-11-2026 (surel (e-mail))",
                           "Laporan penggunaan blangko KTP-el 2026-11: batas 05-12-2026 (13 hari lagi)")


def test_the_days_tile_names_the_days_that_wait_for_the_head(admin, clock):
    for day in (date(2026, 11, 19), YESTERDAY):
        clock.at_wita(9, day=day)
        q.end_of_day(admin, day, carry_over=False)  # nothing open
        stock(admin, 1, document=f"SJ-{day.day}")
    clock.at_wita(10)
    shown = tile("days")
    assert shown.value == "Hari ini terbuka"
    assert shown.alerts == ("2 hari belum ditinjau dan dikunci: 19-11-2026, 21-11-2026",)
    day_review.lock(admin, date(2026, 11, 19))
    day_review.lock(admin, YESTERDAY)
    day_review.lock(admin, TODAY)
    shown = tile("days")
    assert (shown.value, shown.alerts) == ("Hari ini terkunci", ())
    assert shown.lines == ("Hari ini sudah dikunci oleh admin.", "Hari-hari kerja 14 hari terakhir sudah dikunci.")


def test_the_snapshot_keeps_the_tiles_order_and_takes_new_tiles(admin, clock):
    assert [t.key for t in dashboard.snapshot(TODAY)] == ["queue", "recordings", "backlog", "blangko", "suket",
                                                         "reports", "days", "outages", "devices"]
    extra = dashboard.TileSpec("field", "laporan", lambda today: dashboard.Tile("field", "Keliling", "0"))
    dashboard.TILES.append(extra)
    try:
        assert dashboard.snapshot(TODAY)[-1] == dashboard.Tile("field", "Keliling", "0")
    finally:
        dashboard.TILES.remove(extra)


def test_the_day_review_reconciles_prints_with_the_ledger(admin, clock):
    cards = [ready_card() for _ in range(3)]
    stock(admin, 5)
    batch = printing.create_batch(admin, 3)
    jobs = sorted(batch.jobs, key=lambda j: j.id)
    printing.record_result(admin, jobs[0].id, True)
    printing.record_result(admin, jobs[1].id, False, "chip_rusak")
    printing.record_result(admin, jobs[2].id, True)
    blangko.damaged(admin)
    printing.handover(admin, cards[0].resident.nik, collected_by="resident", collector_name="", receipt_no="TT-1",
                      id_checked=True)
    holder = add_card()
    suket.issue(admin, holder.resident.nik)
    seen = day_review.review(TODAY)
    p = seen.prints
    assert (p.printed_ok, p.printed_failed, p.blanks_printed, p.blanks_failed, p.damaged, p.received) == (2, 1, 2, 1,
                                                                                                         1, 5)
    assert (p.prints, p.blanks_used, p.difference) == (3, 3, 0)
    assert (seen.handovers, seen.suket_issued, seen.suket_renewed, seen.stock_end) == (1, 1, 0, 1)
    assert seen.queue.is_closed and seen.lock is None and [s.key for s in seen.extra] == ["outages"]
    # a movement no print result explains is a difference
    with database.atomic():
        blangko.append(admin, "print_failed", 1, reference="?")
    assert day_review.review(TODAY).prints.difference == 1
    assert day_review.review(YESTERDAY).prints.blanks_used == 0


def test_extra_review_sections_plug_in(admin, clock, monkeypatch):
    section = day_review.ReviewSection("weather", "Cuaca", ("Hujan deras 09:00–11:00",))
    monkeypatch.setattr(day_review, "EXTRA_SECTIONS", [*day_review.EXTRA_SECTIONS, lambda day: section])
    assert [s.key for s in day_review.review(TODAY).extra] == ["outages", "weather"]
    assert day_review.review(TODAY).extra[-1] == section


@pytest.mark.parametrize("language", ["en"])
def test_tiles_follow_the_language(admin, clock, language):
    from dukcapil_tui import i18n

    i18n.set_language(language)
    assert tile("suket").lines == ("Ending within 7 days: 0", "Expired, card not handed over: 0")


def test_recordings_beyond_four_sites_are_summed(admin, clock):
    resident = add_resident()
    for number, where in enumerate(("A", "A", "A", "B", "B", "C", "D", "E", "F")):
        at = datetime(2026, 11, 22, 1, number)
        Card.create(uuid=f"s-{number}", resident=resident.id, reason="baru", recorded_at=at, recorded_where=where,
                    central_status="BIO_CAPTURED", office_status="waiting_prr", workstation="X", created_at=at,
                    updated_at=at)
    assert tile("recordings").lines == ("A: 3", "B: 2", "C: 1", "D: 1", "2 tempat lain: 2")
    assert tile("recordings").value == "9"


def test_the_days_waiting_for_review_go_back_two_weeks(admin, clock):
    for back in (14, 15):
        day = TODAY - timedelta(days=back)
        clock.at_wita(9, day=day)
        stock(admin, 1, document=f"SJ-{back}")
    clock.at_wita(10)
    assert day_review.unlocked_days_with_work(TODAY) == [TODAY - timedelta(days=14)]


def test_the_review_counts_tickets_not_bookings_nobody_came_for(admin, clock, tmp_path):
    from dukcapil_tui.services import bookings

    ticket_holder, booked, absent = add_resident(), add_resident(), add_resident()
    listing = tmp_path / "booking.csv"
    listing.write_text("TANGGAL;NIK;NAMA;LAYANAN;JAM\n"
                       f"22-11-2026;{booked.nik};X;rekam_baru;11:00\n"
                       f"22-11-2026;{absent.nik};Y;rekam_baru;11:30\n", encoding="utf-8")
    assert bookings.import_bookings(admin, listing).booked == 2
    q.take_ticket(admin, "rekam_baru", resident_id=ticket_holder.id)
    checked_in = next(b for b in bookings.bookings_for(booked.nik, TODAY))
    q.check_in(admin, checked_in.id)
    seen = day_review.review(TODAY).queue
    assert (seen.tickets, seen.still_open) == (2, 3)  # the absent booking is open, not a ticket
    q.end_of_day(admin, TODAY, carry_over=False)
    seen = day_review.review(TODAY).queue
    assert (seen.tickets, seen.closed, seen.still_open, seen.is_closed) == (2, 2, 0, True)


def test_the_outage_and_device_tiles(admin, clock):
    from dukcapil_tui.models import RecordingSite
    from dukcapil_tui.services import devices, outages

    assert (tile("outages").value, tile("outages").lines, tile("outages").alerts) == (
        "0", ("Tidak ada gangguan berlangsung.",), ())
    assert (tile("devices").value, tile("devices").lines) == ("0", ("dari 0 alat terdaftar: -",))
    RecordingSite.create(code="UPT-PUJUT", name="UPT Pujut", kind="upt", kecamatan_code="52.02.04",
                         created_at=clock.now, created_by="admin")
    outages.add(admin, {"kind": "power", "site": "UPT-PUJUT", "started": "22-11-2026 08:00"})
    outages.add(admin, {"kind": "central", "started": "21-11-2026 10:00"})
    shown = tile("outages")
    assert shown.value == "2"
    assert shown.alerts == ("server pusat diblokir, seluruh kantor, sejak 21-11-2026 10:00 WITA (24,0 jam)",)
    assert shown.lines == ("listrik padam, UPT-PUJUT, sejak 22-11-2026 08:00 WITA (2,0 jam)",)
    for number in range(4):
        devices.add(admin, {"kind": "camera", "serial": f"C{number}", "site": "UPT-PUJUT"})
    devices.record(admin, "C0", "broken", {})
    shown = tile("devices")
    assert (shown.value, shown.lines, shown.alerts) == (
        "1", ("dari 4 alat terdaftar: 25,0 %",), ("UPT-PUJUT: 1 alat tidak berfungsi",))
