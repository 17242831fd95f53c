"""Blangko: the stock, the forecast, the ledger; receipts (dated, and against a request to the
province), loans, damage, stock counts, requests to the province, and the head's approvals
(count adjustments, corrections, month close, destruction of spoiled cards, closing a request).
A receipt or loan dated on a locked day is refused with the lock's message."""

from __future__ import annotations

from datetime import date, timedelta

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain.formatting import format_date, format_decimal, format_int, format_signed
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.i18n import t
from dukcapil_tui.services import blangko, blangko_corrections, blangko_requests, ledger_view
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.widgets.form_modal import FormField, FormModal, saved_message
from dukcapil_tui.widgets.paged_table import PagedTable
from dukcapil_tui.widgets.tiles import StatTile


class BlangkoScreen(BaseScreen):
    section_id = "blangko"
    BINDINGS = [
        Binding("r", "receive", "blangko.ui.receive"),
        Binding("l", "loan", "blangko.ui.loan"),
        Binding("d", "damaged", "blangko.ui.damaged"),
        Binding("w", "withdraw", "blangko.ui.withdraw"),
        Binding("o", "count", "blangko.ui.count"),
        Binding("k", "correct", "blangko.ui.correct"),
        Binding("a", "decide", "blangko.ui.decide"),
        Binding("m", "close_month", "blangko.ui.close_month"),
        Binding("x", "destroy", "blangko.ui.destroy"),
        Binding("q", "request", "blangko.ui.request"),
        Binding("p", "requests", "blangko.ui.requests"),
        Binding("u", "close_request", "blangko.ui.close_request"),
        Binding("pagedown", "older", "blangko.ui.older", priority=True),  # the ledger runs newest first
        Binding("pageup", "newer", "blangko.ui.newer", priority=True),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, token: int, forecast, movements, pending, spoiled: tuple[int, int], corrections: list,
                     corrected: set[int], requests: list) -> None:
            super().__init__()
            self.token = token
            self.forecast, self.movements, self.pending, self.spoiled = forecast, movements, pending, spoiled
            self.corrections, self.corrected, self.requests = corrections, corrected, requests

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("blangko.ui.title")
        self._movements = []
        self._pending = []
        self._corrections: list[blangko_corrections.PendingCorrection] = []
        self._requests: list[blangko_requests.RequestRow] = []  # outstanding ones

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="blangko-body"):
            with Horizontal(classes="tiles"):
                yield StatTile(t("blangko.ui.stock"), id="tile-stock")
                yield StatTile(t("blangko.ui.per_day"), id="tile-per-day")
                yield StatTile(t("blangko.ui.days_left"), id="tile-days-left")
                yield StatTile(t("blangko.ui.ready"), id="tile-ready")
                yield StatTile(t("blangko.ui.shortfall"), id="tile-shortfall")
            yield Label("", id="blangko-warning")
            yield Label(t("blangko.ui.ledger"), classes="section-title")
            yield PagedTable(id="ledger")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one(PagedTable)
        for key in ("day", "kind", "quantity", "reference", "source", "user"):
            table.add_column(t(f"blangko.col.{key}"), key=key)
        table.focus()
        self._load(table.request())

    def _load(self, token: int | None) -> None:
        if token is not None:
            table = self.query_one(PagedTable)
            self._fetch(token, table.cursor, table.page_size, self.app.today())

    @work(thread=True, exclusive=True, group="blangko", exit_on_error=False)
    def _fetch(self, token: int, before_id: int | None, size: int, today: date) -> None:
        def read():
            movements = blangko.movements_page(before_id, size + 1)  # one more: is there an older page?
            waiting = blangko.spoiled_waiting_destruction()
            spoiled = (sum(1 for w in waiting if w.kind == "blangko"), sum(1 for w in waiting if w.kind == "ditarik"))
            return (blangko.forecast(today), movements, blangko.pending_counts(), spoiled,
                    blangko_corrections.pending(), blangko_corrections.corrected_ids([m.id for m in movements]),
                    blangko_requests.rows(open_only=True))

        self.post_message(self.Loaded(token, *in_db(read)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if not self.query_one(PagedTable).current(message.token):
            return  # a newer page was asked for meanwhile
        f = message.forecast
        self._movements, self._pending = message.movements, message.pending
        self._corrections = message.corrections
        self._requests = message.requests
        self.query_one("#tile-stock", StatTile).set_value(format_int(f.balance))
        self.query_one("#tile-per-day", StatTile).set_value(format_decimal(f.prints_per_day, 1))
        self.query_one("#tile-days-left", StatTile).set_value(
            "-" if f.days_left is None else format_decimal(f.days_left, 0)
        )
        self.query_one("#tile-ready", StatTile).set_value(format_int(f.ready_to_print))
        self.query_one("#tile-shortfall", StatTile).set_value(format_int(f.shortfall))
        notes = []
        if f.below_threshold:
            notes.append(t("blangko.below_threshold", stock=format_int(f.balance), threshold=format_int(f.threshold)))
        if message.pending:
            notes.append(t("blangko.ui.pending", count=len(message.pending)))
        if message.corrections:
            notes.append(t("blangko.ui.corrections_pending", count=len(message.corrections)))
        blanks, withdrawn = message.spoiled
        if blanks:
            notes.append(t("blangko.ui.spoiled_waiting", count=blanks))
        if withdrawn:
            notes.append(t("blangko.ui.withdrawn_waiting", count=withdrawn))
        if message.requests:
            notes.append(t("dash.blangko.requests", requests=len(message.requests),
                           blanks=format_int(sum(r.outstanding for r in message.requests)),
                           since=format_date(message.requests[0].day)))
        self.query_one("#blangko-warning", Label).update(escape("\n".join(notes)))
        table = self.query_one(PagedTable)
        shown = self._movements[:table.page_size]
        table.fill(((str(m.id), (format_date(m.day), t(f"blangko.kind.{m.kind}"), format_signed(m.quantity),
                                 ledger_view.reference(m, m.id in message.corrected), m.source, m.username))
                    for m in shown), shown[-1].id if len(self._movements) > table.page_size else None)
        self._movements = shown
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        role = self.app.actor.role if self.app.actor else ""
        if action in ("receive", "loan", "count", "request", "requests"):
            return role in blangko.KEEPER_ROLES
        if action == "close_request":
            return False if role != "admin" else (bool(self._requests) or None)
        if action == "correct":
            if role not in blangko.KEEPER_ROLES:
                return False
            return bool(self._movements) or None
        if action == "damaged":
            return role in (*blangko.KEEPER_ROLES, "cetak")
        if action == "withdraw":
            return role in blangko.WITHDRAW_ROLES
        if action in ("decide", "close_month", "destroy"):
            if role != "admin":
                return False
            return (bool(self._pending or self._corrections) or None) if action == "decide" else True
        if action == "older":
            return self.query_one(PagedTable).has_next or None
        if action == "newer":
            return self.query_one(PagedTable).has_previous or None
        return True

    def action_older(self) -> None:
        self._load(self.query_one(PagedTable).forward())

    def action_newer(self) -> None:
        self._load(self.query_one(PagedTable).back())

    def action_back(self) -> None:
        self.app.pop_screen()

    def _form(self, title: str, fields: list[FormField], action, intro: str = "") -> None:
        self.app.push_screen(FormModal(title, fields, action, intro=intro), lambda result: self._after(title, result))

    def _after(self, title: str, result) -> None:
        if result is not None:
            self.app.notify(saved_message(title))
            self._load(self.query_one(PagedTable).restart())

    # --- keeper's work -------------------------------------------------------------------------
    def _day_field(self) -> FormField:
        return FormField("day", t("blangko.ui.day"), value=format_date(self.app.today()), placeholder="DD-MM-YYYY",
                         max_length=10, hint=t("blangko.ui.day_hint"))

    def action_receive(self) -> None:
        actor = self.app.actor
        requests = tuple((str(r.id), t("blangko.ui.request_option", number=r.id, letter=r.letter_no,
                                       outstanding=format_int(r.outstanding))) for r in self._requests)
        self._form(t("blangko.ui.receive"), [
            FormField("quantity", t("blangko.col.quantity"), placeholder="1.000", restrict=r"[0-9.]*", max_length=9),
            FormField("document_no", t("blangko.field.document_no"), max_length=80),
            FormField("source", t("blangko.field.source"), value="Kemendagri", max_length=80),
            self._day_field(),
            FormField("request_id", t("request.field.request"), "select", requests, hint=t("request.none")),
            FormField("note", t("queue.field.notes"), hint=t("blangko.ui.lot_hint"), max_length=200),
        ], lambda v: blangko.receive(actor, v["quantity"], v["document_no"], v["source"], v["note"], _day(v),
                                     confirmed=v.get("confirmed", False), request_id=v["request_id"] or None))

    def action_loan(self) -> None:
        actor = self.app.actor
        self._form(t("blangko.ui.loan"), [
            FormField("direction", t("blangko.ui.direction"), "select",
                      (("out", t("blangko.kind.loan_out")), ("in", t("blangko.kind.loan_in")),
                       ("returned", t("blangko.ui.returned_option")))),
            FormField("quantity", t("blangko.col.quantity"), restrict=r"[0-9.]*", max_length=9),
            FormField("office", t("blangko.field.office"), max_length=80),
            FormField("reference", t("blangko.col.reference"), max_length=80),
            self._day_field(),
        ], lambda v: (blangko.returned(actor, v["quantity"], v["office"], v["reference"], day=_day(v))
                      if v["direction"] == "returned" else
                      blangko.loan(actor, v["direction"], v["quantity"], v["office"], v["reference"], day=_day(v),
                                   confirmed=v.get("confirmed", False))))

    # --- requests to the province ----------------------------------------------------------------
    def action_request(self) -> None:
        actor = self.app.actor
        self._form(t("blangko.ui.request"), [
            FormField("quantity", t("blangko.col.quantity"), placeholder="2.000", restrict=r"[0-9.]*", max_length=9),
            FormField("letter_no", t("request.field.letter_no"), max_length=blangko_requests.MAX_TEXT),
            FormField("addressed_to", t("request.field.addressed_to"), value=blangko_requests.DEFAULT_ADDRESSEE,
                      max_length=blangko_requests.MAX_TEXT),
            FormField("day", t("request.field.day"), value=format_date(self.app.today()), placeholder="DD-MM-YYYY",
                      max_length=10),
            FormField("note", t("queue.field.notes"), max_length=blangko_requests.MAX_TEXT),
        ], lambda v: blangko_requests.request(actor, v["quantity"], v["letter_no"], v["addressed_to"], v["note"],
                                              day=_day(v), confirmed=v.get("confirmed", False)),
            intro=t("blangko.ui.request_intro"))

    def action_requests(self) -> None:
        self._list_requests()

    @work(thread=True, exclusive=True, group="blangko-requests", exit_on_error=False)
    def _list_requests(self) -> None:
        from dukcapil_tui.widgets.messages import TextModal

        lines = [line for r in in_db(blangko_requests.rows) for line in blangko_requests.describe(r)]
        text = "\n".join(lines) or t("blangko.ui.no_requests")
        self.app.call_from_thread(self.app.push_screen, TextModal(t("blangko.ui.requests"), text))

    def action_close_request(self) -> None:
        from dukcapil_tui.widgets.dialogs import PickModal

        actor = self.app.actor
        options = [(t("blangko.ui.request_option", number=r.id, letter=r.letter_no,
                      outstanding=format_int(r.outstanding)), r) for r in self._requests]

        def picked(row) -> None:
            if row is None:
                return
            self._form(t("blangko.ui.close_request"), [
                FormField("reason", t("request.field.close_reason"), max_length=blangko_requests.MAX_TEXT),
            ], lambda v: blangko_requests.close(actor, row.id, v["reason"]),
                intro=t("blangko.ui.close_request_intro", number=row.id, letter=row.letter_no,
                        outstanding=format_int(row.outstanding)))

        if options:
            self.app.push_screen(PickModal(t("blangko.ui.close_request"), options), picked)

    def action_damaged(self) -> None:
        actor = self.app.actor
        self._form(t("blangko.ui.damaged"), [
            FormField("reason", t("blangko.field.reason"), "select",
                      tuple((r, t(f"blangko.spoil.{r}")) for r in card_rules.SPOIL_REASONS), value="rusak_fisik"),
            FormField("nik", t("blangko.ui.nik_optional"), "nik"),
            FormField("note", t("queue.field.notes"), max_length=200),
        ], lambda v: blangko.damaged(actor, v["reason"], v["nik"] or None, v["note"]))

    def action_withdraw(self) -> None:
        actor = self.app.actor
        self._form(t("blangko.ui.withdraw"), [
            FormField("nik", t("resident.field.nik"), "nik"),
            FormField("reason", t("withdrawn.field.reason"), "select",
                      tuple((r, t(f"blangko.spoil.{r}")) for r in card_rules.WITHDRAW_REASONS), value="rusak_fisik"),
            FormField("note", t("queue.field.notes"), max_length=200),
        ], lambda v: blangko.withdraw(actor, v["nik"], v["reason"], v["note"]), intro=t("blangko.ui.withdraw_intro"))

    def action_count(self) -> None:
        actor = self.app.actor
        self._form(t("blangko.ui.count"), [
            FormField("counted", t("blangko.ui.counted"), restrict=r"[0-9.]*", max_length=9),
            FormField("note", t("queue.field.notes"), max_length=200),
        ], lambda v: blangko.record_count(actor, v["counted"], v["note"], confirmed=v.get("confirmed", False)),
            intro=t("blangko.ui.count_intro"))

    def action_correct(self) -> None:
        """Ask for the highlighted entry to be corrected; the head approves it."""
        table = self.query_one(DataTable)
        if not self._movements or table.cursor_row < 0:
            return
        movement = self._movements[min(table.cursor_row, len(self._movements) - 1)]
        actor = self.app.actor
        self._form(t("blangko.ui.correct_title", number=movement.id), [
            FormField("quantity", t("correction.field.quantity"), restrict=r"[0-9.]*", max_length=9,
                      hint=t("blangko.ui.correct_hint")),
            FormField("reason", t("correction.field.reason"), max_length=blangko_corrections.MAX_REASON),
        ], lambda v: blangko_corrections.request(actor, movement.id, v["quantity"], v["reason"],
                                                 confirmed=v.get("confirmed", False)),
            intro=t("blangko.ui.correct_intro", entry=blangko_corrections.describe(movement)))

    # --- the head's approvals -----------------------------------------------------------------
    def action_decide(self) -> None:
        """The head decides a pending count or correction (asked which, when there are several)."""
        items = [("count", c) for c in self._pending] + [("correction", c) for c in self._corrections]
        if len(items) == 1:
            self._decide(*items[0])
        elif items:
            from dukcapil_tui.widgets.dialogs import PickModal

            options = [(t("blangko.ui.pick_count", number=c.id, counted=format_int(c.counted), user=c.username)
                        if kind == "count" else
                        t("blangko.ui.pick_correction", number=c.id, entry=c.entry, quantity=format_int(c.quantity),
                          user=c.requested_by), (kind, c)) for kind, c in items]
            self.app.push_screen(PickModal(t("blangko.ui.decide"), options),
                                 lambda picked: picked is not None and self._decide(*picked))

    def _decide(self, kind: str, item) -> None:
        if kind == "correction":
            actor = self.app.actor
            intro = t("blangko.ui.correction_intro", entry=item.entry, quantity=format_int(item.quantity),
                      delta=format_signed(item.delta), reason=item.reason, user=item.requested_by)
            self._form(t("blangko.ui.decide"), [
                FormField("decision", t("blangko.ui.decision"), "select",
                          (("approve", t("blangko.ui.approve")), ("reject", t("blangko.ui.reject")))),
            ], lambda v: blangko_corrections.decide(actor, item.id, _decision(v["decision"])), intro=intro)
            return
        self._decide_count(item)

    def _decide_count(self, count) -> None:
        actor = self.app.actor
        variance = count.counted - count.computed
        intro = t("blangko.ui.decide_intro", counted=format_int(count.counted), computed=format_int(count.computed),
                  variance=format_signed(variance), user=count.username,
                  day=format_date(count.day if isinstance(count.day, date) else parse_date(count.day)))
        self._form(t("blangko.ui.decide"), [
            FormField("decision", t("blangko.ui.decision"), "select",
                      (("approve", t("blangko.ui.approve")), ("reject", t("blangko.ui.reject")))),
        ], lambda v: blangko.decide_count(actor, count.id, _decision(v["decision"])), intro=intro)

    def action_close_month(self) -> None:
        actor = self.app.actor
        today = self.app.today()
        previous = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        self._form(t("blangko.ui.close_month"), [
            FormField("month", t("blangko.ui.month"), value=previous, placeholder="YYYY-MM", max_length=7),
        ], lambda v: blangko.close_month(actor, v["month"].strip()), intro=t("blangko.ui.close_intro"))

    def action_destroy(self) -> None:
        actor = self.app.actor
        today = self.app.today()

        def run(v: dict):
            day = parse_date(v["day"])
            if day is None:
                raise ValidationError({"day": t("field.bad_date", field=t("blangko.ui.ba_date"))})
            return blangko.destroy(actor, v["berita_acara_no"], day)

        self._form(
            t("blangko.ui.destroy"),
            [
                FormField("berita_acara_no", t("blangko.field.berita_acara"), max_length=80),
                FormField(
                    "day", t("blangko.ui.ba_date"), value=format_date(today), placeholder="DD-MM-YYYY", max_length=10
                ),
            ],
            run,
            intro=t("blangko.ui.destroy_intro"),
        )


def _day(values: dict) -> date:
    """The form's day field (DD-MM-YYYY), or a refusal under the field."""
    day = parse_date(values.get("day"))
    if day is None:
        raise ValidationError({"day": t("field.bad_date", field=t("blangko.ui.day"))})
    return day


def _decision(value: str) -> bool:
    if value not in ("approve", "reject"):
        raise ValidationError({"decision": t("blangko.ui.choose_decision")})
    return value == "approve"
