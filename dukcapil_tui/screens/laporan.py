"""Laporan: choose a report and its period, see its totals, export it with a progress bar,
and see where the file went. For a monthly report, its deadlines (sent, due, late) and Ctrl+K
to record that a month's report was sent (when and how)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from dukcapil_tui import paths
from dukcapil_tui import reports
from dukcapil_tui.domain.formatting import format_date, format_int
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db, refusal_text, try_service
from dukcapil_tui.services import report_deadlines
from dukcapil_tui.widgets.form_modal import FormField, FormModal

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LaporanScreen(BaseScreen):
    section_id = "laporan"
    BINDINGS = [
        Binding("ctrl+e", "export", "laporan.export", priority=True),
        Binding("ctrl+r", "preview", "laporan.preview", priority=True),
        Binding("ctrl+k", "record_sent", "laporan.record_sent", priority=True),
        Binding("escape", "back", "app.back"),
    ]

    class Previewed(Message):
        def __init__(self, token: int, preview: reports.Preview | None, error: str = "") -> None:
            super().__init__()
            self.token, self.preview, self.error = token, preview, error

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Exported(Message):
        def __init__(self, path: Path | None, error: str = "") -> None:
            super().__init__()
            self.path, self.error = path, error

    class Deadlines(Message):
        def __init__(self, report: str, lines: list[str]) -> None:
            super().__init__()
            self.report, self.lines = report, lines

    def __init__(self) -> None:
        super().__init__()
        self.screen_title = t("laporan.title")
        self._report = "capaian"
        self._token = 0
        self._preview: reports.Preview | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="laporan-body"):
            with Vertical(id="laporan-left"):
                yield Label(t("laporan.choose"), classes="section-title")
                menu = OptionList(id="laporan-reports")
                for key, info in reports.REPORTS.items():
                    if self.app.actor and reports.can_export(self.app.actor, key):
                        menu.add_option(Option(info.label, id=key))
                yield menu
                yield Label(t("laporan.period"), classes="field-label")
                yield Input(id="laporan-period", max_length=10)
                yield Label("", id="laporan-period-hint", classes="hint")
                yield Label(t("laporan.folder"), classes="field-label")
                yield Input(str(paths.export_dir()), id="laporan-folder")
            with Vertical(id="laporan-right"):
                yield Label("", id="laporan-head", classes="section-title")
                yield DataTable(id="laporan-figures", cursor_type="none", zebra_stripes=True)
                yield ProgressBar(id="laporan-progress", show_eta=False)
                yield Label("", id="laporan-result")
                yield Label("", id="laporan-deadlines")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        table = self.query_one(DataTable)
        table.add_columns(t("laporan.figure"), t("laporan.value"))
        menu = self.query_one(OptionList)
        menu.focus()
        if menu.option_count:
            menu.highlighted = 0
            self._choose(menu.get_option_at_index(0).id)

    # --- choosing --------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#laporan-reports")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._choose(event.option.id)

    @on(OptionList.OptionSelected, "#laporan-reports")
    def _selected(self) -> None:
        self.query_one("#laporan-period", Input).focus()

    def _choose(self, key: str) -> None:
        self._report = key
        info = reports.REPORTS[key]
        kind = info.kinds[0]
        hint = t("laporan.hint_month") if kind == "month" else t("laporan.hint_date")
        if len(info.kinds) > 1:
            hint = t("laporan.hint_both")
        self.query_one("#laporan-period-hint", Label).update(hint)
        today = self.app.today()
        self.query_one("#laporan-period", Input).value = (
            today.strftime("%Y-%m") if kind == "month" else format_date(today))
        self.action_preview()
        self._load_deadlines(key)
        self.refresh_bindings()

    # --- deadlines -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="laporan-deadlines", exit_on_error=False)
    def _load_deadlines(self, report: str) -> None:
        lines: list[str] = []
        if report in report_deadlines.MONTHLY:
            def read():
                from dukcapil_tui.services import settings

                return [("! " if d.state in ("late", "due") else "") + report_deadlines.describe(d)
                        for d in report_deadlines.status(settings.office_today()) if d.report == report]

            lines = in_db(read)
        self.post_message(self.Deadlines(report, lines))

    @on(Deadlines)
    def _show_deadlines(self, message: Deadlines) -> None:
        if message.report != self._report:
            return
        text = "\n".join([t("laporan.deadlines")] + message.lines + [t("laporan.record_sent_hint")]) \
            if message.lines else ""
        self.query_one("#laporan-deadlines", Label).update(escape(text))

    def action_record_sent(self) -> None:
        report = self._report
        if report not in report_deadlines.MONTHLY:
            return
        actor = self.app.actor
        today = self.app.today()
        previous = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

        def run(v: dict):
            sent_on = parse_date(v["sent_on"])
            if sent_on is None:
                raise ValidationError({"sent_on": t("field.bad_date", field=t("deadline.field.sent_on"))})
            return report_deadlines.record_sent(actor, report, v["period"].strip(), via=v["via"], sent_on=sent_on,
                                                reference=v["reference"], note=v["note"])

        fields = [
            FormField("period", t("deadline.field.period"), value=previous, placeholder="YYYY-MM", max_length=7),
            FormField("via", t("deadline.field.via"), "select",
                      tuple((v, t(f"deadline.via.{v}")) for v in report_deadlines.VIA), value="email"),
            FormField("sent_on", t("deadline.field.sent_on"), value=format_date(today), placeholder="DD-MM-YYYY",
                      max_length=10),
            FormField("reference", t("deadline.field.reference"), max_length=report_deadlines.MAX_TEXT),
            FormField("note", t("queue.field.notes"), max_length=report_deadlines.MAX_TEXT),
        ]

        def done(row) -> None:
            if row is not None:
                self.app.notify(t("deadline.recorded", name=t(f"report.name.{report}"), month=row.period,
                                  sent=format_date(row.sent_on), via=t(f"deadline.via.{row.via}")))
                self._load_deadlines(report)

        self.app.push_screen(FormModal(t("laporan.record_sent_title", name=t(f"report.name.{report}")), fields, run),
                             done)

    @on(Input.Submitted, "#laporan-period")
    def _period_entered(self) -> None:
        self.action_preview()

    def _period_texts(self) -> tuple[str | None, str | None]:
        """The period field read as a date (DD-MM-YYYY) or a month (YYYY-MM)."""
        text = self.query_one("#laporan-period", Input).value.strip()
        if len(text) <= 7 and "-" in text:
            return None, text
        return text, None

    # --- preview ---------------------------------------------------------------------------
    def action_preview(self) -> None:
        self._token += 1
        date_text, month_text = self._period_texts()
        self._load_preview(self._token, self._report, date_text, month_text)

    @work(thread=True, exclusive=True, group="laporan-preview", exit_on_error=False)
    def _load_preview(self, token: int, report: str, date_text: str | None, month_text: str | None) -> None:
        period, problem = self._period(report, date_text, month_text)
        if problem:
            self.post_message(self.Previewed(token, None, problem))
            return
        shown, problems = try_service(reports.preview, report, period)
        self.post_message(self.Previewed(token, None, refusal_text(problems)) if problems
                          else self.Previewed(token, shown))

    @staticmethod
    def _period(report: str, date_text: str | None, month_text: str | None) -> tuple[object, str | None]:
        """The period the field names, or the refusal's message under the field's name."""
        period, problems = try_service(reports.parse_period, report, date_text=date_text, month_text=month_text)
        return period, t("laporan.period_problem", problem=refusal_text(problems)) if problems else None

    @on(Previewed)
    def _show_preview(self, message: Previewed) -> None:
        if message.token != self._token:
            return
        self._preview = message.preview
        table = self.query_one(DataTable)
        table.clear()
        head = self.query_one("#laporan-head", Label)
        if message.preview is None:
            head.update(escape(message.error))
        else:
            p = message.preview
            head.update(escape(f"{p.title} · {p.period_label}\n{t('laporan.file', name=p.file_name)}"))
            for label, value in p.lines():
                table.add_row(label, value)
            if p.rows is not None:
                table.add_row(t("laporan.named_rows"), format_int(p.rows))
        self.refresh_bindings()

    # --- export ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return not self._busy or None
        if action == "record_sent":
            return self._report in report_deadlines.MONTHLY or None
        return True

    def action_export(self) -> None:
        """Export the period the field holds now (not the one last previewed: the field may have
        changed since, or the preview may have refused it)."""
        if self._busy:
            return
        self._busy = True
        self.query_one("#laporan-result", Label).update(t("laporan.exporting"))
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True  # shown while an export runs (and full once it is written)
        folder = self.query_one("#laporan-folder", Input).value.strip() or None
        date_text, month_text = self._period_texts()
        self._export(self._report, date_text, month_text, folder)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="laporan-export", exit_on_error=False)
    def _export(self, report: str, date_text: str | None, month_text: str | None, folder: str | None) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progressed(done, total))

        period, problem = self._period(report, date_text, month_text)
        if problem:
            self.post_message(self.Exported(None, problem))
            return
        path, problems = try_service(reports.export, report, period, folder, self.app.actor, progress)
        self.post_message(self.Exported(None, refusal_text(problems)) if problems else self.Exported(path))

    @on(Progressed)
    def _progress(self, message: Progressed) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self._busy = False
        result = self.query_one("#laporan-result", Label)
        if message.path is None:
            self.query_one(ProgressBar).display = False  # no bar spinning on after a refusal
            result.update(escape(message.error))
            self.app.notify(escape(message.error), severity="error", timeout=10)
        else:
            bar = self.query_one(ProgressBar)
            bar.update(total=bar.total or 1, progress=bar.total or 1)
            result.update(escape(t("laporan.written", path=message.path)))
            self.app.notify(escape(t("laporan.written", path=message.path)), timeout=10)
            self.action_preview()  # the figures beside it are the file's
            if self.app.is_web:  # a browser tab (dukcapil serve): the file is on the server; send a copy
                self.app.deliver_binary(message.path, open_method="download", mime_type=XLSX_MIME)
                self.app.notify(escape(t("laporan.sent_to_browser", name=message.path.name)), timeout=10)
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()
