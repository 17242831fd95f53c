"""A resident import skips the rows it stored before when nothing has changed since
(``import_digest``, migration 15): what it reports and writes is what checking them in full gives."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from dukcapil_tui.db import database
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.models import AuditLog, Card, Resident
from dukcapil_tui.services import context, import_digest, residents, status_import

from test_resident_import import HEADER, ROWS, audit_count, run, snapshot, write_csv


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """The NIKs of the rows the import checks in full (``validate``), in order."""
    seen: list[str] = []
    real = resident_rules.validate

    def counting(raw, **kwargs):
        seen.append(str(raw.get("nik")))
        return real(raw, **kwargs)

    monkeypatch.setattr(resident_rules, "validate", counting)
    return seen


def digests() -> dict[str, int | None]:
    return dict(database.execute_sql("SELECT nik, import_hash FROM resident").fetchall())


def nik(row: str) -> str:
    return row[:16]


def test_an_unchanged_file_is_counted_unchanged_without_checking_its_rows(admin, tmp_path, checked, monkeypatch):
    path = write_csv(tmp_path, ROWS)
    run(admin, path)
    assert all(digests().values()) and len(set(digests().values())) == 3
    assert checked == [nik(r) for r in ROWS]
    before, entries = snapshot(), audit_count()
    checked.clear()
    monkeypatch.setattr(context, "now_utc", lambda: datetime(2030, 1, 1))
    result = run(admin, path)
    assert (result.total, result.inserted, result.updated, result.unchanged, result.rejected) == (3, 0, 0, 3, [])
    assert checked == []
    assert snapshot() == before and audit_count() == entries


def test_a_changed_row_in_an_otherwise_unchanged_file_is_checked_and_updated(admin, tmp_path, checked):
    run(admin, write_csv(tmp_path, ROWS))
    stored = digests()
    checked.clear()
    changed = [ROWS[0], ROWS[1].replace("DUSUN SADE", "DUSUN KUTA"), ROWS[2]]
    result = run(admin, write_csv(tmp_path, changed, name="v2.csv"))
    assert (result.updated, result.unchanged) == (1, 2)
    assert checked == [nik(ROWS[1])]
    baiq = Resident.get(Resident.nik == nik(ROWS[1]))
    assert baiq.address == "DUSUN KUTA"
    after = digests()
    assert after[baiq.nik] not in (None, stored[baiq.nik])  # the new row's digest
    assert {k: v for k, v in after.items() if k != baiq.nik} == {k: v for k, v in stored.items() if k != baiq.nik}
    changes = json.loads(AuditLog.select().order_by(AuditLog.id.desc()).get().changes)
    assert changes["updated"] == {str(baiq.id): {"address": ["DUSUN SADE", "DUSUN KUTA"]}}
    checked.clear()
    assert run(admin, write_csv(tmp_path, changed, name="v2.csv")).unchanged == 3 and checked == []


def test_a_resident_edited_in_the_app_is_updated_again_by_the_same_file(admin, tmp_path, checked):
    path = write_csv(tmp_path, ROWS)
    run(admin, path)
    lalu = Resident.get(Resident.nik == nik(ROWS[0]))
    form = residents.to_form(lalu)
    residents.update(admin, lalu.id, {**form, "address": "DUSUN BARU"}, date(2026, 11, 22))
    assert digests()[lalu.nik] is None  # any other write clears it
    checked.clear()
    result = run(admin, path)
    assert (result.updated, result.unchanged) == (1, 2)
    assert checked == [lalu.nik]
    assert Resident.get_by_id(lalu.id).address == "DUSUN SADE"
    assert digests()[lalu.nik] is not None


def test_a_card_effect_on_the_recording_status_clears_the_digest(admin, tmp_path):
    """A SIAK status listing: a card created, then failed at the centre, which puts the resident
    back to BELUM REKAM (card_status's effect). The resident listing still says SUDAH REKAM:
    importing it again writes that back, as checking the row in full always did."""
    path = write_csv(tmp_path, ROWS)
    run(admin, path)
    lalu = Resident.get(Resident.nik == nik(ROWS[0]))
    statuses = tmp_path / "status.csv"
    statuses.write_text(f"NIK;STATUS_KTP\n{lalu.nik};SENT FOR ENROLLMENT\n", encoding="utf-8")
    assert status_import.import_statuses(admin, statuses).created == 1
    assert digests()[lalu.nik] is not None  # a card created: the resident's row is not written
    statuses.write_text(f"NIK;STATUS_KTP\n{lalu.nik};ENROLL FAILURE AT CENTRAL\n", encoding="utf-8")
    assert status_import.import_statuses(admin, statuses).applied == 1
    assert Resident.get_by_id(lalu.id).recording_status == "belum" and digests()[lalu.nik] is None
    result = run(admin, path)
    assert (result.updated, result.unchanged) == (1, 2)
    assert Resident.get_by_id(lalu.id).recording_status == "sudah"


def test_rows_naming_a_central_status_are_checked_every_time(admin, tmp_path, checked):
    """What such a row does depends on the resident's cards, which change without the resident:
    a card moved on since is not moved back, the row is refused as the first time it would be."""
    row = ROWS[0].replace("SUDAH REKAM", "SENT FOR ENROLLMENT")
    path = write_csv(tmp_path, [row])
    assert run(admin, path).cards_created == 1
    statuses = tmp_path / "status.csv"
    statuses.write_text(f"NIK;STATUS_KTP\n{nik(row)};PRINT READY RECORD\n", encoding="utf-8")
    assert status_import.import_statuses(admin, statuses).applied == 1
    checked.clear()
    result = run(admin, path)
    assert checked == [nik(row)]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (2, "Status pusat tidak bisa berubah dari PRINT_READY_RECORD ke SENT_FOR_ENROLLMENT.")]
    assert Card.get().central_status == "PRINT_READY_RECORD"


def test_a_repeated_nik_is_refused_with_its_first_line_when_the_first_is_skipped(admin, tmp_path, checked,
                                                                                   monkeypatch):
    """The second row is the very same text as the first: its digest is the stored one, yet it
    is refused as a duplicate, naming the first line, every time; across chunks too."""
    from dukcapil_tui.services import resident_import

    monkeypatch.setattr(resident_import, "CHUNK", 2)
    lines = [ROWS[0], ROWS[1], ROWS[2], ROWS[0]]
    first = run(admin, write_csv(tmp_path, lines))
    again = run(admin, write_csv(tmp_path, lines))
    for result in (first, again):
        assert [(r.line, r.field, r.reason) for r in result.rejected] == [
            (5, "NIK", f"NIK {nik(ROWS[0])} muncul lagi di berkas (pertama di baris 2).")]
    assert (again.unchanged, again.inserted) == (3, 0)
    assert Resident.select().count() == 3


def test_rejected_rows_are_reported_again_and_never_stored(admin, tmp_path, checked):
    bad = ROWS[1].replace("17-08-2005", "31-02-2005")
    path = write_csv(tmp_path, [ROWS[0], bad])
    run(admin, path)
    checked.clear()
    again = run(admin, path)
    assert [(r.line, r.field) for r in again.rejected] == [(3, "Tanggal lahir")]
    assert checked == [nik(bad)] and again.unchanged == 1
    # A row that now fails for a resident an earlier file stored: refused, the resident kept.
    run(admin, write_csv(tmp_path, ROWS, name="baik.csv"))
    checked.clear()
    third = run(admin, path)
    assert [(r.line, r.field) for r in third.rejected] == [(3, "Tanggal lahir")] and checked == [nik(bad)]
    assert Resident.get(Resident.nik == nik(bad)).birth_date == date(2005, 8, 17)


def test_the_same_cells_under_another_header_are_checked_again(admin, tmp_path, checked):
    """Without STATUS_REKAM the register keeps the recording status: the same cells mean other
    values, so the row is checked again."""
    run(admin, write_csv(tmp_path, ROWS))
    header = HEADER.rsplit(",", 1)[0]
    path = write_csv(tmp_path, [r.rsplit(",", 1)[0] for r in ROWS], header=header, name="tanpa.csv")
    checked.clear()
    assert run(admin, path).unchanged == 3 and len(checked) == 3
    checked.clear()
    assert run(admin, path).unchanged == 3 and checked == []  # its own digests now


def test_a_register_from_before_migration_15_is_compared_once_then_skipped(admin, tmp_path, checked, monkeypatch):
    path = write_csv(tmp_path, ROWS)
    run(admin, path)
    database.execute_sql("UPDATE resident SET import_hash = NULL")
    before, entries = snapshot(), audit_count()
    monkeypatch.setattr(context, "now_utc", lambda: datetime(2030, 1, 1))
    checked.clear()
    assert run(admin, path).unchanged == 3 and len(checked) == 3
    assert all(digests().values())  # stored without a change to the residents or an audit entry
    assert snapshot() == before and audit_count() == entries
    checked.clear()
    assert run(admin, path).unchanged == 3 and checked == []


def test_a_death_without_its_date_is_checked_every_time(admin, tmp_path, checked):
    """The day of the import is stored as the date: the row is never skipped, so a later import
    does what it always did."""
    header = HEADER + ",STATUS_HIDUP,TGL_STATUS_HIDUP"
    path = write_csv(tmp_path, [ROWS[2] + ",MENINGGAL,", ROWS[0] + ",HIDUP,"], header=header)
    run(admin, path)
    assert digests() == {nik(ROWS[2]): None, nik(ROWS[0]): digests()[nik(ROWS[0])]}
    assert digests()[nik(ROWS[0])] is not None
    checked.clear()
    later = import_residents_on(admin, path, date(2026, 11, 23))
    assert checked == [nik(ROWS[2])] and (later.updated, later.unchanged) == (1, 1)
    assert Resident.get(Resident.nik == nik(ROWS[2])).life_status_on == date(2026, 11, 23)


def import_residents_on(actor, path, today):
    from dukcapil_tui.services.resident_import import import_residents

    return import_residents(actor, path, today=today)


def test_the_trigger_clears_the_digest_on_every_other_write(admin, tmp_path):
    run(admin, write_csv(tmp_path, ROWS))
    niks = [nik(r) for r in ROWS]
    stored = digests()
    Resident.update(name_protected=True).where(Resident.nik == niks[0]).execute()
    Resident.update(import_hash=123).where(Resident.nik == niks[1]).execute()  # a new digest is kept
    resident = Resident.get(Resident.nik == niks[2])
    resident.save()  # a model saved whole: the digest it read goes back unchanged, so it is cleared
    assert digests() == {niks[0]: None, niks[1]: 123, niks[2]: None}
    assert stored[niks[1]] != 123


def test_the_digest_tells_cells_columns_and_desa_codes_apart():
    key = import_digest.key(["NIK", "RT"], {"52.02.04.2008"})
    assert import_digest.row_digest({"NIK": "1", "RT": "5"}, key) == import_digest.row_digest({"NIK": "1", "RT": "5"},
                                                                                               key)
    assert import_digest.row_digest({"NIK": "1", "RT": "5"}, key) != import_digest.row_digest({"NIK": "1", "RT": "6"},
                                                                                               key)
    assert import_digest.row_digest({"NIK": "1", "RT": 5.0}, key) != import_digest.row_digest({"NIK": "1",
                                                                                              "RT": "5.0"}, key)
    assert import_digest.row_digest({"NIK": "1", "RT": "5"}, key) != import_digest.row_digest(
        {"NIK": "1", "RT": "5"}, import_digest.key(["NIK", "RW"], {"52.02.04.2008"}))
    assert import_digest.row_digest({"NIK": "1", "RT": "5"}, key) != import_digest.row_digest(
        {"NIK": "1", "RT": "5"}, import_digest.key(["NIK", "RT"], {"52.02.04.2008", "52.02.04.2009"}))
    # Cells are kept apart: "1" + "25" is not "12" + "5".
    assert import_digest.row_digest({"A": "1", "B": "25"}, key) != import_digest.row_digest({"A": "12", "B": "5"}, key)
    assert -2**63 <= import_digest.row_digest({"A": "x"}, key) < 2**63


def test_an_upgrade_that_changes_the_rules_checks_every_row_again_once(admin, tmp_path, checked, monkeypatch):
    path = write_csv(tmp_path, ROWS)
    run(admin, path)
    assert import_digest.rules_fingerprint() == import_digest.rules_fingerprint.__wrapped__()  # the code as it is
    checked.clear()
    monkeypatch.setattr(import_digest, "rules_fingerprint", lambda: "the rules of a newer release")
    result = run(admin, path)
    assert (result.unchanged, checked) == (3, [nik(r) for r in ROWS])  # checked again, nothing changed
    checked.clear()
    assert run(admin, path).unchanged == 3 and checked == []  # the new digests are kept: skipped from then on


def test_the_rules_fingerprint_covers_the_domain_rules_and_the_row_readers(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    package = Path(import_digest.__file__).resolve().parent.parent
    copy = tmp_path / "dukcapil_tui"
    for name in import_digest.RULE_SOURCES:
        source = package / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, copy / name)
    monkeypatch.setattr(import_digest, "__file__", str(copy / "services" / "import_digest.py"))
    fingerprint = import_digest.rules_fingerprint.__wrapped__
    same = fingerprint()
    assert same == import_digest.rules_fingerprint()  # a copy of the same code: the same fingerprint
    for changed in ("domain/nik.py", "tabular.py", "services/listing_cards.py"):
        path = copy / changed
        original = path.read_bytes()
        path.write_bytes(original + b"\n# a changed rule\n")
        assert fingerprint() != same, changed
        path.write_bytes(original)
    assert fingerprint() == same
