"""Shared fixtures and helpers of the queue (antrian) tests.

The office database is made once per session with ``init_office`` and copied for every test
(copying a closed SQLite file is much cheaper than hashing a password and loading regions),
and the service clock is a ``Clock`` the test moves by hand. Import the fixtures into a test
module with ``from queue_helpers import admin, clock, office, office_template`` (pytest
finds fixtures by name in the test module, so ``office_template`` must come along).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from dukcapil_tui.db import database, open_database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import AppUser, Resident
from dukcapil_tui.services import context
from dukcapil_tui.services.context import Actor

from conftest import PASSWORD

OFFICE = "Disdukcapil Kabupaten Lombok Tengah"
DESA = "52.02.04.2008"  # Rembitan, Kec. Pujut
START = datetime(2026, 11, 22, 2, 0, 0)  # 10:00 WITA on Sunday 22-11-2026
TODAY = date(2026, 11, 22)

_sequence = count(1)


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


@pytest.fixture(scope="session")
def office_template(tmp_path_factory) -> Path:
    from dukcapil_tui.services.office import init_office

    path = tmp_path_factory.mktemp("template") / "office.sqlite3"
    init_office(
        path, office_name=OFFICE, region_code="52.02", timezone="Asia/Makassar", admin_username="admin",
        admin_full_name="Kepala Dinas", admin_password=PASSWORD, workstation="TEST-01",
    )
    database.close()  # the last connection checkpoints the WAL: one self-contained file
    return path


@pytest.fixture
def office(office_template, tmp_path) -> Path:
    """A fresh copy of the Lombok Tengah office database (admin/rahasia123), opened."""
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


def add_resident(birth: date = date(1990, 5, 17), *, sex: str = "L", marital: str = "kawin",
                 recording: str = "belum", name: str = "LALU AHMAD") -> Resident:
    """A resident of Kec. Pujut written straight into the table (the queue tests need rows,
    not the resident service's validation)."""
    number = next(_sequence)
    now = datetime(2026, 1, 1)
    return Resident.create(
        uuid=f"test-{number}", nik=nik_rules.compose("52.02.04", birth, sex, number), name=name,
        birth_date=birth, sex=sex, desa_code=DESA, kecamatan_code=DESA[:8], marital_status=marital,
        recording_status=recording, workstation="TEST-01", created_at=now, updated_at=now,
    )


def birth_for_age(age: int, on: date = TODAY) -> date:
    """A birth date that makes someone ``age`` years old on ``on`` (birthday last month)."""
    return date(on.year - age, on.month - 1 if on.month > 1 else 1, 1)
