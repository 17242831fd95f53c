"""Services against a real SQLite file: users, residents, audit, settings, office, regions."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from peewee import IntegrityError

from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import passwords
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AppUser, AuditLog, Region, Resident, Setting
from dukcapil_tui.services import audit, office, regions, residents, settings, users
from dukcapil_tui.services.context import Actor, NotFound, PermissionDenied, ServiceError

from conftest import PASSWORD, TODAY


def audit_count() -> int:
    return AuditLog.select().count()


def last_audit() -> AuditLog:
    return AuditLog.select().order_by(AuditLog.id.desc()).get()


def make_user(admin, username: str, role: str = "loket") -> Actor:
    user = users.create_user(admin, username, f"Petugas {username}", role, PASSWORD)
    return Actor(user.id, user.username, role, "TEST-02", user.full_name)


def form(**changes) -> dict:
    raw = {
        "nik": "5202041708050001", "name": "Budi", "birth_place": "Praya", "birth_date": "17-08-2005",
        "sex": "L", "desa_code": "52.02.04.2008", "address": "Dusun Sade", "rt": "1", "rw": "2",
        "marital_status": "belum_kawin", "recording_status": "sudah",
    }
    raw.update(changes)
    return raw


# --- users ----------------------------------------------------------------------------------

def test_create_user_stores_a_hash_and_audits(admin, clock):
    before = audit_count()
    user = users.create_user(admin, "  Loket1 ", "Baiq Nurul", "loket", "sandi-loket-1")
    row = AppUser.get_by_id(user.id)
    assert row.username == "loket1"
    assert row.role == "loket" and row.active
    assert row.password_hash.startswith("scrypt$") and "sandi-loket-1" not in row.password_hash
    assert passwords.verify_password("sandi-loket-1", row.password_hash)
    assert row.created_at == clock.now
    assert audit_count() == before + 1
    entry = last_audit()
    assert (entry.action, entry.entity, entry.entity_id) == ("user.create", "user", str(user.id))
    assert (entry.username, entry.workstation, entry.user_id) == ("admin", "TEST-01", admin.user_id)
    assert json.loads(entry.changes) == {"username": "loket1", "role": "loket"}


def test_create_user_reports_each_bad_field(admin):
    with pytest.raises(ValidationError) as caught:
        users.create_user(admin, "a b", "  ", "boss", "short")
    problems = caught.value.problems
    assert set(problems) == {"username", "full_name", "role", "password"}
    assert problems["username"].startswith("Nama pengguna: 3–32 karakter")
    assert problems["full_name"] == "Nama lengkap pengguna wajib diisi."
    assert problems["role"] == "Peran 'boss' tidak dikenal; pilih admin, loket, cetak atau blangko."
    assert problems["password"] == "Kata sandi minimal 10 karakter."
    assert AppUser.select().count() == 1


def test_duplicate_username_is_refused_whatever_the_case(admin):
    with pytest.raises(ValidationError) as caught:
        users.create_user(admin, "ADMIN", "Orang Lain", "loket", PASSWORD)
    assert caught.value.problems == {"username": "Nama pengguna admin sudah dipakai."}
    assert AppUser.select().count() == 1


def test_non_admin_cannot_manage_users(admin):
    loket = make_user(admin, "loket1")
    before = audit_count()
    with pytest.raises(PermissionDenied) as caught:
        users.create_user(loket, "loket2", "Orang", "loket", PASSWORD)
    assert str(caught.value) == "Peran loket tidak berwenang untuk mengelola pengguna."
    with pytest.raises(PermissionDenied):
        users.set_active(loket, "admin", False)
    with pytest.raises(PermissionDenied):
        users.set_password(loket, "admin", "sandi-baru-123")
    assert audit_count() == before
    assert AppUser.select().count() == 2


FAILED = ("Gagal masuk: nama pengguna atau kata sandi salah, atau akun nonaktif atau terkunci "
          "(5 kali salah mengunci akun 15 menit; admin dapat membukanya).")


def test_authenticate_ok(admin, clock):
    result = users.authenticate("Admin", PASSWORD, "WS-9")
    assert result.ok
    assert result.message == "Selamat datang, Kepala Dinas."
    # The workstation is the one this folder's enrolment proves, not the code proposed.
    assert (result.actor.username, result.actor.role, result.actor.workstation) == ("admin", "admin", "TEST-01")
    assert AppUser.get(AppUser.username == "admin").last_login_at == clock.now
    entry = last_audit()
    assert (entry.action, entry.workstation) == ("login.ok", "TEST-01")


def test_authenticate_wrong_password_and_unknown_user(admin):
    wrong = users.authenticate("admin", "salah-sandi", "WS")
    assert not wrong.ok
    assert wrong.message == FAILED
    assert AppUser.get(AppUser.username == "admin").failed_logins == 1
    assert last_audit().action == "login.failed"
    assert json.loads(last_audit().changes)["reason"] == "wrong_password"
    before = audit_count()
    unknown = users.authenticate("siapa", PASSWORD, "WS")
    assert not unknown.ok and unknown.message == FAILED
    assert audit_count() == before
    assert users.authenticate("", "", "WS").message == "Isi nama pengguna dan kata sandi."


def test_a_good_login_resets_the_failure_count(admin):
    users.authenticate("admin", "salah-1", "WS")
    users.authenticate("admin", "salah-2", "WS")
    assert users.authenticate("admin", PASSWORD, "WS").ok
    assert AppUser.get(AppUser.username == "admin").failed_logins == 0


def test_five_wrong_passwords_lock_the_account_until_it_expires(admin, clock):
    for attempt in range(4):
        result = users.authenticate("admin", f"salah-{attempt}", "WS")
        assert result.message == FAILED
        assert AppUser.get(AppUser.username == "admin").failed_logins == attempt + 1
    fifth = users.authenticate("admin", "salah-5", "WS")
    assert fifth.message == FAILED
    row = AppUser.get(AppUser.username == "admin")
    assert row.locked_until == clock.now + timedelta(minutes=passwords.LOCK_MINUTES)

    clock.advance(minutes=14, seconds=59)
    still = users.authenticate("admin", PASSWORD, "WS")
    assert not still.ok and still.message == FAILED
    assert json.loads(last_audit().changes)["reason"] == "locked"

    clock.advance(seconds=2)
    assert users.authenticate("admin", PASSWORD, "WS").ok
    assert AppUser.get(AppUser.username == "admin").locked_until is None


def test_set_password_lifts_the_lock(admin, clock):
    make_user(admin, "loket1")
    for attempt in range(5):
        users.authenticate("loket1", f"salah-{attempt}", "WS")
    assert not users.authenticate("loket1", PASSWORD, "WS").ok
    users.set_password(admin, "loket1", "sandi-baru-123")
    assert last_audit().action == "user.passwd"
    assert "sandi-baru-123" not in last_audit().changes
    assert not users.authenticate("loket1", PASSWORD, "WS").ok
    assert users.authenticate("loket1", "sandi-baru-123", "WS").ok


def test_a_user_may_change_their_own_password_only(admin):
    loket = make_user(admin, "loket1")
    users.set_password(loket, "loket1", "sandi-sendiri")
    assert users.authenticate("loket1", "sandi-sendiri", "WS").ok
    with pytest.raises(ValidationError) as caught:
        users.set_password(loket, "loket1", "pendek")
    assert caught.value.problems == {"password": "Kata sandi minimal 10 karakter."}
    with pytest.raises(NotFound):
        users.set_password(admin, "tidakada", "sandi-baru-123")


def test_disabled_user_cannot_log_in_until_enabled(admin):
    make_user(admin, "loket1")
    users.set_active(admin, "loket1", False)
    entry = last_audit()
    assert (entry.action, json.loads(entry.changes)) == ("user.disable", {"active": [True, False]})
    result = users.authenticate("loket1", PASSWORD, "WS")
    assert not result.ok
    assert result.message == FAILED
    assert json.loads(last_audit().changes)["reason"] == "disabled"
    assert AppUser.get(AppUser.username == "loket1").failed_logins == 0
    users.set_active(admin, "loket1", True)
    assert users.authenticate("loket1", PASSWORD, "WS").ok


def test_the_last_active_admin_cannot_be_disabled(admin):
    with pytest.raises(ServiceError) as caught:
        users.set_active(admin, "admin", False)
    assert str(caught.value) == "Admin aktif terakhir tidak boleh dinonaktifkan."
    assert AppUser.get(AppUser.username == "admin").active
    make_user(admin, "kepala2", role="admin")
    users.set_active(admin, "admin", False)
    assert not AppUser.get(AppUser.username == "admin").active
    with pytest.raises(ServiceError):
        users.set_active(admin, "kepala2", False)


def test_unknown_user_is_not_found(admin):
    with pytest.raises(NotFound) as caught:
        users.set_active(admin, "hantu", False)
    assert str(caught.value) == "Pengguna hantu tidak ditemukan."


# --- residents ------------------------------------------------------------------------------

def test_create_resident_writes_row_and_audit(admin, clock):
    result = residents.create(admin, form(), TODAY)
    row = Resident.get(Resident.nik == "5202041708050001")
    assert row.id == result.resident.id
    assert row.name == "BUDI" and row.desa_code == "52.02.04.2008" and row.kecamatan_code == "52.02.04"
    assert row.birth_date == date(2005, 8, 17)
    assert row.workstation == "TEST-01"
    assert row.created_at == row.updated_at == clock.now
    assert len(row.uuid) == 36
    entry = last_audit()
    assert (entry.action, entry.entity, entry.entity_id) == ("resident.create", "resident", str(row.id))
    assert (entry.username, entry.workstation) == ("admin", "TEST-01")
    changes = json.loads(entry.changes)
    assert changes["nik"] == [None, "5202041708050001"]
    assert changes["birth_date"] == [None, "2005-08-17"]


def test_invalid_resident_writes_nothing(admin):
    before = audit_count()
    with pytest.raises(ValidationError) as caught:
        residents.create(admin, form(birth_date="31-02-2005", name=""), TODAY)
    assert set(caught.value.problems) == {"birth_date", "name"}
    assert "Tanggal lahir" in caught.value.problems["birth_date"]
    assert Resident.select().count() == 0
    assert audit_count() == before


def test_duplicate_nik_is_refused(admin):
    residents.create(admin, form(), TODAY)
    before = audit_count()
    with pytest.raises(ValidationError) as caught:
        residents.create(admin, form(name="Orang Lain", nik="5202.0417.0805.0001"), TODAY)
    assert caught.value.problems == {"nik": "NIK 5202041708050001 sudah terdaftar atas nama BUDI."}
    assert Resident.select().count() == 1
    assert audit_count() == before


def test_counter_staff_may_edit_residents_but_printing_staff_may_not(admin):
    loket = make_user(admin, "loket1", "loket")
    cetak = make_user(admin, "cetak1", "cetak")
    residents.create(loket, form(), TODAY)
    assert last_audit().username == "loket1"
    with pytest.raises(PermissionDenied) as caught:
        residents.create(cetak, form(nik="5202041708050002"), TODAY)
    assert "cetak" in str(caught.value) and "mengubah data penduduk" in str(caught.value)
    assert Resident.select().count() == 1


def test_update_records_the_field_diff(admin, clock):
    created = residents.create(admin, form(), TODAY).resident
    clock.advance(hours=1)
    raw = residents.to_form(created)
    raw.update(name="Budi Santoso", rt="7")
    result = residents.update(admin, created.id, raw, TODAY)
    assert result.changed
    row = Resident.get_by_id(created.id)
    assert row.name == "BUDI SANTOSO" and row.rt == "007"
    assert row.updated_at == clock.now and row.created_at == clock.now - timedelta(hours=1)
    entry = last_audit()
    assert (entry.action, entry.entity_id) == ("resident.update", str(created.id))
    assert json.loads(entry.changes) == {"name": ["BUDI", "BUDI SANTOSO"], "rt": ["001", "007"]}


def test_update_without_a_change_writes_nothing(admin, clock):
    created = residents.create(admin, form(), TODAY).resident
    before = audit_count()
    clock.advance(hours=1)
    result = residents.update(admin, created.id, residents.to_form(created), TODAY)
    assert result.changed is False
    assert audit_count() == before
    assert Resident.get_by_id(created.id).updated_at == clock.now - timedelta(hours=1)


def test_update_to_another_residents_nik_is_refused(admin):
    first = residents.create(admin, form(), TODAY).resident
    residents.create(admin, form(nik="5202041708050002", name="Adi"), TODAY)
    with pytest.raises(ValidationError) as caught:
        residents.update(admin, first.id, form(nik="5202041708050002"), TODAY)
    assert caught.value.problems["nik"] == "NIK 5202041708050002 sudah terdaftar atas nama ADI."
    assert Resident.get_by_id(first.id).nik == "5202041708050001"


def test_update_of_a_missing_resident_is_not_found(admin):
    with pytest.raises(NotFound) as caught:
        residents.update(admin, 999, form(), TODAY)
    assert str(caught.value) == "Penduduk tidak ditemukan."


def test_view_names_the_regions_and_reads_the_nik(admin):
    # First registered in Sarolangun (15.03.01), now living in Rembitan.
    created = residents.create(admin, form(nik="1503011708050001"), TODAY).resident
    assert residents.find_by_nik("1503.0117.0805.0001").id == created.id
    view = residents.view(created.id, TODAY)
    assert (view.desa_name, view.kecamatan_name) == ("Rembitan", "Pujut")
    assert view.region_name == "Kec. Batang Asai, Kabupaten Sarolangun, Provinsi Jambi"
    assert view.age == 21 and view.wajib.required
    assert view.reading.valid and view.reading.warnings == []


def test_view_names_any_regency_of_the_country_and_only_a_code_nowhere_is_unknown(admin):
    # Issued in Kota Jayapura (91.71.01), in the office's own Pujut, and in a kecamatan that does
    # not exist (52.02.13: Lombok Tengah has 12; 91.71 has 5, so 91.71.06 is nowhere either).
    ids = {}
    for key, nik in (("papua", "9171011708050001"), ("own", "5202041708050002"),
                     ("nowhere", "5202131708050003"), ("past_last", "9171061708050004")):
        ids[key] = residents.create(admin, form(nik=nik), TODAY).resident.id
    papua = residents.view(ids["papua"], TODAY)
    assert papua.region_name == "Kec. Jayapura Utara, Kota Jayapura, Provinsi Papua"
    assert papua.reading.warnings == []
    own = residents.view(ids["own"], TODAY)
    assert own.region_name == "Kec. Pujut, Kabupaten Lombok Tengah"
    for key, code in (("nowhere", "52.02.13"), ("past_last", "91.71.06")):
        view = residents.view(ids[key], TODAY)
        assert view.region_name == ""
        assert [w.message for w in view.reading.warnings] == [
            f"Kode wilayah NIK {code} bukan kecamatan mana pun dalam daftar wilayah Kemendagri "
            "(salah ketik, atau kode lama yang sudah dihapus?)."]


NAMES = ("AHMAD", "ABU BAKAR", "BAIQ NURUL", "BUDI", "budi santoso", "LALU AHMAD", "SITI", "ZAINAL")


def _insert_residents(count: int) -> list[tuple]:
    """Residents straight into the table: (id, nik, name, desa) in several kecamatan and desa."""
    desas = ["52.02.04.2008", "52.02.04.2009", "52.02.01.1001", "52.02.01.1002"]
    rows = []
    for i in range(count):
        desa = desas[i % len(desas)]
        birth = date(1980, 1, 1) + timedelta(days=37 * i)
        sex = "L" if i % 2 else "P"
        rows.append({
            "uuid": f"00000000-0000-4000-8000-{i:012d}",
            "nik": nik_rules.compose(desa[:8], birth, sex, 1 + i // 500),
            "name": NAMES[i % len(NAMES)].upper(), "birth_date": birth, "sex": sex,
            "desa_code": desa, "kecamatan_code": desa[:8], "marital_status": "kawin",
            "recording_status": "sudah", "workstation": "T", "created_at": datetime(2026, 1, 1),
            "updated_at": datetime(2026, 1, 1),
        })
    with database.atomic():
        Resident.insert_many(rows).execute()
    return list(Resident.select(Resident.id, Resident.nik, Resident.name, Resident.desa_code).tuples())


def _all_pages(query: residents.ResidentQuery, limit: int) -> list[residents.ResidentRow]:
    seen, after = [], None
    for _ in range(1000):
        page = residents.search(query, after=after, limit=limit)
        assert len(page.rows) <= limit
        seen += page.rows
        if not page.has_more:
            assert page.next_cursor is None
            return seen
        after = page.next_cursor
    raise AssertionError("paging never ended")


def test_name_search_is_a_case_insensitive_prefix(admin):
    _insert_residents(40)
    names = {r.name for r in residents.search(residents.ResidentQuery("bu")).rows}
    assert names == {"BUDI", "BUDI SANTOSO"}
    names = {r.name for r in residents.search(residents.ResidentQuery("  Budi   s")).rows}
    assert names == {"BUDI SANTOSO"}
    assert residents.search(residents.ResidentQuery("AHMAD")).rows
    assert all(r.name == "AHMAD" for r in residents.search(residents.ResidentQuery("AHMAD")).rows)
    # Like-wildcards typed by a user are not wildcards.
    assert residents.search(residents.ResidentQuery("%")).rows == []
    assert residents.search(residents.ResidentQuery("B_DI")).rows == []


def test_nik_search_exact_and_prefix(admin):
    rows = _insert_residents(40)
    target = rows[5][1]
    exact = residents.search(residents.ResidentQuery(f"{target[:4]}.{target[4:8]} {target[8:]}"))
    assert [r.nik for r in exact.rows] == [target]
    prefix = residents.search(residents.ResidentQuery("520204"), limit=100)
    expected = sorted(nik for _, nik, _, _ in rows if nik.startswith("520204"))
    assert [r.nik for r in prefix.rows] == expected
    assert prefix.order == "nik"
    assert residents.search(residents.ResidentQuery("5202049")).rows == []


def test_name_prefix_ending_in_z_finds_every_name(admin):
    """The range ends above the last letters too: on PostgreSQL the names' ICU collation sorts
    ``{`` (``z`` + 1) before the letters, and a prefix ending in z found nothing."""
    rows = _insert_residents(6)
    for (resident_id, *_), name in zip(rows, ["ZAINAL", "ZULKIFLI", "ZZ TOP", "AZIZ", "AZZAHRA", "BAIQ"],
                                       strict=True):
        Resident.update(name=name).where(Resident.id == resident_id).execute()
    for text, expected in (("z", ["ZAINAL", "ZULKIFLI", "ZZ TOP"]), ("Zz", ["ZZ TOP"]),
                           ("az", ["AZIZ", "AZZAHRA"]), ("AZZ", ["AZZAHRA"]), ("BAIQ", ["BAIQ"])):
        assert [r.name for r in residents.search(residents.ResidentQuery(text)).rows] == expected, text
        assert [r.name for r in _all_pages(residents.ResidentQuery(text), limit=1)] == expected, text


def test_nik_prefix_ending_in_nine(admin):
    """``5209`` ends below ``521``, whatever the collation of the NIK column (``520:`` sorts
    before the digits under ICU collations)."""
    assert (residents._digits_end("5209"), residents._digits_end("52099"), residents._digits_end("5200")) == (
        "521", "521", "5201")
    assert residents._digits_end("99") is None
    rows = _insert_residents(40)
    niks = sorted(nik for _, nik, _, _ in rows)
    for prefix in {nik[:nik.index("9", 6) + 1] for nik in niks if "9" in nik[6:]} | {"9", "5202049"}:
        expected = [nik for nik in niks if nik.startswith(prefix)]
        assert [r.nik for r in _all_pages(residents.ResidentQuery(prefix), limit=3)] == expected, prefix


def test_desa_and_nik_prefix_pages_in_nik_order(admin):
    """A NIK prefix within a desa (on PostgreSQL written off the NIK index: the desa is sorted)."""
    rows = _insert_residents(61)
    desa = "52.02.04.2008"
    in_desa = sorted(nik for _, nik, _, d in rows if d == desa)
    for prefix in ("520204", in_desa[3][:8], in_desa[3][:9]):
        expected = sorted(nik for _, nik, _, d in rows if d == desa and nik.startswith(prefix))
        assert expected
        seen = _all_pages(residents.ResidentQuery(prefix, None, desa), limit=4)
        assert [r.nik for r in seen] == expected
    exact = in_desa[5]
    assert [r.nik for r in residents.search(residents.ResidentQuery(exact, None, desa)).rows] == [exact]


def test_kecamatan_and_desa_filters(admin):
    rows = _insert_residents(40)
    kec = residents.search(residents.ResidentQuery(kecamatan_code="52.02.01"), limit=100).rows
    assert {r.desa_code for r in kec} == {"52.02.01.1001", "52.02.01.1002"}
    assert len(kec) == sum(1 for r in rows if r[3].startswith("52.02.01."))
    desa = residents.search(residents.ResidentQuery("bu", desa_code="52.02.04.2008"), limit=100).rows
    assert desa and all(r.desa_code == "52.02.04.2008" and r.name.startswith("BU") for r in desa)
    assert len(desa) == sum(1 for r in rows if r[3] == "52.02.04.2008" and r[2].startswith("BU"))


@pytest.mark.parametrize("text", ["", "5202"])
def test_keyset_paging_has_no_duplicates_or_gaps(admin, text):
    rows = _insert_residents(61)
    seen = _all_pages(residents.ResidentQuery(text), limit=7)
    ids = [r.id for r in seen]
    assert len(ids) == len(set(ids)) == 61
    assert set(ids) == {r[0] for r in rows}
    keys = [r.nik for r in seen] if text else [(r.name, r.id) for r in seen]
    assert keys == sorted(keys)


def test_summary_counts(admin):
    on = TODAY
    for raw in (
        form(),  # 21, recorded
        form(nik="5202041708050002", name="Adi", recording_status="belum"),  # 21, not recorded
        form(nik="5202040101100001", name="Rina", birth_date="01-01-2010", marital_status="kawin",
             recording_status="belum"),  # 16, married: wajib KTP
        form(nik="5202040101160001", name="Kecil", birth_date="01-01-2016", recording_status="belum"),  # 10
        form(nik="5202042211090001", name="Tepat", birth_date="22-11-2009", recording_status="sudah"),  # 17 today
    ):
        residents.create(admin, raw, on)
    summary = residents.summary(on)
    assert (summary.residents, summary.wajib_ktp, summary.recorded, summary.recorded_wajib) == (5, 4, 2, 2)
    assert residents.summary(on - timedelta(days=1)).wajib_ktp == 3


# --- audit ----------------------------------------------------------------------------------

def test_every_write_appends_an_audit_entry(admin, clock):
    actions = []

    def did(action: str) -> None:
        entry = last_audit()
        assert entry.action == action
        assert entry.at == clock.now
        json.loads(entry.changes)
        actions.append(action)

    start = audit_count()
    users.create_user(admin, "loket1", "Petugas", "loket", PASSWORD)
    did("user.create")
    users.set_active(admin, "loket1", False)
    did("user.disable")
    users.set_active(admin, "loket1", True)
    did("user.enable")
    users.set_password(admin, "loket1", "sandi-baru-123")
    did("user.passwd")
    settings.put(admin, "head_name", "H. Lalu")
    did("setting.put")
    created = residents.create(admin, form(), TODAY).resident
    did("resident.create")
    residents.update(admin, created.id, form(name="Budi S"), TODAY)
    did("resident.update")
    assert audit_count() == start + len(actions)
    assert {e.username for e in AuditLog.select().where(AuditLog.id > start)} == {"admin"}
    assert {e.workstation for e in AuditLog.select().where(AuditLog.id > start)} == {"TEST-01"}


def test_audit_log_refuses_update_and_delete_in_sql(admin):
    count = audit_count()
    assert count > 0
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql("UPDATE audit_log SET action = 'x'")
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql("DELETE FROM audit_log")
    with pytest.raises(IntegrityError, match="append-only"):
        AuditLog.delete().where(AuditLog.id == 1).execute()
    assert audit_count() == count
    assert AuditLog.get_by_id(1).action == "chain.start"


def test_audit_diff(admin):
    assert audit.diff({"a": 1, "b": date(2005, 8, 17)}, {"a": 1, "b": date(2005, 8, 18)}) == {
        "b": ["2005-08-17", "2005-08-18"]
    }
    assert audit.diff({"a": 1}, {"a": 1}) == {}


# --- settings -------------------------------------------------------------------------------

def test_settings_put_validates_the_timezone(admin, clock):
    before = audit_count()
    with pytest.raises(ValidationError) as caught:
        settings.put(admin, "timezone", "Asia/Lombok")
    assert "Asia/Lombok" in caught.value.problems["timezone"] and "Asia/Makassar" in str(caught.value)
    assert settings.get("timezone") == "Asia/Makassar"
    assert audit_count() == before

    settings.put(admin, "timezone", "Asia/Jakarta")
    assert settings.office_timezone() == "Asia/Jakarta"
    assert settings.office_now().hour == 9  # 02:00 UTC is 09:00 WIB
    assert json.loads(last_audit().changes) == {"value": ["Asia/Makassar", "Asia/Jakarta"]}


def test_settings_put_needs_admin(admin):
    loket = make_user(admin, "loket1")
    with pytest.raises(PermissionDenied):
        settings.put(loket, "office_name", "Lain")
    assert settings.get("office_name") == "Disdukcapil Kabupaten Lombok Tengah"


def test_office_today_is_the_local_date(admin, clock):
    clock.now = datetime(2026, 11, 22, 17, 30)  # 01:30 WITA on the 23rd
    assert settings.office_today() == date(2026, 11, 23)


# --- office set-up --------------------------------------------------------------------------

def test_init_office_sets_up_everything(office_db):
    assert settings.get("office_name") == "Disdukcapil Kabupaten Lombok Tengah"
    assert settings.get("region_code") == "52.02"
    assert settings.get("region_name") == "Kabupaten Lombok Tengah"
    assert settings.get("timezone") == "Asia/Makassar"
    admin_row = AppUser.get(AppUser.username == "admin")
    assert admin_row.role == "admin" and admin_row.full_name == "Kepala Dinas"
    assert office.is_initialised()
    actions = [e.action for e in AuditLog.select().order_by(AuditLog.id)]
    assert actions == ["chain.start", "workstation.register"] + ["setting.put"] * 4 + ["office.init", "user.create"]
    assert {e.workstation for e in AuditLog.select()} == {"TEST-01"}


def _init(path: Path, **changes):
    kwargs = dict(
        office_name="Disdukcapil Lombok Tengah", region_code="52.02", timezone="Asia/Makassar",
        admin_username="admin", admin_full_name="Kepala", admin_password=PASSWORD, workstation="WS",
    )
    kwargs.update(changes)
    return office.init_office(path, **kwargs)


def _files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + "*"))


def test_init_office_refuses_an_existing_database(office_db):
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.services import settings as settings_service

    name = settings_service.get("office_name")
    database.close()
    size = None if dbmod.is_url(office_db) else office_db.stat().st_size
    with pytest.raises(ServiceError) as caught:
        _init(office_db, office_name="Kantor Lain")
    assert "sudah ada" in str(caught.value) and dbmod.shown(office_db) in str(caught.value)
    if size is not None:
        assert office_db.stat().st_size == size
    dbmod.open_database(office_db)
    assert settings_service.get("office_name") == name


def test_init_office_refuses_an_unknown_region_before_making_a_file(tmp_path):
    path = tmp_path / "new.sqlite3"
    with pytest.raises(ServiceError) as caught:
        _init(path, region_code="99.99")
    assert str(caught.value) == (
        "Kode kabupaten/kota 99.99 tidak ada dalam daftar wilayah Kemendagri. Gunakan kode kabupaten/kota "
        "Kemendagri, misalnya 52.02 (Kabupaten Lombok Tengah) atau 36.73 (Kota Serang).")
    assert _files(path) == []


def test_init_office_refuses_a_bad_timezone_or_empty_name(tmp_path):
    path = tmp_path / "new.sqlite3"
    with pytest.raises(ServiceError, match="Mars/Olympus"):
        _init(path, timezone="Mars/Olympus")
    with pytest.raises(ServiceError, match="Nama kantor wajib diisi"):
        _init(path, office_name="   ")
    assert _files(path) == []


def test_init_office_leaves_no_file_behind_on_a_bad_admin_password(tmp_path):
    path = tmp_path / "new.sqlite3"
    with pytest.raises(ValidationError) as caught:
        _init(path, admin_password="pendek")
    assert caught.value.problems == {"password": "Kata sandi minimal 10 karakter."}
    assert _files(path) == []
    # A later attempt with a good password works on the same path.
    _init(path)
    assert AppUser.select().count() == 1


def test_init_office_accepts_an_empty_file(tmp_path):
    path = tmp_path / "new.sqlite3"
    path.touch()
    _init(path)
    assert office.is_initialised()


# --- regions --------------------------------------------------------------------------------

def test_lombok_tengah_has_12_kecamatan_and_154_desa(office_db):
    index = regions.index()
    assert len(index.kecamatan) == 12
    assert len(index.desa_codes) == 154
    levels = {}
    for level, in Region.select(Region.level).tuples():
        levels[level] = levels.get(level, 0) + 1
    assert levels == {"kabupaten": 1, "kecamatan": 12, "desa": 142, "kelurahan": 12}
    # Only the office's regency is loaded; NIKs from anywhere in Indonesia are still recognised.
    assert not any(code.startswith("15.03") for code in index.names)
    known = regions.known_kecamatan()
    assert "15.03.01" in known and "91.71.05" in known and "52.02.12" in known
    assert "91.71.06" not in known and "52.02.13" not in known and "52.02" not in known


def test_region_codes_are_taken_as_given(office_db):
    index = regions.index()
    assert index.name("52.02.04") == "Pujut"
    assert index.name("52.02.04.2008") == "Rembitan"
    assert index.name("52.02.04.2009") == "Kuta"
    assert index.describe_desa("52.02.04.2008") == "Rembitan, Kec. Pujut"
    assert ("52.02.04.2008", "Rembitan") in index.desa_by_kecamatan["52.02.04"]
    bundled = {r.code for r in regions.rows_for_regency("52.02") if r.level in ("desa", "kelurahan")}
    assert len(bundled) == 154 and index.desa_codes == bundled
    parents = dict(Region.select(Region.code, Region.parent_code).tuples())
    assert parents["52.02.04.2008"] == "52.02.04" and parents["52.02.04"] == "52.02" and parents["52.02"] is None


def test_unknown_regency_names_the_nearest_of_its_province():
    with pytest.raises(ServiceError) as caught:
        regions.rows_for_regency("52.99")
    assert str(caught.value) == (
        "Kode kabupaten/kota 52.99 tidak ada dalam daftar wilayah Kemendagri. Mungkin yang dimaksud: "
        "52.72 Kota Bima, 52.71 Kota Mataram, 52.08 Kabupaten Lombok Utara, 52.07 Kabupaten Sumbawa Barat, "
        "52.06 Kabupaten Bima.")


def test_region_index_follows_the_open_database(office_db, tmp_path):
    assert regions.index().kecamatan
    database.close()
    other = tmp_path / "other.sqlite3"
    _init(other, region_code="15.03", timezone="Asia/Jakarta")
    index = regions.index()
    assert len(index.kecamatan) == 11
    assert len(index.desa_codes) == 158
    assert Setting.get_by_id("region_code").value == "15.03"
