"""Recording in the field: prepare a package at the office, record in a field database, merge
the result back (once), and refuse what was changed or made for another office."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from datetime import date, datetime

import pytest

from dukcapil_tui.db import database, integrity_problems
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain.problems import ServiceError, ValidationError
from dukcapil_tui.models import AuditLog, Card, FieldMerge, Resident
from dukcapil_tui.services import (card_status, field_merge, field_package, field_view, field_work, queue_outcomes,
                                   residents)

from conftest import make_office
from field_helpers import DESA_KUTA, DESA_PRAYA, DESA_RMB, LAPTOP, add_resident, field_actor, office_admin, \
    open_field, use
from office_helpers import admin, clock, office  # noqa: F401

TODAY = date(2026, 11, 22)


def nik(kecamatan: str, born: date, seq: int, sex: str = "L") -> str:
    return nik_rules.compose(kecamatan, born, sex, seq)


@pytest.fixture
def town(office, admin, clock):
    """Residents of Rembitan and Kuta (Pujut) and of Praya: who recording needs, and who not."""
    people = {
        "amaq": add_resident(admin, nik("52.02.04", date(1990, 2, 1), 1), "AMAQ SAHNUN", DESA_RMB, "01-02-1990"),
        "inaq": add_resident(admin, nik("52.02.04", date(1992, 3, 5), 1, "P"), "INAQ RAHMAH", DESA_RMB, "05-03-1992",
                             sex="P"),
        "lalu": add_resident(admin, nik("52.02.04", date(1985, 7, 9), 1), "LALU KUTA", DESA_KUTA, "09-07-1985"),
        "done": add_resident(admin, nik("52.02.04", date(1980, 1, 1), 1), "SUDAH REKAM", DESA_KUTA, "01-01-1980",
                             recording="sudah"),
        "child": add_resident(admin, nik("52.02.04", date(2016, 4, 4), 1), "ANAK KECIL", DESA_RMB, "04-04-2016",
                              marital="belum_kawin"),
        "praya": add_resident(admin, nik("52.02.01", date(1991, 1, 1), 1), "ORANG PRAYA", DESA_PRAYA, "01-01-1991"),
    }
    return people


def prepare(tmp_path, desa=(DESA_RMB, DESA_KUTA)):
    return field_package.prepare(office_admin(), list(desa), LAPTOP, tmp_path / "paket.dkf")


def test_a_package_holds_the_chosen_desa_sealed_and_private(town, tmp_path, office):
    done = prepare(tmp_path)
    assert (done.residents, done.belum_rekam) == (5, 3)  # not Praya; the child is no wajib KTP
    assert done.key_path == tmp_path / "paket.kunci"
    for path in (done.path, done.key_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = done.path.read_text(encoding="utf-8")
    assert town["amaq"].nik not in raw and "AMAQ" not in raw  # nothing readable without the key
    header, payload, _key = field_package.read_package(done.path, done.key_path)
    assert header["kind"] == "paket" and header["laptop"] == LAPTOP
    assert sorted(r["name"] for r in payload["residents"]) == ["AMAQ SAHNUN", "ANAK KECIL", "INAQ RAHMAH",
                                                               "LALU KUTA", "SUDAH REKAM"]
    assert set(payload["residents"][0]) == set(field_package.RESIDENT_FIELDS)
    assert sorted(payload["belum_rekam"]) == sorted(town[k].uuid for k in ("amaq", "inaq", "lalu"))
    entry = AuditLog.select().where(AuditLog.action == "field.prepare").get()
    assert json.loads(entry.changes)["residents"] == 5


def test_prepare_refuses_an_unknown_desa_a_kecamatan_and_a_bad_laptop_code(town, tmp_path):
    with pytest.raises(ValidationError) as caught:
        field_package.prepare(office_admin(), ["52.02.04.9999", "52.02.04"], "kll 01", tmp_path / "p.dkf")
    assert caught.value.problems["desa"] == "Desa: kode 52.02.04.9999, 52.02.04 bukan desa/kelurahan kantor ini."
    assert "Laptop: kode stasiun kerja 'KLL 01' tidak sah" in caught.value.problems["laptop"]
    with pytest.raises(ValidationError) as caught:
        field_package.prepare(office_admin(), [], LAPTOP, tmp_path / "p.dkf")
    assert "pilih minimal satu desa" in caught.value.problems["desa"]
    assert not (tmp_path / "p.dkf").exists()


def record_in_the_field(tmp_path, town, clock, done):
    """Two days in Pujut: Amaq and Lalu recorded, a newcomer registered and recorded, Inaq's
    address corrected; the result sealed."""
    office_path = database.database
    field = open_field(tmp_path, done.path, done.key_path)
    petugas = field_actor()
    clock.set(datetime(2026, 11, 23, 1, 0))  # 09:00 WITA, Monday
    field_work.record(petugas, town["amaq"].nik)
    clock.set(datetime(2026, 11, 24, 2, 30))  # Tuesday
    field_work.record(petugas, town["lalu"].nik)
    newcomer = add_resident(petugas, nik("52.02.04", date(2000, 6, 6), 7, "P"), "BAIQ PENDATANG", DESA_KUTA,
                            "06-06-2000", sex="P")
    field_work.record(petugas, newcomer.nik)
    inaq = Resident.get(Resident.uuid == town["inaq"].uuid)
    residents.update(petugas, inaq.id, {**residents.to_form(inaq), "address": "DUSUN SADE"}, TODAY)
    result = field_package.write_result(petugas, tmp_path / "hasil.dkf")
    use(office_path)
    return field, result, newcomer


def test_the_round_trip_merges_recordings_newcomers_and_edits_once(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    field, result, newcomer = record_in_the_field(tmp_path, town, clock, done)
    assert (result.recordings, result.newcomers, result.edits) == (3, 1, 1)
    use(field)
    field_cards = {c.uuid: (c.workstation, c.recorded_at) for c in Card.select()}
    assert {ws for ws, _ in field_cards.values()} == {LAPTOP}
    use(office)
    cards_before = Card.select().count()
    clock.set(datetime(2026, 11, 25, 1, 0))

    merged = field_merge.merge(office_admin(), result.path)
    assert (merged.days, merged.kecamatan, merged.desa, len(merged.recorded)) == (2, 1, 2, 3)
    assert (merged.newcomers, merged.edits, merged.conflicts) == (1, 1, [])
    assert merged.by_day_and_desa() == [(date(2026, 11, 23), DESA_RMB, 1), (date(2026, 11, 24), DESA_KUTA, 2)]
    merged_cards = {c.uuid: (c.workstation, c.recorded_at)
                    for c in Card.select().where(Card.uuid.in_(list(field_cards)))}
    assert merged_cards == field_cards  # the laptop's UUIDs, workstation and times
    assert Card.select().count() == cards_before + 3
    baiq = Resident.get(Resident.uuid == newcomer.uuid)
    assert (baiq.name, baiq.workstation, baiq.recording_status) == ("BAIQ PENDATANG", LAPTOP, "sudah")
    # registered BELUM REKAM, SUDAH REKAM by the merged card (as at the counter), both audited
    entries = AuditLog.select().where((AuditLog.entity == "resident") & (AuditLog.entity_id == str(baiq.id)))
    baiq_audit = [(a.action, json.loads(a.changes).get("recording_status")) for a in entries]
    assert baiq_audit == [("resident.create", [None, "belum"]), ("resident.update", ["belum", "sudah"])]
    assert Resident.get_by_id(town["amaq"].id).recording_status == "sudah"
    assert Resident.get_by_id(town["inaq"].id).address == "DUSUN SADE"
    assert Resident.get_by_id(town["inaq"].id).recording_status == "belum"
    actions = [a.action for a in AuditLog.select().where(AuditLog.at == clock.now)]
    assert actions.count("card.create") == 3 and "resident.create" in actions and actions[-1] == "field.merge"
    assert FieldMerge.select().count() == 1

    audit_before = AuditLog.select().count()
    again = field_merge.merge(office_admin(), result.path)
    assert again.already_merged_at == clock.now and again.recorded == [] and again.newcomers == 0
    assert Card.select().count() == cards_before + 3
    assert AuditLog.select().count() == audit_before


def test_a_later_result_of_the_same_laptop_adds_only_what_is_new(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    field, first, _newcomer = record_in_the_field(tmp_path, town, clock, done)
    field_merge.merge(office_admin(), first.path)
    use(field)
    field_work.record(field_actor(), town["inaq"].nik)
    second = field_package.write_result(field_actor(), tmp_path / "hasil2.dkf")
    use(office)
    merged = field_merge.merge(office_admin(), second.path)
    assert len(merged.recorded) == 1 and merged.newcomers == merged.edits == 0
    assert merged.unchanged == 3 + 1 + 1  # three cards, the newcomer, Inaq's address
    assert Card.select().where(Card.resident == town["inaq"].id).count() == 1
    field_merge.merge(office_admin(), second.path)  # the same result again: not a third result
    other = field_package.prepare(office_admin(), [DESA_PRAYA], "KLL-02", tmp_path / "paket2.dkf")
    # the field screen's list: newest first, each package with what its results brought back
    shown = [(d.package, d.laptop, d.desa, d.residents, d.results, d.recorded, d.newcomers, d.conflicts)
             for d in field_view.drives()]
    assert shown == [(other.package_uuid, "KLL-02", ("Praya",), 1, 0, 0, 0, 0),
                     (done.package_uuid, LAPTOP, ("Rembitan", "Kuta"), 5, 2, 4, 1, 0)]
    assert field_merge.describe(merged)[1:] == ["  24-11-2026  Pujut / Rembitan: 1 direkam"]


def test_conflicts_are_reported_and_the_office_keeps_its_data(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    # Meanwhile at the office: Amaq recorded at the counter, Inaq's address and RT changed.
    with database.atomic():
        queue_outcomes.record_resident(office_admin(), Resident.get_by_id(town["amaq"].id), note="A-001")
    inaq = Resident.get_by_id(town["inaq"].id)
    residents.update(office_admin(), inaq.id, {**residents.to_form(inaq), "address": "DUSUN KANTOR"}, TODAY)
    field, result, _ = record_in_the_field(tmp_path, town, clock, done)
    use(field)
    inaq_field = Resident.get(Resident.uuid == town["inaq"].uuid)
    residents.update(field_actor(), inaq_field.id, {**residents.to_form(inaq_field), "rt": "007"}, TODAY)
    result = field_package.write_result(field_actor(), tmp_path / "hasil-2.dkf")
    use(office)

    merged = field_merge.merge(office_admin(), result.path)
    kinds = sorted((c.kind, c.name) for c in merged.conflicts)
    assert kinds == [("edit", "INAQ RAHMAH"), ("recorded_twice", "AMAQ SAHNUN")]
    twice = next(c for c in merged.conflicts if c.kind == "recorded_twice")
    assert twice.detail.startswith("direkam dua kali: kartu di kantor (direkam 22-11-2026 di ")
    edit = next(c for c in merged.conflicts if c.kind == "edit")
    assert edit.detail == ("Alamat diubah di kantor sejak paket dibuat: data kantor 'DUSUN KANTOR' tetap, "
                           "data laptop 'DUSUN SADE' tidak diterapkan")
    inaq = Resident.get_by_id(town["inaq"].id)
    assert (inaq.address, inaq.rt) == ("DUSUN KANTOR", "007")  # the untouched field is applied
    assert Card.select().where(Card.resident == town["amaq"].id).count() == 1  # the office's card stays
    assert len(merged.recorded) == 2 and merged.edits == 1
    summary = json.loads(FieldMerge.get().summary)
    assert summary["conflicts"] == 2


def test_a_tampered_result_is_refused_and_nothing_is_merged(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    _field, result, _ = record_in_the_field(tmp_path, town, clock, done)
    document = json.loads(result.path.read_text(encoding="utf-8"))
    changed_data = dict(document, data=document["data"][:40] + ("A" if document["data"][40] != "A" else "B")
                        + document["data"][41:])
    changed_header = dict(document, header={**document["header"], "laptop": "KLL-99"})
    cards = Card.select().count()
    for number, tampered in enumerate((changed_data, changed_header)):
        path = tmp_path / f"ubah-{number}.dkf"
        path.write_text(json.dumps(tampered), encoding="utf-8")
        with pytest.raises(ServiceError) as caught:
            field_merge.merge(office_admin(), path)
        assert str(caught.value) == (f"Paket {path} ditolak: isinya rusak atau telah diubah (segel tidak cocok), "
                                     "atau kuncinya bukan kunci paket ini. Minta salinan asli dari laptop atau kantor.")
    junk = tmp_path / "bukan.dkf"
    junk.write_text("NIK,NAMA\n", encoding="utf-8")
    with pytest.raises(ServiceError, match="bukan paket perekaman keliling dukcapil"):
        field_merge.merge(office_admin(), junk)
    assert Card.select().count() == cards and FieldMerge.select().count() == 0


def test_a_tampered_package_creates_no_field_database(town, tmp_path):
    done = prepare(tmp_path)
    document = json.loads(done.path.read_text(encoding="utf-8"))
    document["header"]["laptop"] = "KLL-02"
    done.path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ServiceError, match="ditolak: isinya rusak atau telah diubah"):
        open_field(tmp_path, done.path, done.key_path)
    assert not (tmp_path / "lapangan.sqlite3").exists()


def test_a_key_file_of_another_package_is_refused(town, tmp_path):
    first = prepare(tmp_path)
    second = field_package.prepare(office_admin(), [DESA_KUTA], LAPTOP, tmp_path / "kuta.dkf")
    with pytest.raises(ServiceError, match="milik paket lain"):
        field_package.read_package(first.path, second.key_path)


def test_another_offices_result_is_refused(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    _field, result, _ = record_in_the_field(tmp_path, town, clock, done)
    database.close()
    other = make_office(tmp_path / "kantor-lain.sqlite3")  # the same regency, its own field key
    use(other)
    with pytest.raises(ServiceError) as caught:
        field_merge.merge(office_admin(), result.path)
    assert str(caught.value) == (f"Paket {result.path} ditolak: dibuat oleh kantor lain "
                                 "(Disdukcapil Kabupaten Lombok Tengah); hanya kantor yang menyiapkannya dapat "
                                 "membukanya.")
    assert Card.select().count() == 0


def test_a_package_is_no_result_and_the_field_database_merges_nothing(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    with pytest.raises(ServiceError, match="adalah paket untuk laptop, bukan hasil"):
        field_merge.merge(office_admin(), done.path)
    field, _result, _ = record_in_the_field(tmp_path, town, clock, done)
    use(field)
    with pytest.raises(ServiceError, match="Ini basis data lapangan"):
        field_package.prepare(field_actor(), [DESA_RMB], LAPTOP, tmp_path / "x.dkf")
    use(office)
    with pytest.raises(ServiceError, match="Ini bukan basis data lapangan"):
        field_package.write_result(office_admin(), tmp_path / "y.dkf")


def test_the_field_follows_the_counters_rules(town, tmp_path, clock):
    done = prepare(tmp_path)
    use(open_field(tmp_path, done.path, done.key_path))
    petugas = field_actor()
    with pytest.raises(ServiceError, match="tidak ada di paket ini"):
        field_work.record(petugas, town["praya"].nik)
    with pytest.raises(ServiceError, match="umur 16"):
        field_work.record(petugas, town["child"].nik)
    field_work.record(petugas, town["amaq"].nik)
    with pytest.raises(ServiceError):
        field_work.record(petugas, town["amaq"].nik)  # a card on its way already
    status = field_work.status(TODAY)
    assert (status.residents, status.recorded, status.belum_rekam) == (5, 1, 2)


def test_a_card_the_centre_failed_is_replaced_by_the_field_recording(town, tmp_path, clock, office):
    amaq = Resident.get_by_id(town["amaq"].id)
    with database.atomic():
        card = queue_outcomes.record_resident(office_admin(), amaq, note="A-001")
        card_status.change(office_admin(), card, "manual", "card.status", central="ENROLL_FAILURE_AT_CENTRAL")
    assert Resident.get_by_id(amaq.id).recording_status == "belum"
    done = prepare(tmp_path)
    _field, result, _ = record_in_the_field(tmp_path, town, clock, done)
    merged = field_merge.merge(office_admin(), result.path)
    assert merged.conflicts == []
    statuses = sorted(c.office_status for c in Card.select().where(Card.resident == amaq.id))
    assert statuses == ["replaced", "waiting_prr"]
    assert Resident.get_by_id(amaq.id).recording_status == "sudah"


def test_merging_needs_an_admin(town, tmp_path, clock, office):
    from dukcapil_tui.services.context import Actor, PermissionDenied

    done = prepare(tmp_path)
    _field, result, _ = record_in_the_field(tmp_path, town, clock, done)
    clerk = Actor(None, "loket1", "loket", "TEST-02")
    with pytest.raises(PermissionDenied):
        field_merge.merge(clerk, result.path)
    with pytest.raises(PermissionDenied):
        field_package.prepare(clerk, [DESA_RMB], LAPTOP, tmp_path / "p.dkf")


KILLED_MERGE = textwrap.dedent("""
    import sys, time
    from dukcapil_tui.db import open_database
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services import card_status, field_merge
    from dukcapil_tui.services.context import Actor

    open_database(sys.argv[1])
    original = card_status.create_many
    calls = []

    def slow(*args, **kwargs):
        created = original(*args, **kwargs)
        calls.append(created)
        if len(calls) == 2:  # the newcomer, an edit and two recordings are written: stop here
            print("inside", flush=True)
            time.sleep(60)
        return created

    card_status.create_many = slow
    user = AppUser.get(AppUser.username == "admin")
    field_merge.merge(Actor(user.id, "admin", "admin", "TEST-01"), sys.argv[2])
""")


def test_a_merge_killed_halfway_leaves_nothing_and_runs_again_whole(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    _field, result, newcomer = record_in_the_field(tmp_path, town, clock, done)
    database.close()
    merging = subprocess.Popen([sys.executable, "-c", KILLED_MERGE, str(office), str(result.path)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert merging.stdout.readline().strip() == "inside"
        os.kill(merging.pid, signal.SIGKILL)
    finally:
        merging.kill()
        merging.wait()
    use(office)
    assert integrity_problems(database.obj) == []
    assert Card.select().count() == 0
    assert not Resident.select().where(Resident.uuid == newcomer.uuid).exists()
    assert Resident.get_by_id(town["inaq"].id).address == "DUSUN AIK"
    assert FieldMerge.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action.in_(("field.merge", "card.create"))).exists()
    audit_before = AuditLog.select().count()

    merged = field_merge.merge(office_admin(), result.path)
    assert (len(merged.recorded), merged.newcomers, merged.edits) == (3, 1, 1)
    assert AuditLog.select().count() > audit_before
    from dukcapil_tui.services import chain, check

    assert check.run_checks() == [] and chain.verify_all() == []


def test_a_newcomer_the_office_registered_meanwhile_and_a_death_are_conflicts(town, tmp_path, clock, office):
    done = prepare(tmp_path)
    field, result, newcomer = record_in_the_field(tmp_path, town, clock, done)
    # Meanwhile at the office: the newcomer registered at the desk, Lalu reported dead.
    twin = add_resident(office_admin(), newcomer.nik, "BAIQ PENDATANG", DESA_KUTA, "06-06-2000", sex="P")
    lalu = Resident.get_by_id(town["lalu"].id)
    residents.update(office_admin(), lalu.id, {**residents.to_form(lalu), "life_status": "mati",
                                               "life_status_on": "20-11-2026"}, TODAY)
    merged = field_merge.merge(office_admin(), result.path)
    details = {c.kind: c.detail for c in merged.conflicts}
    assert details == {
        "newcomer": "penduduk baru tidak ditambahkan: NIK ini sudah terdaftar di kantor atas nama BAIQ PENDATANG; "
                    "perekamannya dicatat pada data kantor",
        "not_alive": "perekaman tidak dicatat: status hidup penduduk ini di kantor Mati"}
    assert not Resident.select().where(Resident.uuid == newcomer.uuid).exists()
    assert Card.select().where(Card.resident == twin.id).count() == 1  # the recording found the office's record
    assert Card.select().where(Card.resident == lalu.id).count() == 0
    assert len(merged.recorded) == 2


def test_prepare_never_writes_over_an_earlier_package_and_a_bad_key_file_is_refused(town, tmp_path):
    first = prepare(tmp_path)
    second = prepare(tmp_path)
    assert (second.path.name, second.key_path.name) == ("paket_v2.dkf", "paket_v2.kunci")
    assert first.path.read_bytes() != second.path.read_bytes()
    bad = tmp_path / "bukan.kunci"
    bad.write_text("kata sandi\n", encoding="utf-8")
    with pytest.raises(ServiceError) as caught:
        field_package.read_package(first.path, bad)
    assert str(caught.value) == f"Berkas {bad} bukan berkas kunci paket lapangan."


def test_a_drive_on_days_the_head_locked_is_shown_beside_them_not_a_change(town, tmp_path, clock, office):
    from dukcapil_tui.services import check, day_review

    done = prepare(tmp_path)
    _field, result, _ = record_in_the_field(tmp_path, town, clock, done)  # 23 and 24-11-2026
    clock.set(datetime(2026, 11, 25, 10, 0))  # 18:00 WITA: the head locks the drive's second day
    day_review.lock(office_admin(), date(2026, 11, 24), confirmed=True)
    clock.set(datetime(2026, 11, 26, 1, 0))
    merged = field_merge.merge(office_admin(), result.path)
    assert len(merged.recorded) == 3
    seen = day_review.review(date(2026, 11, 24))
    assert seen.recordings == [] and sum(n for _, n in seen.listed) == 2
    assert day_review.changed_since_lock() == [] and check.run_checks() == []
    # a day with nothing but the drive's recordings is no office day waiting for the head's review
    assert day_review.unlocked_days_with_work(date(2026, 11, 26)) == []


def test_a_key_that_cannot_be_written_leaves_no_package_and_no_record(town, tmp_path):
    from dukcapil_tui.models import FieldPackage

    (tmp_path / "berkas").write_text("bukan folder", encoding="utf-8")
    with pytest.raises(ServiceError):
        field_package.prepare(office_admin(), [DESA_RMB], LAPTOP, tmp_path / "paket.dkf",
                              tmp_path / "berkas" / "paket.kunci")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".dkf", ".kunci")) == []
    assert FieldPackage.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action == "field.prepare").exists()


def test_a_name_that_may_not_be_spoken_stays_masked_on_the_laptop(town, tmp_path, clock, office):
    from dukcapil_tui.services import handling

    handling.add(office_admin(), town["inaq"].nik, {"kind": "name_unspoken"})
    done = prepare(tmp_path)
    _header, payload, _key = field_package.read_package(done.path, done.key_path)
    flags = {r["name"]: r["name_protected"] for r in payload["residents"]}
    assert flags["INAQ RAHMAH"] == "1" and flags["AMAQ SAHNUN"] == "0"
    open_field(tmp_path, done.path, done.key_path)
    assert {r.name: r.name_protected for r in Resident.select()} == {
        "AMAQ SAHNUN": False, "ANAK KECIL": False, "INAQ RAHMAH": True, "LALU KUTA": False, "SUDAH REKAM": False}
