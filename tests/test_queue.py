"""The queue (antrian) core against a real SQLite file: numbering, order, every move and
refusal, outcomes feeding the print backlog, end of day, statistics, the board, slips and
the service catalogue."""

from __future__ import annotations

import json
import shlex
import sqlite3
import sys
from datetime import datetime, timedelta

import pytest

from dukcapil_tui.db import open_database
from dukcapil_tui.domain import queue as rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.migrations import LATEST_VERSION, MIGRATIONS
from dukcapil_tui.models import AuditLog, Card, CardEvent, Counter, Resident, Service, Ticket, TicketEvent
from dukcapil_tui.services import day_review, bookings, catalog, queue_stats, settings, slips
from dukcapil_tui.services import queue as q
from dukcapil_tui.services.context import NotFound, PermissionDenied, ServiceError

from queue_helpers import TODAY, actor, add_resident, admin, birth_for_age, clock, office, office_template  # noqa: F401

TOMORROW = TODAY + timedelta(days=1)


def take(who, code: str = "rekam_baru", **kwargs) -> q.Taken:
    if "resident_id" not in kwargs and "visitor_name" not in kwargs:
        if catalog.service_by_code(code).records_biometrics:  # a recording needs a registered resident
            kwargs["resident_id"] = add_resident().id
        else:
            kwargs["visitor_name"] = "Pengunjung"
    return q.take_ticket(who, code, **kwargs)


def fresh(ticket) -> Ticket:
    return Ticket.get_by_id(ticket.id if hasattr(ticket, "id") else ticket.ticket.id)


def labels(ids: list[int]) -> list[str]:
    return [q.ticket_label(Ticket.get_by_id(i)) for i in ids]


def claim_all(who, counter: int = 1) -> list[str]:
    """Call every waiting ticket in turn at one counter, finishing each before the next."""
    claimed = []
    while (ticket := q.claim_next(who, counter)) is not None:
        claimed.append(q.ticket_label(ticket))
        q.finish(who, ticket.id, counter, "referred")
    return claimed


def test_the_claimed_ticket_is_the_stored_row_as_a_read_gives_it(admin, clock):
    """The claim builds its ticket from UPDATE … RETURNING: every field as a fresh read of the
    row gives it (dates as dates, the service as its id), and nothing left to save."""
    take(admin)
    called = q.claim_next(admin, 1)
    stored = Ticket.get_by_id(called.id)
    assert called.__data__ == stored.__data__
    assert (called.status, called.counter, called.recalls) == ("called", 1, 0)
    assert called.service.code == stored.service.code and called.day == TODAY
    assert not called.is_dirty()


def test_a_counter_holding_a_ticket_cannot_call_the_next(admin, clock):
    first, second = take(admin), take(admin)
    called = q.claim_next(admin, 1)
    assert called.id == first.ticket.id
    with pytest.raises(ServiceError, match="Loket 1 masih memegang tiket A-001"):
        q.claim_next(admin, 1)
    assert fresh(second).status == "waiting"
    q.hold(admin, called.id, 1, "KK belum dibawa")
    assert q.claim_next(admin, 1).id == second.ticket.id  # free again once the ticket is on hold


def events_of(ticket) -> list[str]:
    return [
        e.event for e in TicketEvent.select().where(TicketEvent.ticket == fresh(ticket).id).order_by(TicketEvent.id)
    ]


def set_quota(code: str, quota: int | None) -> None:
    Service.update(daily_quota=quota).where(Service.code == code).execute()


def write_bookings(tmp_path, *rows: str, name: str = "booking.csv"):
    path = tmp_path / name
    path.write_text("\n".join(["TANGGAL;NIK;NAMA;LAYANAN;JAM", *rows]) + "\n", encoding="utf-8")
    return path


# --- numbering ------------------------------------------------------------------------------

def test_numbers_run_per_service_from_001(admin, clock):
    taken = [take(admin, code) for code in ("rekam_baru", "rekam_baru", "cetak_ulang", "rekam_baru", "pengambilan")]
    assert [t.label for t in taken] == ["A-001", "A-002", "B-001", "A-003", "E-001"]
    stored = [(fresh(t).service.code, fresh(t).number, fresh(t).day) for t in taken]
    assert stored == [("rekam_baru", 1, TODAY), ("rekam_baru", 2, TODAY), ("cetak_ulang", 1, TODAY),
                      ("rekam_baru", 3, TODAY), ("pengambilan", 1, TODAY)]
    assert [t.ahead for t in taken] == [0, 1, 0, 2, 0]
    first = fresh(taken[0])
    assert (first.status, first.channel, first.workstation) == ("waiting", "langsung", "TEST-01")
    assert first.resident_id is not None  # a recording is for a registered resident
    visitor = fresh(take(admin, "konsultasi", visitor_name="  pak   budi "))
    assert (visitor.resident_id, visitor.visitor_name) == (None, "PAK BUDI")
    assert events_of(first) == ["take"]
    assert AuditLog.select().where(AuditLog.action == "ticket.take").count() == 6


def test_numbers_restart_at_midnight_in_the_office_zone_wita(admin, clock):
    clock.set(datetime(2026, 11, 22, 15, 59))  # 23:59 WITA on the 22nd
    first, second = take(admin), take(admin)
    clock.set(datetime(2026, 11, 22, 16, 1))  # 00:01 WITA on the 23rd
    third = take(admin)
    assert [first.label, second.label, third.label] == ["A-001", "A-002", "A-001"]
    assert [fresh(t).day for t in (first, second, third)] == [TODAY, TODAY, TOMORROW]
    assert q.queue_order([fresh(third).service_id], TOMORROW) == [third.ticket.id]


def test_numbers_restart_at_1700_utc_in_a_wib_office(admin, clock):
    settings.put(admin, "timezone", "Asia/Jakarta")
    clock.set(datetime(2026, 11, 22, 16, 1))  # 23:01 WIB: still the 22nd (in WITA it is the 23rd)
    first = take(admin)
    clock.set(datetime(2026, 11, 22, 16, 59))  # 23:59 WIB
    second = take(admin)
    clock.set(datetime(2026, 11, 22, 17, 1))  # 00:01 WIB on the 23rd
    third = take(admin)
    assert [first.label, second.label, third.label] == ["A-001", "A-002", "A-001"]
    assert [fresh(t).day for t in (first, second, third)] == [TODAY, TODAY, TOMORROW]


# --- quotas ---------------------------------------------------------------------------------

QUOTA_FULL = ("Kuota harian layanan Perekaman KTP-el (baru) (2 tiket) sudah habis. "
              "Sarankan datang besok atau daftar online.")


def test_quota_refuses_with_a_clear_message_and_writes_nothing(admin, clock):
    set_quota("rekam_baru", 2)
    take(admin), take(admin)
    before = (Ticket.select().count(), TicketEvent.select().count(), AuditLog.select().count())
    with pytest.raises(ServiceError) as refused:
        take(admin)
    assert str(refused.value) == QUOTA_FULL
    assert (Ticket.select().count(), TicketEvent.select().count(), AuditLog.select().count()) == before
    assert take(admin, "cetak_ulang").label == "B-001"  # other services are not affected


def test_transfers_in_do_not_count_against_the_quota(admin, clock):
    set_quota("rekam_baru", 2)
    take(admin)
    other = take(admin, "pindah_datang")
    moved = q.transfer(admin, other.ticket.id, "rekam_baru", None, "perlu rekam")
    assert moved.service.code == "rekam_baru" and q.ticket_label(moved) == "A-002"
    assert take(admin).label == "A-003"  # two tickets of A exist, but only one was issued here
    with pytest.raises(ServiceError, match="Kuota harian"):
        take(admin)


def test_carried_over_tickets_do_not_count_against_the_next_days_quota(admin, clock):
    set_quota("rekam_baru", 2)
    take(admin), take(admin)
    assert q.end_of_day(admin, TODAY, carry_over=True).carried_over == 2
    clock.at_wita(8, 0, TOMORROW)
    assert [take(admin).label, take(admin).label] == ["A-003", "A-004"]
    with pytest.raises(ServiceError, match="Kuota harian"):
        take(admin)


# --- the order of calling ---------------------------------------------------------------------

def test_priority_tickets_are_called_first_then_arrival_order(admin, clock):
    clock.at_wita(9, 0)
    plan = [None, None, "ibu_hamil", "lansia", None, "disabilitas"]
    taken = []
    for priority in plan:
        taken.append(take(admin, priority=priority))
        clock.advance(minutes=1)
    assert [t.label for t in taken] == ["A-001", "A-002", "A-003", "A-004", "A-005", "A-006"]
    # the number each one is told is ahead of it, at the moment it is taken
    assert [t.ahead for t in taken] == [0, 1, 0, 1, 4, 2]
    service_id = taken[0].ticket.service_id
    assert labels(q.queue_order([service_id], TODAY)) == ["A-003", "A-004", "A-006", "A-001", "A-002", "A-005"]
    assert claim_all(admin) == ["A-003", "A-004", "A-006", "A-001", "A-002", "A-005"]
    called = fresh(taken[2])
    assert (called.status, called.counter, called.recalls) == ("done", 1, 0)
    event = TicketEvent.get((TicketEvent.ticket == called.id) & (TicketEvent.event == "call"))
    assert (event.from_status, event.to_status, event.counter, event.username) == ("waiting", "called", 1, "admin")


def test_a_bad_priority_or_channel_or_no_name_is_refused(admin, clock):
    with pytest.raises(ValidationError) as bad:
        q.take_ticket(admin, "rekam_baru", priority="vip", channel="pos")
    assert set(bad.value.problems) == {"priority", "channel", "visitor_name"}
    assert bad.value.problems["priority"].startswith("Prioritas: nilai 'vip' tidak dikenal")
    assert bad.value.problems["visitor_name"] == "Isi NIK penduduk, atau nama pengunjung untuk layanan tanpa NIK."
    with pytest.raises(NotFound, match="Layanan 'tidak_ada' tidak dikenal."):
        take(admin, "tidak_ada")
    assert Ticket.select().count() == 0


def test_booked_and_checked_in_goes_to_the_front_at_the_booked_time_not_before(admin, clock, tmp_path):
    early, late = add_resident(), add_resident()
    clock.at_wita(8, 0)
    result = bookings.import_bookings(admin, write_bookings(
        tmp_path, f"22-11-2026;{late.nik};X;rekam_baru;11:00", f"22-11-2026;{early.nik};Y;rekam_baru;09:00"))
    assert (result.booked, result.rejected) == (2, [])
    booked_late, never = bookings.bookings_for(late.nik, TODAY)[0], bookings.bookings_for(early.nik, TODAY)[0]
    clock.at_wita(9, 40)
    w1 = take(admin)
    clock.at_wita(9, 42)
    w2 = take(admin)
    clock.at_wita(9, 45)
    checked = q.check_in(admin, booked_late.id)
    assert checked.status == "waiting" and checked.checked_in_at == clock.now
    clock.at_wita(9, 50)
    w3 = take(admin)
    service_id = w1.ticket.service_id
    clock.at_wita(10, 30)
    early_call = q.claim_next(admin, 1)
    assert q.ticket_label(early_call) == w1.label  # the slot has not come: no jumping ahead
    q.finish(admin, early_call.id, 1, "referred")
    assert labels(q.queue_order([service_id], TODAY)) == [w2.label, q.ticket_label(checked), w3.label]
    clock.at_wita(10, 50)
    elderly = take(admin, priority="lansia")
    clock.at_wita(11, 0)
    assert labels(q.queue_order([service_id], TODAY)) == [elderly.label, q.ticket_label(checked), w2.label, w3.label]
    assert claim_all(admin) == [elderly.label, q.ticket_label(checked), w2.label, w3.label]
    assert fresh(never).status == "booked"  # booked but never checked in: never called


# --- moves and refusals ---------------------------------------------------------------------

def test_recall_counts_up_and_needs_a_called_ticket(admin, clock):
    first, second = take(admin), take(admin)
    with pytest.raises(ServiceError) as refused:
        q.recall(admin, first.ticket.id, 1)
    assert str(refused.value) == "Tiket A-001 berstatus menunggu: tidak bisa dipanggil ulang."
    q.claim_next(admin, 1)
    assert q.recall(admin, first.ticket.id, 1).recalls == 1
    assert q.recall(admin, first.ticket.id, 1).recalls == 2
    details = [json.loads(e.detail)["recalls"] for e in TicketEvent.select().where(TicketEvent.event == "recall")]
    assert details == [1, 2]
    assert fresh(first).status == "called" and fresh(second).status == "waiting"


def test_no_show_only_after_the_recalls_in_settings(admin, clock):
    first = take(admin)
    q.claim_next(admin, 1)
    with pytest.raises(ServiceError) as refused:
        q.no_show(admin, first.ticket.id, 1)
    assert str(refused.value) == "Baru dipanggil ulang 0 kali; tandai tidak hadir setelah 3 kali panggil ulang."
    q.recall(admin, first.ticket.id, 1)
    q.recall(admin, first.ticket.id, 1)
    with pytest.raises(ServiceError, match="Baru dipanggil ulang 2 kali"):
        q.no_show(admin, first.ticket.id, 1)
    q.recall(admin, first.ticket.id, 1)
    # Three quick presses are not enough: the recalls must be spread over the minimum time.
    clock.advance(minutes=4, seconds=59)
    with pytest.raises(ServiceError) as refused:
        q.no_show(admin, first.ticket.id, 1)
    assert str(refused.value) == ("Baru 4 menit sejak dipanggil; tandai tidak hadir setelah 5 menit (panggil ulang "
                                  "lagi sambil menunggu).")
    clock.advance(seconds=1)  # exactly five minutes
    assert q.no_show(admin, first.ticket.id, 1).status == "no_show"
    assert events_of(first) == ["take", "call", "recall", "recall", "recall", "no_show"]

    settings.put(admin, "noshow_after_recalls", "1")
    settings.put(admin, "noshow_min_minutes", "0")
    second = take(admin)
    q.claim_next(admin, 1)
    with pytest.raises(ServiceError, match="setelah 1 kali panggil ulang"):
        q.no_show(admin, second.ticket.id, 1)
    q.recall(admin, second.ticket.id, 1)
    assert q.no_show(admin, second.ticket.id, 1).status == "no_show"  # no minimum time set
    waiting = take(admin)
    with pytest.raises(ServiceError, match="berstatus menunggu: tidak bisa ditandai tidak hadir"):
        q.no_show(admin, waiting.ticket.id, 1)


def test_hold_needs_a_reason_and_unhold_returns_to_the_original_place(admin, clock):
    clock.at_wita(9, 0)
    t1 = take(admin)
    clock.advance(minutes=5)
    t2 = take(admin)
    clock.advance(minutes=5)
    t3 = take(admin)
    service_id = t1.ticket.service_id
    q.claim_next(admin, 1)
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            q.hold(admin, t1.ticket.id, 1, empty)
        assert refused.value.problems == {"reason": "Alasan ditunda wajib diisi."}
    assert fresh(t1).status == "called"
    with pytest.raises(ServiceError, match="berstatus menunggu: tidak bisa ditunda"):
        q.hold(admin, t2.ticket.id, 1, "KK tertinggal")
    held = q.hold(admin, t1.ticket.id, 1, "  KK   belum dibawa ")
    assert (held.status, held.hold_reason) == ("on_hold", "KK belum dibawa")
    assert labels(q.queue_order([service_id], TODAY)) == [t2.label, t3.label]
    clock.advance(minutes=30)
    back = q.unhold(admin, t1.ticket.id)
    assert (back.status, back.counter) == ("waiting", None)
    assert labels(q.queue_order([service_id], TODAY)) == [t1.label, t2.label, t3.label]
    assert q.ticket_label(q.claim_next(admin, 2)) == t1.label
    with pytest.raises(ServiceError, match="tidak bisa dikembalikan ke antrean"):
        q.unhold(admin, t2.ticket.id)


def test_call_specific_needs_a_reason(admin, clock):
    t1, t2, t3 = take(admin), take(admin), take(admin)
    with pytest.raises(ValidationError) as refused:
        q.call_specific(admin, t3.ticket.id, 2, " ")
    assert refused.value.problems == {"reason": "Alasan wajib diisi."}
    assert fresh(t3).status == "waiting"
    called = q.call_specific(admin, t3.ticket.id, 2, "berkas sudah diperiksa")
    assert (called.status, called.counter) == ("called", 2)
    event = TicketEvent.get((TicketEvent.ticket == t3.ticket.id) & (TicketEvent.event == "call_specific"))
    assert json.loads(event.detail) == {"reason": "berkas sudah diperiksa"} and event.counter == 2
    assert q.claim_next(admin, 1).id == t1.ticket.id
    q.hold(admin, t1.ticket.id, 1, "foto kurang")
    assert q.call_specific(admin, t1.ticket.id, 1, "foto sudah ada").status == "called"  # from on hold
    q.start(admin, t1.ticket.id, 1)
    q.finish(admin, t1.ticket.id, 1, "referred")
    with pytest.raises(ServiceError, match="Tiket A-001 berstatus selesai: tidak bisa dipanggil"):
        q.call_specific(admin, t1.ticket.id, 1, "lagi")
    assert fresh(t2).status == "waiting"


def test_start_only_from_called(admin, clock):
    first = take(admin)
    with pytest.raises(ServiceError) as refused:
        q.start(admin, first.ticket.id, 1)
    assert str(refused.value) == "Tiket A-001 berstatus menunggu: tidak bisa mulai dilayani."
    q.claim_next(admin, 3)
    started = q.start(admin, first.ticket.id, 3)
    assert (started.status, started.counter) == ("serving", 3)
    with pytest.raises(NotFound, match="Tiket tidak ditemukan."):
        q.start(admin, 999_999, 3)


def test_transfer_makes_a_linked_ticket_that_keeps_resident_priority_and_arrival(admin, clock):
    resident = add_resident()
    clock.at_wita(9, 0)
    first = take(admin, "pindah_datang", resident_id=resident.id, notes="pindah dari Mataram")
    clock.at_wita(9, 10)
    a1 = take(admin)
    clock.at_wita(9, 20)
    a2 = take(admin)
    clock.at_wita(9, 30)
    assert q.claim_next(admin, 1).id == first.ticket.id
    q.start(admin, first.ticket.id, 1)
    with pytest.raises(ServiceError, match="Tiket sudah berada di layanan itu."):
        q.transfer(admin, first.ticket.id, "pindah_datang", 1)
    with pytest.raises(NotFound, match="Layanan 'rekam' tidak dikenal."):
        q.transfer(admin, first.ticket.id, "rekam", 1)
    clock.at_wita(9, 40)
    new = q.transfer(admin, first.ticket.id, "rekam_baru", 1, "perlu rekam ulang")
    old = fresh(first)
    assert old.status == "transferred"
    assert (new.service.code, q.ticket_label(new), new.status) == ("rekam_baru", "A-003", "waiting")
    assert (new.resident_id, new.priority, new.notes, new.day) == (resident.id, None, "pindah dari Mataram", TODAY)
    assert new.queued_at == old.queued_at == datetime(2026, 11, 22, 1, 0)
    assert new.transferred_from_id == old.id and [t.id for t in old.transfers] == [new.id]
    assert labels(q.queue_order([new.service_id], TODAY)) == ["A-003", a1.label, a2.label]
    transfer_event = TicketEvent.get((TicketEvent.ticket == old.id) & (TicketEvent.event == "transfer"))
    assert json.loads(transfer_event.detail) == {"to": "rekam_baru", "reason": "perlu rekam ulang"}
    assert json.loads(TicketEvent.get(TicketEvent.ticket == new.id).detail)["transferred_from"] == "D-001"
    with pytest.raises(ServiceError, match="berstatus dialihkan: tidak bisa dialihkan"):
        q.transfer(admin, old.id, "pengambilan", 1)


def test_transfer_keeps_the_priority(admin, clock):
    clock.at_wita(9, 0)
    take(admin)
    clock.at_wita(9, 5)
    pregnant = take(admin, "konsultasi", priority="ibu_hamil")
    new = q.transfer(admin, pregnant.ticket.id, "rekam_baru", None)
    assert new.priority == "ibu_hamil"
    assert labels(q.queue_order([new.service_id], TODAY)) == ["A-002", "A-001"]


# --- outcomes -------------------------------------------------------------------------------

def serving(who, code: str = "rekam_baru", counter: int = 1, **kwargs) -> Ticket:
    taken = take(who, code, **kwargs)
    q.call_specific(who, taken.ticket.id, counter, "uji")
    return q.start(who, taken.ticket.id, counter)


def test_outcomes_depend_on_the_service_type(admin, clock):
    recording = serving(admin)
    with pytest.raises(ValidationError) as refused:
        q.finish(admin, recording.id, 1, "served")
    assert refused.value.problems == {"outcome": (
        "Hasil layanan: nilai 'served' tidak dikenal; pilih salah satu dari Sudah direkam, Gagal: alat rusak, "
        "Gagal: biometrik tidak terbaca, Dirujuk.")}
    other = serving(admin, "pengambilan", counter=2)
    with pytest.raises(ValidationError) as refused:
        q.finish(admin, other.id, 2, "recorded")
    assert "pilih salah satu dari Selesai dilayani, Dirujuk." in refused.value.problems["outcome"]
    assert fresh(recording).status == fresh(other).status == "serving"
    done = q.finish(admin, other.id, 2, "served", note="  kartu   diterima ")
    assert (done.status, done.outcome, done.outcome_note) == ("done", "served", "kartu diterima")
    assert q.finish(admin, recording.id, 1, "failed_biometric").outcome == "failed_biometric"
    assert rules.outcomes_for(True) == ("recorded", "failed_device", "failed_biometric", "referred")
    assert Card.select().count() == 0


def test_failed_device_needs_the_device_which_is_stored(admin, clock):
    ticket = serving(admin)
    with pytest.raises(ValidationError) as refused:
        q.finish(admin, ticket.id, 1, "failed_device", device="  ")
    assert refused.value.problems == {"device": "Alat yang rusak wajib diisi."}
    assert fresh(ticket).status == "serving"
    done = q.finish(admin, ticket.id, 1, "failed_device", device="alat perekam  Kec. Pujut")
    assert (done.status, done.outcome, done.device) == ("done", "failed_device", "alat perekam Kec. Pujut")
    event = TicketEvent.get((TicketEvent.ticket == ticket.id) & (TicketEvent.event == "finish"))
    assert json.loads(event.detail)["device"] == "alat perekam Kec. Pujut"
    assert Card.select().count() == 0


def test_recorded_marks_the_resident_and_puts_a_card_in_the_backlog(admin, clock):
    resident = add_resident(birth_for_age(30))
    ticket = serving(admin, resident_id=resident.id)
    clock.advance(minutes=12)
    done = q.finish(admin, ticket.id, 1, "recorded")
    assert (done.status, done.outcome) == ("done", "recorded")
    assert Resident.get_by_id(resident.id).recording_status == "sudah"
    card = Card.get(Card.resident == resident.id)
    assert (card.central_status, card.office_status, card.reason, card.ticket_id) == (
        "BIO_CAPTURED", "waiting_prr", "baru", ticket.id)
    assert card.recorded_at == clock.now and "Disdukcapil Kabupaten Lombok Tengah" in card.recorded_where
    event = CardEvent.get(CardEvent.card == card.id)
    assert (event.central_status, event.office_status, event.source, event.note) == (
        "BIO_CAPTURED", "waiting_prr", "perekaman", "A-001")
    actions = [a.action for a in AuditLog.select().order_by(AuditLog.id.desc()).limit(3)]
    assert actions == ["ticket.finish", "card.create", "resident.update"]
    assert json.loads(TicketEvent.get(TicketEvent.event == "finish").detail)["card"] == card.id


@pytest.mark.parametrize("chosen, reason", [(None, "rusak"), ("rusak", "rusak"), ("hilang", "hilang")])
def test_a_reprint_is_a_print_ready_card_with_its_reason_never_a_recording(admin, clock, chosen, reason):
    resident = add_resident(recording="sudah")
    ticket = serving(admin, "cetak_ulang", resident_id=resident.id)
    with pytest.raises(ValidationError):  # a reprint records no biometrics
        q.finish(admin, ticket.id, 1, "recorded")
    q.finish(admin, ticket.id, 1, "served", card_reason=chosen)
    card = Card.get(Card.resident == resident.id)
    assert (card.reason, card.central_status, card.office_status, card.site_code, card.origin) == (
        reason, "PRINT_READY_RECORD", "ready_to_print", "DINAS", "loket")
    assert [(e.central_status, e.source) for e in card.events] == [("PRINT_READY_RECORD", "permohonan")]
    assert AuditLog.select().where(AuditLog.action == "resident.update").count() == 0  # was already SUDAH


def test_a_data_change_is_a_reprint_of_its_own_reason_only(admin, clock):
    resident = add_resident(recording="sudah")
    ticket = serving(admin, "perubahan", resident_id=resident.id)
    with pytest.raises(ValidationError) as refused:
        q.finish(admin, ticket.id, 1, "served", card_reason="hilang")
    assert refused.value.problems["card_reason"] == (
        "Alasan kartu: nilai 'hilang' tidak dikenal; pilih salah satu dari Perubahan elemen data.")
    q.finish(admin, ticket.id, 1, "served")
    assert Card.get(Card.resident == resident.id).reason == "perubahan_data"


def test_a_reprint_needs_a_recorded_living_resident_without_a_card_on_its_way(admin, clock):
    not_recorded = add_resident(recording="belum")
    ticket = serving(admin, "cetak_ulang", resident_id=not_recorded.id)
    with pytest.raises(ServiceError, match="BELUM REKAM: cetak ulang hanya untuk rekaman"):
        q.finish(admin, ticket.id, 1, "served", card_reason="hilang")
    assert fresh(ticket).status == "serving" and Card.select().count() == 0
    q.finish(admin, ticket.id, 1, "referred")
    recorded = add_resident(recording="sudah")
    ticket = serving(admin, "cetak_ulang", resident_id=recorded.id)
    q.finish(admin, ticket.id, 1, "served", card_reason="hilang")
    ticket = serving(admin, "cetak_ulang", resident_id=recorded.id)
    with pytest.raises(ServiceError, match="masih punya kartu dalam antrean cetak \\(siap cetak\\)"):
        q.finish(admin, ticket.id, 1, "served", card_reason="rusak")
    q.finish(admin, ticket.id, 1, "referred")
    Resident.update(life_status="mati", life_status_on=TODAY).where(Resident.id == recorded.id).execute()
    dead = add_resident(recording="sudah")
    Resident.update(life_status="mati", life_status_on=TODAY).where(Resident.id == dead.id).execute()
    ticket = serving(admin, "cetak_ulang", resident_id=dead.id)
    with pytest.raises(ServiceError, match="Penduduk berstatus Mati"):
        q.finish(admin, ticket.id, 1, "served", card_reason="hilang")


def test_a_recording_carries_the_workstations_site(admin, clock):
    from dukcapil_tui.services import sites

    sites.save(admin, {"code": "UPT-PUJUT", "name": "UPT Kecamatan Pujut", "kind": "upt",
                       "kecamatan_code": "52.02.04"})
    sites.place(admin, "TEST-01", "UPT-PUJUT")
    resident = add_resident(recording="belum")
    ticket = serving(admin, resident_id=resident.id)
    q.finish(admin, ticket.id, 1, "recorded")
    assert Card.get(Card.resident == resident.id).site_code == "UPT-PUJUT"
    other = actor("loket")  # TEST-02: placed nowhere, records in the Dinas
    resident = add_resident(recording="belum")
    ticket = serving(other, resident_id=resident.id)
    q.finish(other, ticket.id, 1, "recorded")
    assert Card.get(Card.resident == resident.id).site_code == "DINAS"


def _nothing_written(ticket, before) -> None:
    assert fresh(ticket).status == "serving"
    assert (Card.select().count(), CardEvent.select().count(), TicketEvent.select().count(),
            AuditLog.select().count()) == before


def test_a_recording_ticket_needs_a_resident(admin, clock):
    with pytest.raises(ValidationError) as refused:
        q.take_ticket(admin, "rekam_baru", visitor_name="Tamu")
    assert refused.value.problems == {"nik": "Perekaman KTP-el (baru) memerlukan NIK penduduk: tamu tanpa NIK tidak "
                                             "bisa direkam. Daftarkan penduduknya dulu (F3)."}
    assert Ticket.select().count() == 0
    assert q.take_ticket(admin, "konsultasi", visitor_name="Tamu").label == "H-001"  # other services: fine


def test_recorded_without_a_resident_is_refused_and_writes_nothing(admin, clock):
    """A visitor ticket of a service turned into a recording one afterwards still never records
    anybody."""
    ticket = serving(admin, "konsultasi", visitor_name="Tamu")
    Service.update(records_biometrics=True, card_reason="baru").where(Service.code == "konsultasi").execute()
    before = (
        Card.select().count(),
        CardEvent.select().count(),
        TicketEvent.select().count(),
        AuditLog.select().count(),
    )
    with pytest.raises(ServiceError) as refused:
        q.finish(admin, ticket.id, 1, "recorded")
    assert str(refused.value) == "Hasil 'sudah direkam' memerlukan tiket dengan NIK penduduk."
    _nothing_written(ticket, before)


def test_recorded_for_an_under_16_is_refused_and_writes_nothing(admin, clock):
    young = add_resident(birth_for_age(15), marital="belum_kawin")
    ticket = serving(admin, resident_id=young.id)
    before = (
        Card.select().count(),
        CardEvent.select().count(),
        TicketEvent.select().count(),
        AuditLog.select().count(),
    )
    with pytest.raises(ServiceError) as refused:
        q.finish(admin, ticket.id, 1, "recorded")
    assert str(refused.value) == "Umur 15 tahun dan belum kawin: perekaman baru boleh sejak umur 16 tahun."
    _nothing_written(ticket, before)
    assert Resident.get_by_id(young.id).recording_status == "belum"
    sixteen = add_resident(birth_for_age(16), marital="belum_kawin")
    allowed = serving(admin, resident_id=sixteen.id, counter=2)
    assert q.finish(admin, allowed.id, 2, "recorded").outcome == "recorded"


@pytest.mark.parametrize("age", [13, 15])
def test_a_married_resident_under_16_is_wajib_ktp_and_is_recorded(admin, clock, age):
    """Pasal 63 ayat (1) UU 23/2006 as amended by UU 24/2013: married means wajib KTP, at any age."""
    married = add_resident(birth_for_age(age), marital="kawin")
    rekam = catalog.service_by_code("rekam_baru")
    assert q.ticket_warnings(rekam, married, TODAY) == []
    ticket = serving(admin, resident_id=married.id)
    assert q.finish(admin, ticket.id, 1, "recorded").outcome == "recorded"
    assert Resident.get_by_id(married.id).recording_status == "sudah"
    assert Card.select().where(Card.resident == married.id).count() == 1
    widowed = add_resident(birth_for_age(age), marital="cerai_mati")
    assert q.finish(admin, serving(admin, resident_id=widowed.id, counter=2).id, 2, "recorded").outcome == "recorded"


def test_recorded_on_a_ticket_not_at_the_counter_is_refused_and_writes_nothing(admin, clock):
    resident = add_resident()
    waiting = take(admin, resident_id=resident.id)
    with pytest.raises(ServiceError, match="berstatus menunggu: tidak bisa diselesaikan"):
        q.finish(admin, waiting.ticket.id, 1, "recorded")
    assert Card.select().count() == 0
    assert Resident.get_by_id(resident.id).recording_status == "belum"


@pytest.mark.parametrize("role", ["cetak", "blangko"])
def test_printing_and_stock_roles_may_not_take_tickets_or_serve(admin, clock, role, tmp_path):
    ticket = take(admin)
    outsider = actor(role)
    action = "mengambilkan tiket antrean"
    with pytest.raises(PermissionDenied) as refused:
        take(outsider)
    assert str(refused.value) == f"Peran {role} tidak berwenang untuk {action}."
    serve = f"Peran {role} tidak berwenang untuk melayani di loket."
    for attempt in (lambda: q.claim_next(outsider, 1), lambda: q.call_specific(outsider, ticket.ticket.id, 1, "x"),
                    lambda: q.recall(outsider, ticket.ticket.id, 1), lambda: q.start(outsider, ticket.ticket.id, 1),
                    lambda: q.hold(outsider, ticket.ticket.id, 1, "x"), lambda: q.unhold(outsider, ticket.ticket.id),
                    lambda: q.no_show(outsider, ticket.ticket.id, 1),
                    lambda: q.transfer(outsider, ticket.ticket.id, "pengambilan", 1),
                    lambda: q.finish(outsider, ticket.ticket.id, 1, "referred")):
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert str(refused.value) == serve
    with pytest.raises(PermissionDenied, match="menutup hari antrean"):
        q.end_of_day(outsider, TODAY, carry_over=False)
    with pytest.raises(PermissionDenied, match=action):
        q.check_in(outsider, ticket.ticket.id)
    with pytest.raises(PermissionDenied, match="mengimpor daftar booking online"):
        bookings.import_bookings(outsider, write_bookings(tmp_path))
    with pytest.raises(PermissionDenied, match="mengimpor daftar booking online"):  # imports are the head's
        bookings.import_bookings(actor("loket"), write_bookings(tmp_path))
    assert fresh(ticket).status == "waiting" and Ticket.select().count() == 1


def test_a_counter_clerk_serves_but_may_not_change_the_catalogue(admin, clock):
    clerk = actor("loket", "loket1")
    ticket = take(clerk)
    assert q.claim_next(clerk, 2).id == ticket.ticket.id
    assert q.finish(clerk, ticket.ticket.id, 2, "referred").status == "done"
    with pytest.raises(PermissionDenied, match="mengatur layanan dan loket"):
        catalog.save_service(clerk, {"code": "baru", "name": "Baru", "prefix": "Z"})
    with pytest.raises(PermissionDenied, match="mengatur layanan dan loket"):
        catalog.save_counter(clerk, 5, "Loket 5", [])


# --- warnings before a ticket is made ----------------------------------------------------------

def test_warning_for_an_open_ticket_today(admin, clock):
    resident = add_resident()
    first = take(admin, "rekam_baru", resident_id=resident.id)
    assert first.warnings == []
    second = take(admin, "konsultasi", resident_id=resident.id)
    assert second.warnings == [
        "NIK ini sudah memegang tiket A-001 (Perekaman KTP-el (baru)) hari ini yang belum selesai."]
    assert json.loads(TicketEvent.get(TicketEvent.ticket == second.ticket.id).detail)["warnings"] == 1
    for ticket in (first, second):
        q.call_specific(admin, ticket.ticket.id, 1, "uji")
        q.finish(admin, ticket.ticket.id, 1, "referred")
    assert q.ticket_warnings(catalog.service_by_code("konsultasi"), resident, TODAY) == []
    assert q.ticket_warnings(catalog.service_by_code("konsultasi"), None, TODAY) == []


def test_warning_for_an_already_recorded_resident_points_to_the_right_service(admin, clock):
    recorded = add_resident(recording="sudah")
    rekam, cetak = catalog.service_by_code("rekam_baru"), catalog.service_by_code("cetak_ulang")
    warnings = q.ticket_warnings(rekam, recorded, TODAY)
    assert warnings == ["Penduduk ini SUDAH REKAM. Untuk kartu rusak/hilang pilih Cetak ulang; "
                        "untuk mengambil kartu pilih Pengambilan KTP-el."]
    assert q.ticket_warnings(cetak, recorded, TODAY) == []
    assert q.ticket_warnings(rekam, add_resident(recording="belum"), TODAY) == []


def test_warnings_for_under_16_and_not_yet_wajib_ktp(admin, clock):
    rekam = catalog.service_by_code("rekam_baru")
    young = add_resident(birth_for_age(15), marital="belum_kawin")
    assert q.ticket_warnings(rekam, young, TODAY) == [
        "Umur 15 tahun dan belum kawin: perekaman baru boleh sejak umur 16 tahun."
    ]
    assert q.ticket_warnings(catalog.service_by_code("konsultasi"), young, TODAY) == []  # not a recording service
    sixteen = add_resident(birth_for_age(16), marital="belum_kawin")
    assert q.ticket_warnings(rekam, sixteen, TODAY) == [
        "Umur 16 tahun dan belum kawin: belum wajib KTP (boleh rekam, kartu dicetak setelah 17 tahun)."]
    married = add_resident(birth_for_age(16), marital="kawin")
    assert q.ticket_warnings(rekam, married, TODAY) == []
    assert take(admin, resident_id=young.id).warnings == [
        "Umur 15 tahun dan belum kawin: perekaman baru boleh sejak umur 16 tahun."
    ]


# --- end of day -----------------------------------------------------------------------------

def test_end_of_day_close(admin, clock, tmp_path):
    resident = add_resident()
    bookings.import_bookings(admin, write_bookings(tmp_path, f"22-11-2026;{resident.nik};X;rekam_baru;14:00"))
    done = take(admin, "pengambilan")
    q.call_specific(admin, done.ticket.id, 1, "uji")
    q.finish(admin, done.ticket.id, 1, "served")
    waiting, called, held = take(admin), take(admin), take(admin)
    q.call_specific(admin, called.ticket.id, 1, "uji")
    q.call_specific(admin, held.ticket.id, 2, "uji")
    q.hold(admin, held.ticket.id, 2, "akta belum ada")
    clock.at_wita(16, 0)
    result = q.end_of_day(admin, TODAY, carry_over=False)
    assert (result.day, result.closed, result.carried_over) == (TODAY, 4, 0)
    assert fresh(done).status == "done"
    for ticket in (waiting, called, held):
        assert (fresh(ticket).status, fresh(ticket).outcome) == ("closed", "closed_eod")
        assert events_of(ticket)[-1] == "close"
    booked = Ticket.get(Ticket.resident == resident.id)
    assert (booked.status, booked.outcome) == ("closed", "closed_eod")
    assert Ticket.select().where(Ticket.day == TOMORROW).count() == 0
    assert q.end_of_day(admin, TODAY, carry_over=False) == q.DayClosed(TODAY, 0, 0)


def test_end_of_day_refuses_a_day_that_has_not_come(admin, clock, tmp_path):
    resident = add_resident()
    bookings.import_bookings(admin, write_bookings(tmp_path, f"23-11-2026;{resident.nik};X;rekam_baru;09:00"))
    with pytest.raises(ServiceError) as refused:
        q.end_of_day(admin, TOMORROW, carry_over=False)
    assert str(refused.value) == "Hari 23-11-2026 belum tiba: antrean hari itu belum bisa ditutup."
    assert Ticket.get(Ticket.resident == resident.id).status == "booked"


def test_end_of_day_carry_over(admin, clock, tmp_path):
    resident, booked_tomorrow = add_resident(), add_resident()
    bookings.import_bookings(
        admin,
        write_bookings(
            tmp_path,
            f"22-11-2026;{resident.nik};X;rekam_baru;14:00",
            f"23-11-2026;{booked_tomorrow.nik};Y;rekam_baru;08:00",
        ),
    )
    clock.at_wita(9, 0)
    done = take(admin)
    q.call_specific(admin, done.ticket.id, 1, "uji")
    q.finish(admin, done.ticket.id, 1, "referred")
    elderly = take(admin, priority="lansia")
    plain = take(admin)
    held = take(admin, "pengambilan")
    q.call_specific(admin, held.ticket.id, 1, "uji")
    q.hold(admin, held.ticket.id, 1, "kuasa belum ada")
    clock.at_wita(16, 0)
    result = q.end_of_day(admin, TODAY, carry_over=True)
    assert (result.closed, result.carried_over) == (1, 3)
    rows = {row.service_code: row for row in queue_stats.day_summary(TODAY)}
    assert [(c, rows[c].closed, rows[c].carried_over_out) for c in sorted(rows)] == [
        ("pengambilan", 0, 1), ("rekam_baru", 0, 2)]  # the booking nobody came for is no ticket of the day
    seen = day_review.review(TODAY).queue
    assert (seen.closed, seen.carried, seen.still_open) == (0, 3, 0)
    booking = Ticket.get((Ticket.resident == resident.id) & (Ticket.day == TODAY))
    assert (booking.status, booking.outcome) == ("closed", "closed_eod")
    carried = list(Ticket.select().where(Ticket.carried_over == True).order_by(Ticket.id))  # noqa: E712
    assert [(q.ticket_label(t), t.day, t.status, t.priority) for t in carried] == [
        ("A-002", TOMORROW, "waiting", "lansia"),  # A-001 of the 23rd is the booking
        ("A-003", TOMORROW, "waiting", None),
        ("E-001", TOMORROW, "waiting", None),
    ]
    assert [t.transferred_from_id for t in carried] == [elderly.ticket.id, plain.ticket.id, held.ticket.id]
    for old in (elderly, plain, held):
        assert (fresh(old).status, fresh(old).outcome) == ("closed", "carried_over")
        assert events_of(old)[-1] == "carry_over"
    assert fresh(done).status == "done"
    clock.at_wita(7, 50, TOMORROW)
    walk_in = take(admin)
    assert walk_in.label == "A-004"
    assert labels(q.queue_order([walk_in.ticket.service_id], TOMORROW)) == ["A-002", "A-003", "A-004"]


def test_carried_over_tickets_are_left_out_of_the_next_days_times(admin, clock):
    clock.at_wita(15, 0)
    old = take(admin)
    clock.at_wita(16, 0)
    q.end_of_day(admin, TODAY, carry_over=True)
    clock.at_wita(8, 0, TOMORROW)
    new = take(admin)
    clock.at_wita(8, 10, TOMORROW)
    carried = q.claim_next(admin, 1)
    assert carried.carried_over
    clock.at_wita(8, 20, TOMORROW)
    q.finish(admin, carried.id, 1, "referred")
    assert q.claim_next(admin, 1).id == new.ticket.id  # at 08:20: waited 20 minutes
    clock.at_wita(8, 25, TOMORROW)
    q.finish(admin, new.ticket.id, 1, "referred")
    (row,) = queue_stats.day_summary(TOMORROW)
    assert (row.tickets, row.served, row.failed, row.carried_over_in) == (2, 0, 2, 1)  # referred: not served
    assert row.waiting_minutes == [20.0] and row.service_minutes == [5.0]
    (yesterday,) = queue_stats.day_summary(TODAY)
    assert (yesterday.tickets, yesterday.closed, yesterday.carried_over_out, yesterday.waiting_minutes) == (1, 0, 1, [])
    assert fresh(old).outcome == "carried_over"


# --- statistics -----------------------------------------------------------------------------

def test_day_summary_of_a_hand_built_day(admin, clock):
    resident = add_resident()
    plan = [(8, 0, {"resident_id": resident.id}), (8, 5, {}), (8, 20, {}), (8, 25, {}), (8, 30, {})]
    tickets = []
    for hour, minute, extra in plan:
        clock.at_wita(hour, minute)
        tickets.append(take(admin, **extra).ticket.id)
    t1, t2, t3, t4, t5 = tickets
    clock.at_wita(8, 10); assert q.claim_next(admin, 1).id == t1  # noqa: E702  waited 10
    clock.at_wita(8, 12); q.start(admin, t1, 1)  # noqa: E702
    clock.at_wita(8, 30); q.finish(admin, t1, 1, "recorded")  # noqa: E702  served 18
    assert q.claim_next(admin, 1).id == t2  # waited 25
    clock.at_wita(8, 31); q.start(admin, t2, 1)  # noqa: E702
    clock.at_wita(8, 41); q.finish(admin, t2, 1, "failed_device", device="kamera")  # noqa: E702  served 10
    assert q.claim_next(admin, 1).id == t3  # waited 21; nobody presses start
    clock.at_wita(8, 47); q.finish(admin, t3, 1, "failed_biometric")  # noqa: E702  served 6 (from the call)
    assert q.claim_next(admin, 1).id == t4  # waited 22
    for _ in range(3):
        clock.advance(minutes=2)
        q.recall(admin, t4, 1)
    q.no_show(admin, t4, 1)
    clock.at_wita(9, 0)
    konsultasi = take(admin, "konsultasi")
    clock.at_wita(9, 30)
    q.call_specific(admin, konsultasi.ticket.id, 2, "giliran")  # waited 30
    clock.at_wita(9, 45)
    q.finish(admin, konsultasi.ticket.id, 2, "served")  # served 15

    rows = {row.service_code: row for row in queue_stats.day_summary(TODAY)}
    assert set(rows) == {"rekam_baru", "konsultasi"}
    a = rows["rekam_baru"]
    # A failed recording is not served: it is counted apart.
    assert (a.tickets, a.served, a.failed, a.no_show, a.still_open, a.transferred, a.closed) == (5, 1, 2, 1, 1, 0, 0)
    assert dict(a.outcomes) == {"recorded": 1, "failed_device": 1, "failed_biometric": 1}
    assert sorted(a.waiting_minutes) == [10.0, 21.0, 22.0, 25.0]
    assert sorted(a.service_minutes) == [6.0, 10.0, 18.0]
    assert a.waiting_median == pytest.approx(21.5)
    assert a.waiting_p90 == pytest.approx(24.1)
    assert a.service_median == pytest.approx(10.0)
    assert a.service_p90 == pytest.approx(16.4)
    h = rows["konsultasi"]
    assert (h.tickets, h.served, h.failed, h.waiting_median, h.service_p90) == (1, 1, 0, 30.0, 15.0)
    assert queue_stats.day_summary(TOMORROW) == []


def test_percentile():
    assert rules.percentile([], 0.5) is None
    assert rules.percentile([7.0], 0.9) == 7.0
    assert rules.percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert rules.percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], 0.9) == 10.0


def test_transferred_ticket_waits_from_the_transfer_in_its_new_service(admin, clock):
    clock.at_wita(8, 0)
    first = take(admin, "konsultasi")
    clock.at_wita(8, 10)
    q.call_specific(admin, first.ticket.id, 1, "giliran")  # waited 10 for konsultasi
    clock.at_wita(8, 20)
    new = q.transfer(admin, first.ticket.id, "pengambilan", 1)
    clock.at_wita(8, 25)
    q.call_specific(admin, new.id, 2, "giliran")  # waited 5 for pengambilan
    rows = {row.service_code: row for row in queue_stats.day_summary(TODAY)}
    assert rows["konsultasi"].transferred == 1 and rows["konsultasi"].waiting_minutes == [10.0]
    assert rows["pengambilan"].waiting_minutes == [5.0]


# --- the waiting-room board ------------------------------------------------------------------

def test_board_shows_who_is_served_where_and_who_is_next(admin, clock):
    for _ in range(4):
        take(admin)
    take(admin, "pengambilan")
    q.claim_next(admin, 1)
    second = q.claim_next(admin, 2)
    q.start(admin, second.id, 2)
    counters, services = queue_stats.board(TODAY)
    assert [(c.number, c.label, c.status) for c in counters] == [
        (1, "A-001", "called"), (2, "A-002", "serving"), (3, None, None), (4, None, None)]
    by_code = {s.code: s for s in services}
    assert (by_code["rekam_baru"].waiting, by_code["rekam_baru"].next_labels) == (2, ["A-003", "A-004"])
    assert (by_code["pengambilan"].waiting, by_code["pengambilan"].next_labels) == (1, ["E-001"])
    assert (by_code["cetak_ulang"].waiting, by_code["cetak_ulang"].next_labels) == (0, [])
    assert [s.code for s in services][:2] == ["rekam_baru", "cetak_ulang"]  # catalogue order
    _, services = queue_stats.board(TODAY, upcoming=1)
    assert {s.code: s.next_labels for s in services}["rekam_baru"] == ["A-003"]
    q.finish(admin, second.id, 2, "referred")
    counters, _ = queue_stats.board(TODAY)
    assert [(c.number, c.label) for c in counters][:2] == [(1, "A-001"), (2, None)]


def test_board_shows_the_number_a_counter_called_last(admin, clock):
    clock.at_wita(9, 0)
    early = take(admin, "konsultasi")
    clock.at_wita(9, 5)
    waiting = take(admin)
    clock.at_wita(9, 10)
    moved = q.transfer(admin, early.ticket.id, "rekam_baru", None)  # A-002, a higher id, arrived at 09:00
    assert q.claim_next(admin, 1).id == moved.id
    clock.at_wita(9, 15)
    q.hold(admin, moved.id, 1, "foto belum ada")
    assert q.claim_next(admin, 1).id == waiting.ticket.id  # A-002 on hold, so the counter takes A-001
    counters, _ = queue_stats.board(TODAY)
    assert (counters[0].label, counters[0].status) == ("A-001", "called")
    q.finish(admin, waiting.ticket.id, 1, "referred")
    assert queue_stats.board(TODAY)[0][0].label is None
    q.call_specific(admin, moved.id, 1, "dokumen sudah lengkap")  # calling A-002 again puts it back
    assert queue_stats.board(TODAY)[0][0].label == "A-002"
    q.start(admin, moved.id, 1)
    assert (queue_stats.board(TODAY)[0][0].label, queue_stats.board(TODAY)[0][0].status) == ("A-002", "serving")


def test_queue_version_changes_after_a_move_only(admin, clock):
    take(admin)
    version = queue_stats.queue_version()
    queue_stats.board(TODAY)
    queue_stats.day_summary(TODAY)
    assert queue_stats.queue_version() == version
    ticket = q.claim_next(admin, 1)
    after_call = queue_stats.queue_version()
    assert after_call != version
    q.recall(admin, ticket.id, 1)
    assert queue_stats.queue_version() not in (version, after_call)


# --- slips ----------------------------------------------------------------------------------

def test_slip_text(admin, clock):
    clock.at_wita(9, 7)
    take(admin)
    elderly = take(admin, priority="lansia")
    plain = take(admin)
    text = slips.slip_text(fresh(plain))
    lines = text.splitlines()
    assert lines[0].strip() == "DISDUKCAPIL KABUPATEN LOMBOK" and lines[1].strip() == "TENGAH"
    assert "NOMOR ANTREAN" in text and "A - 0 0 3" in text
    assert "Perekaman KTP-el (baru)" in lines
    assert "22-11-2026  09:07 WITA" in lines
    assert "Antrean di depan Anda: 2" in lines
    assert "Prioritas" not in text
    assert all(len(line) <= slips.WIDTH for line in lines)
    assert "Prioritas: Lansia" in slips.slip_text(fresh(elderly))
    assert "Antrean di depan Anda: 0" in slips.slip_text(fresh(elderly))


def test_slip_of_a_booking_shows_the_check_in_time(admin, clock, tmp_path):
    resident = add_resident()
    clock.at_wita(7, 0)
    bookings.import_bookings(admin, write_bookings(tmp_path, f"22-11-2026;{resident.nik};X;pengambilan;11:00"))
    clock.at_wita(10, 42)
    checked = q.check_in(admin, bookings.bookings_for(resident.nik, TODAY)[0].id)
    assert "22-11-2026  10:42 WITA" in slips.slip_text(checked).splitlines()


def test_slip_shows_wib_in_a_wib_office(admin, clock):
    settings.put(admin, "timezone", "Asia/Jakarta")
    clock.set(datetime(2026, 11, 22, 2, 30))
    assert "22-11-2026  09:30 WIB" in slips.slip_text(fresh(take(admin)))


def test_deliver_writes_a_file_without_a_printer(admin, clock, tmp_path):
    ticket = fresh(take(admin))
    delivery = slips.deliver(ticket, tmp_path / "karcis")
    assert not delivery.printed
    assert delivery.path == tmp_path / "karcis" / "2026-11-22_A-001.txt"
    assert delivery.path.read_text(encoding="utf-8") == slips.slip_text(ticket)
    assert delivery.message == f"Karcis disimpan: {delivery.path}"


def _python_command(code: str) -> str:
    return shlex.join([sys.executable, "-c", code])


def test_deliver_sends_the_text_to_the_printer_command(admin, clock, tmp_path):
    printed = tmp_path / "printer-output.txt"
    settings.put(admin, "slip_printer_command", _python_command(
        f"import sys, pathlib; pathlib.Path({str(printed)!r}).write_bytes(sys.stdin.buffer.read())"))
    ticket = fresh(take(admin))
    delivery = slips.deliver(ticket, tmp_path / "karcis")
    assert (delivery.printed, delivery.path, delivery.message) == (True, None, "Karcis A-001 dicetak.")
    assert printed.read_text(encoding="utf-8") == slips.slip_text(ticket)
    assert not (tmp_path / "karcis").exists()


def test_a_failing_printer_falls_back_to_a_file_and_says_so(admin, clock, tmp_path):
    settings.put(admin, "slip_printer_command", _python_command("import sys; sys.exit(3)"))
    ticket = fresh(take(admin))
    delivery = slips.deliver(ticket, tmp_path / "karcis")
    assert not delivery.printed and delivery.path.read_text(encoding="utf-8") == slips.slip_text(ticket)
    assert delivery.message == ("Printer karcis gagal (perintah printer berhenti dengan kode 3). Karcis disimpan: "
                                f"{delivery.path}")
    settings.put(admin, "slip_printer_command", str(tmp_path / "tidak-ada-printer"))
    missing = slips.deliver(ticket, tmp_path / "karcis")
    assert missing.message.startswith("Printer karcis gagal (folder atau berkas itu (atau induknya) tidak ada).")
    assert missing.path.exists()
    settings.put(admin, "slip_printer_command", 'lpr "tanpa tutup')
    assert slips.deliver(ticket, tmp_path / "karcis").message.startswith(
        "Printer karcis gagal (perintah printer di pengaturan tidak bisa dibaca (tanda kutip?)).")


# --- the service catalogue and counters --------------------------------------------------------

def service_values(**changes) -> dict:
    values = {"code": "akta_lahir", "name": "Akta kelahiran", "prefix": "J", "daily_quota": "40",
              "records_biometrics": False, "card_reason": None, "active": True, "sort_order": 9}
    values.update(changes)
    return values


def test_a_reprint_service_keeps_its_reason_and_records_nothing(admin):
    service = catalog.save_service(admin, service_values(card_reason="perubahan_data"))
    assert (service.card_reason, service.records_biometrics) == ("perubahan_data", False)
    other = catalog.save_service(admin, service_values(code="akta_mati", prefix="K", card_reason="baru"))
    assert other.card_reason is None  # "baru" without recording makes no card


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "Akta Lahir!"}, "code", "Kode layanan: 2–32 huruf kecil, angka atau garis bawah."),
        ({"code": "a"}, "code", "Kode layanan: 2–32 huruf kecil, angka atau garis bawah."),
        ({"code": "rekam_baru"}, "code", "Kode layanan rekam_baru sudah dipakai."),
        ({"name": "  "}, "name", "Nama layanan wajib diisi."),
        ({"prefix": "J1"}, "prefix", "Awalan tiket: 1–3 huruf besar (A, B, …)."),
        ({"prefix": "ABCD"}, "prefix", "Awalan tiket: 1–3 huruf besar (A, B, …)."),
        ({"prefix": "a"}, "prefix", "Awalan A sudah dipakai layanan lain."),
        ({"daily_quota": "0"}, "daily_quota", "Kuota harian harus angka lebih dari 0, atau kosong untuk tanpa batas."),
        ({"daily_quota": "-5"}, "daily_quota", "Kuota harian harus angka lebih dari 0, atau kosong untuk tanpa batas."),
        (
            {"daily_quota": "banyak"},
            "daily_quota",
            "Kuota harian harus angka lebih dari 0, atau kosong untuk tanpa batas.",
        ),
        ({"records_biometrics": True}, "card_reason", "Layanan perekaman harus menyebut alasan kartu (baru)."),
        (
            {"records_biometrics": True, "card_reason": "hilang"},
            "records_biometrics",
            "Layanan 'Hilang' adalah cetak ulang dari rekaman yang ada di pusat: bukan perekaman biometrik.",
        ),
        ({"sort_order": "pertama"}, "sort_order", "Urutan harus bilangan bulat (1, 2, …)."),
        (
            {"card_reason": "iseng"},
            "card_reason",
            "Alasan kartu: nilai 'iseng' tidak dikenal; pilih salah satu dari baru, rusak, hilang, perubahan_data, "
            "pindah_datang.",
        ),
    ],
)
def test_save_service_validation(admin, changes, field, message):
    before = Service.select().count()
    with pytest.raises(ValidationError) as refused:
        catalog.save_service(admin, service_values(**changes))
    assert refused.value.problems == {field: message}
    assert Service.select().count() == before


def test_save_service_creates_and_edits(admin, clock):
    created = catalog.save_service(admin, service_values(code=" Akta_Lahir ", prefix="j", daily_quota=""))
    assert (created.code, created.prefix, created.daily_quota, created.records_biometrics) == (
        "akta_lahir",
        "J",
        None,
        False,
    )
    assert take(admin, "akta_lahir").label == "J-001"
    edited = catalog.save_service(admin, service_values(daily_quota=1, records_biometrics=False, card_reason="hilang"),
                                  created.id)
    assert (edited.prefix, edited.daily_quota, edited.card_reason) == ("J", 1, "hilang")
    entry = AuditLog.select().where(AuditLog.action == "service.update").get()
    assert json.loads(entry.changes)["daily_quota"] == [None, 1]
    with pytest.raises(ServiceError, match=r"Kuota harian layanan Akta kelahiran \(1 tiket\)"):
        take(admin, "akta_lahir")
    catalog.save_service(admin, service_values(active=False), created.id)
    with pytest.raises(ServiceError, match="Layanan Akta kelahiran sedang tidak dibuka."):
        take(admin, "akta_lahir")
    assert "akta_lahir" not in [s.code for s in catalog.services()]


def test_a_counter_calls_only_its_services(admin, clock):
    with pytest.raises(ValidationError) as refused:
        catalog.save_counter(admin, 2, "Loket Pengambilan", ["pengambilan", "ambil"])
    assert refused.value.problems == {"service_codes": "Layanan 'ambil' tidak dikenal."}
    with pytest.raises(ValidationError) as refused:
        catalog.save_counter(admin, 0, "Loket Nol", [])
    assert refused.value.problems == {"number": "Nomor loket harus angka lebih dari 0."}
    counter = catalog.save_counter(admin, 2, "Loket Pengambilan", ["pengambilan", "suket"])
    assert (counter.name, counter.codes) == ("Loket Pengambilan", ["pengambilan", "suket"])
    a1 = take(admin)
    assert q.claim_next(admin, 2) is None and fresh(a1).status == "waiting"
    e1, f1 = take(admin, "pengambilan"), take(admin, "suket")
    assert claim_all(admin, 2) == [e1.label, f1.label]
    assert q.claim_next(admin, 1).id == a1.ticket.id  # an empty list: every active service
    catalog.save_counter(admin, 3, "Loket 3", [], active=False)
    with pytest.raises(NotFound, match="Loket 3 tidak ada atau tidak aktif."):
        q.claim_next(admin, 3)
    assert Counter.get_by_id(3).active is False


# --- migration ------------------------------------------------------------------------------

def test_a_version_1_database_is_backed_up_then_upgraded(tmp_path):
    path = tmp_path / "lama.sqlite3"
    connection = sqlite3.connect(path)
    for statement in MIGRATIONS[0][2]:
        connection.execute(statement)
    connection.execute("INSERT INTO setting (key, value) VALUES ('region_code', '52.02'), ('office_name', 'Lama')")
    connection.execute("INSERT INTO app_user (username, full_name, role, password_hash, created_at) "
                       "VALUES ('admin', 'Admin', 'admin', 'x', '2025-01-01 00:00:00')")
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()

    backups = tmp_path / "cadangan"
    db = open_database(path, backup_dir=backups)
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 2
    (copy,) = (backups / "kept").glob("lama_*_pre-migration-v1.sqlite3")  # kept apart, never rotated
    old = sqlite3.connect(copy)
    try:  # the copy was taken before the upgrade
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ticket'").fetchone()[0] == 0
        assert old.execute("SELECT value FROM setting WHERE key = 'office_name'").fetchone()[0] == "Lama"
    finally:
        old.close()
    assert [(s.code, s.prefix) for s in catalog.services()] == [(d.code, d.prefix) for d in rules.DEFAULT_SERVICES]
    assert [c.number for c in catalog.counters()] == list(range(1, rules.DEFAULT_COUNTERS + 1))
    assert settings.get("office_name") == "Lama"


def test_recording_again_never_makes_a_second_open_card(admin, clock):
    from dukcapil_tui.services import cards

    resident = add_resident()
    first = serving(admin, resident_id=resident.id)
    q.finish(admin, first.id, 1, "recorded")
    again = serving(admin, resident_id=resident.id)
    with pytest.raises(ServiceError, match="masih punya kartu dalam antrean cetak \\(menunggu PRR\\)"):
        q.finish(admin, again.id, 1, "recorded")
    assert Card.select().where(Card.resident == resident.id).count() == 1
    # After a failed enrolment the resident records again: the old card is replaced, a new one waits
    cards.set_central_status(admin, resident.nik, "ENROLL_FAILURE_AT_CENTRAL")
    assert Resident.get_by_id(resident.id).recording_status == "belum"
    q.finish(admin, again.id, 1, "recorded")
    statuses = [c.office_status for c in Card.select().where(Card.resident == resident.id).order_by(Card.id)]
    assert statuses == ["replaced", "waiting_prr"]
    replaced = Card.select().where(Card.resident == resident.id).order_by(Card.id).first()
    assert replaced.status_changed_at == replaced.updated_at is not None  # dated like every status change
    assert Resident.get_by_id(resident.id).recording_status == "sudah"



def test_warnings_for_an_unearned_priority_a_kia_for_an_adult_and_nothing_to_collect(admin, clock):
    konsultasi, kia = catalog.service_by_code("konsultasi"), catalog.service_by_code("kia")
    pengambilan = catalog.service_by_code("pengambilan")
    fifty_nine, sixty = add_resident(birth_for_age(59)), add_resident(birth_for_age(60))
    assert q.ticket_warnings(konsultasi, fifty_nine, TODAY, "lansia") == [
        "Prioritas lansia untuk umur 60 tahun ke atas; penduduk ini berumur 59 tahun."]
    assert q.ticket_warnings(konsultasi, sixty, TODAY, "lansia") == []
    assert q.ticket_warnings(konsultasi, fifty_nine, TODAY, "disabilitas") == []
    sixteen, seventeen = add_resident(birth_for_age(16), marital="belum_kawin"), add_resident(birth_for_age(17))
    assert q.ticket_warnings(kia, sixteen, TODAY) == []
    assert q.ticket_warnings(kia, seventeen, TODAY) == [
        "KIA untuk anak di bawah 17 tahun; penduduk ini berumur 17 tahun (KTP-el?)."]
    waiting = add_resident()
    assert q.ticket_warnings(pengambilan, waiting, TODAY) == [
        "Belum ada KTP-el yang sudah dicetak untuk diambil penduduk ini."]
    Card.create(uuid="kartu-1", resident=waiting.id, reason="baru", recorded_at=clock.now, recorded_where="Dinas",
                central_status="PRINT_READY_RECORD", office_status="printed", workstation="T",
                created_at=clock.now, updated_at=clock.now)
    assert q.ticket_warnings(pengambilan, waiting, TODAY) == []
    assert take(admin, "konsultasi", resident_id=fifty_nine.id, priority="lansia").warnings == [
        "Prioritas lansia untuk umur 60 tahun ke atas; penduduk ini berumur 59 tahun."]
