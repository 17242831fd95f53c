"""Export a recap from the Laporan screen with the keyboard and open the file it wrote."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Label, OptionList, ProgressBar

from dukcapil_tui.screens.laporan import LaporanScreen

from .conftest import login, query_db, settle

SIZE = (120, 40)


async def open_laporan(pilot, user: str = "admin") -> LaporanScreen:
    """Logged in as ``user``, the Laporan screen (F12) with its first preview shown."""
    await login(pilot, user)
    await pilot.press("f12")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LaporanScreen)
    return pilot.app.screen


async def test_export_capaian_from_the_screen(app, demo_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "kirim"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_laporan(pilot)
        figures = screen.query_one(DataTable)
        shown = {figures.get_row_at(i)[0]: figures.get_row_at(i)[1] for i in range(figures.row_count)}
        wajib = query_db(demo_db, "SELECT COUNT(*) FROM resident WHERE birth_date <= '2009-11-22' "
                                  "OR marital_status != 'belum_kawin'")[0][0]
        assert shown["Wajib KTP"] == f"{wajib:,}".replace(",", ".")
        bar = screen.query_one(ProgressBar)
        assert not bar.display  # nothing runs: no bar
        folder = screen.query_one("#laporan-folder", Input)
        folder.value = str(tmp_path / "tidak-ada" / "kirim")  # a folder on a drive not mounted
        await pilot.press("ctrl+e")
        await settle(pilot)
        result = str(screen.query_one("#laporan-result", Label).render()).replace("\n", " ")
        assert "tidak ada (flashdisk atau folder jaringan belum terpasang?)" in result
        assert not bar.display  # the refused export leaves no bar spinning
        folder.value = str(out)
        await pilot.press("ctrl+e")
        await settle(pilot)
        result = str(screen.query_one("#laporan-result", Label).render())
        assert "Berkas tersimpan" in result and "5202_capaian-perekaman_2026-11.xlsx" in result.replace("\n", "")
        assert bar.display and bar.percentage == 1
    written = out / "5202_capaian-perekaman_2026-11.xlsx"
    assert written.exists()
    workbook = load_workbook(written)
    assert "KABUPATEN LOMBOK TENGAH" in str(workbook.worksheets[0]["A1"].value).upper() or any(
        "LOMBOK TENGAH" in str(c.value).upper() for row in workbook.worksheets[0].iter_rows(max_row=4) for c in row)
    actions = query_db(demo_db, "SELECT action, entity_id FROM audit_log WHERE action = 'report.export'")
    assert actions == [("report.export", "capaian")]


async def test_named_list_is_offered_to_the_head_only(app):
    async with app.run_test(size=SIZE) as pilot:
        menu = (await open_laporan(pilot, "loket1")).query_one(OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert "belum-rekam" not in ids and "capaian" in ids


async def test_a_future_month_is_refused_with_a_message(app):
    async with app.run_test(size=SIZE) as pilot:
        period = (await open_laporan(pilot)).query_one("#laporan-period", Input)
        period.value = "2027-01"
        period.focus()
        await pilot.press("enter")
        await settle(pilot)
        head = str(app.screen.query_one("#laporan-head", Label).render()).replace("\n", " ")
        assert head.startswith("Periode: Bulan 2027-01 belum dimulai")
        assert app.screen.query_one(DataTable).row_count == 0


async def test_export_writes_the_period_the_field_holds_even_after_a_preview_of_another(app, tmp_path):
    out = tmp_path / "kirim"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_laporan(pilot)
        screen.query_one("#laporan-folder", Input).value = str(out)
        period = screen.query_one("#laporan-period", Input)
        assert period.value == "2026-11"  # previewed on opening
        period.value = "2026-10"  # changed, not previewed again
        await pilot.press("ctrl+e")
        await settle(pilot)
        result = str(screen.query_one("#laporan-result", Label).render()).replace("\n", "")
        assert "5202_capaian-perekaman_2026-10.xlsx" in result
        head = str(screen.query_one("#laporan-head", Label).render()).upper()
        assert "31 OKTOBER 2026" in head  # the preview follows the file written
        # a period the preview would refuse: the export says so too, and writes nothing
        period.value = "31-02-2026"
        await pilot.press("ctrl+e")
        await settle(pilot)
        result = str(screen.query_one("#laporan-result", Label).render()).replace("\n", " ")
        assert result.startswith("Periode: Tanggal '31-02-2026' tidak dikenal") and "Berkas tersimpan" not in result
    assert sorted(p.name for p in out.iterdir()) == ["5202_capaian-perekaman_2026-10.xlsx"]
