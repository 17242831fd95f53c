"""Loket: one counter calls and serves tickets, all day, from the keyboard.

The counter is chosen when the screen opens (the workstation's usual counter is offered
first and remembered). The screen shows the ticket at the counter and the waiting list for
the counter's services in calling order, with this counter's tickets on hold below it.
Keys act on the current ticket (recall, start, finish, hold, transfer, no-show) or on the
highlighted row (call it out of turn, return it from hold); keys that do not apply to the
ticket's status are dimmed. Other desks and counters change the queue all the time: a
watcher polls the queue version and the screen reloads when it moved.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label
from textual.worker import Worker, WorkerState

from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.formatting import format_int
from dukcapil_tui.i18n import t
from dukcapil_tui.services import queue_views as data
from dukcapil_tui.screens import queue_text
from dukcapil_tui.ui.base import BaseScreen, in_db, refusal_text, try_service
from dukcapil_tui.services import context
from dukcapil_tui.services import queue as service
from dukcapil_tui.widgets.bigtext import BigText
from dukcapil_tui.widgets.queue_watch import QueueWatch

PAGE_SIZE = 50
# action -> the statuses of the current ticket it applies to
CURRENT_MOVES = {
    "recall": ("called",),
    "start": ("called",),
    "finish": ("called", "serving"),
    "hold": ("called", "serving"),
    "transfer": ("called", "serving"),
    "no_show": ("called",),
}


class CounterScreen(BaseScreen):
    section_id = "counter"
    BINDINGS = [
        Binding("n", "call_next", "queue_ui.key.call_next", key_display="N"),
        Binding("u", "recall", "queue_ui.key.recall", key_display="U"),
        Binding("m", "start", "queue_ui.key.start", key_display="M"),
        Binding("s", "finish", "queue_ui.key.finish", key_display="S"),
        Binding("t", "hold", "queue_ui.key.hold", key_display="T"),
        Binding("a", "transfer", "queue_ui.key.transfer", key_display="A"),
        Binding("x", "no_show", "queue_ui.key.no_show", key_display="X"),
        Binding("p", "call_selected", "queue_ui.key.call_selected", key_display="P"),
        Binding("k", "unhold", "queue_ui.key.unhold", key_display="K"),
        Binding("pagedown", "next_page", "residents.next_page", priority=True, show=False),
        Binding("pageup", "prev_page", "residents.prev_page", priority=True, show=False),
        Binding("g", "change_counter", "queue_ui.key.change_counter", key_display="G"),
        Binding("ctrl+r", "reload", "residents.refresh", show=False),
        Binding("escape", "back", "app.back"),
    ]

    class CountersLoaded(Message):
        def __init__(self, counters: list[data.CounterChoice], services: list[data.ServiceChoice],
                     pick: bool) -> None:
            super().__init__()
            self.counters = counters
            self.services = services
            self.pick = pick

    class Loaded(Message):
        def __init__(self, state: data.CounterState) -> None:
            super().__init__()
            self.state = state

    class LoadFailed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Moved(Message):
        def __init__(self, text: str, severity: str = "information") -> None:
            super().__init__()
            self.text = text
            self.severity = severity

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("queue_ui.counter_title")
        self.counter: int | None = None
        self.state: data.CounterState | None = None
        self._services: list[data.ServiceChoice] = []
        self._offset = 0
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="counter-body"):
            with Horizontal(id="counter-head"):
                yield Label(t("queue_ui.counter_none"), id="counter-number")
                yield Label("", id="counter-services", classes="hint")
            with Horizontal(id="counter-current"):
                yield BigText("", id="current-label")
                yield Label(t("queue_ui.no_current"), id="current-detail")
            yield Label("", id="counter-list-title", classes="section-title")
            yield DataTable(id="counter-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="counter-status")
        yield QueueWatch(id="counter-watch")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one(DataTable)
        for key, label in queue_text.COLUMNS:
            table.add_column(t(label), key=key)
        table.focus()
        self._load_counters(pick=False)

    # --- choosing the counter -------------------------------------------------------------
    def action_change_counter(self) -> None:
        """G: choose another counter (remembered for this workstation)."""
        self._load_counters(pick=True)

    @work(thread=True, group="counter-choices", exit_on_error=False)
    def _load_counters(self, pick: bool) -> None:
        """Load the counters; offer them when asked (G), the first time on this workstation, or
        when the remembered counter is gone — otherwise take the one this workstation serves."""
        self.post_message(self.CountersLoaded(*in_db(lambda: (data.counter_choices(), data.service_choices())), pick))

    @on(CountersLoaded)
    def _counters_loaded(self, message: CountersLoaded) -> None:
        from dukcapil_tui.widgets.dialogs import PickModal

        self._services = message.services
        if not message.counters:
            self.app.notify(t("queue_ui.no_counters"), severity="error")
            self.app.pop_screen()
            return
        saved = numbers.whole(self.app.remembered("counter"), thousands=False)
        if not message.pick and saved in {c.number for c in message.counters}:
            self._counter_chosen(saved)  # this workstation's counter: not asked at every F5
            return
        default = self.counter or saved
        options = [(t("queue_ui.counter_option", counter=data.counter_title(c.number, c.name), services=c.services),
                    c.number) for c in message.counters]
        self.app.push_screen(PickModal(t("queue_ui.pick_counter"), options, default), self._counter_chosen)

    def _counter_chosen(self, number: object) -> None:
        if number is None:
            if self.counter is None:
                self.app.pop_screen()  # no counter, nothing to do here
            return
        self.counter = int(number)
        self._offset = 0
        self.app.remember("counter", str(self.counter))
        self.reload()

    # --- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.counter is not None:
            self._load(self.counter, self._offset)

    @on(QueueWatch.Changed)
    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="counter-load", exit_on_error=False)
    def _load(self, counter: int, offset: int) -> None:
        state, problems = try_service(data.counter_state, counter, offset, PAGE_SIZE)
        if problems:  # the counter was switched off meanwhile
            self.post_message(self.LoadFailed(refusal_text(problems)))
            return
        self.post_message(self.Loaded(state))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.app.notify(message.text, severity="error", markup=False)
        self.counter = None
        self.state = None
        self.action_change_counter()  # choose another counter

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        state = message.state
        if state.number != self.counter:
            return
        self.state = state
        self._offset = state.offset
        self.query_one(QueueWatch).mark(state.version, state.day)
        self.query_one("#counter-number", Label).update(escape(data.counter_title(state.number, state.name).upper()))
        self.query_one("#counter-services", Label).update(escape(t("queue_ui.counter_serves", services=state.services)))
        self._show_current(state.current, state.no_show_after)
        self._fill_table(state)
        self.refresh_bindings()

    def _show_current(self, ticket: data.TicketView | None, needed: int) -> None:
        big = self.query_one("#current-label", BigText)
        detail = self.query_one("#current-detail", Label)
        self.query_one("#counter-current").set_class(ticket is not None, "-active")
        if ticket is None:
            big.set_text("")
            detail.update(t("queue_ui.no_current"))
            return
        big.set_text(ticket.label)
        detail.update(escape("\n".join(queue_text.ticket_lines(ticket, needed, self.app.actor.role))))

    def _fill_table(self, state: data.CounterState) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_id()
        table.clear()
        now = context.now_utc()
        zone = self.app.timezone
        for position, row in enumerate(state.waiting, state.offset + 1):
            table.add_row(*queue_text.row_cells(str(position), row, now, zone), key=str(row.id))
        if state.offset == 0:
            for row in state.held:
                table.add_row(*queue_text.row_cells("-", row, now, zone), key=str(row.id))
        rows = [r.id for r in (*state.waiting, *(state.held if state.offset == 0 else ()))]
        if selected in rows:
            table.move_cursor(row=rows.index(selected))
        shown = f"{state.offset + 1}–{state.offset + len(state.waiting)}" if state.waiting else "0"
        self.query_one("#counter-list-title", Label).update(t(
            "queue_ui.list_title", waiting=format_int(state.waiting_total),
            held=sum(r.status == "on_hold" for r in state.held)))
        status = t("queue_ui.list_status", shown=shown, total=format_int(state.waiting_total))
        if state.waiting_total > state.offset + len(state.waiting):
            status += " · " + t("residents.page_more")
        self.query_one("#counter-status", Label).update(status)

    # --- which keys apply -----------------------------------------------------------------------
    def selected_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value)

    def selected(self) -> data.TicketView | None:
        ticket_id = self.selected_id()
        if ticket_id is None or self.state is None:
            return None
        return next((r for r in (*self.state.waiting, *self.state.held) if r.id == ticket_id), None)

    @property
    def current(self) -> data.TicketView | None:
        return self.state.current if self.state else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CURRENT_MOVES:
            return (self.current is not None and self.current.status in CURRENT_MOVES[action]) or None
        if action == "call_next":
            return (self.state is not None and self.current is None) or None
        if action == "call_selected":
            row = self.selected()
            return (self.current is None and row is not None) or None
        if action == "unhold":
            return self._to_unhold() is not None or None
        if action == "next_page":
            return bool(self.state and self.state.waiting_total > self._offset + PAGE_SIZE) or None
        if action == "prev_page":
            return self._offset > 0 or None
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    # --- moves without a form -----------------------------------------------------------------
    def _run(self, kind: str, fn, *args) -> None:
        if self._busy:
            return
        self._busy = True
        self._move(kind, fn, *args)

    @work(thread=True, exclusive=True, group="counter-move", exit_on_error=False)
    def _move(self, kind: str, fn, *args) -> None:
        def act():
            result = fn(self.app.actor, *args)
            return data.ticket_view(result.id) if result is not None else None

        ticket, problems = try_service(act)
        if problems:
            self.post_message(self.Moved(refusal_text(problems), "error"))
            return
        if ticket is None:
            self.post_message(self.Moved(t("queue_ui.nobody_waiting"), "warning"))
            return
        self.post_message(self.Moved(t(f"queue_ui.done.{kind}", label=ticket.label, name=ticket.name or "-")))

    @on(Worker.StateChanged)
    def _worker_ended(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "counter-move" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._busy = False  # the app shows what went wrong; the counter stays usable

    @on(Moved)
    def _moved(self, message: Moved) -> None:
        self._busy = False
        self.app.notify(message.text, severity=message.severity, markup=False)
        self.reload()

    def action_call_next(self) -> None:
        if self.counter is not None and self.current is None:
            self._run("call", service.claim_next, self.counter)

    def action_recall(self) -> None:
        if self.current:
            self._run("recall", service.recall, self.current.id, self.counter)

    def action_start(self) -> None:
        if self.current:
            self._run("start", service.start, self.current.id, self.counter)

    def action_no_show(self) -> None:
        if self.current:
            self._run("no_show", service.no_show, self.current.id, self.counter)

    def _to_unhold(self) -> data.TicketView | None:
        """The held ticket K returns: the highlighted one, or the only one held at this counter."""
        row = self.selected()
        if row is not None and row.status == "on_hold":
            return row
        held = [r for r in (self.state.held if self.state else []) if r.status == "on_hold"]
        return held[0] if len(held) == 1 else None

    def action_unhold(self) -> None:
        row = self._to_unhold()
        if row is not None:
            self._run("unhold", service.unhold, row.id, self.counter)

    # --- moves with a form -------------------------------------------------------------------
    def _after_form(self, kind: str):
        def done(result: object) -> None:
            if isinstance(result, data.TicketView):
                note = t(f"queue_ui.done.{kind}", label=result.label, name=result.name or "-")
                if result.outcome:
                    note += " " + t(f"queue.outcome.{result.outcome}") + "."
                self.app.notify(note, markup=False)
            self.reload()
            self.query_one(DataTable).focus()
        return done

    def _transferred(self, old_label: str):
        def done(result: object) -> None:
            if isinstance(result, data.Issued):
                self.app.notify(t("queue_ui.transferred_slip", old=old_label, label=result.label,
                                  service=result.service_name, slip=result.slip), markup=False, timeout=10)
            self.reload()
            self.query_one(DataTable).focus()
        return done

    def _form_action(self, fn):
        """A perform() for a form: run the move, return the ticket as a view."""
        actor, counter = self.app.actor, self.counter

        def perform(*values, **options):
            return data.ticket_view(fn(actor, counter, *values, **options).id)
        return perform

    def action_finish(self) -> None:
        ticket = self.current
        if ticket is None:
            return
        if ticket.records_biometrics:
            self._finish_with_devices(ticket)  # a failed recording names the device from the register
        else:
            self._open_finish(ticket, ())

    @work(thread=True, group="counter-devices", exit_on_error=False)
    def _finish_with_devices(self, ticket) -> None:
        from dukcapil_tui.services import devices, sites

        workstation = self.app.actor.workstation
        choices = in_db(lambda: devices.choices_for(sites.site_of_workstation(workstation)))
        self.app.call_from_thread(self._open_finish, ticket, choices)

    def _open_finish(self, ticket, devices) -> None:
        from dukcapil_tui.screens.queue_forms import FinishModal

        perform = self._form_action(
            lambda actor, counter, outcome, device, note, card_reason=None, device_id=None:
                service.finish(actor, ticket.id, counter, outcome, note=note, device=device, card_reason=card_reason,
                               device_id=device_id))
        self.app.push_screen(FinishModal(ticket, perform, devices), self._after_form("finish"))

    def action_hold(self) -> None:
        from dukcapil_tui.screens.queue_forms import reason_modal

        ticket = self.current
        if ticket is None:
            return
        perform = self._form_action(lambda actor, counter, reason: service.hold(actor, ticket.id, counter, reason))
        self.app.push_screen(reason_modal(t("queue_ui.hold_title", label=ticket.label), t("queue.field.hold_reason"),
                                          perform, submit_label=t("queue_ui.key.hold")), self._after_form("hold"))

    def action_transfer(self) -> None:
        from dukcapil_tui.screens.queue_forms import TransferModal

        ticket = self.current
        if ticket is None:
            return
        actor, counter = self.app.actor, self.counter

        def perform(code: str, reason: str) -> data.Issued:  # the new number, with its own slip
            return data.transfer(actor, ticket.id, code, counter, reason)

        self.app.push_screen(TransferModal(ticket, self._services, perform), self._transferred(ticket.label))

    @on(DataTable.RowSelected)
    def action_call_selected(self) -> None:
        from dukcapil_tui.screens.queue_forms import reason_modal

        row = self.selected()
        if row is None or self.current is not None:
            if self.current is not None:
                self.app.notify(t("queue_ui.finish_current_first", label=self.current.label), severity="warning")
            return
        initial = t("queue_ui.reason_from_hold") if row.status == "on_hold" else ""
        perform = self._form_action(
            lambda actor, counter, reason: service.call_specific(actor, row.id, counter, reason))
        self.app.push_screen(reason_modal(t("queue_ui.call_specific_title", label=row.label), t("queue.field.reason"),
                                          perform, initial, t("queue_ui.key.call_selected")), self._after_form("call"))

    # --- paging and leaving ---------------------------------------------------------------------
    def action_next_page(self) -> None:
        if self.state and self.state.waiting_total > self._offset + PAGE_SIZE:
            self._offset += PAGE_SIZE
            self.reload()

    def action_prev_page(self) -> None:
        if self._offset > 0:
            self._offset = max(0, self._offset - PAGE_SIZE)
            self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
