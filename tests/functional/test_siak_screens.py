"""The whole backlog with real key presses: the recording sites screen, marking a site's
recordings sent, a resident who died, an old card handed in."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import DataTable, Input, Label

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.screens.backlog import BacklogScreen
from dukcapil_tui.screens.resident_form import ResidentFormScreen
from dukcapil_tui.screens.sites import SitesScreen
from dukcapil_tui.widgets.dialogs import ConfirmModal
from dukcapil_tui.widgets.form_modal import FormModal

from .conftest import login, pick_option, query_db, settle, type_text, wait_until

SIZE = (130, 42)


def _unsent_cards(path, count: int = 3, *, link_down: bool = False) -> list[int]:
    """Recordings made at the Dinas and not sent yet, of adults not recorded before; with
    ``link_down``, the Dinas's network recorded as cut since then."""
    from dukcapil_tui.models import AppUser, Resident
    from dukcapil_tui.services import card_status, outages
    from dukcapil_tui.services.context import Actor

    dbmod.open_database(path)
    user = AppUser.get(AppUser.username == "admin")
    actor = Actor(user.id, "admin", "admin", "DEMO", user.full_name)
    ids = []
    with database.atomic():
        for resident in Resident.select().where(Resident.birth_date < "2000-01-01").order_by(Resident.id).limit(count):
            ids.append(card_status.create(actor, resident, reason="baru", recorded_where="t", site_code="DINAS",
                                          recorded_at=datetime(2026, 11, 20, 2)).id)
    if link_down:
        outages.add(actor, {"kind": "network", "site": "DINAS", "started": "20-11-2026 08:00"})
    database.close()
    return ids


async def test_sites_screen_adds_a_site_and_places_the_workstation(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, SitesScreen) and app.screen.rows, what="the sites")
        sites = app.screen
        assert "22-11-2026" in str(sites.query_one("#sites-title", Label).render())
        assert [r.code for r in sites.rows] == ["DINAS"]
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await type_text(pilot, "upt-pujut")
        await pilot.press("tab")
        await type_text(pilot, "UPT Kecamatan Pujut")
        await pick_option(pilot, "in-kecamatan_code", "Pujut")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is sites and len(sites.rows) == 2, what="the new site")
        sites.query_one("#stations-table", DataTable).focus()
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await pick_option(pilot, "in-site", "UPT-PUJUT")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is sites, what="the workstation placed")
        await pilot.press("pageup")  # the day before
        await wait_until(pilot, lambda: "21-11-2026" in str(sites.query_one("#sites-title", Label).render()),
                         what="the previous day")
    assert query_db(demo_db, "SELECT code, kind, kecamatan_code FROM recording_site ORDER BY code") == [
        ("DINAS", "dinas", None), ("UPT-PUJUT", "upt", "52.02.04")]
    assert query_db(demo_db, "SELECT site_code FROM workstation") == [("UPT-PUJUT",)]


async def test_the_backlog_marks_a_sites_recordings_sent(app, demo_db):
    ids = _unsent_cards(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        backlog = app.screen
        assert isinstance(backlog, BacklogScreen)
        line = str(backlog.query_one("#backlog-unsent", Label).render())
        assert line.startswith("Belum terkirim: 3 (0–2 hari 3 ·")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await pick_option(pilot, "in-site", "DINAS")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert "3 rekaman belum terkirim di lokasi DINAS" in str(app.screen.query(Label)[1].render())
        await pilot.press("enter")
        await wait_until(pilot, lambda: str(backlog.query_one("#backlog-unsent", Label).render()).startswith(
            "Belum terkirim: 0"), what="the counts")
    assert {s for s, in query_db(demo_db, "SELECT central_status FROM card WHERE id IN (?, ?, ?)", *ids)} == {
        "SENT_FOR_ENROLLMENT"}
    assert query_db(demo_db, "SELECT action FROM audit_log WHERE action = 'card.mark_sent'") == [("card.mark_sent",)]


async def test_marking_sent_while_the_link_is_down_asks_about_the_link_first(app, demo_db):
    ids = _unsent_cards(demo_db, 1, link_down=True)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pick_option(pilot, "in-site", "DINAS")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the link question")
        asked = " ".join(str(label.render()) for label in app.screen.query(Label))
        assert "Koneksi ke pusat sedang terputus: jaringan putus (DINAS" in asked
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal) and "1 rekaman belum terkirim" in " ".join(
            str(label.render()) for label in app.screen.query(Label)), what="the count question")
        await pilot.press("enter")
        await wait_until(pilot, lambda: query_db(demo_db, "SELECT central_status FROM card WHERE id = ?", ids[0])
                         == [("SENT_FOR_ENROLLMENT",)], what="the card sent")


async def test_a_resident_who_died_leaves_the_backlog(app, demo_db):
    [card_id] = _unsent_cards(demo_db, 1)
    resident_id, nik = query_db(demo_db, "SELECT r.id, r.nik FROM card c JOIN resident r ON r.id = c.resident_id "
                                         "WHERE c.id = ?", card_id)[0]
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, nik)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ResidentFormScreen)
        await pick_option(pilot, "life_status", "Mati")
        form.query_one("#life_status_on", Input).focus()
        await type_text(pilot, "20-11-2026")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ResidentFormScreen), what="the save")
    assert query_db(demo_db, "SELECT life_status, life_status_on FROM resident WHERE id = ?", resident_id) == [
        ("mati", "2026-11-20")]
    assert query_db(demo_db, "SELECT office_status FROM card WHERE id = ?", card_id) == [("closed",)]


async def test_an_old_card_handed_in_is_registered_for_destruction(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "blangko1")
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, FormModal)
        await type_text(pilot, "5202044101900001")
        await pick_option(pilot, "in-reason", "kedatangan")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "1 KTP-el lama ditarik menunggu pemusnahan" in str(app.screen.query_one("#blangko-warning", Label)
                                                                  .render())
    assert query_db(demo_db, "SELECT kind, nik, reason, movement_id FROM spoiled_card") == [
        ("ditarik", "5202044101900001", "kedatangan", None)]
