"""A print batch: choose how many cards, then record each card's result as it leaves the printer.

Each key press is one transaction: a good print uses a blank; a failed print (gagal cetak,
chip rusak) spoils one and the card goes back to the ready pool.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from dukcapil_tui.domain.formatting import format_date, format_int, to_local
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import CONFIRM, BaseScreen, in_db, refusal_text, try_service
from dukcapil_tui.services import blangko, printing
from dukcapil_tui.widgets.form_modal import FormField, FormModal

DEFAULT_SIZE = "50"


class PrintBatchScreen(BaseScreen):
    section_id = "cetak"
    BINDINGS = [
        Binding("n", "new_batch", "batch.new"),
        Binding("o", "ok", "batch.ok"),
        Binding("g", "failed('gagal_cetak')", "batch.failed_print"),
        Binding("c", "failed('chip_rusak')", "batch.failed_chip"),
        Binding("t", "close_batch", "batch.close"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, batch, jobs, stock: int) -> None:
            super().__init__()
            self.batch, self.jobs, self.stock = batch, jobs, stock

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("batch.title")
        self._batch = None
        self._jobs: list[printing.JobRow] = []
        self._in_flight: set[int] = set()  # jobs whose result is being recorded

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="batch-body"):
            yield Label("", id="batch-head", classes="section-title")
            yield DataTable(id="batch-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("batch.keys_hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one(DataTable)
        for key in ("no", "nik", "name", "reason", "recorded", "result"):
            table.add_column(t(f"batch.col.{key}"), key=key)
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="batch", exit_on_error=False)
    def _load(self, batch_id: int | None = None) -> None:
        def read():
            batches = printing.open_batches()
            batch = next((b for b in batches if b.id == batch_id), None) or (batches[-1] if batches else None)
            jobs = printing.batch_jobs(batch.id) if batch else []
            return batch, jobs, blangko.balance()

        self.post_message(self.Loaded(*in_db(read)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._batch, self._jobs = message.batch, message.jobs
        head = self.query_one("#batch-head", Label)
        stock = format_int(message.stock)
        if self._batch is None:
            head.update(t("batch.none", stock=stock))
        else:
            done = sum(1 for j in self._jobs if j.result)
            head.update(t("batch.head", id=self._batch.id, done=done, size=len(self._jobs), stock=stock))
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for i, job in enumerate(self._jobs, start=1):
            recorded = to_local(job.recorded_at, self.app.timezone).date()
            result = "" if job.result is None else t(f"batch.result.{job.result}")
            if job.fail_reason:
                result += f" ({t('blangko.spoil.' + job.fail_reason)})"
            table.add_row(str(i), job.nik, job.name, t(f"cards.reason.{job.reason}"), format_date(recorded), result,
                          key=str(job.job_id))
        if self._jobs:
            first_open = next((i for i, j in enumerate(self._jobs)
                               if j.result is None and j.job_id not in self._in_flight), None)
            table.move_cursor(row=first_open if first_open is not None else min(keep, len(self._jobs) - 1))
        self.refresh_bindings()

    def _current(self) -> printing.JobRow | None:
        table = self.query_one(DataTable)
        if not self._jobs or table.cursor_row >= len(self._jobs):
            return None
        return self._jobs[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("ok", "failed"):
            job = self._current()
            return (job is not None and job.result is None and job.job_id not in self._in_flight) or None
        if action == "close_batch":
            return self._batch is not None or None
        if action == "new_batch":
            return self._batch is None or None
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def action_new_batch(self) -> None:
        actor = self.app.actor
        fields = [FormField("size", t("batch.field.size"), value=DEFAULT_SIZE, restrict=r"[0-9]*", max_length=3)]
        self.app.push_screen(
            FormModal(t("batch.new_title"), fields,
                      lambda v: printing.create_batch(actor, v["size"], confirmed=v.get("confirmed", False)),
                      intro=t("batch.new_intro"), submit_label=t("batch.create")),
            lambda batch: batch is not None and self._load(batch.id),
        )

    def action_ok(self) -> None:
        self._result(True, None)

    def action_failed(self, reason: str) -> None:
        self._result(False, reason)

    def _result(self, ok: bool, reason: str | None) -> None:
        """Record the highlighted card's result and move on to the next card at once, so that
        results pressed in quick succession (O O O as the cards leave the printer) each go to
        their own card, none lost."""
        job = self._current()
        if job is None or job.result is not None or job.job_id in self._in_flight:
            return
        self._in_flight.add(job.job_id)
        table = self.query_one(DataTable)
        following = next((i for i, j in enumerate(self._jobs)
                          if i > table.cursor_row and j.result is None and j.job_id not in self._in_flight), None)
        if following is not None:
            table.move_cursor(row=following)
        self._record(job.job_id, ok, reason)

    @work(thread=True, group="batch-result", exit_on_error=False)
    def _record(self, job_id: int, ok: bool, reason: str | None) -> None:
        _, problems = try_service(printing.record_result, self.app.actor, job_id, ok, reason)
        if problems:
            self.post_message(self.Failed(refusal_text(problems)))
        self.app.call_from_thread(self._recorded, job_id)

    def _recorded(self, job_id: int) -> None:
        self._in_flight.discard(job_id)
        self._load(self._batch.id if self._batch else None)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.app.notify(escape(message.text), severity="error", timeout=8)

    def action_close_batch(self) -> None:
        if self._batch is not None:
            self._close(self._batch.id)

    class Ask(Message):
        def __init__(self, batch_id: int, question: str) -> None:
            super().__init__()
            self.batch_id, self.question = batch_id, question

    @work(thread=True, exclusive=True, group="batch-close", exit_on_error=False)
    def _close(self, batch_id: int, confirmed: bool = False) -> None:
        _, problems = try_service(printing.close_batch, self.app.actor, batch_id, confirmed=confirmed)
        if problems and CONFIRM in problems:
            self.post_message(self.Ask(batch_id, problems[CONFIRM]))
            return
        if problems:
            self.post_message(self.Failed(refusal_text(problems)))
        self.app.call_from_thread(self._load)

    @on(Ask)
    def _ask(self, message: Ask) -> None:
        """Unprinted cards in the batch: say what becomes of them before closing."""
        from dukcapil_tui.widgets.dialogs import ConfirmModal

        self.app.push_screen(ConfirmModal(t("batch.close"), [message.question]),
                             lambda yes: yes and self._close(message.batch_id, True))

    def action_back(self) -> None:
        self.dismiss(None)
