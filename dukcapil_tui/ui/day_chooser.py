"""Choosing the office day a screen shows (the queue's day summary, the head's day review)."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from dukcapil_tui.domain.formatting import format_date
from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.i18n import t


class DayChooser:
    """For a screen that shows one office day: a field ``#day`` (inside ``#field-day``, its
    message in ``#error-day``) and PgUp/PgDn to step a day, never past today. The screen calls
    ``day_typed`` from its ``Input.Submitted`` handler, binds ``previous_day``/``next_day``,
    and shows a day in its own ``show_day(day)``."""

    day: date | None = None
    day_field_key = "queue_ui.summary_day"  # the field's label (i18n key), named in its messages
    future_days = True  # whether a day ahead may be typed (the queue's bookings live there)

    def compose_day_field(self) -> ComposeResult:
        """The field, inside the screen's ``compose``: ``yield from self.compose_day_field()``."""
        with Vertical(classes="form-field", id="field-day"):
            yield Label(t(self.day_field_key), classes="field-label")
            yield Input(id="day", max_length=10, placeholder=t("residents.date_hint"))
            yield Label("", classes="field-error", id="error-day")

    def choose_day(self, day: date) -> None:
        self.day = day
        self.query_one("#day", Input).value = format_date(day)
        self.query_one("#error-day", Label).update("")
        self.query_one("#field-day").set_class(False, "-invalid")
        self.show_day(day)

    def day_typed(self, text: str) -> bool:
        """The day typed in the field, shown; or the reason under the field (False)."""
        day = parse_date(text)
        problem = None
        if day is None:
            problem = t("field.bad_date", field=t(self.day_field_key))
        elif not self.future_days and day > self.app.today():
            problem = t("field.future_date", field=t(self.day_field_key))
        if problem is not None:
            self.query_one("#error-day", Label).update(problem)
            self.query_one("#field-day").set_class(True, "-invalid")
            return False
        self.choose_day(day)
        return True

    def action_previous_day(self) -> None:
        if self.day:
            self.choose_day(self.day - timedelta(days=1))

    def action_next_day(self) -> None:
        if self.day and self.day < self.app.today():
            self.choose_day(self.day + timedelta(days=1))
