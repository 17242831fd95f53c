"""The printing backlog: central statuses, the office status they imply, per-NIK entry, the
bulk import of a SIAK listing, backlog counts and pages."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from itertools import product

import pytest

from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AuditLog, Card, CardEvent, Resident
from dukcapil_tui.services import cards, status_import
from dukcapil_tui.services.cards import BacklogFilter, set_central_status
from dukcapil_tui.services.status_import import import_statuses
from dukcapil_tui.services.context import NotFound, PermissionDenied, ServiceError

from cetak_helpers import (PRAYA, PUJUT, TODAY, actor, add_card, add_resident, admin, office_template,  # noqa: F401
                           clock, db_state, office, refresh)

BIO, SENT, PRR, DUP, ADJ = ("BIO_CAPTURED", "SENT_FOR_ENROLLMENT", "PRINT_READY_RECORD", "DUPLICATE_RECORD",
                            "ADJUDICATE_RECORD")
EF_R, EF_C, PRINTED, ISSUED = ("ENROLL_FAILURE_AT_REGIONAL", "ENROLL_FAILURE_AT_CENTRAL", "CARD_PRINTED",
                               "CARD_ISSUED")
PROC, RECV, VALID, SF_C = ("PROCESSING", "RECEIVED_AT_CENTRAL", "REQUEST_VALIDATION", "SEARCH_FAILURE_AT_CENTRAL")
SENT_PRINT, SHIPPED = "SENT_FOR_CARD_PRINTING", "CARD_SHIPPED"
FAILURES = (EF_R, EF_C, SF_C)

# The card's path (DESIGN §3): recorded -> central updates -> PRR -> printed -> issued; an
# enrolment failure ends this card (the resident re-records, a new card follows); a duplicate
# is resolved at the centre (it deletes the duplicate) and the same card goes on.
# Before print-ready the record passes the centre in order (a listing may skip steps, never go
# back; RECEIVED_AT_CENTRAL and REQUEST_VALIDATION are one step); from any of those steps it may
# become print-ready, a duplicate or a failure.
CENTRE_ORDER = [(BIO,), (SENT,), (PROC,), (RECV, VALID), (ADJ,)]
ALLOWED = {
    (old, new) for i, olds in enumerate(CENTRE_ORDER) for old in olds
    for j, news in enumerate(CENTRE_ORDER) for new in news if j > i or (j == i and new != old)
} | {(old, new) for olds in CENTRE_ORDER for old in olds for new in (PRR, DUP, *FAILURES)} | {
    (PRR, SENT_PRINT), (PRR, PRINTED), (PRR, SHIPPED), (PRR, ISSUED), (PRR, DUP),  # a late listing skips steps
    (DUP, BIO), (DUP, SENT), (DUP, PROC), (DUP, RECV), (DUP, VALID), (DUP, ADJ), (DUP, PRR),
    (DUP, EF_R), (DUP, EF_C), (DUP, SF_C),
    (SENT_PRINT, PRR), (SENT_PRINT, PRINTED), (SENT_PRINT, SHIPPED), (SENT_PRINT, ISSUED),
    (PRINTED, SHIPPED), (PRINTED, ISSUED), (SHIPPED, ISSUED),
}


# --- domain rules ---------------------------------------------------------------------------

def test_every_central_transition_is_allowed_or_refused_as_designed():
    assert set(rules.CENTRAL_STATUSES) == {BIO, SENT, PROC, RECV, VALID, ADJ, DUP, EF_R, EF_C, SF_C, PRR, SENT_PRINT,
                                           PRINTED, SHIPPED, ISSUED}
    assert (ADJ, SENT) not in ALLOWED and (PROC, SENT) not in ALLOWED and (RECV, VALID) in ALLOWED
    for old, new in product(rules.CENTRAL_STATUSES, repeat=2):
        expected = old == new or (old, new) in ALLOWED
        assert rules.can_move(old, new) is expected, (old, new)


def test_nothing_leaves_a_failure_or_goes_back_before_print_ready():
    for failure in FAILURES:
        assert [s for s in rules.CENTRAL_STATUSES if s != failure and rules.can_move(failure, s)] == []
    for later in (PRR, PRINTED, ISSUED):
        assert not rules.can_move(later, BIO) and not rules.can_move(later, SENT)


@pytest.mark.parametrize("central, office, stage", [
    (BIO, "waiting_prr", "unsent"), (SENT, "waiting_prr", "at_centre"), (PROC, "waiting_prr", "at_centre"),
    (RECV, "waiting_prr", "at_centre"), (VALID, "waiting_prr", "at_centre"), (ADJ, "waiting_prr", "at_centre"),
    (DUP, "waiting_prr", "at_centre"), (EF_R, "needs_rerecording", "rerecord"),
    (EF_C, "needs_rerecording", "rerecord"), (SF_C, "needs_rerecording", "rerecord"),
    (PRR, "ready_to_print", "print_ready"), (SENT_PRINT, "ready_to_print", "print_ready"),
    (PRINTED, "printed", "printed"), (SHIPPED, "printed", "printed"), (ISSUED, "handed_over", "issued"),
])
def test_office_status_and_stage_of_every_central_status(central, office, stage):
    assert rules.office_status_for(central) == office
    assert rules.stage_of(central) == stage


def test_every_central_status_has_its_office_meaning_and_a_label():
    from dukcapil_tui.i18n import has

    assert {rules.stage_of(s) for s in rules.CENTRAL_STATUSES} == {
        "unsent", "at_centre", "rerecord", "print_ready", "printed", "issued"}
    assert all(has(f"central.{s}") for s in rules.CENTRAL_STATUSES)


@pytest.mark.parametrize("current, central, expected", [
    ("waiting_prr", PRR, "ready_to_print"),
    ("waiting_prr", SENT, "waiting_prr"),
    ("ready_to_print", PRINTED, "printed"),
    ("printed", ISSUED, "handed_over"),
    # never backwards: a late listing does not undo what the office did
    ("printed", PRR, "printed"),
    ("ready_to_print", ADJ, "ready_to_print"),
    ("handed_over", PRINTED, "handed_over"),
    ("handed_over", PRR, "handed_over"),
    # an enrolment failure sends an unprinted card back to re-recording, never a printed one
    ("ready_to_print", EF_C, "needs_rerecording"),
    ("waiting_prr", EF_R, "needs_rerecording"),
    ("printed", EF_C, "printed"),
    ("ready_to_print", SF_C, "needs_rerecording"),
    ("ready_to_print", SENT_PRINT, "ready_to_print"),
    ("ready_to_print", SHIPPED, "printed"),
    ("printed", SENT_PRINT, "printed"),
    ("waiting_prr", PROC, "waiting_prr"),
    # a card closed (the resident died or moved) or replaced stays so
    ("closed", PRR, "closed"),
    ("replaced", ISSUED, "replaced"),
    # a duplicate holds an unprinted card back (not printable) until the centre moves on
    ("waiting_prr", DUP, "waiting_prr"),
    ("ready_to_print", DUP, "waiting_prr"),
    ("printed", DUP, "printed"),
    ("handed_over", DUP, "handed_over"),
])
def test_next_office_status_never_moves_backwards(current, central, expected):
    assert rules.next_office_status(current, central) == expected


@pytest.mark.parametrize("text, expected", [
    ("PRR", PRR), ("prr", PRR), (" print ready record ", PRR), ("Print-Ready-Record", PRR),
    ("CARD PRINTED", PRINTED), ("card_issued", ISSUED), ("duplicate", DUP), ("sent", SENT),
    ("enroll failure at central", EF_C), ("BIO_CAPTURED", BIO),
    ("SENT FOR CARD PRINTING", SENT_PRINT), ("sent_for_card_printing", SENT_PRINT), ("Card Shipped", SHIPPED),
    ("RECEIVED AT CENTRAL", RECV), ("processing", PROC), ("REQUEST_VALIDATION", VALID),
    ("search failure at central", SF_C), ("SEARCH-FAILURE-AT-CENTRAL", SF_C), ("print__ready  record", PRR),
    ("", None), (None, None), ("CETAK", None), ("ENROLL_FAILURE", None), (42, None),
])
def test_normalise_status_accepts_siak_spellings(text, expected):
    assert rules.normalise_status(text) == expected


@pytest.mark.parametrize("days, label", [
    (0, "0–7"), (7, "0–7"), (8, "8–30"), (30, "8–30"), (31, "31–90"), (90, "31–90"), (91, "> 90"), (2000, "> 90"),
])
def test_age_buckets(days, label):
    assert rules.age_bucket(days) == label


@pytest.mark.parametrize("days, label", [
    (0, "0–2"), (2, "0–2"), (3, "3–7"), (7, "3–7"), (8, "8–30"), (30, "8–30"), (31, "> 30"), (400, "> 30"),
])
def test_unsent_age_buckets(days, label):
    assert rules.age_bucket(days, rules.UNSENT_BUCKETS) == label


# --- one NIK at a time ----------------------------------------------------------------------

def _events(card) -> list[tuple]:
    return [(e.central_status, e.office_status, e.source) for e in cards.history(card.id)]


def test_the_whole_path_one_status_at_a_time(admin, clock):
    card = add_card()
    nik = card.resident.nik
    steps = [(SENT, "waiting_prr"), (ADJ, "waiting_prr"), (PRR, "ready_to_print"), (PRINTED, "printed"),
             (ISSUED, "handed_over")]
    changed_at = refresh(card).status_changed_at
    for number, (central, office_status) in enumerate(steps, start=1):
        clock.advance(hours=1)
        before = refresh(card).office_status
        updated = set_central_status(admin, nik, central, note=f"langkah {number}")
        assert (updated.central_status, updated.office_status) == (central, office_status)
        changed_at = clock.now if office_status != before else changed_at
        assert updated.status_changed_at == changed_at
        assert updated.updated_at == clock.now
        entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
        assert (entry.action, entry.entity, entry.entity_id) == ("card.status", "card", str(card.id))
    assert _events(card)[1:] == [(c, o, "manual") for c, o in steps]
    assert [e.note for e in cards.history(card.id)][1:] == [f"langkah {n}" for n in range(1, 6)]


def test_a_refused_transition_changes_nothing(admin, clock):
    card = add_card(central=PRR)
    before = db_state()
    with pytest.raises(ServiceError) as caught:
        set_central_status(admin, card.resident.nik, "BIO_CAPTURED")
    assert str(caught.value) == "Status pusat tidak bisa berubah dari PRINT_READY_RECORD ke BIO_CAPTURED."
    assert db_state() == before


def test_unknown_status_text_and_unknown_nik(admin, clock):
    card = add_card()
    with pytest.raises(ValidationError) as caught:
        set_central_status(admin, card.resident.nik, "SUDAH CETAK")
    assert caught.value.problems["status"].startswith(
        "Status pusat: nilai 'SUDAH CETAK' tidak dikenal; pilih salah satu dari BIO_CAPTURED")
    with pytest.raises(ValidationError) as caught:
        set_central_status(admin, card.resident.nik, "")
    assert caught.value.problems["status"].startswith("Status pusat wajib dipilih: BIO_CAPTURED, ")
    with pytest.raises(NotFound) as caught:
        set_central_status(admin, "5202040101900999", PRR)
    assert str(caught.value) == "NIK 5202040101900999 tidak terdaftar di basis data penduduk."
    no_card = add_resident()
    with pytest.raises(NotFound) as caught:
        set_central_status(admin, no_card.nik, PRR)
    assert str(caught.value) == f"NIK {no_card.nik} tidak punya kartu dalam antrean cetak."


def test_the_nik_may_be_typed_with_separators_and_the_newest_open_card_is_meant(admin, clock):
    resident = add_resident()
    old = add_card(resident, central=ISSUED, recorded_at=datetime(2020, 1, 1))
    current = add_card(resident, recorded_at=datetime(2026, 11, 2))
    n = resident.nik
    set_central_status(admin, f"{n[:6]}.{n[6:12]}.{n[12:]}", "prr")
    assert refresh(current).central_status == PRR
    assert refresh(old).central_status == ISSUED


@pytest.mark.parametrize("start, failure", [(BIO, f) for f in FAILURES] + [(ADJ, EF_C), (SENT, EF_R), (DUP, EF_C)])
def test_an_enrolment_failure_sends_the_resident_back_to_recording(admin, clock, failure, start):
    card = add_card(central=start)
    updated = set_central_status(admin, card.resident.nik, failure)
    assert updated.office_status == "needs_rerecording"
    assert Resident.get_by_id(card.resident_id).recording_status == "belum"
    assert Resident.get_by_id(card.resident_id).updated_at == clock.now
    entry = AuditLog.select().where(AuditLog.entity == "resident").order_by(AuditLog.id.desc()).get()
    assert (entry.action, entry.entity_id) == ("resident.update", str(card.resident_id))
    assert json.loads(entry.changes) == {"recording_status": ["sudah", "belum"], "card": card.id,
                                         "central_status": failure}
    with pytest.raises(ServiceError):  # the card is finished; the resident records again
        set_central_status(admin, card.resident.nik, PRR)


@pytest.mark.parametrize("start", [BIO, SENT, ADJ, PRR])
def test_a_duplicate_keeps_the_resident_recorded_and_the_card_waiting(admin, clock, start):
    card = add_card(central=start, office=rules.office_status_for(start))
    resident_audits = AuditLog.select().where(AuditLog.entity == "resident").count()
    updated = set_central_status(admin, card.resident.nik, DUP)
    assert (updated.central_status, updated.office_status) == (DUP, "waiting_prr")  # not printable meanwhile
    assert Resident.get_by_id(card.resident_id).recording_status == "sudah"  # coverage does not drop
    assert AuditLog.select().where(AuditLog.entity == "resident").count() == resident_audits  # nothing changed
    # The centre deletes the duplicate and the record goes on; the same card is printed later.
    for central, office_status in ((SENT, "waiting_prr"), (PRR, "ready_to_print")):
        assert set_central_status(admin, card.resident.nik, central).office_status == office_status
    assert Card.select().where(Card.resident == card.resident_id).count() == 1


def test_a_printed_card_stays_printed_whatever_a_late_listing_says(admin, clock):
    card = add_card(central=PRR, office="printed")
    stamped = refresh(card).status_changed_at
    clock.advance(days=3)
    assert set_central_status(admin, card.resident.nik, PRR).office_status == "printed"
    after = set_central_status(admin, card.resident.nik, DUP)
    assert (after.central_status, after.office_status) == (DUP, "printed")
    assert Resident.get_by_id(card.resident_id).recording_status == "sudah"
    # the date it was printed is not overwritten by a status that did not move it
    assert after.status_changed_at == stamped


@pytest.mark.parametrize("role", ["loket", "blangko"])
def test_counter_and_stock_staff_may_not_change_card_statuses(admin, clock, role, tmp_path):
    card = add_card()
    listing = tmp_path / "status.csv"
    listing.write_text(f"NIK,STATUS\n{card.resident.nik},PRR\n", encoding="utf-8")
    before = db_state()
    for attempt in (lambda: set_central_status(actor(role), card.resident.nik, PRR),
                    lambda: import_statuses(actor(role), listing),
                    lambda: cards.set_priority(actor(role), card.id, True)):
        with pytest.raises(PermissionDenied) as caught:
            attempt()
        assert str(caught.value) == f"Peran {role} tidak berwenang untuk mengubah status kartu."
    assert db_state() == before
    assert set_central_status(actor("cetak"), card.resident.nik, PRR).office_status == "ready_to_print"


def test_set_priority(admin, clock):
    card = add_card()
    cards.set_priority(admin, card.id, True)
    assert refresh(card).priority is True
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert entry.action == "card.priority" and json.loads(entry.changes) == {"priority": [False, True]}
    with pytest.raises(NotFound):
        cards.set_priority(admin, 999_999, True)


# --- bulk import ----------------------------------------------------------------------------

def _listing_cards():
    """Cards for a listing: (nik, card) by role in the file."""
    made = {
        "to_prr": add_card(central=SENT),
        "to_printed": add_card(central=PRR),
        "dup": add_card(central=BIO),
        "same": add_card(central=PRR),
        "impossible": add_card(central=PRR),
        "twice": add_card(central=BIO),
        "bad_text": add_card(central=BIO),
        "done": add_card(central=ISSUED),  # handed over: not in the backlog any more
    }
    return made


def _lines(made) -> list[list[str]]:
    n = {k: c.resident.nik for k, c in made.items()}
    return [
        [n["to_prr"], "PRR", "terkirim"],                       # line 2
        [n["to_printed"], "CARD PRINTED", ""],                  # 3
        [n["dup"], "DUPLICATE_RECORD", "ganda"],                # 4
        [n["same"], "PRINT_READY_RECORD", ""],                  # 5
        ["5202040101909999", "PRR", ""],                        # 6 unknown NIK
        [n["impossible"], "BIO_CAPTURED", ""],                  # 7 backwards
        [n["twice"], "SENT_FOR_ENROLLMENT", ""],                # 8
        [n["twice"], "PRR", ""],                                # 9 duplicate in the file
        [n["bad_text"], "SUDAH JADI", ""],                      # 10 unknown status
        [n["done"], "CARD_ISSUED", ""],                         # 11 handed over: what we know
        [f"{n['to_printed'][:6]} {n['to_printed'][6:]}", "CARD_PRINTED", ""],  # 12 same NIK, spaced
    ]


def _check_first_import(result, made):
    n = {k: c.resident.nik for k, c in made.items()}
    assert (result.total, result.applied, result.unchanged) == (11, 4, 2)
    assert [(line, nik) for line, nik, _ in result.rejected] == [
        (6, "5202040101909999"), (7, n["impossible"]), (9, n["twice"]), (10, n["bad_text"]), (12, n["to_printed"]),
    ]
    reasons = [reason for _, _, reason in result.rejected]
    assert reasons[0] == ("NIK 5202040101909999 tidak terdaftar di basis data penduduk dan daftar tidak menyebut nama "
                          "dan desanya (kolom NAMA dan KODE_DESA atau NO_PROP/NO_KAB/NO_KEC/NO_KEL).")
    assert reasons[1] == "Status pusat tidak bisa berubah dari PRINT_READY_RECORD ke BIO_CAPTURED."
    assert reasons[2] == f"NIK {n['twice']} muncul lagi di berkas."
    assert reasons[3].startswith("Status pusat 'SUDAH JADI' tidak dikenal")
    assert reasons[4] == f"NIK {n['to_printed']} muncul lagi di berkas."
    state = {k: (refresh(c).central_status, refresh(c).office_status) for k, c in made.items()}
    assert state == {
        "to_prr": (PRR, "ready_to_print"), "to_printed": (PRINTED, "printed"), "dup": (DUP, "waiting_prr"),
        "same": (PRR, "ready_to_print"), "impossible": (PRR, "ready_to_print"), "twice": (SENT, "waiting_prr"),
        "bad_text": (BIO, "waiting_prr"), "done": (ISSUED, "handed_over"),
    }
    assert Resident.get_by_id(made["dup"].resident_id).recording_status == "sudah"  # resolved at the centre
    assert Resident.get_by_id(made["to_prr"].resident_id).recording_status == "sudah"
    imported = list(CardEvent.select().where(CardEvent.source == "import").order_by(CardEvent.id))
    assert sorted((e.card_id, e.central_status, e.office_status, e.note) for e in imported) == sorted([
        (made["to_prr"].id, PRR, "ready_to_print", "terkirim"),
        (made["to_printed"].id, PRINTED, "printed", ""),
        (made["dup"].id, DUP, "waiting_prr", "ganda"),
        (made["twice"].id, SENT, "waiting_prr", ""),
    ])
    assert all(e.username == "admin" for e in imported)
    entry = AuditLog.get(AuditLog.action == "card.status_import")
    assert json.loads(entry.changes)["cards"] == 4


def _check_reimport_changes_nothing(admin, path, first):
    before = db_state()
    again = import_statuses(admin, path)
    assert (again.total, again.applied, again.unchanged) == (11, 0, 6)
    assert again.rejected == first.rejected
    assert db_state() == before


def test_import_a_csv_listing(admin, clock, tmp_path):
    made = _listing_cards()
    path = tmp_path / "siak_status.csv"
    text = "NIK;STATUS_KTP;KETERANGAN\n" + "".join(";".join(line) + "\n" for line in _lines(made))
    path.write_text(text, encoding="utf-8")
    result = import_statuses(admin, path)
    _check_first_import(result, made)
    _check_reimport_changes_nothing(admin, path, result)


def test_import_an_xlsx_listing(admin, clock, tmp_path):
    from openpyxl import Workbook

    made = _listing_cards()
    path = tmp_path / "siak_status.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["No NIK", "Status Cetak", "Keterangan"])
    for line in _lines(made):
        sheet.append(line)
    book.save(path)
    result = import_statuses(admin, path)
    _check_first_import(result, made)
    _check_reimport_changes_nothing(admin, path, result)


def test_import_refuses_a_file_it_cannot_use(admin, clock, tmp_path):
    add_card()
    no_status = tmp_path / "daftar.csv"
    no_status.write_text("NIK,NAMA\n5202040101900001,BUDI\n", encoding="utf-8")
    with pytest.raises(ServiceError) as caught:
        import_statuses(admin, no_status)
    assert str(caught.value) == "Kolom wajib tidak ada: STATUS. Kolom yang ditemukan: NIK, NAMA."
    text = tmp_path / "daftar.txt"
    text.write_text("NIK,STATUS\n", encoding="utf-8")
    with pytest.raises(ServiceError) as caught:
        import_statuses(admin, text)
    assert str(caught.value) == ("Berkas daftar.txt tidak dapat dibaca: jenis berkas .txt tidak didukung; gunakan .csv "
                                 "atau .xlsx")
    assert CardEvent.select().where(CardEvent.source == "import").count() == 0


def test_import_applies_in_chunks(admin, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(status_import, "CHUNK", 2)
    made = [add_card(central=SENT) for _ in range(5)]
    path = tmp_path / "status.csv"
    path.write_text("NIK,STATUS\n" + "".join(f"{c.resident.nik},PRR\n" for c in made), encoding="utf-8")
    result = import_statuses(admin, path)
    assert (result.applied, result.unchanged, result.rejected) == (5, 0, [])
    assert {refresh(c).office_status for c in made} == {"ready_to_print"}
    chunks = [json.loads(e.changes) for e in AuditLog.select().where(AuditLog.action == "card.status_import")
              .order_by(AuditLog.id)]
    assert [c["cards"] for c in chunks] == [2, 2, 1]
    assert chunks[0]["to"] == {PRR: 2} and chunks[0]["file"] == "status.csv"


def test_import_does_not_overwrite_a_card_changed_while_it_ran(admin, clock, tmp_path, monkeypatch):
    """The listing is checked against the cards as they were once the whole file was read; a
    card changed after that by another workstation is reported and keeps its new status."""
    first, second, third = (add_card(central=PRR) for _ in range(3))
    path = tmp_path / "status.csv"
    path.write_text("NIK,STATUS\n" + "".join(f"{c.resident.nik},CARD_PRINTED\n" for c in (first, second, third)),
                    encoding="utf-8")
    real_resolve = status_import._resolve

    def resolve_and_interfere(*args, **kwargs):
        # checked, not yet applied: someone else enters DUPLICATE_RECORD for the second card
        set_central_status(actor("cetak", "lain"), second.resident.nik, DUP)
        return real_resolve(*args, **kwargs)

    monkeypatch.setattr(status_import, "_resolve", resolve_and_interfere)
    result = import_statuses(admin, path)
    assert (result.applied, result.unchanged) == (2, 0)
    assert result.rejected == [(3, second.resident.nik, f"Kartu NIK {second.resident.nik} diubah petugas lain "
                                "selama impor; baris ini tidak diterapkan, impor ulang berkasnya.")]
    assert (refresh(second).central_status, refresh(second).office_status) == (DUP, "waiting_prr")
    assert refresh(first).office_status == refresh(third).office_status == "printed"
    assert [e.source for e in cards.history(second.id)] == ["perekaman", "manual"]


# --- the backlog ----------------------------------------------------------------------------

def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0)


@pytest.fixture
def backlog(office):
    pujut = [add_resident(kecamatan=PUJUT, name=f"PUJUT {i}") for i in range(3)]
    praya = [add_resident(kecamatan=PRAYA, name=f"PRAYA {i}") for i in range(3)]
    return {
        "c1": add_card(pujut[0], central=BIO, recorded_at=_at(date(2026, 11, 20))),
        "c2": add_card(pujut[1], central=PRR, recorded_at=_at(date(2026, 11, 14)), reason="rusak"),
        "c3": add_card(praya[0], central=PRR, office="printed", recorded_at=_at(date(2026, 9, 1)), reason="hilang"),
        "c4": add_card(praya[1], central=EF_C, recorded_at=_at(date(2026, 6, 1))),
        "c5": add_card(praya[2], central=ISSUED, recorded_at=_at(date(2026, 5, 1))),
        "c6": add_card(pujut[2], central=PRR, recorded_at=_at(date(2026, 11, 15)), priority=True),
    }


def test_backlog_counts(backlog):
    counts = cards.backlog_counts(TODAY)
    assert counts.by_status == {"needs_rerecording": 1, "printed": 1, "ready_to_print": 2, "waiting_prr": 1}
    assert counts.by_kecamatan == {PRAYA: 2, PUJUT: 3}
    assert counts.by_reason == {"baru": 3, "hilang": 1, "rusak": 1}
    assert counts.by_age == {"0–7": 2, "8–30": 1, "31–90": 1, "> 90": 1}
    assert list(counts.by_age) == ["0–7", "8–30", "31–90", "> 90"]


@pytest.mark.parametrize("flt, expected", [
    (BacklogFilter(), ["c4", "c3", "c2", "c6", "c1"]),
    (BacklogFilter(office_status="ready_to_print"), ["c2", "c6"]),
    (BacklogFilter(office_status="handed_over"), []),
    (BacklogFilter(kecamatan_code=PRAYA), ["c4", "c3"]),
    (BacklogFilter(reason="baru"), ["c4", "c6", "c1"]),
    (BacklogFilter(age="0–7"), ["c6", "c1"]),
    (BacklogFilter(age="8–30"), ["c2"]),
    (BacklogFilter(age="> 90"), ["c4"]),
    (BacklogFilter(kecamatan_code=PUJUT, office_status="ready_to_print", age="0–7"), ["c6"]),
])
def test_backlog_page_filters_oldest_first(backlog, flt, expected):
    page, cursor = cards.backlog_page(flt, TODAY)
    names = {c.id: k for k, c in backlog.items()}
    assert [names[r.card_id] for r in page] == expected
    assert cursor is None
    assert cards.backlog_total(flt, TODAY) == len(expected)  # the screen's "N kartu sesuai saringan"


def test_backlog_page_rows_and_keyset_paging(backlog):
    c6 = backlog["c6"]
    page, cursor = cards.backlog_page(BacklogFilter(), TODAY, limit=2)
    assert [r.card_id for r in page] == [backlog["c4"].id, backlog["c3"].id]
    page2, cursor2 = cards.backlog_page(BacklogFilter(), TODAY, after=cursor, limit=2)
    assert [r.card_id for r in page2] == [backlog["c2"].id, c6.id]
    row = page2[1]
    assert (row.nik, row.name, row.kecamatan_code, row.reason, row.recorded_at, row.central_status,
            row.office_status, row.priority) == (c6.resident.nik, "PUJUT 2", PUJUT, "baru", _at(date(2026, 11, 15)),
                                                 PRR, "ready_to_print", True)
    page3, cursor3 = cards.backlog_page(BacklogFilter(), TODAY, after=cursor2, limit=2)
    assert [r.card_id for r in page3] == [backlog["c1"].id] and cursor3 is None


def test_keyset_paging_with_equal_times_has_no_gaps_or_repeats(office):
    same = datetime(2026, 11, 2, 2, 0)
    made = [add_card(recorded_at=same) for _ in range(7)] + [add_card(recorded_at=same + timedelta(seconds=1))]
    seen, after = [], None
    for _ in range(10):
        page, after = cards.backlog_page(BacklogFilter(), TODAY, after=after, limit=3)
        seen += [r.card_id for r in page]
        if after is None:
            break
    assert seen == [c.id for c in made]


def test_page_filters_agree_with_the_counts_at_every_age_boundary(office):
    """The counts group by an SQL CASE on the age, the pages filter by a recorded_at range (for
    the index): both must put every card in the same bucket, whatever the hour it was recorded."""
    kecamatan = (PUJUT, PRAYA)
    statuses = (BIO, PRR, DUP)
    expected_ages = dict.fromkeys(["0–7", "8–30", "31–90", "> 90"], 0)
    for days in list(range(0, 12)) + list(range(28, 33)) + list(range(88, 93)) + [400]:
        for hour in (0, 23):
            recorded = datetime(TODAY.year, TODAY.month, TODAY.day, hour, 59) - timedelta(days=days)
            add_card(add_resident(kecamatan=kecamatan[days % 2]), central=statuses[(days + hour) % 3],
                     recorded_at=recorded, reason=("baru", "rusak")[hour % 2])
            local_day = (recorded + timedelta(hours=8)).date()  # the office is on WITA (UTC+8)
            expected_ages[rules.age_bucket((TODAY - local_day).days)] += 1
    counts = cards.backlog_counts(TODAY)
    # Ages count office-local days: 23:59 UTC is already the next morning in Lombok.
    assert counts.by_age == expected_ages == {"0–7": 17, "8–30": 14, "31–90": 10, "> 90": 5}

    def everything(flt):
        seen, after = [], None
        while True:
            page, after = cards.backlog_page(flt, TODAY, after=after, limit=7)
            seen += page
            if after is None:
                return seen

    for label, expected in counts.by_age.items():
        assert len(everything(BacklogFilter(age=label))) == expected, label
        assert cards.backlog_total(BacklogFilter(age=label), TODAY) == expected, label
    for code, expected in counts.by_kecamatan.items():
        rows = everything(BacklogFilter(kecamatan_code=code))
        assert len(rows) == expected and {r.kecamatan_code for r in rows} == {code}
    for status, expected in counts.by_status.items():
        assert len(everything(BacklogFilter(office_status=status))) == expected
    for reason, expected in counts.by_reason.items():
        assert len(everything(BacklogFilter(reason=reason))) == expected
    everything_ = everything(BacklogFilter())
    assert [(r.recorded_at, r.card_id) for r in everything_] == sorted((r.recorded_at, r.card_id) for r in everything_)
    assert len(everything_) == sum(counts.by_age.values()) == 2 * 23
    assert everything(BacklogFilter(age="lama sekali")) == []


def test_a_listing_may_confirm_a_card_already_handed_over(admin, clock, tmp_path):
    """SIAK goes on listing a card after the office handed it over; its CARD_PRINTED or
    CARD_ISSUED is news for the central status (the office status stays), any other is refused."""
    handed = add_card(central=PRR, office="handed_over")
    issued = add_card(central=ISSUED)
    reprinted = add_card(central=ISSUED)
    new_card = add_card(reprinted.resident, central=BIO, recorded_at=datetime(2026, 11, 20))  # lost, recorded again
    path = tmp_path / "status.csv"
    path.write_text("NIK,STATUS\n"
                    f"{handed.resident.nik},CARD_PRINTED\n"
                    f"{issued.resident.nik},CARD_ISSUED\n"
                    "5202040101909999,CARD_ISSUED\n"
                    f"{reprinted.resident.nik},CARD_PRINTED\n", encoding="utf-8")
    result = import_statuses(admin, path)
    assert (result.applied, result.unchanged) == (1, 1)
    assert [line for line, _, _ in result.rejected] == [4, 5]
    assert result.rejected[1][2] == "Status pusat tidak bisa berubah dari BIO_CAPTURED ke CARD_PRINTED."
    assert (refresh(handed).central_status, refresh(handed).office_status) == (PRINTED, "handed_over")
    assert refresh(new_card).central_status == BIO and refresh(reprinted).central_status == ISSUED
    stale = tmp_path / "stale.csv"
    stale.write_text(f"NIK,STATUS\n{issued.resident.nik},PRR\n", encoding="utf-8")
    assert import_statuses(admin, stale).rejected == [
        (2, issued.resident.nik, f"Kartu NIK {issued.resident.nik} sudah diserahkan; PRINT READY RECORD di daftar ini "
         "lebih lama dari penyerahan. Untuk cetak ulang, sebutkan ALASAN (rusak, hilang, perubahan data, pindah "
         "datang).")]
    reprint = tmp_path / "reprint.csv"  # a reprint made elsewhere (cetak ulang hilang at a UPT): a new card
    reprint.write_text(f"NIK,STATUS,ALASAN\n{issued.resident.nik},PRR,Cetak ulang hilang\n", encoding="utf-8")
    done = import_statuses(admin, reprint)
    assert (done.created, done.rejected) == (1, [])
    newest = Card.select().where(Card.resident == issued.resident_id).order_by(Card.id.desc()).get()
    assert (newest.reason, newest.office_status, newest.origin) == ("hilang", "ready_to_print", "siak")


def test_a_replaced_card_is_not_what_a_listing_speaks_of(admin, clock, tmp_path):
    """A card replaced by a new recording (services.queue marks it) is neither open nor handed over."""
    old = add_card(central=DUP, office="replaced", recorded_at=datetime(2026, 11, 1))
    path = tmp_path / "status.csv"
    path.write_text(f"NIK,STATUS\n{old.resident.nik},CARD_PRINTED\n", encoding="utf-8")
    result = import_statuses(admin, path)
    assert (result.applied, result.unchanged, result.created, result.rejected) == (0, 0, 1, [])
    assert refresh(old).central_status == DUP and refresh(old).office_status == "replaced"
    made = Card.select().where(Card.resident == old.resident_id).order_by(Card.id.desc()).get()
    assert (made.central_status, made.office_status) == (PRINTED, "printed")  # the record made elsewhere


def test_card_keeps_the_kecamatan_where_it_was_recorded(office):
    card = add_card(add_resident(kecamatan=PRAYA))
    assert refresh(card).kecamatan_code == PRAYA
    assert cards.backlog_counts(TODAY).by_kecamatan == {PRAYA: 1}


def test_a_card_issued_listing_closes_the_open_suket(office, admin, tmp_path):
    from dukcapil_tui.models import Suket
    from dukcapil_tui.services import suket

    resident = add_resident()
    card = add_card(resident, central="BIO_CAPTURED")
    letter = suket.issue(admin, resident.nik)
    cards.set_central_status(admin, resident.nik, "PRINT_READY_RECORD")
    listing = tmp_path / "siak.csv"
    listing.write_text(f"NIK,STATUS\n{resident.nik},CARD_PRINTED\n", encoding="utf-8")
    import_statuses(admin, listing)
    assert Suket.get_by_id(letter.id).status == "open"
    listing.write_text(f"NIK,STATUS\n{resident.nik},CARD_ISSUED\n", encoding="utf-8")
    import_statuses(admin, listing)
    closed = Suket.get_by_id(letter.id)
    assert (closed.status, closed.closed_reason) == ("closed", "card_issued")
    assert refresh(card).office_status == "handed_over"


def test_an_imported_enrolment_failure_is_audited_on_the_resident(admin, clock, tmp_path):
    failed, fine = add_card(central=SENT), add_card(central=SENT)
    path = tmp_path / "status.csv"
    path.write_text(f"NIK,STATUS\n{failed.resident.nik},ENROLL_FAILURE_AT_CENTRAL\n{fine.resident.nik},PRR\n",
                    encoding="utf-8")
    assert import_statuses(admin, path).applied == 2
    entries = list(AuditLog.select().where(AuditLog.entity == "resident"))
    assert [(e.action, e.entity_id, json.loads(e.changes)) for e in entries] == [
        ("resident.update", str(failed.resident_id),
         {"recording_status": ["sudah", "belum"], "card": failed.id, "central_status": EF_C})]
    summary = json.loads(AuditLog.get(AuditLog.action == "card.status_import").changes)
    assert (summary["cards"], summary["rerecord"]) == (2, 1)
