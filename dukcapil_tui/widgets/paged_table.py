"""The table every long list uses: one page at a time, read at the database by keyset paging.

A page starts at a cursor (None for the first; otherwise the sort key of the last row shown
before it), so page 1 and page 10,000 of a million residents cost the same. The table keeps
the cursors of the pages seen, so PgUp goes back without counting rows. The screen that owns
the table reads a page in its own worker, as every screen does, and hands the rows back:

    token = table.request()                     # on mount, after a filter changed: restart()
    rows, next_cursor = service.page(filter, table.cursor, PAGE)   # in the worker
    if table.current(token): table.fill(rows, next_cursor)          # on the UI thread

A page that arrives after a newer request was made is dropped (``current``): typing fast in a
search field never shows the results of an earlier letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.widgets import DataTable

from dukcapil_tui.i18n import t

PAGE_SIZE = 50


class PagedTable(DataTable):
    def __init__(self, *, id: str | None = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.page_size = page_size
        self._cursors: list[object] = [None]  # where each page seen starts
        self._next: object = None
        self._token = 0
        self._shown = 0

    # --- where the list stands --------------------------------------------------------
    @property
    def cursor(self) -> object:
        """Where the page to read starts (None: the first page)."""
        return self._cursors[-1]

    @property
    def page_number(self) -> int:
        return len(self._cursors)

    @property
    def has_next(self) -> bool:
        return self._next is not None

    @property
    def has_previous(self) -> bool:
        return len(self._cursors) > 1

    # --- moving ------------------------------------------------------------------------
    def request(self) -> int:
        """A new read of the current page; returns its token (see ``current``)."""
        self._token += 1
        return self._token

    def current(self, token: int) -> bool:
        """Whether a page read under ``token`` is still the one wanted."""
        return token == self._token

    def restart(self) -> int:
        """Back to the first page (a filter or the search changed); returns the read's token."""
        self._cursors = [None]
        self._next = None
        return self.request()

    def forward(self) -> int | None:
        """To the next page, when there is one: the read's token, else None."""
        if self._next is None:
            return None
        self._cursors.append(self._next)
        self._next = None
        return self.request()

    def back(self) -> int | None:
        """To the previous page, when there is one: the read's token, else None."""
        if len(self._cursors) < 2:
            return None
        self._cursors.pop()
        return self.request()

    # --- showing -----------------------------------------------------------------------
    def fill(self, rows: Iterable[tuple[str, Sequence[object]]], next_cursor: object) -> None:
        """Show one page: ``rows`` as (key, cells); ``next_cursor`` where the next page starts
        (None when this is the last)."""
        self.clear()
        self._shown = 0
        for key, cells in rows:
            self.add_row(*cells, key=key)
            self._shown += 1
        self._next = next_cursor

    def status(self, empty: str) -> str:
        """"Halaman 2 · 50 baris · PgDn: halaman berikut", or ``empty`` when nothing is shown."""
        if not self._shown:
            return empty
        text = t("residents.page", page=self.page_number, shown=self._shown)
        return text + (" · " + t("residents.page_more") if self.has_next else "")
