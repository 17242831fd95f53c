"""The day lock: a locked day refuses every change dated on it, with a message naming the lock;
only an admin unlocks, with a reason, audited; the schema refuses the same writes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import peewee
import pytest

from dukcapil_tui.db import database
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, DayLock, Ticket
from dukcapil_tui.services import blangko, card_status, day_lock, day_review, printing, suket
from dukcapil_tui.services import queue as q
from dukcapil_tui.services.cards import set_central_status
from dukcapil_tui.services.context import NeedsConfirmation, PermissionDenied, ServiceError
from dukcapil_tui.services.day_lock import DayLocked

from cetak_helpers import (TODAY, actor, add_card, admin, clock, db_state, office, office_template,  # noqa: F401
                           ready_card, stock)

YESTERDAY = TODAY - timedelta(days=1)
LOCKED_TODAY = "Hari 22-11-2026 sudah dikunci (oleh admin, 22-11-2026 10:00 WITA)"


def locked_message(day: date, at: str = "22-11-2026 10:00 WITA") -> str:
    return (f"Hari {day.strftime('%d-%m-%Y')} sudah dikunci (oleh admin, {at}): perubahan bertanggal hari itu "
            "ditolak. Hanya admin yang dapat membuka kuncinya, dengan alasan.")


def test_a_locked_day_refuses_a_back_dated_receipt_and_accepts_the_days_around_it(admin, clock):
    two_days_ago = TODAY - timedelta(days=2)
    day_review.lock(admin, YESTERDAY)
    before = db_state()
    with pytest.raises(DayLocked) as caught:
        blangko.receive(admin, 100, "SJ-9", "Kemendagri", day=YESTERDAY)
    assert str(caught.value) == locked_message(YESTERDAY)
    assert db_state() == before
    # the first day before and the first day after the lock are open
    assert blangko.receive(admin, 100, "SJ-8", "Kemendagri", day=two_days_ago).day == two_days_ago
    assert blangko.receive(admin, 100, "SJ-10", "Kemendagri", day=TODAY).day == TODAY
    with pytest.raises(DayLocked):
        blangko.loan(admin, "in", 5, "Disdukcapil Lombok Barat", day=YESTERDAY)


def test_locking_today_stops_the_counters_the_desk_and_printing(admin, clock):
    card, other = ready_card(), add_card()
    stock(admin, 3)
    batch = printing.create_batch(admin, 1)
    served = q.take_ticket(admin, "konsultasi", visitor_name="PENGUNJUNG")
    called = q.claim_next(admin, 1)
    q.finish(admin, called.id, 1, "referred")
    # prints reconcile and the queue is closed: the head locks today
    q.take_ticket(admin, "konsultasi", visitor_name="LAGI")
    with pytest.raises(ServiceError, match="masih punya 1 tiket terbuka"):
        day_review.lock(admin, TODAY)
    q.end_of_day(admin, TODAY, carry_over=False)
    day_review.lock(admin, TODAY)
    before = db_state()
    for attempt in (
        lambda: q.take_ticket(admin, "konsultasi", visitor_name="TERLAMBAT"),
        lambda: q.claim_next(admin, 1),
        lambda: printing.record_result(admin, batch.jobs[0].id, True),
        lambda: printing.create_batch(admin, 1),
        lambda: printing.close_batch(admin, batch.id, confirmed=True),
        lambda: blangko.receive(admin, 10, "SJ-2", "Kemendagri"),
        lambda: blangko.record_count(admin, 3),
        lambda: blangko.damaged(admin),
        lambda: set_central_status(admin, other.resident.nik, "SENT_FOR_ENROLLMENT"),
        lambda: suket.issue(admin, card.resident.nik),
    ):
        with pytest.raises(DayLocked) as caught:
            attempt()
        assert str(caught.value).startswith(LOCKED_TODAY)
    assert db_state() == before
    assert Ticket.get_by_id(served.ticket.id).status == "done"


def test_a_ticket_event_on_a_locked_day_is_refused(admin, clock):
    clock.at_wita(9, day=YESTERDAY)
    taken = q.take_ticket(admin, "konsultasi", visitor_name="PENGUNJUNG")
    clock.at_wita(10)
    # yesterday's queue was never closed; the lock waits for it
    with pytest.raises(ServiceError) as caught:
        day_review.lock(admin, YESTERDAY)
    assert str(caught.value) == ("Antrian hari 21-11-2026 masih punya 1 tiket terbuka: tutup hari antrian dulu "
                                 "(Rekap antrian, Ctrl+T, atau dukcapil queue close-day --date 21-11-2026).")
    q.end_of_day(admin, YESTERDAY, carry_over=False)
    day_review.lock(admin, YESTERDAY)
    with pytest.raises(DayLocked):
        q.end_of_day(admin, YESTERDAY, carry_over=True)
    with pytest.raises(DayLocked):
        q.unhold(admin, taken.ticket.id)
    # closing a day whose next day is locked cannot carry tickets into it
    clock.at_wita(9, day=YESTERDAY - timedelta(days=1))
    early = q.take_ticket(admin, "konsultasi", visitor_name="KEMARIN LUSA")
    clock.at_wita(10)
    with pytest.raises(DayLocked):
        q.end_of_day(admin, YESTERDAY - timedelta(days=1), carry_over=True)
    assert q.end_of_day(admin, YESTERDAY - timedelta(days=1), carry_over=False).closed == 1
    assert Ticket.get_by_id(early.ticket.id).status == "closed"


def test_lock_rules(admin, clock):
    with pytest.raises(PermissionDenied):
        day_review.lock(actor("loket"), TODAY)
    with pytest.raises(ServiceError) as caught:
        day_review.lock(admin, TODAY + timedelta(days=1))
    assert str(caught.value) == ("Hari 23-11-2026 belum tiba; hanya hari yang sudah berjalan yang dapat "
                                 "dikunci.")
    row = day_review.lock(admin, TODAY)
    assert (row.day, row.locked_by) == (TODAY, "admin")
    with pytest.raises(ServiceError) as caught:
        day_review.lock(admin, TODAY)
    assert str(caught.value) == "Hari 22-11-2026 sudah dikunci oleh admin."
    entry = AuditLog.select().where(AuditLog.action == "day.lock").get()
    assert json.loads(entry.changes)["day"] == "2026-11-22"


def test_prints_that_do_not_reconcile_need_a_confirmation(admin, clock):
    stock(admin, 5)
    # a good-print movement with no print result behind it (what a careless script would write)
    with database.atomic():
        blangko.append(admin, "print_ok", 1, reference="tanpa batch")
    seen = day_review.review(TODAY)
    assert (seen.prints.prints, seen.prints.blanks_used, seen.prints.difference) == (0, 1, 1)
    with pytest.raises(NeedsConfirmation) as caught:
        day_review.lock(admin, TODAY)
    assert str(caught.value) == ("Hasil cetak hari 22-11-2026 (0) tidak cocok dengan blangko terpakai menurut buku "
                                 "stok (1); selisih +1. Kunci juga? Selisihnya dicatat bersama kunci.")
    assert DayLock.select().count() == 0
    row = day_review.lock(admin, TODAY, confirmed=True)
    assert json.loads(row.summary)["prints"]["blanks_printed"] == 1


def test_only_an_admin_unlocks_with_a_reason_and_the_history_stays(admin, clock):
    day_review.lock(admin, YESTERDAY)
    with pytest.raises(PermissionDenied):
        day_review.unlock(actor("blangko"), YESTERDAY, "salah tanggal")
    with pytest.raises(ValidationError) as caught:
        day_review.unlock(admin, YESTERDAY, "   ")
    assert caught.value.problems == {"reason": "Alasan membuka kunci wajib diisi."}
    with pytest.raises(ValidationError):
        day_review.unlock(admin, YESTERDAY, "x" * 501)
    with pytest.raises(ServiceError) as caught:
        day_review.unlock(admin, TODAY, "tidak terkunci")
    assert str(caught.value) == "Hari 22-11-2026 tidak terkunci."
    clock.advance(minutes=30)
    row = day_review.unlock(admin, YESTERDAY, "x" * 500)
    assert (row.unlocked_by, row.unlock_reason) == ("admin", "x" * 500)
    assert not day_lock.is_locked(YESTERDAY)
    assert blangko.receive(admin, 10, "SJ-3", "Kemendagri", day=YESTERDAY).day == YESTERDAY
    entry = AuditLog.select().where(AuditLog.action == "day.unlock").get()
    assert json.loads(entry.changes) == {"day": "2026-11-21", "reason": "x" * 500}
    # locked again later: both locks are the day's history
    day_review.lock(admin, YESTERDAY)
    history = day_review.review(YESTERDAY).history
    assert [(h.locked_by, h.unlocked_by) for h in history] == [("admin", "admin"), ("admin", None)]


def test_the_schema_refuses_writes_into_a_locked_day(admin, clock):
    clock.at_wita(9, day=YESTERDAY)
    taken = q.take_ticket(admin, "konsultasi", visitor_name="PENGUNJUNG")
    clock.at_wita(10)
    q.end_of_day(admin, YESTERDAY, carry_over=False)
    day_review.lock(admin, YESTERDAY)
    raw = database.execute_sql
    for sql, params in (
        ("INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
         "VALUES ('x', '2026-11-21 01:00:00', ?, 'receipt', 5, 'x', 'x')", (YESTERDAY.isoformat(),)),
        ("INSERT INTO ticket_event (ticket_id, at, event, to_status, username) "
         "VALUES (?, '2026-11-21', 'x', 'done', 'x')",
         (taken.ticket.id,)),
        ("UPDATE ticket SET status = 'waiting' WHERE id = ?", (taken.ticket.id,)),
        ("INSERT INTO stock_count (at, day, counted, computed, username, status) "
         "VALUES ('2026-11-21', ?, 1, 1, 'x', 'pending')", (YESTERDAY.isoformat(),)),
        ("INSERT INTO destruction (berita_acara_no, day, at, username, count) VALUES ('BA', ?, 'x', 'x', 1)",
         (YESTERDAY.isoformat(),)),
        ("INSERT INTO blangko_request (uuid, day, quantity, letter_no, username, workstation, created_at) "
         "VALUES ('r', ?, 5, 'S/1', 'x', 'x', 'x')", (YESTERDAY.isoformat(),)),
    ):
        with pytest.raises(peewee.IntegrityError, match="day is locked"), database.atomic():
            raw(sql, params)
    lock_id = DayLock.get().id
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        raw("DELETE FROM day_lock WHERE id = ?", (lock_id,))
    with pytest.raises(peewee.IntegrityError, match="change only when unlocked"):
        raw("UPDATE day_lock SET locked_by = 'someone' WHERE id = ?", (lock_id,))
    with pytest.raises(peewee.IntegrityError):  # a lift without a reason
        raw("UPDATE day_lock SET unlocked_at = 'x', unlocked_by = 'x' WHERE id = ?", (lock_id,))
    day_review.unlock(admin, YESTERDAY, "koreksi")
    with pytest.raises(peewee.IntegrityError, match="change only when unlocked"):
        raw("UPDATE day_lock SET unlock_reason = 'lain' WHERE id = ?", (lock_id,))
    with pytest.raises(peewee.IntegrityError):  # two locks in force on one day
        raw("INSERT INTO day_lock (day, locked_at, locked_by) VALUES (?, 'a', 'x'), (?, 'b', 'y')",
            (TODAY.isoformat(), TODAY.isoformat()))


def test_card_changes_on_a_locked_today_are_refused_one_place(admin, clock):
    card = add_card()
    day_review.lock(admin, TODAY)
    with pytest.raises(DayLocked):
        card_status.change(admin, card, "manual", "card.status", central="SENT_FOR_ENROLLMENT")
    with pytest.raises(DayLocked):
        card_status.create(admin, card.resident, reason="baru", recorded_where="X")
    # tomorrow (office time) is another day
    clock.set(datetime(2026, 11, 22, 16, 0))  # 00:00 WITA on 23-11
    card_status.change(admin, card, "manual", "card.status", central="SENT_FOR_ENROLLMENT")


def test_check_names_a_locked_day_changed_around_the_services(admin, clock):
    from dukcapil_tui.services import check

    card = add_card()
    suket.issue(admin, card.resident.nik)
    day_review.lock(admin, TODAY)
    assert day_review.changed_since_lock() == []
    # a Suket row written straight into the table, dated today (no trigger guards timestamps)
    database.execute_sql("UPDATE suket SET issued_at = '2026-11-22 03:00:00', renews_id = id")
    problems = day_review.changed_since_lock()
    assert problems == [f"hari 22-11-2026 berubah setelah dikunci (kunci #{DayLock.get().id}): Suket diperpanjang"]
    assert f"hari terkunci: {problems[0]}" in check.run_checks()
    # an earlier, unlocked day's back-dated receipt moves the locked day's closing stock: not a change of the day
    database.execute_sql("UPDATE suket SET renews_id = NULL")
    blangko.receive(admin, 5, "SJ-5", "Kemendagri", day=YESTERDAY)
    assert day_review.changed_since_lock() == []


def test_a_listing_bringing_cards_recorded_elsewhere_on_a_locked_day_is_shown_not_counted_as_a_change(admin, clock):
    """A SIAK listing reports cards a UPT recorded on a day the head has locked: news from the
    centre, not a change of the office's day. The office's own recording written around the
    services is."""
    from dukcapil_tui.models import RecordingSite, Resident

    day_review.lock(admin, YESTERDAY)
    dinas = RecordingSite.get(RecordingSite.code == "DINAS").name
    listed_at = datetime(2026, 11, 21, 3, 0)  # 11:00 WITA yesterday
    resident = add_card().resident
    with database.atomic():
        card_status.create_many(admin, [card_status.NewCard(
            resident.id, resident.kecamatan_code, "baru", "UPT Pujut", site_code="DINAS", recorded_at=listed_at,
            origin="siak")], "import")
    seen = day_review.review(YESTERDAY)
    assert seen.recordings == [] and seen.listed == [(dinas, 1)]
    lines = next(s for s in day_review.sections(seen) if s.key == "recordings").lines
    assert lines == ("Tidak ada perekaman.",
                     f"Diketahui kemudian dari daftar SIAK dan perekaman keliling (direkam di tempat lain hari itu, "
                     f"tidak ikut dikunci): 1 — {dinas} 1")
    assert day_review.changed_since_lock() == []
    # the office's own recording on the locked day, written around the services: a change
    other = Resident.get(Resident.id != resident.id) if Resident.select().count() > 1 else add_card().resident
    add_card(other, recorded_at=listed_at)
    assert day_review.changed_since_lock() == [
        f"hari 21-11-2026 berubah setelah dikunci (kunci #{DayLock.get().id}): jumlah perekaman, perekaman per tempat"]


def test_a_figure_added_to_the_review_later_is_no_change_of_a_day_locked_before():
    """A lock stores the queue's figures as the head saw them; a later version counts one more
    (the tickets carried over): the stored parts are compared, a new part only while it is zero."""
    assert day_review._same({"tickets": 3, "closed": 1}, {"tickets": 3, "closed": 1, "carried": 0})
    assert not day_review._same({"tickets": 3, "closed": 1}, {"tickets": 3, "closed": 1, "carried": 2})
    assert not day_review._same({"tickets": 3, "closed": 1}, {"tickets": 3, "closed": 0, "carried": 1})
    assert not day_review._same({"tickets": 3}, {})
    assert day_review._same({}, {"carried": 0}) and not day_review._same({}, {"LOKET": 1})
    assert day_review._same(5, 5) and not day_review._same(5, 6)
