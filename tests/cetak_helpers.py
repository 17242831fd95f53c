"""Shared fixtures and helpers of the printing-backlog, printing, Suket and blangko tests.

The office database is made once per session and copied for every test (cheaper than hashing
a password and loading regions each time); the service clock is a ``Clock`` moved by hand.
Import into a test module with ``from cetak_helpers import office, admin, clock``.
"""

from __future__ import annotations

import itertools

from datetime import date, datetime
from itertools import count

from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import Card, CardEvent, Resident
from dukcapil_tui.services.context import Actor

from office_helpers import (OFFICE, START, TODAY, Clock, actor, admin, clock, make_office, office,  # noqa: F401
                            office_template)

PUJUT = "52.02.04"
PRAYA = "52.02.01"
DESA = {PUJUT: "52.02.04.2008", PRAYA: "52.02.01.1001"}

_sequence = count(1)


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


_lots = itertools.count(1)


def stock(actor_: Actor, quantity: int, document: str | None = None) -> None:
    from dukcapil_tui.services import blangko

    document = document or f"SJ-{next(_lots):03d}"  # each lot its own document (a reused one is asked about)
    blangko.receive(actor_, quantity, document, "Ditjen Dukcapil Kemendagri")


def refresh(card: Card) -> Card:
    return Card.get_by_id(card.id)


def rows(table: str) -> list[tuple]:
    return database.execute_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()


SNAPSHOT_TABLES = (
    "card",
    "card_event",
    "resident",
    "print_batch",
    "print_job",
    "handover",
    "suket",
    "blangko_movement",
    "blangko_correction",
    "blangko_month",
    "spoiled_card",
    "destruction",
    "stock_count",
    "audit_log",
    "setting",
)


def db_state() -> dict[str, list[tuple]]:
    """Every row of every table a cetak/blangko operation may write."""
    return {table: rows(table) for table in SNAPSHOT_TABLES}
