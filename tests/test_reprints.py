"""Reprints and data changes: the old card withdrawn at handover (or brought in) is registered
and destroyed with the spoiled blanks under a berita acara, in the categories offices report."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, SpoiledCard
from dukcapil_tui.services import blangko, check, printing
from dukcapil_tui.services.context import PermissionDenied

from cetak_helpers import (TODAY, actor, add_card, admin, clock, db_state, office, office_template,  # noqa: F401
                           stock)


def _hand(card, withdrawn, receipt="TT/2026/0100"):
    return printing.handover(actor("loket"), card.resident.nik, collected_by="resident", collector_name="",
                             receipt_no=receipt, id_checked=True, withdrawn=withdrawn)


@pytest.mark.parametrize("reason, category", [("rusak", "rusak_fisik"), ("perubahan_data", "perubahan_data"),
                                              ("pindah_datang", "kedatangan")])
def test_the_old_card_is_withdrawn_at_handover_in_its_category(admin, clock, reason, category):
    assert rules.WITHDRAWN_FOR[reason] == category  # what the handover form proposes
    stock(admin, 10)
    card = add_card(central="PRINT_READY_RECORD", office="printed", reason=reason)
    _hand(card, category)
    (row,) = SpoiledCard.select()
    assert (row.kind, row.reason, row.nik, row.card_id, row.movement_id, row.note) == (
        "ditarik", category, card.resident.nik, card.id, None, "TT/2026/0100")
    assert rules.CATEGORY_OF[row.reason] == category
    assert blangko.balance() == 10  # no blank of the stock
    entry = AuditLog.get(AuditLog.action == "blangko.withdrawn")
    assert json.loads(entry.changes) == {"reason": category, "card": card.id}
    assert check.run_checks() == []


def test_a_lost_card_withdraws_nothing_and_a_bad_category_is_refused(admin, clock):
    lost = add_card(central="PRINT_READY_RECORD", office="printed", reason="hilang")
    assert rules.WITHDRAWN_FOR.get("hilang") is None
    other = add_card(central="PRINT_READY_RECORD", office="printed", reason="rusak")
    before = db_state()
    with pytest.raises(ValidationError) as refused:
        _hand(other, "gagal_cetak")  # a print failure is a blank's, never an old card's
    assert refused.value.problems["withdrawn"].startswith("Kategori KTP-el lama: nilai 'gagal_cetak' tidak dikenal")
    assert db_state() == before
    _hand(lost, None)
    assert SpoiledCard.select().count() == 0


def test_an_old_card_brought_in_is_registered_by_nik(admin, clock):
    with pytest.raises(PermissionDenied):
        blangko.withdraw(actor("tamu"), "5202044101900001", "kedatangan")
    with pytest.raises(ValidationError) as refused:
        blangko.withdraw(actor("loket"), "52020441019", "kedatangan")
    assert "nik" in refused.value.problems
    row = blangko.withdraw(actor("loket"), "5202 0441 0190 0001", "kedatangan", note="dari Lombok Timur")
    assert (row.kind, row.nik, row.reason, row.day, row.note) == ("ditarik", "5202044101900001", "kedatangan", TODAY,
                                                                  "dari Lombok Timur")


def test_withdrawn_cards_are_destroyed_with_the_spoiled_blanks(admin, clock):
    stock(admin, 5)
    blangko.damaged(admin, "rusak_fisik")
    withdrawn = blangko.withdraw(actor("blangko"), "5202044101900001", "perubahan_data")
    done = blangko.destroy(admin, "BA/07/XI/2026", TODAY)
    assert done.count == 2
    assert {(s.kind, s.destruction_id) for s in SpoiledCard.select()} == {("blangko", done.id), ("ditarik", done.id)}
    assert SpoiledCard.get_by_id(withdrawn.id).movement_id is None
    assert blangko.balance() == 4


def test_the_register_keeps_a_blank_and_a_withdrawn_card_apart(admin, clock):
    """The schema itself: a spoiled blank has its ledger movement, a withdrawn card has none, and
    a print failure is only ever a blank."""
    from peewee import IntegrityError

    from dukcapil_tui.db import database
    from dukcapil_tui.models import BlangkoMovement

    stock(admin, 5)
    blangko.damaged(admin, "rusak_fisik")
    real = BlangkoMovement.get(BlangkoMovement.kind == "damaged").id
    for kind, reason, movement in (("ditarik", "rusak_fisik", real), ("blangko", "rusak_fisik", None),
                                   ("ditarik", "gagal_cetak", None), ("blangko", "kedatangan", real)):
        with pytest.raises(IntegrityError), database.atomic():
            SpoiledCard.create(at=clock.now, day=date(2026, 11, 22), kind=kind, reason=reason, movement=movement,
                               username="x")
    for kind, reason, movement in (("blangko", "chip_rusak", real), ("ditarik", "kedatangan", None)):
        with database.atomic():  # the same shapes done right are taken
            SpoiledCard.create(at=clock.now, day=date(2026, 11, 22), kind=kind, reason=reason, movement=movement,
                               username="x")
