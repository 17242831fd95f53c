"""A first import into an empty register builds the name and recap indexes after the load
(``db.defer_indexes`` / ``db.restore_indexes``); any other import keeps them current."""

from __future__ import annotations

import pytest

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.models import Resident
from dukcapil_tui.services import resident_import, residents
from dukcapil_tui.services.context import ServiceError

from test_resident_import import ROWS, _many_rows, run, write_csv

DEFERRED = resident_import.DEFERRABLE_INDEXES

pytestmark = pytest.mark.sqlite_only("the deferred index build is SQLite's (PostgreSQL loads by COPY)")


def indexes() -> dict[str, str]:
    return dict(database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'resident' AND sql IS NOT NULL"))


def recorded() -> str | None:
    row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (dbmod.DEFERRED_INDEXES_KEY,)).fetchone()
    return row[0] if row else None


def test_a_first_import_loads_without_the_name_indexes_and_builds_them_after(admin, tmp_path):
    before = indexes()
    assert set(DEFERRED) <= set(before)
    seen = []
    result = run(admin, write_csv(tmp_path, _many_rows(2345)), progress=lambda n: seen.append(set(indexes())))
    assert result.inserted == 2345
    loading, done = seen[:-1], seen[-1]  # every 1,000 rows, then the rest after the load
    assert len(loading) == 2 and all(not (present & set(DEFERRED)) for present in loading)
    assert set(DEFERRED) <= done
    assert indexes() == before and recorded() is None  # the very statements the migrations ran
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert residents.search(residents.ResidentQuery("warga")).rows  # searches read them again


def test_an_import_into_a_register_that_holds_anyone_keeps_the_indexes(admin, tmp_path):
    run(admin, write_csv(tmp_path, ROWS[:1], name="satu.csv"))
    seen = []
    run(admin, write_csv(tmp_path, _many_rows(1500)), progress=lambda n: seen.append(set(indexes())))
    assert seen and all(set(DEFERRED) <= present for present in seen)


def test_a_first_import_that_breaks_part_way_still_builds_the_indexes(admin, tmp_path, monkeypatch):
    before = indexes()

    def broken(*args, **kwargs):
        raise ServiceError("rusak")

    monkeypatch.setattr(resident_import, "_apply", broken)
    with pytest.raises(ServiceError):
        run(admin, write_csv(tmp_path, _many_rows(10)))
    assert indexes() == before and recorded() is None


def test_indexes_a_crash_left_out_are_built_by_the_next_import(admin, tmp_path):
    """A power cut between the load and the index build leaves the statements recorded; the
    next import (the resumed one) builds them first."""
    run(admin, write_csv(tmp_path, ROWS))
    before = indexes()
    statements = dbmod.defer_indexes(DEFERRED)  # what the crashed import had done
    assert sorted(statements) == sorted(before[name] for name in DEFERRED)
    assert not set(DEFERRED) & set(indexes()) and recorded() is not None
    again = run(admin, write_csv(tmp_path, ROWS))
    assert again.unchanged == 3
    assert indexes() == before and recorded() is None


def test_restoring_skips_an_index_that_exists_and_forgets_the_record(admin):
    before = indexes()
    dbmod.defer_indexes(DEFERRED[:1])
    database.execute_sql(before[DEFERRED[0]])  # built meanwhile by another hand
    assert dbmod.restore_indexes() == 0
    assert indexes() == before and recorded() is None
    assert dbmod.restore_indexes() == 0  # nothing recorded: nothing to do
    assert Resident.select().count() == 0
