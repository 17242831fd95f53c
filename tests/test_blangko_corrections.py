"""Correcting a wrong ledger entry: a correction movement referencing it, with a reason,
approved by the head; never an edit, never a stock count."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from peewee import IntegrityError

from dukcapil_tui.db import database
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, BlangkoCorrection, BlangkoMovement
from dukcapil_tui.services import blangko, printing
from dukcapil_tui.services import blangko_corrections as corrections
from dukcapil_tui.services.context import NeedsConfirmation, NotFound, PermissionDenied, ServiceError

from cetak_helpers import (TODAY, actor, admin, clock, db_state, office, office_template,  # noqa: F401
                           ready_card, stock)


def test_a_wrong_receipt_is_corrected_after_the_heads_approval(admin, clock):
    wrong = blangko.receive(actor("blangko"), "5.000", "SJ/12/2026", "Kemendagri")  # the lot was 500
    request = corrections.request(actor("blangko"), wrong.id, "500", "  salah ketik:  lot 500 ")
    assert (request.status, request.quantity, request.delta, request.reason) == ("pending", 500, -4500,
                                                                                   "salah ketik: lot 500")
    assert blangko.balance() == 5000  # nothing moves before the head approves
    assert [(p.id, p.entry, p.delta) for p in corrections.pending()] == [
        (request.id, "Penerimaan 22-11-2026 SJ/12/2026 (5.000)", -4500)]
    clock.advance(hours=2)
    decided = corrections.decide(admin, request.id, approve=True)
    movement = decided.correction_movement
    assert (decided.status, decided.decided_by, decided.decided_at) == ("approved", "admin", clock.now)
    assert (
        movement.kind,
        movement.quantity,
        movement.corrects_id,
        movement.reference,
        movement.note,
        movement.day,
    ) == ("correction", -4500, wrong.id, f"koreksi #{wrong.id}", "salah ketik: lot 500", TODAY)
    assert blangko.balance() == 500 and corrections.effective_quantity(wrong) == 500
    assert BlangkoMovement.get_by_id(wrong.id).quantity == 5000  # the original row is never edited
    assert corrections.corrected_ids([wrong.id, movement.id]) == {wrong.id}
    assert corrections.pending() == []
    actions = [e.action for e in AuditLog.select().order_by(AuditLog.id)][-3:]
    assert actions == ["blangko.correction_request", "blangko.correction", "blangko.correction_approve"]
    entry = AuditLog.get(AuditLog.action == "blangko.correction_request")
    assert json.loads(entry.changes) == {"movement": wrong.id, "quantity": [5000, 500], "delta": -4500,
                                         "reason": "salah ketik: lot 500"}


def test_an_entry_that_should_not_exist_is_corrected_to_zero_and_may_be_corrected_again(admin, clock):
    stock(admin, 100)
    lent = blangko.loan(admin, "out", 30, "Disdukcapil Lombok Barat")
    corrections.decide(admin, corrections.request(admin, lent.id, 20, "dipinjamkan 20").id, True)
    assert blangko.balance() == 80
    again = corrections.request(admin, lent.id, 0, "tidak jadi dipinjamkan")
    assert again.delta == 20  # from the corrected 20, not the original 30
    corrections.decide(admin, again.id, True)
    assert blangko.balance() == 100 and corrections.effective_quantity(lent) == 0


def test_the_head_may_reject_and_nothing_moves(admin, clock):
    wrong = blangko.receive(admin, 100, "SJ-1", "Kemendagri")
    request = corrections.request(admin, wrong.id, 10, "salah")
    rejected = corrections.decide(admin, request.id, approve=False)
    assert (rejected.status, rejected.correction_movement_id) == ("rejected", None)
    assert blangko.balance() == 100
    with pytest.raises(ServiceError) as caught:
        corrections.decide(admin, request.id, approve=True)
    assert str(caught.value) == "Permintaan koreksi ini sudah ditolak."


@pytest.mark.parametrize("role", ["blangko", "cetak", "loket"])
def test_only_the_head_approves_and_only_keepers_ask(admin, clock, role):
    wrong = blangko.receive(admin, 100, "SJ-1", "Kemendagri")
    request = corrections.request(admin, wrong.id, 10, "salah")
    before = db_state()
    with pytest.raises(PermissionDenied):
        corrections.decide(actor(role), request.id, True)
    if role != "blangko":
        with pytest.raises(PermissionDenied):
            corrections.request(actor(role), wrong.id, 20, "salah")
    assert db_state() == before


@pytest.mark.parametrize(
    "quantity, reason, problems",
    [
        (
            "-1",
            "x",
            {"quantity": "Jumlah yang benar harus angka bulat 0 atau lebih (0: mutasi itu seharusnya tidak ada)."},
        ),
        (
            "１０",
            "x",
            {"quantity": "Jumlah yang benar harus angka bulat 0 atau lebih (0: mutasi itu seharusnya tidak ada)."},
        ),
        ("10", "  ", {"reason": "Alasan koreksi wajib diisi."}),
        ("100", "x", {"quantity": "Jumlah 100 sama dengan yang tercatat; tidak ada yang dikoreksi."}),
    ],
)
def test_a_request_is_checked_and_writes_nothing_when_refused(admin, clock, quantity, reason, problems):
    wrong = blangko.receive(admin, 100, "SJ-1", "Kemendagri")
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        corrections.request(admin, wrong.id, quantity, reason)
    assert caught.value.problems == problems
    assert db_state() == before


def test_what_cannot_be_corrected_in_the_ledger(admin, clock):
    stock(admin, 10)
    card = ready_card()
    batch = printing.create_batch(admin, 1)
    job = printing.batch_jobs(batch.id)[0]
    printing.record_result(admin, job.job_id, True)
    printed = BlangkoMovement.get(BlangkoMovement.kind == "print_ok")
    with pytest.raises(ServiceError) as caught:
        corrections.request(admin, printed.id, 0, "x")
    assert (
        str(caught.value)
        == "Cetak baik mengikuti kartu yang dicetak atau blangko yang rusak; tidak dikoreksi lewat buku."
    )
    assert card.id == printed.card_id
    with pytest.raises(NotFound) as caught:
        corrections.request(admin, 9999, 0, "x")
    assert str(caught.value) == "Mutasi #9999 tidak ada di buku blangko."
    receipt = BlangkoMovement.get(BlangkoMovement.kind == "receipt")
    first = corrections.request(admin, receipt.id, 11, "x")
    with pytest.raises(ServiceError) as caught:
        corrections.request(admin, receipt.id, 12, "x")
    assert str(caught.value) == (f"Mutasi ini sudah punya permintaan koreksi #{first.id} yang menunggu persetujuan "
                                 "Kepala Dinas.")
    corrections.decide(admin, first.id, True)
    correction = BlangkoMovement.get(BlangkoMovement.kind == "correction")
    with pytest.raises(ServiceError) as caught:
        corrections.request(admin, correction.id, 0, "x")
    assert str(caught.value) == "Koreksi tidak dikoreksi lagi; koreksi mutasi aslinya."


def test_a_correction_never_takes_the_stock_below_zero(admin, clock):
    wrong = blangko.receive(admin, 100, "SJ-1", "Kemendagri")
    request = corrections.request(admin, wrong.id, 10, "lot 10")
    blangko.loan(admin, "out", 50, "Kantor lain")  # 50 left: removing 90 would go below zero
    with pytest.raises(ServiceError) as caught:
        corrections.decide(admin, request.id, True)
    assert str(caught.value) == "Stok blangko tidak cukup: perlu 90, tersedia 50."
    assert BlangkoCorrection.get_by_id(request.id).status == "pending"


def test_a_large_correction_needs_a_confirmation(admin, clock):
    wrong = blangko.receive(admin, "99999", "SJ-1", "Kemendagri", confirmed=True)
    before = db_state()
    with pytest.raises(NeedsConfirmation) as caught:
        corrections.request(admin, wrong.id, "9999", "satu angka 9 kelebihan")
    assert str(caught.value) == ("Koreksi -90.000 blangko melebihi batas wajar 10.000. Periksa angkanya; ajukan hanya "
                                 "bila memang benar.")
    assert db_state() == before
    assert corrections.request(admin, wrong.id, "9999", "satu angka 9 kelebihan", confirmed=True).delta == -90_000


def test_the_schema_keeps_corrections_tied_to_their_entry(admin, clock):
    stock(admin, 10)
    with pytest.raises(IntegrityError), database.atomic():
        database.execute_sql("INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation) "
                             "VALUES ('x', ?, ?, 'correction', 5, 'a', 'b')", (datetime(2026, 11, 22), TODAY))
    with pytest.raises(IntegrityError), database.atomic():
        database.execute_sql(
            "INSERT INTO blangko_movement (uuid, at, day, kind, quantity, username, workstation, "
            "corrects_id) VALUES ('y', ?, ?, 'receipt', 5, 'a', 'b', 1)",
            (datetime(2026, 11, 22), TODAY),
        )
