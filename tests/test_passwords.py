"""The password policy, scrypt at the production cost with old hashes upgraded at login, and a
login that answers the same way, after the same work and time, whatever went wrong."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from dukcapil_tui.domain import passwords
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.models import AppUser, AuditLog
from dukcapil_tui.services import users

from conftest import PASSWORD, PRODUCTION_SCRYPT_N

FAILED_PREFIX = "Gagal masuk: nama pengguna atau kata sandi salah"


def test_production_parameters_in_a_fresh_interpreter():
    """The shipped values, read by an interpreter the test suite did not patch."""
    code = ("from dukcapil_tui.domain import passwords as p; "
            "print(p.N, p.R, p.P, p.MIN_LENGTH, p.MAX_FAILED_LOGINS, p.LOCK_MINUTES, p.LOGIN_FLOOR_S)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(2**17), "8", "1", "10", "5", "15", "1.0"]
    assert PRODUCTION_SCRYPT_N == 2**17


@pytest.mark.parametrize("password, problem", [
    ("123456789", "user.password_short"),        # 9 characters: one short
    ("abcdefghi", "user.password_short"),
    ("qwertyuiop", "user.password_common"),      # 10 characters but on the list
    ("PASSWORD123", "user.password_common"),     # the list is compared ignoring case
    ("bismillah123", "user.password_common"),    # an Indonesian addition
    ("petugasloket", "user.password_is_username"),
    ("PetugasLoket", "user.password_is_username"),
    ("tekolsagutep", "user.password_is_username"),  # the username backwards
    ("petugasloketpetugasloket", "user.password_is_username"),  # the username twice
    ("petugasloket123", "user.password_is_username"),  # three characters beside it
    ("petugasloket1234", None),                  # four: enough
    ("kopi-pahit-7", None),                      # 12, not listed, not the username
    ("a1b2c3d4e5", "user.password_common"),
    ("ikan bakar", None),                        # exactly 10, fine
])
def test_policy(password, problem):
    assert passwords.problem(password, "petugasloket") == problem


def test_a_short_username_repeated_is_refused():
    assert passwords.problem("loket2loket2", "loket2") == "user.password_is_username"
    assert passwords.problem("loket2-kopi", "loket2") is None


def test_the_shipped_list_holds_a_few_thousand_lowercase_passwords():
    common = passwords.common_passwords()
    assert 3000 <= len(common) <= 10000
    assert all(p == p.lower() and p.strip() == p for p in common)
    assert not any(p.startswith("# ") for p in common)


def test_services_refuse_a_weak_password_with_the_field_named(admin):
    with pytest.raises(ValidationError) as caught:
        users.create_user(admin, "loket1", "Loket Satu", "loket", "loket1")
    assert caught.value.problems == {"password": "Kata sandi minimal 10 karakter."}
    with pytest.raises(ValidationError) as caught:
        users.create_user(admin, "loket1", "Loket Satu", "loket", "password123")
    assert caught.value.problems["password"].startswith("Kata sandi ini termasuk daftar kata sandi yang umum")
    with pytest.raises(ValidationError) as caught:
        users.set_password(admin, "admin", "1234567890")
    assert caught.value.problems["password"].startswith("Kata sandi ini termasuk daftar")
    with pytest.raises(ValidationError) as caught:
        users.create_user(admin, "kepalaloket", "Kepala", "loket", "KepalaLoket")
    assert caught.value.problems == {
        "password": "Kata sandi tidak boleh (hampir) sama dengan nama pengguna: tambahkan paling sedikit 4 "
                    "karakter lain."
    }
    assert AppUser.select().count() == 1


def test_a_hash_at_production_cost_and_an_old_hash_upgraded_at_the_next_login(admin, monkeypatch):
    monkeypatch.setattr(passwords, "N", PRODUCTION_SCRYPT_N)
    old = passwords.hash_password("sandi-lama-sekali", n=2**14)
    user = users.create_user(admin, "loket1", "Loket Satu", "loket", "sandi-sementara-1")
    AppUser.update(password_hash=old).where(AppUser.id == user.id).execute()
    assert passwords.needs_upgrade(old)

    assert not users.authenticate("loket1", "bukan-ini-sandinya", "WS").ok
    assert AppUser.get_by_id(user.id).password_hash == old  # a wrong password upgrades nothing
    assert users.authenticate("loket1", "sandi-lama-sekali", "WS").ok
    stored = AppUser.get_by_id(user.id).password_hash
    assert stored.startswith(f"scrypt${2**17}$8$1$") and not passwords.needs_upgrade(stored)
    assert passwords.verify_password("sandi-lama-sekali", stored)
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.action, json.loads(entry.changes)) == ("login.ok", {"hash_upgraded": True})
    assert users.authenticate("loket1", "sandi-lama-sekali", "WS").ok
    assert AppUser.get_by_id(user.id).password_hash == stored  # current hashes stay
    assert json.loads(AuditLog.select().order_by(AuditLog.id.desc()).get().changes) == {}


def _cases(admin):
    users.create_user(admin, "disabled1", "Nonaktif", "loket", PASSWORD)
    users.set_active(admin, "disabled1", False)
    users.create_user(admin, "locked1", "Terkunci", "loket", PASSWORD)
    for attempt in range(passwords.MAX_FAILED_LOGINS):
        users.authenticate("locked1", f"salah-{attempt}", "WS")
    return {"unknown": ("tidakada", PASSWORD), "disabled": ("disabled1", PASSWORD),
            "locked": ("locked1", PASSWORD), "wrong": ("admin", "salah-sandinya")}


def test_every_failed_login_gives_the_same_answer_after_the_same_work(admin, monkeypatch):
    cases = _cases(admin)
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda p, h: calls.append(h) or real(p, h))
    answers = {}
    for name, (username, password) in cases.items():
        calls.clear()
        answers[name] = users.authenticate(username, password, "WS")
        assert len(calls) == 1, name  # exactly one scrypt verification, whoever it is
        assert calls[0].startswith(f"scrypt${passwords.N}$"), name  # at today's cost, a dummy for the unknown
    assert {a.message for a in answers.values()} == {answers["wrong"].message}
    assert answers["wrong"].message.startswith(FAILED_PREFIX)
    assert not any(a.ok for a in answers.values())


def test_every_failed_login_takes_at_least_the_floor(admin, monkeypatch):
    cases = _cases(admin)
    monkeypatch.setattr(passwords, "LOGIN_FLOOR_S", 0.1)
    for name, (username, password) in cases.items():
        started = time.monotonic()
        users.authenticate(username, password, "WS")
        assert time.monotonic() - started >= 0.1, name
    started = time.monotonic()
    assert users.authenticate("admin", PASSWORD, "WS").ok
    assert time.monotonic() - started >= 0.1
