"""NIKs first issued anywhere in Indonesia are named on the resident form and in the detail."""

from __future__ import annotations

import sqlite3

from textual.widgets import Input, Label

from dukcapil_tui import wilayah
from dukcapil_tui.screens.resident_detail import ResidentDetailScreen
from dukcapil_tui.screens.resident_form import ResidentFormScreen

from .conftest import login, settle, type_text, wait_until

SIZE = (120, 40)


def hint(screen) -> str:
    return str(screen.query_one("#nik-reading", Label).render())


async def test_the_form_names_where_any_nik_was_issued(app):
    wilayah.upper.cache_clear()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        # Starting, the resident list and an empty form read only the office's own regions.
        assert wilayah.upper.cache_info().currsize == 0
        form = app.screen
        assert isinstance(form, ResidentFormScreen)
        nik = form.query_one("#nik", Input)
        for typed, expected in (
            ("3673064107900003", "Pembacaan NIK: 36.73.06 Kec. Taktakan, Kota Serang, Provinsi Banten · 01-07-1990 · "
                                 "Perempuan"),
            ("5202045708050003", "Pembacaan NIK: 52.02.04 Kec. Pujut, Kabupaten Lombok Tengah · 17-08-2005 · "
                                 "Perempuan"),
            ("5202131708050003", "Pembacaan NIK: 52.02.13 (tidak ada dalam daftar wilayah Kemendagri) · "
                                 "17-08-2005 · Laki-laki"),
        ):
            nik.value = ""
            nik.focus()
            await type_text(pilot, typed)
            await wait_until(pilot, lambda want=expected: hint(form) == want, what=f"the reading of {typed}")


async def test_the_detail_names_a_nik_issued_in_another_province(app, demo_db):
    nik = "9171011708050001"  # Kota Jayapura, Papua; the resident lives in Rembitan
    with sqlite3.connect(demo_db) as conn:
        conn.execute(
            "INSERT INTO resident (uuid, nik, name, birth_place, birth_date, sex, desa_code, kecamatan_code, address,"
            " rt, rw, marital_status, recording_status, workstation, created_at, updated_at) VALUES"
            " ('pindahan-1', ?, 'YOHANES WENDA', 'JAYAPURA', '2005-08-17', 'L', '52.02.04.2008', '52.02.04', 'SADE',"
            " '001', '002', 'belum_kawin', 'belum', 'TEST', '2026-11-01 00:00:00', '2026-11-01 00:00:00')", (nik,))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, nik)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResidentDetailScreen)
        values = [str(label.render()) for label in app.screen.query(".detail-value").results(Label)]
        assert "91.71.01 Kec. Jayapura Utara, Kota Jayapura, Provinsi Papua" in values
        assert "Rembitan (52.02.04.2008)" in values
        assert str(app.screen.query_one("#detail-notes", Label).render()) == "NIK valid"
