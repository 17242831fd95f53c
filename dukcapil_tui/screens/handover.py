"""Penyerahan and Suket: find a resident by NIK, hand the printed card over, or issue a Suket
while the card waits (Ctrl+T) and renew it from a week before it ends (Ctrl+R); the registers of open
Suket (with their end and state) and of cards nobody collected."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain.formatting import format_date, to_local
from dukcapil_tui.domain.text import sentence_case
from dukcapil_tui.i18n import t
from dukcapil_tui.services import cards, printing, suket
from dukcapil_tui.ui.base import BaseScreen, in_db, refusal_text, try_service
from dukcapil_tui.widgets.form_modal import FormField, FormModal
from dukcapil_tui.widgets.nik_input import NikInput

UNCOLLECTED_DAYS = 30


class HandoverScreen(BaseScreen):
    section_id = "penyerahan"
    BINDINGS = [
        Binding("ctrl+f", "focus_nik", "residents.focus_search"),
        Binding("f3", "handover", "handover.do"),
        Binding("ctrl+t", "suket", "handover.suket", priority=True),  # not F4: that opens Antrian
        Binding("ctrl+r", "renew", "handover.renew", priority=True),  # not F5: that opens Loket
        Binding("ctrl+o", "list('suket')", "handover.list_suket", priority=True),
        Binding("ctrl+u", "list('uncollected')", "handover.list_uncollected", priority=True),
        Binding("escape", "back", "app.back"),
    ]

    class Found(Message):
        def __init__(self, found: cards.CardLookup | None, error: str = "") -> None:
            super().__init__()
            self.found, self.error = found, error

    class Listed(Message):
        def __init__(self, kind: str, rows: list[tuple]) -> None:
            super().__init__()
            self.kind, self.rows = kind, rows

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("handover.title")
        self._found: cards.CardLookup | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="handover-body"):
            yield NikInput(placeholder=t("handover.nik_prompt"), id="nik")
            yield Label("", id="handover-card")
            yield Label("", id="list-title", classes="section-title")
            yield DataTable(id="handover-list", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        self.query_one("#nik", Input).focus()
        self.action_list("suket")

    # --- finding a card ------------------------------------------------------------------------
    @on(Input.Submitted, "#nik")
    def _search(self, event: Input.Submitted) -> None:
        self._find(event.value)

    @work(thread=True, exclusive=True, group="handover-find", exit_on_error=False)
    def _find(self, nik: str) -> None:
        found, problems = try_service(cards.lookup, nik)
        self.post_message(self.Found(found, refusal_text(problems)) if problems else self.Found(found))

    @on(Found)
    def _found_card(self, message: Found) -> None:
        self._found = message.found
        label = self.query_one("#handover-card", Label)
        if message.found is None:
            label.update(escape(message.error))
        else:
            label.update(escape(self._describe(message.found)))
        self.refresh_bindings()

    def _describe(self, found: cards.CardLookup) -> str:
        r = found.resident
        lines = [f"{r.name} · {r.nik}"]
        card = found.card
        if card is None:
            lines.append(t("handover.no_card"))
        else:
            recorded = format_date(to_local(card.recorded_at, self.app.timezone).date())
            lines.append(t("handover.card_line", status=t(f"cards.office.{card.office_status}"),
                           central=card.central_status, recorded=recorded, reason=t(f"cards.reason.{card.reason}")))
        if found.open_suket is not None:
            until = found.open_suket.valid_until
            lines.append(t("handover.suket_line", number=found.open_suket.number))
            if until is not None:
                state = "expired" if until < self.app.today() else (
                    "expiring" if card_rules.suket_renewable(until, self.app.today()) else "valid")
                lines.append(t("handover.suket_until", until=format_date(until), state=t(f"suket.state.{state}")))
        if found.handed_over is not None:
            h = found.handed_over
            lines.append(t("handover.done_line", name=h.collector_name, receipt=h.receipt_no,
                           at=format_date(to_local(h.at, self.app.timezone).date())))
        if card is not None and card.office_status == "printed":
            lines.append(t("handover.press_f3"))
        elif card is not None and card.office_status in ("waiting_prr", "ready_to_print") and found.open_suket is None:
            lines.append(t("handover.press_f4"))
        elif self._renewable():
            lines.append(t("handover.press_f5"))
        return "\n".join(lines)

    def _renewable(self) -> bool:
        found = self._found
        if found is None or found.card is None or found.open_suket is None:
            return False
        until = found.open_suket.valid_until
        return (found.card.office_status in suket.WAITING and until is not None
                and card_rules.suket_renewable(until, self.app.today()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card = self._found.card if self._found else None
        if action == "handover":
            return (card is not None and card.office_status == "printed") or None
        if action == "suket":
            return (card is not None and card.office_status in suket.WAITING
                    and self._found.open_suket is None) or None
        if action == "renew":
            return self._renewable() or None
        return True

    # --- handover ------------------------------------------------------------------------------
    def action_handover(self) -> None:
        if self._found is None or self._found.card is None:
            return
        actor = self.app.actor
        nik = self._found.resident.nik
        fields = [
            FormField("collected_by", t("handover.field.collected_by"), "select",
                      (("resident", t("handover.by_resident")), ("family", t("handover.by_family"))), value="resident"),
            FormField("collector_name", t("handover.field.collector_name"), hint=t("handover.name_hint")),
            FormField("relation", t("handover.field.relation"), "select",
                      tuple((r, sentence_case(r)) for r in printing.RELATIONS)),
            FormField("receipt_no", t("handover.field.receipt_no"), max_length=40),
            FormField("id_checked", t("handover.field.id_checked"), "checkbox"),
            FormField("withdrawn", t("withdrawn.field.old_card"), "select",
                      tuple((r, t(f"blangko.spoil.{r}")) for r in card_rules.WITHDRAW_REASONS),
                      value=card_rules.WITHDRAWN_FOR.get(self._found.card.reason, ""), hint=t("withdrawn.hint")),
        ]

        def run(v: dict):
            return printing.handover(
                actor,
                nik,
                collected_by=v["collected_by"],
                collector_name=v["collector_name"],
                relation=v["relation"],
                receipt_no=v["receipt_no"],
                id_checked=bool(v["id_checked"]),
                withdrawn=v["withdrawn"] or None,
            )

        self.app.push_screen(FormModal(t("handover.form_title", name=self._found.resident.name), fields, run,
                                       submit_label=t("handover.do")), self._handed)

    def _handed(self, result) -> None:
        if result is not None:
            self.app.notify(t("handover.saved", receipt=result.receipt_no))
            self._find(self._found.resident.nik)
            self.action_list("suket")

    # --- Suket ---------------------------------------------------------------------------------
    def action_suket(self) -> None:
        """A Suket is a numbered letter: say for whom before one is issued."""
        self._confirm_letter(renew=False)

    def action_renew(self) -> None:
        """A renewal is a new numbered letter too (the old one is closed)."""
        self._confirm_letter(renew=True)

    def _confirm_letter(self, renew: bool) -> None:
        if self._found is None:
            return
        from dukcapil_tui.widgets.dialogs import ConfirmModal

        resident = self._found.resident
        nik = resident.nik
        what = "renew" if renew else "suket"
        self.app.push_screen(ConfirmModal(t(f"handover.{what}_confirm_title"),
                                          [t(f"handover.{what}_confirm", name=resident.name, nik=nik)]),
                             lambda yes: yes and self._issue(nik, renew))

    @work(thread=True, exclusive=True, group="handover-suket", exit_on_error=False)
    def _issue(self, nik: str, renew: bool) -> None:
        def run():
            row = (suket.renew if renew else suket.issue)(self.app.actor, nik)
            return row, suket.save_letter(row)

        issued, problems = try_service(run)
        if problems:
            self.post_message(self.Found(self._found, refusal_text(problems)))
            self.app.call_from_thread(self.app.notify, escape(refusal_text(problems)), severity="error", timeout=8)
            return
        row, target = issued
        self.app.call_from_thread(self.app.notify, escape(t("handover.suket_issued", number=row.number, path=target)),
                                  timeout=12)
        self.app.call_from_thread(self._find, nik)
        self.app.call_from_thread(self.action_list, "suket")

    # --- registers -----------------------------------------------------------------------------
    def action_list(self, kind: str) -> None:
        self._list(kind)

    @work(thread=True, exclusive=True, group="handover-list", exit_on_error=False)
    def _list(self, kind: str) -> None:
        zone = self.app.timezone
        today = self.app.today()

        def read():
            if kind == "suket":
                return [(s.number, s.nik, s.name, format_date(s.issued_on), str((today - s.issued_on).days),
                         format_date(s.valid_until), t(f"suket.state.{s.state(today)}"))
                        for s in suket.open_register(today)]
            return [(u.nik, u.name, format_date(to_local(u.printed_at, zone).date()), str(u.days))
                    for u in printing.uncollected(UNCOLLECTED_DAYS, today)]

        self.post_message(self.Listed(kind, in_db(read)))

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        table = self.query_one("#handover-list", DataTable)
        table.clear(columns=True)
        if message.kind == "suket":
            title = t("handover.open_suket", count=len(message.rows))
            columns = ("number", "nik", "name", "issued", "days", "until", "state")
        else:
            title = t("handover.uncollected", days=UNCOLLECTED_DAYS, count=len(message.rows))
            columns = ("nik", "name", "printed", "days")
        self.query_one("#list-title", Label).update(title)
        table.add_columns(*[t(f"handover.col.{c}") for c in columns])
        for row in message.rows:
            table.add_row(*row)

    def action_focus_nik(self) -> None:
        self.query_one("#nik", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
