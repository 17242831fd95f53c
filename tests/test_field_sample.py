"""The demo office merged a first field drive while it was built; sample_data/hasil_keliling_kll02.dkf,
the result of a second drive, merges into a fresh demo office, built as ``dukcapil demo`` builds it
(20,000 residents, the default seed, today), and a second merge adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dukcapil_tui.db import database, open_database
from dukcapil_tui.demo.builder import build_demo
from dukcapil_tui.models import AppUser, Card, FieldMerge, Resident
from dukcapil_tui.services import field_crypto, field_merge
from dukcapil_tui.services.context import Actor

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "hasil_keliling_kll02.dkf"


@pytest.fixture
def fresh_demo(tmp_path):
    path = build_demo(tmp_path / "demo.sqlite3")
    open_database(path)
    user = AppUser.get(AppUser.username == "admin")
    yield Actor(user.id, "admin", "admin", "DEMO", user.full_name)
    database.close()


def test_the_demo_merged_its_first_drive_and_the_sample_drive_merges_once(fresh_demo):
    from dukcapil_tui.services import check, settings

    from dukcapil_tui.demo.field_sample import first_drive
    from dukcapil_tui.services import day_lock

    first = FieldMerge.get(FieldMerge.laptop == "KLL-01")  # last week's drive, merged while the demo was built
    summary = json.loads(first.summary)
    assert (summary["days"], summary["kecamatan"], summary["recorded"], summary["conflicts"]) == (2, 3, 9, 0)
    days = [moment.date() for moment in first_drive(settings.office_today()).days]
    assert sum(n for day, _desa, n in summary["by_day_desa"] if day == str(days[0])) == 6
    assert Card.select().where(Card.workstation == "KLL-01").count() == 9
    assert all(day_lock.lock_in_force(day) is not None for day in days)  # the head locked the drive's days
    assert check.run_checks() == []  # and the drive merged later is no change of them

    header = field_crypto.read(SAMPLE).header
    assert (header["kind"], header["laptop"]) == ("hasil", "KLL-02")
    cards = Card.select().count()

    merged = field_merge.merge(fresh_demo, SAMPLE)
    twice = [c for c in merged.conflicts if c.kind == "recorded_twice"]  # the demo's own counters may have
    assert [c for c in merged.conflicts if c.kind != "recorded_twice"] == []  # recorded one of them today
    assert len(merged.recorded) + len(twice) == 16
    assert (merged.days, merged.kecamatan, merged.newcomers, merged.edits) == (2, 5, 2, 1)
    assert Card.select().count() == cards + len(merged.recorded)
    assert Card.select().where(Card.workstation == "KLL-02", Card.site_code == "KELILING-2").count() == \
        len(merged.recorded)
    assert Resident.select().where(Resident.workstation == "KLL-02").count() == 2
    assert Resident.select().where(Resident.address == "DUSUN TANAK AWU").count() == 1

    again = field_merge.merge(fresh_demo, SAMPLE)
    assert again.already_merged_at is not None and again.recorded == []
    assert Card.select().count() == cards + len(merged.recorded)
    assert FieldMerge.select().where(FieldMerge.laptop == "KLL-02").count() == 1  # the demo merged KLL-01 once
