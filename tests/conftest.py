"""Shared fixtures: every test gets its own data folder and, when asked, an office database."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from dukcapil_tui import i18n
from dukcapil_tui.domain import passwords

PASSWORD = "praya-kantor-26"
TODAY = date(2026, 11, 22)


# scrypt at the production cost (N=2^17: ~0.4 s and 128 MiB a hash) and the one-second login
# floor would multiply the suite's time; tests hash at a small cost and answer at once. The
# production values are asserted by tests/test_passwords.py in a fresh interpreter.
TEST_SCRYPT_N = 2**10
PRODUCTION_SCRYPT_N = passwords.N


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory):
    """A data folder for what the session builds once (office templates): their workstation
    enrolment (the audit chain's key) lands here and every test gets a copy of it."""
    home = tmp_path_factory.mktemp("session-home")
    patch = pytest.MonkeyPatch()
    patch.setenv("DUKCAPIL_HOME", str(home))
    patch.delenv("DUKCAPIL_DB", raising=False)
    patch.setattr(passwords, "N", TEST_SCRYPT_N)
    patch.setattr(passwords, "LOGIN_FLOOR_S", 0.0)
    yield home
    patch.undo()


@pytest.fixture(autouse=True)
def isolated_home(session_home, tmp_path, monkeypatch):
    """No test touches the real data folders, and each starts in Indonesian. The enrolments of
    the session's office templates come along, so a copied template can be written to."""
    home = tmp_path / "home"
    monkeypatch.setenv("DUKCAPIL_HOME", str(home))
    monkeypatch.delenv("DUKCAPIL_DB", raising=False)
    shared = session_home / "config" / "enrolment.json"
    if shared.exists():
        (home / "config").mkdir(parents=True, mode=0o700)
        shutil.copy2(shared, home / "config" / "enrolment.json")
    i18n.set_language("id")
    yield home
    i18n.set_language("id")
    from dukcapil_tui.db import database

    if database.obj is not None:
        database.close()


def login_args(username: str = "admin", password: str = PASSWORD) -> list[str]:
    """``--user NAME --password-file FILE`` for a command line run in a test: the password file
    is written into the test's data folder."""
    import os

    secret = Path(os.environ["DUKCAPIL_HOME"]) / f"password-{username}.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(password + "\n", encoding="utf-8")
    return ["--user", username, "--password-file", str(secret)]


@pytest.fixture
def office_db(tmp_path) -> Path:
    """A fresh Lombok Tengah office database with admin/praya-kantor-26, opened."""
    from dukcapil_tui.services.office import init_office

    path = tmp_path / "office.sqlite3"
    init_office(
        path, office_name="Disdukcapil Kabupaten Lombok Tengah", region_code="52.02",
        timezone="Asia/Makassar", admin_username="admin", admin_full_name="Kepala Dinas",
        admin_password=PASSWORD, workstation="TEST-01",
    )
    return path


@pytest.fixture
def admin(office_db):
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services.context import Actor

    user = AppUser.get(AppUser.username == "admin")
    return Actor(user.id, "admin", "admin", "TEST-01", user.full_name)


@pytest.fixture
def frozen_now(monkeypatch):
    """The service clock fixed at 22-11-2026 02:00 UTC (10:00 WITA)."""
    from dukcapil_tui.services import context

    moment = datetime(2026, 11, 22, 2, 0, 0)
    monkeypatch.setattr(context, "now_utc", lambda: moment)
    return moment
