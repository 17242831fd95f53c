"""Shared fixtures and helpers of the queue (antrian) tests.

The office database is made once per session with ``init_office`` and copied for every test
(copying a closed SQLite file is much cheaper than hashing a password and loading regions),
and the service clock is a ``Clock`` the test moves by hand. Import the fixtures into a test
module with ``from queue_helpers import admin, clock, office, office_template`` (pytest
finds fixtures by name in the test module, so ``office_template`` must come along).
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import Resident

from office_helpers import (OFFICE, START, TODAY, Clock, actor, admin, clock, make_office, office,  # noqa: F401
                            office_template)

DESA = "52.02.04.2008"  # Rembitan, Kec. Pujut

_sequence = count(1)


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
