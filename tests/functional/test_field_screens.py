"""The app on a laptop's field database: it says it is in field mode, the counter records there
with the laptop's workstation code, and the recording merges back into the office."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dukcapil_tui.db import database

from .conftest import actor_for, before_start, login, query_db, settle, type_text, wait_until
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


# --- the field screen: packages and results at the office, recording on the laptop ----------------

def _modal_text(app) -> str:
    from textual.widgets import Label, TextArea

    parts = [str(label.render()) for label in app.screen.query(Label)]
    parts += [area.text for area in app.screen.query(TextArea)]
    return " ".join(parts)


async def _open_field_screen(pilot):
    from dukcapil_tui.screens.field import FieldScreen

    await pilot.press("ctrl+p")
    await type_text(pilot, "keliling")
    hits = pilot.app.screen.query_one("CommandList")
    await wait_until(pilot, lambda: hits.option_count and "Perekaman keliling" in str(
        hits.get_option_at_index(0).prompt), what="the palette's hit")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FieldScreen), what="the field screen")
    await settle(pilot)
    return pilot.app.screen


def _field_laptop(demo_db, tmp_path, desa: str):
    """A package of ``desa`` prepared at the office and opened on a laptop."""
    from dukcapil_tui.services import field_package

    done = before_start(demo_db, field_package.prepare, actor_for(demo_db, "admin", "DEMO"), [desa], "KLL-01",
                        tmp_path / "paket.dkf")
    field = tmp_path / "lapangan.sqlite3"
    field_package.open_package(field, done.path, done.key_path, admin_username="petugas",
                               admin_full_name="Petugas Keliling", admin_password=PASSWORD)
    database.close()
    return field


async def test_the_head_prepares_a_package_and_merges_its_result_on_the_field_screen(demo_db, tmp_path):
    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.services import field_package, field_work
    from dukcapil_tui.widgets.form_modal import FormModal
    from dukcapil_tui.widgets.messages import TextModal

    resident_id, nik, _name = adult_not_recorded(demo_db)
    desa = query_db(demo_db, "SELECT desa_code FROM resident WHERE id = ?", resident_id)[0][0]
    package = tmp_path / "paket-kll09.dkf"
    app = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        screen = await _open_field_screen(pilot)
        drives_before = len(screen.rows)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal), what="the package form")
        await type_text(pilot, desa)
        await pilot.press("tab")
        await type_text(pilot, "kll 9")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Laptop: kode stasiun kerja 'KLL 9' tidak sah" in _modal_text(app),
                         what="the laptop code refused")
        assert not package.exists() and query_db(demo_db, "SELECT COUNT(*) FROM field_package")[0][0] == drives_before
        app.screen.query_one("#in-laptop").value = "KLL-09"
        app.screen.query_one("#in-out").value = str(package)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, TextModal), what="the package written")
        assert f"Paket {package} dibuat: 1 desa" in _modal_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(screen.rows) == drives_before + 1, what="the new drive listed")
        assert screen.rows[0].laptop == "KLL-09" and screen.rows[0].results == 0
    assert package.stat().st_mode & 0o777 == 0o600
    assert package.with_suffix(".kunci").stat().st_mode & 0o777 == 0o600
    assert query_db(demo_db, "SELECT laptop, desa_codes FROM field_package WHERE laptop = 'KLL-09'") == [
        ("KLL-09", desa)]

    field = tmp_path / "lapangan.sqlite3"
    field_package.open_package(field, package, package.with_suffix(".kunci"), admin_username="petugas",
                               admin_full_name="Petugas Keliling", admin_password=PASSWORD)
    database.close()
    petugas = actor_for(field, "petugas", "KLL-09")
    card_uuid = before_start(field, lambda: field_work.record(petugas, nik).uuid)
    result = before_start(field, field_package.write_result, petugas, tmp_path / "hasil.dkf")

    app = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        screen = await _open_field_screen(pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal), what="the merge form")
        await pilot.press("ctrl+s")  # no file named
        await wait_until(pilot, lambda: "Berkas hasil wajib diisi." in _modal_text(app), what="the empty path refused")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="the form closed")
        for round_ in ("merged", "again"):
            await pilot.press("m")
            await wait_until(pilot, lambda: isinstance(app.screen, FormModal), what="the merge form")
            await type_text(pilot, str(result.path))
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, TextModal), what="the merge's report")
            if round_ == "merged":
                assert "1 hari, 1 kecamatan, 1 desa, 1 direkam" in _modal_text(app)
            else:
                assert "Hasil ini sudah digabungkan pada 22-11-2026" in _modal_text(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen.rows and screen.rows[0].results == 1, what="the drive's results")
        assert (screen.rows[0].laptop, screen.rows[0].recorded) == ("KLL-09", 1)
    assert query_db(demo_db, "SELECT workstation FROM card WHERE uuid = ?", card_uuid) == [("KLL-09",)]


async def test_the_laptop_records_by_nik_and_seals_its_result_on_the_field_screen(demo_db, tmp_path):
    from dukcapil_tui.app import DukcapilApp
    from dukcapil_tui.widgets.form_modal import FormModal
    from dukcapil_tui.widgets.messages import TextModal

    resident_id, nik, _name = adult_not_recorded(demo_db)
    desa = query_db(demo_db, "SELECT desa_code FROM resident WHERE id = ?", resident_id)[0][0]
    elsewhere = query_db(demo_db, "SELECT nik FROM resident WHERE desa_code != ? LIMIT 1", desa)[0][0]
    field = _field_laptop(demo_db, tmp_path, desa)
    out = tmp_path / "hasil-laptop.dkf"
    app = DukcapilApp(db_path=field, workstation="KLL-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "petugas", PASSWORD)
        screen = await _open_field_screen(pilot)
        assert str(screen.query_one("#field_ui-title").render()).startswith("Laptop KLL-01: ")
        await pilot.press("f3")  # preparing is the office's: nothing opens on a laptop
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal), what="the recording form")
        await type_text(pilot, elsewhere)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: f"NIK {elsewhere} tidak ada di paket ini" in _modal_text(app),
                         what="a resident not in the package refused")
        app.screen.query_one("#in-nik").value = nik
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and len(screen.rows) == 1, what="the recording listed")
        assert screen.rows[0].nik == nik
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, FormModal), what="the result form")
        await type_text(pilot, str(out))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, TextModal), what="the result sealed")
        assert f"Hasil {out} dibuat: 1 perekaman, 0 penduduk baru" in _modal_text(app)
    assert out.stat().st_mode & 0o777 == 0o600
    assert query_db(field, "SELECT COUNT(*) FROM card")[0][0] == 1
    assert query_db(field, "SELECT action FROM audit_log WHERE action = 'field.result'") == [("field.result",)]


async def test_a_counter_clerk_sees_the_drives_but_neither_prepares_nor_merges(app, demo_db):
    from dukcapil_tui.screens.field import FieldScreen

    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        screen = await _open_field_screen(pilot)
        assert str(screen.query_one(".hint").render()).startswith("Paket yang disiapkan dan hasilnya; kepala dinas")
        assert [r.laptop for r in screen.rows] == [r for r, in query_db(
            demo_db, "SELECT laptop FROM field_package ORDER BY created_at DESC")]
        for key in ("f3", "m", "r", "h"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, FieldScreen), key
