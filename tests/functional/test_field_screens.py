"""The app on a laptop's field database: it says it is in field mode, the counter records there
with the laptop's workstation code, and the recording merges back into the office."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dukcapil_tui.db import database

from .conftest import actor_for, before_start, login, query_db, wait_until
from .test_queue_screens import SIZE, adult_not_recorded, open_counter

PASSWORD = "lapangan-26-kuat"


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    from conftest import Clock
    from dukcapil_tui.services import context

    fixed = Clock(datetime(2026, 11, 22, 2, 0), tick=timedelta(seconds=1))
    monkeypatch.setattr(context, "now_utc", fixed)
    return fixed


async def test_the_counter_records_in_field_mode_and_the_office_merges_it(demo_db, tmp_path):
    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.screens.queue_forms import FinishModal
    from dukcapil_tui.services import field_merge, field_package, queue

    resident_id, nik, _name = adult_not_recorded(demo_db)
    desa = query_db(demo_db, "SELECT desa_code FROM resident WHERE id = ?", resident_id)[0][0]
    admin = actor_for(demo_db, "admin", "DEMO")
    done = before_start(demo_db, field_package.prepare, admin, [desa], "KLL-01", tmp_path / "paket.dkf")
    field = tmp_path / "lapangan.sqlite3"
    field_package.open_package(field, done.path, done.key_path, admin_username="petugas",
                               admin_full_name="Petugas Keliling", admin_password=PASSWORD)
    database.close()
    uuid = query_db(field, "SELECT uuid FROM resident WHERE nik = ?", nik)[0][0]
    field_id = query_db(field, "SELECT id FROM resident WHERE nik = ?", nik)[0][0]
    before_start(field, lambda: queue.take_ticket(actor_for(field, "petugas", "KLL-01"), "rekam_baru",
                                                  resident_id=field_id))

    app = DukcapilApp(db_path=field, workstation="KLL-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "petugas", PASSWORD)
        assert app.title.endswith("— MODE LAPANGAN, laptop KLL-01")
        counter = await open_counter(pilot, 1)
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        await pilot.press("m")
        await wait_until(pilot, lambda: counter.current.status == "serving", what="the start")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, FinishModal), what="the outcome form")
        await pilot.press("enter")  # "Sudah direkam"
        await pilot.press("enter")  # no note
        await wait_until(pilot, lambda: app.screen is counter and counter.current is None, what="the finish")
    card_uuid, workstation = query_db(field, "SELECT uuid, workstation FROM card")[0]
    assert workstation == "KLL-01"

    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services.context import Actor

    def result_and_merge():
        user = AppUser.get(AppUser.username == "petugas")
        return field_package.write_result(Actor(user.id, "petugas", "admin", "KLL-01"), tmp_path / "hasil.dkf")

    result = before_start(field, result_and_merge)
    merged = before_start(demo_db, field_merge.merge, admin, result.path, today=date(2026, 11, 22))
    assert len(merged.recorded) == 1 and merged.conflicts == []
    assert query_db(demo_db, "SELECT c.workstation, r.uuid FROM card c JOIN resident r ON r.id = c.resident_id "
                             "WHERE c.uuid = ?", card_uuid) == [("KLL-01", uuid)]
