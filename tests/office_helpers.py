"""The office every service test starts from, and the clock it moves by hand.

The office database is made once per session with ``init_office`` and copied for every test
(copying a closed SQLite file is much cheaper than hashing a password and loading regions),
and the service clock is a ``Clock`` the test moves by hand. Test modules import the fixtures
by name (pytest finds fixtures in the module): ``from office_helpers import admin, clock,
office, office_template``; queue_helpers and cetak_helpers re-export them.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dukcapil_tui.db import database, open_database
from dukcapil_tui.models import AppUser
from dukcapil_tui.services import context
from dukcapil_tui.services.context import Actor

from conftest import PASSWORD

OFFICE = "Disdukcapil Kabupaten Lombok Tengah"
START = datetime(2026, 11, 22, 2, 0, 0)  # 10:00 WITA on Sunday 22-11-2026
TODAY = date(2026, 11, 22)


class Clock:
    """The service clock, moved by hand (naive UTC, the way timestamps are stored)."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def at_wita(self, hour: int, minute: int = 0, day: date = TODAY) -> None:
        """Move to ``hour:minute`` WITA (UTC+8) on ``day``."""
        self.now = datetime(day.year, day.month, day.day, hour, minute) - timedelta(hours=8)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def make_office(path: Path) -> Path:
    from dukcapil_tui.services.office import init_office

    init_office(
        path, office_name=OFFICE, region_code="52.02", timezone="Asia/Makassar", admin_username="admin",
        admin_full_name="Kepala Dinas", admin_password=PASSWORD, workstation="TEST-01",
    )
    database.close()  # the last connection checkpoints the WAL: one self-contained file
    return path


@pytest.fixture(scope="session")
def office_template(tmp_path_factory) -> Path:
    return make_office(tmp_path_factory.mktemp("template") / "office.sqlite3")


@pytest.fixture
def office(office_template, tmp_path) -> Path:
    """A fresh copy of the Lombok Tengah office database (admin/praya-kantor-26), opened."""
    path = tmp_path / "office.sqlite3"
    shutil.copyfile(office_template, path)
    open_database(path)
    return path


@pytest.fixture
def admin(office) -> Actor:
    user = AppUser.get(AppUser.username == "admin")
    return Actor(user.id, "admin", "admin", "TEST-01", user.full_name)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock(START)
    monkeypatch.setattr(context, "now_utc", c)
    return c


def actor(role: str, username: str | None = None) -> Actor:
    """An actor of ``role`` (no user row needed: the audit log keeps the name)."""
    return Actor(None, username or f"petugas_{role}", role, "TEST-02", f"Petugas {role}")
