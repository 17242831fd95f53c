"""The paged table every long list uses: cursors kept for PgUp, stale pages dropped, the status line."""

from __future__ import annotations

from textual.app import App, ComposeResult

from dukcapil_tui.widgets.paged_table import PagedTable


class Lister(App):
    def compose(self) -> ComposeResult:
        yield PagedTable(id="list", page_size=2)


def rows(*numbers: int):
    return [(str(n), (f"baris {n}",)) for n in numbers]


async def test_pages_forward_back_and_restart():
    app = Lister()
    async with app.run_test():
        table = app.query_one(PagedTable)
        table.add_column("isi")
        assert (table.cursor, table.page_number, table.has_next, table.has_previous) == (None, 1, False, False)
        assert table.forward() is None and table.back() is None  # nowhere to go yet
        first = table.request()
        assert table.current(first)
        table.fill(rows(1, 2), next_cursor=2)
        assert table.status("kosong") == "Halaman 1 · 2 baris · PgDn: halaman berikut"
        second = table.forward()
        assert second == first + 1 and table.cursor == 2 and table.page_number == 2
        assert not table.current(first)  # a page read before is dropped
        table.fill(rows(3), next_cursor=None)
        assert (table.row_count, table.has_next, table.has_previous) == (1, False, True)
        assert table.status("kosong") == "Halaman 2 · 1 baris"
        assert table.forward() is None
        assert table.back() is not None and table.cursor is None and table.page_number == 1
        table.fill(rows(1, 2), next_cursor=2)
        table.forward()
        restarted = table.restart()
        assert (table.cursor, table.page_number, table.has_next, table.current(restarted)) == (None, 1, False, True)
        table.fill([], next_cursor=None)
        assert table.status("Tidak ada data.") == "Tidak ada data."
