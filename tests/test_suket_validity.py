"""Suket in a blank shortage: validity (a setting), expiry, renewal, holders first in print
batches, the register's states, the letter's validity line."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, PrintJob, Suket
from dukcapil_tui.services import printing, settings, suket
from dukcapil_tui.services.context import NotFound, ServiceError

from cetak_helpers import (TODAY, actor, add_card, admin, clock, db_state, office, office_template,  # noqa: F401
                           ready_card, stock)

PRR = "PRINT_READY_RECORD"


def at_office_day(clock, day: date) -> None:
    clock.at_wita(10, day=day)


def test_months_are_added_with_short_months_clamped():
    assert rules.add_months(date(2026, 11, 22), 6) == date(2027, 5, 22)
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert rules.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert rules.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert rules.add_months(date(2026, 1, 15), -3) == date(2025, 10, 15)


def test_a_suket_is_valid_for_the_months_of_the_setting(admin, clock):
    first = suket.issue(admin, add_card().resident.nik)
    assert first.valid_until == date(2027, 5, 22)  # default six months
    settings.put(admin, "suket_validity_months", "1")
    assert suket.issue(admin, add_card().resident.nik).valid_until == date(2026, 12, 22)
    settings.put(admin, "suket_validity_months", "24")
    assert suket.issue(admin, add_card().resident.nik).valid_until == date(2028, 11, 22)
    for bad in ("0", "25", "enam"):
        with pytest.raises(ValidationError):
            settings.put(admin, "suket_validity_months", bad)


def test_renewal_opens_a_week_before_the_end(admin, clock):
    card = add_card()
    first = suket.issue(admin, card.resident.nik)  # valid until 22-05-2027
    # eight days before the end: too early, with the day it becomes possible
    at_office_day(clock, date(2027, 5, 14))
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        suket.renew(admin, card.resident.nik)
    assert str(caught.value) == ("Suket 470/0001/DKPS/XI/2026 masih berlaku sampai 22-05-2027; perpanjangan dapat "
                                 "dilakukan mulai 16-05-2027.")
    assert db_state() == before
    at_office_day(clock, date(2027, 5, 15))  # seven days before: still too early
    with pytest.raises(ServiceError):
        suket.renew(admin, card.resident.nik)
    at_office_day(clock, date(2027, 5, 16))  # six days before: the first day renewal is open
    renewed = suket.renew(actor("loket"), card.resident.nik)
    old = Suket.get_by_id(first.id)
    assert (old.status, old.closed_reason) == ("closed", "renewed")
    assert (renewed.status, renewed.renews_id, renewed.valid_until) == ("open", first.id, date(2027, 11, 16))
    assert renewed.number == "470/0001/DKPS/V/2027"  # numbered in its own year
    entry = AuditLog.select().where(AuditLog.action == "suket.renew").get()
    assert entry.username == "petugas_loket"
    text = suket.letter_text(renewed)
    assert "Surat keterangan ini berlaku sampai dengan 16-11-2027." in text.splitlines()
    assert "Surat ini memperpanjang Suket nomor 470/0001/DKPS/XI/2026." in text.splitlines()


def test_an_expired_suket_is_renewed_not_issued_again(admin, clock):
    card = add_card()
    first = suket.issue(admin, card.resident.nik)
    at_office_day(clock, date(2027, 5, 22))  # its last day: still valid, so "already open"
    with pytest.raises(ServiceError, match="masih memegang Suket 470/0001/DKPS/XI/2026"):
        suket.issue(admin, card.resident.nik)
    at_office_day(clock, date(2027, 5, 23))  # the day after: expired
    with pytest.raises(ServiceError) as caught:
        suket.issue(admin, card.resident.nik)
    assert str(caught.value) == ("Suket 470/0001/DKPS/XI/2026 sudah habis masa berlakunya (22-05-2027); perpanjang "
                                 "Suket itu (Ctrl+R, atau dukcapil suket renew NIK).")
    assert suket.renew(admin, card.resident.nik).renews_id == first.id


def test_renewal_needs_a_waiting_card_and_an_open_suket(admin, clock):
    never = add_card()
    with pytest.raises(NotFound) as caught:
        suket.renew(admin, never.resident.nik)
    assert str(caught.value) == "Penduduk ini tidak memegang Suket; terbitkan Suket baru."
    printed = ready_card()
    suket.issue(admin, printed.resident.nik)
    stock(admin, 1)
    batch = printing.create_batch(admin, 1)
    printing.record_result(admin, batch.jobs[0].id, True)
    at_office_day(clock, date(2027, 5, 20))
    with pytest.raises(ServiceError) as caught:
        suket.renew(admin, printed.resident.nik)
    assert str(caught.value) == "Kartu berstatus sudah dicetak; Suket hanya selama kartu belum dicetak."


def test_the_register_says_valid_expiring_and_expired(admin, clock):
    at_office_day(clock, date(2026, 5, 10))
    old = suket.issue(admin, add_card().resident.nik)  # until 10-11-2026: expired on 22-11
    at_office_day(clock, date(2026, 5, 28))
    edge = suket.issue(admin, add_card().resident.nik)  # until 28-11-2026: six days left on 22-11
    at_office_day(clock, date(2026, 5, 29))
    later = suket.issue(admin, add_card().resident.nik)  # until 29-11-2026: seven days left
    at_office_day(clock, TODAY)
    fresh = suket.issue(admin, add_card().resident.nik)
    states = {row.number: row.state(TODAY) for row in suket.open_register(TODAY)}
    assert states == {old.number: "expired", edge.number: "expiring", later.number: "valid", fresh.number: "valid"}
    assert [r.number for r in suket.open_register(TODAY, state="expiring")] == [edge.number]
    counts = suket.counts(TODAY)
    assert (counts.open, counts.expiring, counts.expired) == (4, 1, 1)
    # a Suket ending today is "expiring", not expired
    assert suket.counts(date(2026, 11, 28)).expiring == 2  # 28-11 (today) and 29-11
    assert suket.counts(date(2026, 11, 28)).expired == 1


def test_suket_holders_come_first_in_print_batches(admin, clock):
    oldest = ready_card(recorded_at=datetime(2026, 6, 1))
    urgent = ready_card(recorded_at=datetime(2026, 10, 1), priority=True)
    holder_new = ready_card(recorded_at=datetime(2026, 11, 20))
    holder_old = ready_card(recorded_at=datetime(2026, 9, 1))
    holder_urgent = ready_card(recorded_at=datetime(2026, 11, 21), priority=True)
    for card in (holder_new, holder_old, holder_urgent):
        suket.issue(admin, card.resident.nik)
    stock(admin, 10)
    batch = printing.create_batch(admin, 5)
    order = [j.card_id for j in PrintJob.select().where(PrintJob.batch == batch.id).order_by(PrintJob.id)]
    assert order == [holder_urgent.id, holder_old.id, holder_new.id, urgent.id, oldest.id]


def test_a_batch_smaller_than_the_holders_takes_holders_only(admin, clock):
    plain = ready_card(recorded_at=datetime(2026, 1, 1))
    holders = [ready_card(recorded_at=datetime(2026, 11, d)) for d in (5, 3)]
    for card in holders:
        suket.issue(admin, card.resident.nik)
    stock(admin, 10)
    first = printing.create_batch(admin, 1)
    assert [j.card_id for j in first.jobs] == [holders[1].id]
    second = printing.create_batch(admin, 2)  # the other holder, then the plain card; the first batch's card is taken
    assert [j.card_id for j in PrintJob.select().where(PrintJob.batch == second.id).order_by(PrintJob.id)] == [
        holders[0].id, plain.id]


def test_letters_are_saved_privately_and_never_overwritten(admin, clock, tmp_path):
    row = suket.issue(admin, add_card().resident.nik)
    first = suket.save_letter(row, tmp_path)
    second = suket.save_letter(row, tmp_path)
    assert first.name == "470-0001-DKPS-XI-2026.txt" and second.name == "470-0001-DKPS-XI-2026_v2.txt"
    assert first.read_text(encoding="utf-8") == suket.letter_text(row)
    assert first.stat().st_mode & 0o777 == 0o600
    lines = first.read_text(encoding="utf-8").splitlines()
    assert "  Status perkawinan   : Kawin" in lines
    assert "Surat keterangan ini berlaku sampai dengan 22-05-2027." in lines


def test_the_migration_gives_earlier_letters_six_months_from_their_local_day(tmp_path):
    import sqlite3

    from dukcapil_tui.migrations import MIGRATIONS

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO setting VALUES ('timezone', 'Asia/Makassar')")
    statement = next(s for _, description, stmts in MIGRATIONS if description.startswith("head's day")
                     for s in stmts if s.startswith("UPDATE suket"))
    conn.execute("CREATE TABLE suket (id INTEGER PRIMARY KEY, issued_at TEXT, valid_until DATE)")
    # 17:00 UTC is 01:00 WITA the next day; 15:59 UTC is still the same day
    conn.executemany("INSERT INTO suket (issued_at) VALUES (?)", [("2026-11-21 17:00:00",), ("2026-11-21 15:59:00",)])
    conn.execute(statement)
    assert [r[0] for r in conn.execute("SELECT valid_until FROM suket ORDER BY id")] == ["2027-05-22", "2027-05-21"]
