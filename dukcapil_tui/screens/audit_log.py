"""Log audit (the head): who did what, when, to which record.

Filters: a user, an office-local day (typed DD-MM-YYYY, Enter applies it), a kind of record.
The newest entries come first, a page at a time (PgDn older, PgUp newer); Enter shows one entry
whole (what changed, copyable). Read-only: nothing here writes.
"""

from __future__ import annotations

import json

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label, Select

from dukcapil_tui.domain.formatting import format_datetime
from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.i18n import t
from dukcapil_tui.services import audit_view
from dukcapil_tui.services.audit_view import AuditFilter, AuditRow
from dukcapil_tui.ui.base import BaseScreen, refusal_text, try_service
from dukcapil_tui.widgets.messages import TextModal
from dukcapil_tui.widgets.paged_table import PagedTable


class AuditLogScreen(BaseScreen):
    section_id = "audit"
    DEFAULT_CSS = """
    #audit-filters { height: auto; }
    #audit-filters Select { width: 1fr; }
    #audit-day { width: 26; }
    """
    BINDINGS = [
        Binding("pagedown", "older", "blangko.ui.older", priority=True),
        Binding("pageup", "newer", "blangko.ui.newer", priority=True),
        Binding("ctrl+r", "reload", "residents.refresh"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, token: int, rows: list[AuditRow] | None, next_id: int | None, problem: str = "") -> None:
            super().__init__()
            self.token, self.rows, self.next_id, self.problem = token, rows, next_id, problem

    class ChoicesLoaded(Message):
        def __init__(self, users: list[str], entities: list[str]) -> None:
            super().__init__()
            self.users, self.entities = users, entities

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("audit_ui.title")
        self._rows: list[AuditRow] = []
        self._filter = AuditFilter()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="audit-body"):
            with Horizontal(id="audit-filters"):
                yield Select([], prompt=t("audit_ui.all_users"), id="audit-user")
                yield Input(placeholder=t("audit_ui.day"), id="audit-day", max_length=10, restrict=r"[0-9\-]*")
                yield Select([], prompt=t("audit_ui.all_entities"), id="audit-entity")
            yield PagedTable(id="audit-table")
            yield Label(t("residents.loading"), id="audit-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one(PagedTable)
        for key in ("number", "at", "user", "workstation", "action", "entity", "changes"):
            table.add_column(t(f"audit_ui.col.{key}"), key=key)
        table.focus()
        self._choices()
        self._load(table.request())

    # --- loading ---------------------------------------------------------------------------
    @work(thread=True, group="audit-choices", exit_on_error=False)
    def _choices(self) -> None:
        found, _ = try_service(audit_view.choices, self.app.actor)
        if found is not None:
            self.post_message(self.ChoicesLoaded(*found))

    @on(ChoicesLoaded)
    def _choices_loaded(self, message: ChoicesLoaded) -> None:
        self.query_one("#audit-user", Select).set_options([(u, u) for u in message.users])
        self.query_one("#audit-entity", Select).set_options(
            [(audit_view.entity_label(e), e) for e in message.entities])

    def _load(self, token: int | None) -> None:
        if token is not None:
            table = self.query_one(PagedTable)
            self._fetch(token, self._filter, table.cursor, table.page_size)

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def _fetch(self, token: int, flt: AuditFilter, before_id: int | None, size: int) -> None:
        found, problems = try_service(audit_view.page, self.app.actor, flt, before_id, size)
        if found is None:
            self.post_message(self.Loaded(token, None, None, refusal_text(problems)))
        else:
            self.post_message(self.Loaded(token, *found))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        table = self.query_one(PagedTable)
        if not table.current(message.token):
            return
        status = self.query_one("#audit-status", Label)
        if message.rows is None:
            status.update(escape(message.problem))
            return
        self._rows = message.rows
        zone = self.app.timezone
        table.fill(((str(r.id), (str(r.id), format_datetime(r.at, zone), r.username, r.workstation, r.action,
                                 f"{audit_view.entity_label(r.entity)} {r.entity_id}".strip(), escape(r.summary)))
                    for r in message.rows), message.next_id)
        status.update(table.status(t("audit_ui.empty")))
        self.refresh_bindings()

    # --- filters ---------------------------------------------------------------------------
    def _apply(self) -> bool:
        user = self.query_one("#audit-user", Select).value
        entity = self.query_one("#audit-entity", Select).value
        text = self.query_one("#audit-day", Input).value.strip()
        day = parse_date(text) if text else None
        if text and day is None:
            self.query_one("#audit-status", Label).update(escape(t("audit_ui.bad_day", value=text)))
            return False
        self._filter = AuditFilter(user if isinstance(user, str) else None, day,
                                   entity if isinstance(entity, str) else None)
        self._load(self.query_one(PagedTable).restart())
        return True

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self._apply()

    @on(Input.Submitted, "#audit-day")
    def _day_submitted(self) -> None:
        if self._apply():  # a day not understood keeps the field, to be corrected
            self.query_one(PagedTable).focus()

    # --- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "older":
            return self.query_one(PagedTable).has_next or None
        if action == "newer":
            return self.query_one(PagedTable).has_previous or None
        return True

    def action_older(self) -> None:
        self._load(self.query_one(PagedTable).forward())

    def action_newer(self) -> None:
        self._load(self.query_one(PagedTable).back())

    def action_reload(self) -> None:
        self._load(self.query_one(PagedTable).request())

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.RowSelected)
    def _show_entry(self, event: DataTable.RowSelected) -> None:
        row = next((r for r in self._rows if str(r.id) == event.row_key.value), None)
        if row is None:
            return
        text = "\n".join([
            f"{t('audit_ui.col.at')}: {format_datetime(row.at, self.app.timezone)}",
            f"{t('audit_ui.col.user')}: {row.username} @ {row.workstation}",
            f"{t('audit_ui.col.action')}: {row.action}",
            f"{t('audit_ui.col.entity')}: {audit_view.entity_label(row.entity)} {row.entity_id}".rstrip(),
            "",
            json.dumps(row.changes, ensure_ascii=False, indent=2, default=str),
        ])
        self.app.push_screen(TextModal(t("audit_ui.entry_title", number=row.id), text))
