"""The outage log with key presses: record an outage (a bad time refused under its field), see
it listed, end it; the database is checked afterwards. The office clock stands at 22-11-2026
10:00 WITA."""

from __future__ import annotations

from textual.widgets import Label

from dukcapil_tui.screens.outages import OutagesScreen
from dukcapil_tui.widgets.form_modal import FormModal

from .conftest import login, pick_option, query_db, settle, type_text, wait_until
from .test_head_screens import fill

SIZE = (130, 42)


async def test_an_outage_is_recorded_listed_and_ended(app, demo_db):
    before = query_db(demo_db, "SELECT COUNT(*) FROM outage")[0][0]
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        app.action_open_section("outages")
        await wait_until(pilot, lambda: isinstance(app.screen, OutagesScreen), what="the outage log")
        screen = app.screen
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await pick_option(pilot, "in-kind", "server pusat diblokir")
        await fill(pilot, "started", "besok pagi")
        await fill(pilot, "note", "server pusat diblokir Ditjen")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "bukan waktu yang dikenal" in str(
            app.screen.query_one("#error-started", Label).render()), what="the bad time refused")
        await fill(pilot, "started", "20-11-2026 08:00")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and len(screen.rows) == before + 1, what="the outage")
        row = screen.rows[0]
        assert (row.kind, row.site_code, row.open, row.hours) == ("central", None, True, 50.0)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await fill(pilot, "ended", "21-11-2026 08:00")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and not screen.rows[0].open, what="the outage ended")
        await pilot.press("o")
        await wait_until(pilot, lambda: all(r.open for r in screen.rows) and screen.open_only, what="open only")
        await pilot.press("b")  # the month per site: the whole office's block counts at the Dinas
        from dukcapil_tui.widgets.messages import TextModal

        await wait_until(pilot, lambda: isinstance(app.screen, TextModal), what="the month per site")
        text = app.screen._message
        assert "DINAS" in text and "1 gangguan · 24,0 jam hilang · 1,0 hari hilang · 2 hari terdampak" in text
        await pilot.press("escape")
    assert query_db(demo_db, "SELECT kind, site_code, started_at, ended_at, note, created_by, ended_by FROM outage "
                             "ORDER BY id DESC LIMIT 1") == [
        ("central", None, "2026-11-20 00:00:00", "2026-11-21 00:00:00", "server pusat diblokir Ditjen", "admin",
         "admin")]


async def test_a_failed_recording_at_the_counter_picks_the_device_from_the_register(app, demo_db):
    from dukcapil_tui.services import devices

    from .conftest import actor_for, before_start
    from .test_queue_screens import adult_not_recorded, open_counter, take

    resident_id, _, _ = adult_not_recorded(demo_db)
    take(demo_db, "rekam_baru", resident_id=resident_id)
    kit = before_start(demo_db, lambda: devices.add(actor_for(demo_db, "admin"), {
        "kind": "recording_set", "serial": "SET-LOKET", "site": "DINAS"}).id)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        counter = await open_counter(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: counter.current is not None, what="the call")
        await pilot.press("m")
        await wait_until(pilot, lambda: counter.current.status == "serving", what="the start")
        await pilot.press("s")
        await wait_until(pilot, lambda: app.screen is not counter and app.screen.query("#outcome"),
                         what="the outcome form")
        finish = app.screen
        await pilot.press("down")  # Gagal: alat rusak
        await settle(pilot)
        assert finish.query_one("#qfield-device_pick").display and not finish.query_one("#qfield-device").display
        await pilot.press("enter")  # -> the site's devices, the register's first highlighted
        await pilot.press("enter")  # -> the note
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is counter and counter.current is None, what="the finish")
    ticket_id, device = query_db(demo_db, "SELECT id, device FROM ticket WHERE outcome = 'failed_device'")[0]
    assert device == f"#{kit} perangkat rekam SET-LOKET (DINAS)"
    assert query_db(demo_db, "SELECT kind, ticket_id, status FROM device_event WHERE device_id = ? ORDER BY id",
                    kit) == [("added", None, "in_service"), ("failed_recording", ticket_id, "broken")]
    assert query_db(demo_db, "SELECT status FROM device WHERE id = ?", kit) == [("broken",)]


async def test_the_device_register_screen(app, demo_db):
    from dukcapil_tui.screens.devices import DevicesScreen

    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        app.action_open_section("devices")
        await wait_until(pilot, lambda: isinstance(app.screen, DevicesScreen), what="the device register")
        screen = app.screen
        await settle(pilot)
        before = len(screen.rows)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await fill(pilot, "serial", "set-77")
        await fill(pilot, "day", "23-11-2026")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "masa depan" in str(app.screen.query_one("#error-day", Label).render()),
                         what="the future day refused")
        await fill(pilot, "day", "01-09-2026")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and len(screen.rows) == before + 1, what="the device")
        row = next(r for r in screen.rows if r.serial == "SET-77")
        from textual.widgets import DataTable

        screen.query_one(DataTable).move_cursor(row=screen.rows.index(row))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await fill(pilot, "day", "20-09-2026")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and any(r.serial == "SET-77" and r.status == "broken"
                                                                     for r in screen.rows), what="broken")
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no place: refused under its field
        await wait_until(pilot, lambda: "wajib diisi" in str(app.screen.query_one("#error-place", Label).render()),
                         what="the place required")
        await fill(pilot, "place", "Dinas Provinsi NTB")
        await fill(pilot, "document", "BA-9")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and any(r.serial == "SET-77" and r.status == "in_repair"
                                                                     for r in screen.rows), what="sent for repair")
    device = query_db(demo_db, "SELECT id, site_code, status FROM device WHERE serial = 'SET-77'")[0]
    assert device[1:] == ("DINAS", "in_repair")
    assert query_db(demo_db, "SELECT kind, day, repair_place, document FROM device_event WHERE device_id = ? "
                             "ORDER BY id", device[0]) == [
        ("added", "2026-09-01", "", ""), ("broken", "2026-09-20", "", ""),
        ("sent_for_repair", "2026-11-22", "Dinas Provinsi NTB", "BA-9")]


async def _open_detail(pilot, nik: str):
    from dukcapil_tui.screens.resident_detail import ResidentDetailScreen

    await pilot.press("f2")
    await settle(pilot)
    await type_text(pilot, nik)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResidentDetailScreen) and pilot.app.screen.query(
        ".detail-value"), what="the resident")
    return pilot.app.screen


def _values(screen) -> list[str]:
    return [str(label.render()) for label in screen.query(".detail-value").results(Label)]


async def test_a_name_that_may_not_be_spoken_is_noted_at_the_counter(app, demo_db):
    nik, name = query_db(demo_db, "SELECT nik, name FROM resident WHERE birth_date < '1990-01-01' ORDER BY id "
                                  "LIMIT 1")[0]
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        detail = await _open_detail(pilot, nik)
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await fill(pilot, "note", "Suku Anak Dalam")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail and detail.notes, what="the note")
        assert "PENANGANAN KHUSUS: #" in str(detail.query_one("#detail-handling", Label).render())
        assert name in _values(detail)  # the counter staff see it
    assert query_db(demo_db, "SELECT kind, note FROM handling_note") == [("name_unspoken", "Suku Anak Dalam")]
    assert query_db(demo_db, "SELECT name_protected FROM resident WHERE nik = ?", nik) == [(1,)]


async def test_the_printing_role_sees_a_protected_name_masked(app, demo_db):
    from dukcapil_tui.services import handling

    from .conftest import actor_for, before_start

    nik, name = query_db(demo_db, "SELECT nik, name FROM resident WHERE birth_date < '1990-01-01' ORDER BY id "
                                  "LIMIT 1")[0]
    before_start(demo_db, handling.add, actor_for(demo_db, "admin"), nik, {"kind": "name_unspoken"})
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        detail = await _open_detail(pilot, nik)
        values = _values(detail)
        assert name not in values and f"{name[0]}•••" in " ".join(values)
        assert name not in str(detail.query_one("#detail-title", Label).render())


async def test_a_print_batch_asks_first_while_the_central_server_is_blocked(app, demo_db):
    """The batch form asks (the central link is down); going on makes the batch."""
    from textual.widgets import Input

    from dukcapil_tui.screens.backlog import BacklogScreen
    from dukcapil_tui.screens.print_batch import PrintBatchScreen
    from dukcapil_tui.services import blangko, cards, outages, queue
    from dukcapil_tui.widgets.dialogs import ConfirmModal

    from .conftest import actor_for, before_start

    def prepare():
        from dukcapil_tui.models import Resident

        admin = actor_for(demo_db, "admin")
        resident = Resident.select().where((Resident.recording_status == "belum")
                                           & (Resident.birth_date < "2000-01-01")).order_by(Resident.id).first()
        queue.take_ticket(admin, "rekam_baru", resident_id=resident.id)
        queue.finish(admin, queue.claim_next(admin, 1).id, 1, "recorded")
        cards.set_central_status(admin, resident.nik, "PRINT_READY_RECORD")
        blangko.receive(admin, 5, "SPB-9/2026", "Kemendagri")
        outages.add(admin, {"kind": "central", "started": "21-11-2026 08:00"})

    before_start(demo_db, prepare)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, BacklogScreen), what="the backlog")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintBatchScreen), what="printing")
        batches = app.screen
        await pilot.press("n")
        await settle(pilot)
        size = app.screen.query_one("#in-size", Input)
        size.value = ""
        await type_text(pilot, "1")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert query_db(demo_db, "SELECT COUNT(*) FROM print_batch") == [(0,)]
        await pilot.press("enter")  # go on
        await wait_until(pilot, lambda: app.screen is batches, what="the batch")
    assert query_db(demo_db, "SELECT size FROM print_batch") == [(1,)]
