"""Shared fixtures and helpers of the printing-backlog, printing, Suket and blangko tests.

The office database is made once per session and copied for every test (cheaper than hashing
a password and loading regions each time); the service clock is a ``Clock`` moved by hand.
Import into a test module with ``from cetak_helpers import office, admin, clock``.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from dukcapil_tui.db import database, open_database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import AppUser, Card, CardEvent, Resident
from dukcapil_tui.services import context
from dukcapil_tui.services.context import Actor

from conftest import PASSWORD

OFFICE = "Disdukcapil Kabupaten Lombok Tengah"
PUJUT = "52.02.04"
PRAYA = "52.02.01"
DESA = {PUJUT: "52.02.04.2008", PRAYA: "52.02.01.1001"}
START = datetime(2026, 11, 22, 2, 0, 0)  # 10:00 WITA, Sunday 22-11-2026
TODAY = date(2026, 11, 22)

_sequence = count(1)


class Clock:
    """The service clock (naive UTC), moved by hand."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

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
def cetak_template(tmp_path_factory) -> Path:
    return make_office(tmp_path_factory.mktemp("cetak_template") / "office.sqlite3")


@pytest.fixture
def office(cetak_template, tmp_path) -> Path:
    """A fresh copy of the Lombok Tengah office database (admin/rahasia123), opened."""
    path = tmp_path / "office.sqlite3"
    shutil.copyfile(cetak_template, path)
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
    """An actor of ``role`` (no user row needed: services check the role, the log keeps the name)."""
    return Actor(None, username or f"petugas_{role}", role, "TEST-02", f"Petugas {role}")


def add_resident(*, kecamatan: str = PUJUT, recording: str = "sudah", name: str = "BAIQ NURUL",
                 birth: date = date(1990, 5, 17), sex: str = "P") -> Resident:
    number = next(_sequence)
    now = datetime(2026, 1, 1)
    return Resident.create(
        uuid=f"cetak-{number}", nik=nik_rules.compose(kecamatan, birth, sex, number), name=name,
        birth_place="Praya", birth_date=birth, sex=sex, desa_code=DESA[kecamatan], kecamatan_code=kecamatan,
        address="Dusun Sade", rt="001", rw="002", marital_status="kawin", recording_status=recording,
        workstation="TEST-01", created_at=now, updated_at=now,
    )


def add_card(resident: Resident | None = None, *, central: str = "BIO_CAPTURED", office: str | None = None,
             recorded_at: datetime = datetime(2026, 11, 1, 2, 0), reason: str = "baru",
             priority: bool = False) -> Card:
    """A card written straight into the table, as queue.finish(... 'recorded') makes it."""
    from dukcapil_tui.domain.cards import office_status_for

    resident = resident or add_resident()
    number = next(_sequence)
    office = office or office_status_for(central)
    card = Card.create(
        uuid=f"card-{number}", resident=resident.id, reason=reason, recorded_at=recorded_at,
        recorded_where="TEST", central_status=central, office_status=office, workstation="TEST-01",
        created_at=recorded_at, updated_at=recorded_at, priority=priority, status_changed_at=recorded_at,
    )
    CardEvent.create(card=card.id, at=recorded_at, central_status=central, office_status=office,
                     username="test", source="perekaman")
    return card


def ready_card(**kwargs) -> Card:
    return add_card(central="PRINT_READY_RECORD", **kwargs)


def stock(actor_: Actor, quantity: int, document: str = "SJ-001") -> None:
    from dukcapil_tui.services import blangko

    blangko.receive(actor_, quantity, document, "Ditjen Dukcapil Kemendagri")


def refresh(card: Card) -> Card:
    return Card.get_by_id(card.id)


def rows(table: str) -> list[tuple]:
    return database.execute_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()


SNAPSHOT_TABLES = ("card", "card_event", "resident", "print_batch", "print_job", "handover", "suket",
                   "blangko_movement", "blangko_month", "spoiled_card", "destruction", "stock_count",
                   "audit_log", "setting")


def db_state() -> dict[str, list[tuple]]:
    """Every row of every table a cetak/blangko operation may write."""
    return {table: rows(table) for table in SNAPSHOT_TABLES}
