"""Log in, find residents by NIK and by name, read the detail, create and edit with the form."""

from __future__ import annotations

import json

from textual.widgets import DataTable, Input, Label, Select

from dukcapil_tui.screens.login import LoginScreen
from dukcapil_tui.screens.dashboard import DashboardScreen
from dukcapil_tui.screens.resident_detail import ResidentDetailScreen
from dukcapil_tui.screens.resident_form import ResidentFormScreen
from dukcapil_tui.screens.residents import ResidentsScreen

from .conftest import login, query_db, settle, type_text, wait_until

SIZE = (120, 40)


def table_niks(screen) -> list[str]:
    table = screen.query_one(DataTable)
    return [table.get_row_at(i)[0] for i in range(table.row_count)]


async def test_wrong_password_is_refused_then_login_works(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", "salah-sekali")
        assert isinstance(app.screen, LoginScreen)
        message = str(app.screen.query_one("#login-message", Label).render())
        # The same answer for a wrong password, an unknown user, a disabled or locked account.
        assert message.startswith("Gagal masuk: nama pengguna atau kata sandi salah")
        await type_text(pilot, "dukcapil")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)  # the head's first screen
        # The workstation is the one the demo enrolled (DEMO), not the code the app proposed.
        assert app.actor.username == "admin" and app.actor.workstation == "DEMO"
        assert "Lombok Tengah" in app.title
    actions = [r[0] for r in query_db(demo_db, "SELECT action FROM audit_log WHERE username = 'admin' "
                                               "AND action LIKE 'login.%' ORDER BY id")]
    assert actions[-2:] == ["login.failed", "login.ok"]


async def test_main_screen_shows_summary_and_only_existing_sections(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        screen = app.screen
        menu = screen.query_one("#main-menu")
        shown = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        from dukcapil_tui.screens.sections import sections_for

        assert shown == [s.id for s in sections_for("loket")]
        assert "residents" in shown and "penyerahan" in shown
        assert "blangko" not in shown and "cetak" not in shown  # not the counter's work
        tile = screen.query_one("#tile-residents .tile-value", Label)
        assert str(tile.render()) == "400"


async def test_find_resident_by_nik_and_by_name(app, demo_db):
    nik, name = query_db(demo_db, "SELECT nik, name FROM resident ORDER BY id LIMIT 1 OFFSET 17")[0]
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResidentsScreen)
        assert len(table_niks(screen)) == 50  # one page

        await type_text(pilot, nik)
        await pilot.press("enter")
        await settle(pilot)
        assert table_niks(screen) == [nik]

        search = screen.query_one("#search", Input)
        search.focus()
        search.value = ""
        prefix = name.split()[0][:4].lower()
        await type_text(pilot, prefix)
        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one(DataTable)
        names = [table.get_row_at(i)[1] for i in range(table.row_count)]
        assert names and all(n.startswith(prefix.upper()) for n in names)
        assert names == sorted(names)
        expected = query_db(demo_db, "SELECT count(*) FROM resident WHERE name LIKE ?", prefix + "%")[0][0]
        assert len(names) == min(expected, 50)

        # a NIK in full-width digits (an input method's) finds nobody: the status says why
        search.focus()
        search.value = nik.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        await pilot.press("enter")
        await settle(pilot)
        assert table_niks(screen) == []
        status = str(screen.query_one("#residents-status", Label).render())
        assert status.startswith("NIK hanya boleh berisi angka 0–9 biasa; ('") and "U+FF1" in status


async def test_paging_with_page_down_and_up(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")  # leave the search box for the table
        first = table_niks(screen)
        await pilot.press("pagedown")
        await settle(pilot)
        second = table_niks(screen)
        assert len(second) == 50 and not set(first) & set(second)
        await pilot.press("pageup")
        await settle(pilot)
        assert table_niks(screen) == first


async def test_detail_shows_nik_reading_and_wajib_reason(app, demo_db):
    nik, = query_db(demo_db, "SELECT nik FROM resident WHERE birth_date < '1990-01-01' ORDER BY id LIMIT 1")[0]
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, nik)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # open the highlighted row
        await settle(pilot)
        assert isinstance(app.screen, ResidentDetailScreen)
        values = [str(label.render()) for label in app.screen.query(".detail-value").results(Label)]
        assert nik in values
        assert any(v.startswith("ya — berumur") for v in values)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ResidentsScreen)


async def choose(pilot, select_id: str, text: str) -> None:
    """Pick an option of a Select with the keyboard: focus, open, type to search, confirm."""
    pilot.app.screen.query_one(f"#{select_id}", Select).focus()
    await pilot.press("enter")
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def test_create_resident_with_form_validation(app, demo_db):
    new_nik = "5202045708050099"
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ResidentFormScreen)

        await pilot.press("ctrl+s")  # everything empty
        await settle(pilot)
        errors = {label.id: str(label.render()) for label in form.query(".field-error").results(Label)}
        assert errors["error-name"] == "Nama lengkap wajib diisi."
        assert errors["error-nik"] == "NIK wajib diisi."
        assert "Status perkawinan" in errors["error-marital_status"]

        form.query_one("#nik", Input).focus()
        await type_text(pilot, new_nik)
        await pilot.press("tab")
        await type_text(pilot, "baiq siti aminah")
        await pilot.press("tab")
        await type_text(pilot, "praya")
        # birth date, sex and kecamatan were read from the NIK
        assert form.query_one("#birth_date", Input).value == "17-08-2005"
        assert form.query_one("#sex", Select).value == "P"
        assert form.query_one("#kecamatan", Select).value == "52.02.04"
        assert form.query_one("#desa_code", Select).prompt == "Pilih desa/kelurahan"  # no longer "kecamatan first"
        await choose(pilot, "desa_code", "Rembitan")
        form.query_one("#address", Input).focus()
        await type_text(pilot, "dusun sade")
        await pilot.press("tab")
        await type_text(pilot, "3")
        await pilot.press("tab")
        await type_text(pilot, "2")
        await choose(pilot, "marital_status", "Kawin")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ResidentsScreen)
        assert table_niks(app.screen) == [new_nik]

    row = query_db(demo_db, "SELECT name, birth_place, birth_date, sex, desa_code, kecamatan_code, address, rt, rw, "
                            "marital_status, recording_status, workstation FROM resident WHERE nik = ?", new_nik)
    assert row == [("BAIQ SITI AMINAH", "PRAYA", "2005-08-17", "P", "52.02.04.2008", "52.02.04", "DUSUN SADE",
                    "003", "002", "kawin", "belum", "DEMO")]
    audit = query_db(demo_db, "SELECT username, workstation, action, changes FROM audit_log ORDER BY id DESC LIMIT 1")[
        0
    ]
    assert audit[:3] == ("loket1", "DEMO", "resident.create")
    assert json.loads(audit[3])["nik"] == [None, new_nik]


async def test_bad_date_and_duplicate_nik_are_refused(app, demo_db):
    existing, = query_db(demo_db, "SELECT nik FROM resident ORDER BY id LIMIT 1")[0]
    before = query_db(demo_db, "SELECT count(*) FROM resident")[0][0]
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, existing)
        await pilot.press("tab")
        await type_text(pilot, "nama baru")
        birth = form.query_one("#birth_date", Input)
        birth.value = ""
        birth.focus()
        await type_text(pilot, "31-02-2001")
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = {label.id: str(label.render()) for label in form.query(".field-error").results(Label)}
        assert errors["error-birth_date"].startswith("Tanggal lahir bukan tanggal yang benar")
        assert isinstance(app.screen, ResidentFormScreen)
    assert query_db(demo_db, "SELECT count(*) FROM resident")[0][0] == before


async def test_edit_resident_updates_database_and_audit(app, demo_db):
    resident_id, nik = query_db(demo_db, "SELECT id, nik FROM resident ORDER BY id LIMIT 1 OFFSET 3")[0]
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
        assert form.query_one("#nik", Input).value == nik
        address = form.query_one("#address", Input)
        address.focus()
        address.value = ""
        await type_text(pilot, "jalan baru 7")
        form.query_one("#religion", Select).focus()
        await pilot.press("enter", "down", "enter")  # the first religion after "(tidak diketahui)"
        await pilot.press("tab")
        assert form.focused is form.query_one("#occupation", Input)
        await type_text(pilot, "petani")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ResidentsScreen)
    assert query_db(demo_db, "SELECT address, religion, occupation, citizenship FROM resident WHERE id = ?",
                    resident_id) == [("JALAN BARU 7", "ISLAM", "PETANI", "")]
    changes = json.loads(query_db(demo_db, "SELECT changes FROM audit_log WHERE action = 'resident.update' "
                                           "AND entity_id = ?", str(resident_id))[0][0])
    assert changes["address"][1] == "JALAN BARU 7"
    assert set(changes) == {"address", "religion", "occupation"}


async def test_counter_role_cannot_edit_but_printing_role_can_only_read(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "cetak1")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ResidentsScreen)  # F3 does nothing for the printing role


async def test_help_lists_live_bindings(app):
    from dukcapil_tui.screens.help import HelpScreen

    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        described = {r[1] for r in rows}
        assert {"Baru", "Ubah", "Halaman berikut", "Bantuan", "Keluar"} <= {d.split(" (")[0] for d in described}
        await pilot.press("escape")
        assert isinstance(app.screen, ResidentsScreen)


async def test_english_interface(demo_db):
    from dukcapil_tui import i18n
    from dukcapil_tui.app import DukcapilApp

    i18n.set_language("en")
    app = DukcapilApp(db_path=demo_db, workstation="LOKET-01")
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).placeholder == "Search NIK or name prefix…"
        keys = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "Next page" in keys and "New" in keys


async def test_the_nik_field_refuses_other_digits_and_drops_separators(app, demo_db):
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "loket1")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        form = app.screen
        nik = form.query_one("#nik", Input)
        nik.focus()
        nik.post_message(events.Paste("５２０２０４５７０８０５００９９"))  # a full-width NIK pasted
        await settle(pilot)
        assert nik.value == ""
        assert str(form.query_one("#error-nik", Label).render()) == (
            "NIK hanya boleh berisi angka 0–9 biasa; ('５' = 5, U+FF15) adalah angka dari huruf/lebar lain: ketik "
            "ulang NIK dengan angka 0–9.")
        nik.post_message(events.Paste("5202 0457.0805-0099"))  # as written on a letter
        await settle(pilot)
        assert nik.value == "5202045708050099"
        assert form.query_one("#birth_date", Input).value == "17-08-2005"  # and read as it is typed


async def test_ctrl_p_opens_the_command_palette_and_section_keys_work_from_every_screen(app):
    from textual.command import CommandPalette

    from dukcapil_tui import i18n
    from dukcapil_tui.screens.help import binding_rows
    from dukcapil_tui.screens.sections import SECTIONS

    ours = {i18n.t(key) for key in i18n.keys()}  # noqa: SIM118 - i18n.keys() is a function, not a dict's
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        assert app.screen.query_one("CommandInput").placeholder == "Cari perintah…"
        await type_text(pilot, "zqzq")  # nothing matches: said in the interface's language
        found = app.screen.query_one("CommandList")
        await wait_until(pilot, lambda: found.option_count == 1, what="the no-match line")
        assert "Tidak ada perintah yang cocok" in str(found.get_option_at_index(0).prompt)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f5")  # the counter asks once which counter this workstation serves
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert getattr(app.screen, "section_id", None) == "counter"
        # From each section's screen, the next section's key opens that section (every screen
        # is left by an F-key once, so none of them takes a section key for itself).
        keyed = [s for s in SECTIONS if s.key]  # the day review has no key: the dashboard and palette open it
        for here, there in zip(keyed, keyed[1:] + keyed[:1]):
            await pilot.press(here.key)
            await settle(pilot)
            assert getattr(app.screen, "section_id", None) == here.id, (here.id, type(app.screen).__name__)
            # F1 lists every key of the screen in the interface's language (Textual's own too)
            untranslated = [row for row in binding_rows(app, app.screen.active_bindings) if row[1] not in ours]
            assert untranslated == [], here.id
            await pilot.press(there.key)
            await settle(pilot)
            assert getattr(app.screen, "section_id", None) == there.id, (here.id, there.id,
                                                                          type(app.screen).__name__)


def _burst(app, *keys: str) -> None:
    """Keys as a barcode scanner or a fast typist sends them: all read before any is handled."""
    from textual import events

    for key in keys:
        for part in ([key] if key in ("enter", "tab") else list(key)):
            char = {"enter": "\r", "tab": "\t"}.get(part, part)
            app.post_message(events.Key(part, char))


async def test_keys_sent_in_one_burst_land_in_the_fields_they_were_meant_for(app, demo_db):
    from dukcapil_tui.screens.main import MainScreen

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _burst(app, "loket1", "enter", "dukcapil", "enter")  # the password must never land in the username
        # scrypt and the failed-login floor take seconds on a busy machine
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), timeout=30.0, what="the login")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ResidentFormScreen)
        _burst(app, "5202045708050099", "tab", "SITI RAHMA", "tab", "PRAYA")
        await settle(pilot)
        assert form.query_one("#nik", Input).value == "5202045708050099"
        assert form.query_one("#name", Input).value == "SITI RAHMA"
        assert form.query_one("#birth_place", Input).value == "PRAYA"
