"""Antrean cetak: the printing backlog by status, with filters, oldest first.

From here the operator enters a central status read in SIAK, imports a SIAK listing,
marks a card as priority, and opens a print batch.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label, Select

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain.formatting import format_date, format_int, to_local
from dukcapil_tui.domain.text import sentence_case
from dukcapil_tui.i18n import t
from dukcapil_tui.services import blangko, cards, regions, sites, status_import, unsent
from dukcapil_tui.services.cards import BacklogFilter, BacklogRow
from dukcapil_tui.ui.base import BaseScreen, in_db, refusal_text, try_service
from dukcapil_tui.widgets.form_modal import FormField, FormModal, saved_message
from dukcapil_tui.widgets.paged_table import PagedTable
from dukcapil_tui.widgets.tiles import StatTile

TILE_STATUSES = card_rules.OPEN_STATUSES


class BacklogScreen(BaseScreen):
    section_id = "cetak"
    BINDINGS = [
        Binding("pagedown", "next_page", "residents.next_page", priority=True),
        Binding("pageup", "prev_page", "residents.prev_page", priority=True),
        Binding("s", "status", "backlog.enter_status"),
        Binding("i", "import", "backlog.import"),
        Binding("p", "priority", "backlog.toggle_priority"),
        Binding("r", "breakdown", "backlog.breakdown"),
        Binding("b", "batch", "backlog.print_batch"),
        Binding("k", "mark_sent", "unsent.key"),
        Binding("ctrl+r", "reload", "residents.refresh"),
        Binding("l", "sites", "sites.ui.open"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, token: int, rows: list[BacklogRow], cursor, counts, stock: int, index, waiting,
                     site_list, total: int | None) -> None:
            super().__init__()
            self.token, self.rows, self.cursor, self.counts, self.stock, self.index = (
                token,
                rows,
                cursor,
                counts,
                stock,
                index,
            )
            self.waiting, self.site_list, self.total = waiting, site_list, total

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("backlog.title")
        self._rows: list[BacklogRow] = []
        self._counts: cards.BacklogCounts | None = None
        self._waiting: unsent.UnsentCounts | None = None
        self._site_codes: list[str] = []
        self._filters_ready = False
        self._total: int | None = None  # cards the filter holds, counted with its first page

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="backlog-body"):
            with Horizontal(classes="tiles"):
                for status in TILE_STATUSES:
                    yield StatTile(sentence_case(t(f"cards.office.{status}")), id=f"tile-{status}")
                yield StatTile(t("backlog.stock"), id="tile-stock")
            yield Label("", id="backlog-unsent")
            with Horizontal(classes="filters"):
                yield Select([(t(f"cards.office.{s}"), s) for s in cards.WAITING], prompt=t("backlog.all_status"),
                             id="f-status")
                yield Select([], prompt=t("residents.all_kecamatan"), id="f-kecamatan")
                yield Select([(t(f"cards.reason.{r}"), r) for r in card_rules.REASONS], prompt=t("backlog.all_reason"),
                             id="f-reason")
                yield Select([(f"{label} {t('backlog.days')}", label) for _, _, label in card_rules.AGE_BUCKETS],
                             prompt=t("backlog.all_age"), id="f-age")
                yield Select([], prompt=t("backlog.all_sites"), id="f-site")
                yield Select([(t(f"cards.stage.{s}"), s) for s in card_rules.STAGES], prompt=t("backlog.all_stages"),
                             id="f-stage")
            yield PagedTable(id="backlog-table")
            yield Label(t("residents.loading"), id="backlog-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one(PagedTable)
        for key in ("nik", "name", "kecamatan", "site", "reason", "recorded", "age", "central", "office", "priority"):
            table.add_column(t(f"backlog.col.{key}"), key=key)
        table.focus()
        self._load(table.request())

    def current_filter(self) -> BacklogFilter:
        def value(selector: str) -> str | None:
            v = self.query_one(selector, Select).value
            return v if isinstance(v, str) else None

        return BacklogFilter(value("#f-status"), value("#f-kecamatan"), value("#f-reason"), value("#f-age"),
                             value("#f-site"), value("#f-stage"))

    def _load(self, token: int | None, with_counts: bool = True) -> None:
        if token is not None:
            table = self.query_one(PagedTable)
            self._fetch(token, self.current_filter(), table.cursor, table.page_size, with_counts)

    @work(thread=True, group="backlog", exit_on_error=False)
    def _fetch(self, token: int, flt: BacklogFilter, after, size: int, with_counts: bool) -> None:
        today = self.app.today()

        def read():
            rows, cursor = cards.backlog_page(flt, today, after, size)
            counts = cards.backlog_counts(today) if with_counts else None
            waiting = unsent.counts(today) if with_counts else None
            total = cards.backlog_total(flt, today) if after is None else None
            return rows, cursor, counts, blangko.balance(), regions.index(), waiting, sites.list_sites(), total

        self.post_message(self.Loaded(token, *in_db(read)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        table = self.query_one(PagedTable)
        if not table.current(message.token):
            return
        index = message.index
        if not self._filters_ready:
            self.query_one("#f-kecamatan", Select).set_options([(n, c) for c, n in index.kecamatan])
            self.query_one("#f-site", Select).set_options([(f"{s.code}", s.code) for s in message.site_list])
            self._filters_ready = True
        self._site_codes = [s.code for s in message.site_list if s.active]
        if message.waiting is not None:
            self._waiting = message.waiting
            whole = message.waiting.total
            self.query_one("#backlog-unsent", Label).update(t(
                "unsent.line", total=format_int(whole.unsent_total), centre=format_int(whole.at_centre),
                **{f"b{i}": format_int(whole.unsent[b]) for i, b in enumerate(unsent.BUCKETS)}))
        if message.counts is not None:
            self._counts = message.counts
            for status in TILE_STATUSES:
                self.query_one(f"#tile-{status}", StatTile).set_value(
                    format_int(message.counts.by_status.get(status, 0))
                )
        self.query_one("#tile-stock", StatTile).set_value(format_int(message.stock))
        self._rows = message.rows
        today = self.app.today()

        def cells(r: BacklogRow) -> tuple:
            recorded = to_local(r.recorded_at, self.app.timezone).date()
            return (r.nik, r.name, index.name(r.kecamatan_code), r.site_code or "-", t(f"cards.reason.{r.reason}"),
                    format_date(recorded), str((today - recorded).days), r.central_status,
                    t(f"cards.office.{r.office_status}"), t("yes") if r.priority else "")

        table.fill(((str(r.card_id), cells(r)) for r in message.rows), message.cursor)
        if message.total is not None:
            self._total = message.total
        status = table.status(t("backlog.empty"))
        if message.rows and self._total is not None:
            status += " · " + t("backlog.filter_total", count=format_int(self._total))
        self.query_one("#backlog-status", Label).update(status)
        self.refresh_bindings()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self._load(self.query_one(PagedTable).restart(), with_counts=False)

    def _selected(self) -> BacklogRow | None:
        table = self.query_one(DataTable)
        if not table.row_count or table.cursor_row >= len(self._rows):
            return None
        return self._rows[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        role = self.app.actor.role if self.app.actor else ""
        if action in ("status", "import", "priority", "batch", "mark_sent"):
            if role not in cards.STATUS_ROLES:
                return False
            if action in ("status", "priority"):
                return self._selected() is not None or None
        if action == "next_page":
            return self.query_one(PagedTable).has_next or None
        if action == "prev_page":
            return self.query_one(PagedTable).has_previous or None
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    # --- actions ---------------------------------------------------------------------------
    def action_next_page(self) -> None:
        self._load(self.query_one(PagedTable).forward(), with_counts=False)

    def action_prev_page(self) -> None:
        self._load(self.query_one(PagedTable).back(), with_counts=False)

    def action_reload(self) -> None:
        self._load(self.query_one(PagedTable).request())

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_sites(self) -> None:
        from dukcapil_tui.screens.sites import SitesScreen

        self.app.push_screen(SitesScreen())

    def action_status(self) -> None:
        row = self._selected()
        if row is None:
            return
        actor = self.app.actor
        allowed = (row.central_status, *card_rules.CENTRAL_MOVES.get(row.central_status, ()))
        fields = [
            FormField("status", t("backlog.field.central_status"), "select",
                      tuple((s, s) for s in allowed if s != row.central_status)),
            FormField("note", t("queue.field.notes"), max_length=200),
        ]
        title = t("backlog.status_title", name=row.name)
        self.app.push_screen(
            FormModal(title, fields, lambda v: cards.set_central_status(actor, row.nik, v["status"], v["note"]),
                      intro=t("backlog.status_intro", nik=row.nik, status=row.central_status)),
            lambda result: self._changed(title, result),
        )

    def action_import(self) -> None:
        actor = self.app.actor
        fields = [FormField("path", t("backlog.field.file"), placeholder="/home/.../status_siak.xlsx",
                            hint=t("backlog.import_hint"))]

        def run(values: dict):
            path = Path(values["path"].strip()).expanduser()
            if not values["path"].strip() or not path.is_file():
                from dukcapil_tui.domain.problems import ValidationError

                raise ValidationError({"path": t("backlog.file_missing", path=values["path"])})
            return status_import.import_statuses(actor, path, confirmed=values.get("confirmed", False))

        self.app.push_screen(FormModal(t("backlog.import_title"), fields, run, submit_label=t("backlog.import")),
                             self._imported)

    def _imported(self, result) -> None:
        if result is None:
            return
        summary = t("backlog.import_result", total=result.total, applied=result.applied, created=result.created,
                    residents=result.residents_created, unchanged=result.unchanged, rejected=len(result.rejected))
        self.action_reload()
        if not result.rejected:
            self.app.notify(summary)
            return
        # The rejected rows stay on screen until read (and in the report file, whose path is shown).
        from dukcapil_tui.widgets.messages import TextModal

        lines = [summary, t("import.report_written", path=result.report_path), ""]
        lines += [t("import.rejected_line", line=line, field=nik, reason=reason)
                  for line, nik, reason in result.rejected[:200]]
        if len(result.rejected) > 200:
            lines.append(f"… (+{len(result.rejected) - 200})")
        self.app.push_screen(TextModal(t("backlog.import_title"), "\n".join(lines)))

    def action_priority(self) -> None:
        row = self._selected()
        if row is not None:
            self._toggle_priority(row.card_id, not row.priority)

    @work(thread=True, group="backlog-priority", exit_on_error=False)
    def _toggle_priority(self, card_id: int, priority: bool) -> None:
        _, problems = try_service(cards.set_priority, self.app.actor, card_id, priority)
        if problems:
            self.app.call_from_thread(self.app.notify, escape(refusal_text(problems)), severity="error")
        self.app.call_from_thread(self.action_reload)

    def _changed(self, title: str, result) -> None:
        if result is not None:
            self.app.notify(saved_message(title))
            self.action_reload()

    def action_breakdown(self) -> None:
        if self._counts is not None:
            from dukcapil_tui.screens.backlog_breakdown import BreakdownModal

            self.app.push_screen(BreakdownModal(self._counts, self._waiting))

    def action_mark_sent(self) -> None:
        """Which site's recordings, made until when, were sent: the number is asked about first."""
        from dukcapil_tui.domain.problems import ValidationError
        from dukcapil_tui.domain.residents import parse_date

        def day(values: dict, name: str, required: bool):
            text = values[name].strip()
            if not text and not required:
                return None
            found = parse_date(text)
            if found is None:
                raise ValidationError({name: t("field.bad_date", field=t(f"unsent.field.{name}"))})
            return found

        def preview(values: dict):
            if not values["site"]:
                raise ValidationError({"site": t("field.required", field=t("unsent.field.site"))})
            until, since = day(values, "until", True), day(values, "since", False)
            count = unsent.pending(values["site"], until, since)
            if not count:
                from dukcapil_tui.services.context import ServiceError

                raise ServiceError(t("unsent.nothing", site=values["site"], until=format_date(until),
                                     since=format_date(since) if since else "-"))
            unsent.require_link(values["site"], values.get("confirmed", False))  # asked in the form
            return values["site"], until, since, count

        fields = [
            FormField("site", t("unsent.field.site"), "select", tuple((c, c) for c in self._site_codes),
                      value=self.current_filter().site_code or ""),
            FormField("since", t("unsent.field.since"), placeholder="DD-MM-YYYY", max_length=10,
                      hint=t("unsent.since_hint")),
            FormField("until", t("unsent.field.until"), value=format_date(self.app.today()), max_length=10),
        ]
        self.app.push_screen(FormModal(t("unsent.title"), fields, preview, intro=t("unsent.intro")),
                             self._confirm_sent)

    def _confirm_sent(self, chosen) -> None:
        if chosen is None:
            return
        from dukcapil_tui.widgets.dialogs import ConfirmModal

        site, until, since, count = chosen
        self.app.push_screen(ConfirmModal(t("unsent.title"), [unsent.describe(count, site, until, since)]),
                             lambda yes: yes and self._send(site, until, since))

    @work(thread=True, group="backlog-sent", exit_on_error=False)
    def _send(self, site: str, until, since) -> None:
        count, problems = try_service(unsent.mark_sent, self.app.actor, site, until, since, confirmed=True)
        if problems is not None:
            self.app.call_from_thread(self.app.notify, escape(refusal_text(problems)), severity="error")
        else:
            self.app.call_from_thread(self.app.notify, t("unsent.done", count=format_int(count)))
        self.app.call_from_thread(self.action_reload)

    def action_batch(self) -> None:
        from dukcapil_tui.screens.print_batch import PrintBatchScreen

        self.app.push_screen(PrintBatchScreen(), lambda _: self.action_reload())
