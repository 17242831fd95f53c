"""Tinjauan & kunci hari (the head): one day's review, then its lock.

The day's parts (``services.day_review.sections``): the queue closed or not, recordings by
site, print results against the blanks the ledger says they used, handovers and Suket, the
lock and its history; what stands in the way of a clean lock is written with "!". PgUp/PgDn
change the day (or type it); Ctrl+L locks the day (after a confirmation; a difference between
prints and blanks asks once more, naming it); Ctrl+U unlocks it with a reason (admin). The
review of today follows the counters by itself.
"""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Input, Label

from dukcapil_tui.domain.formatting import format_date
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db
from dukcapil_tui.ui.day_chooser import DayChooser
from dukcapil_tui.services import day_review
from dukcapil_tui.widgets.form_modal import FormField, FormModal
from dukcapil_tui.widgets.queue_watch import QueueWatch, read_version

REFRESH_SECONDS = 30.0


class DayReviewScreen(DayChooser, BaseScreen):
    section_id = "day_review"
    day_field_key = "review.day"
    future_days = False
    DEFAULT_CSS = """
    #review-body { padding: 0 1; }
    #review-head { height: auto; }
    #review-parts { height: 1fr; }
    #review-parts Label { width: 1fr; }  /* a long line (the sites a listing names) wraps, never cut */
    .review-title { text-style: bold; color: $accent; margin-top: 1; }
    .review-warnings { color: $warning; text-style: bold; }
    """
    BINDINGS = [
        Binding("pageup", "previous_day", "queue_ui.key.previous_day", priority=True),
        Binding("pagedown", "next_day", "queue_ui.key.next_day", priority=True),
        Binding("ctrl+l", "lock", "review.key.lock", priority=True),
        Binding("ctrl+u", "unlock", "review.key.unlock", priority=True),
        Binding("ctrl+r", "reload", "residents.refresh"),
        Binding("escape", "back", "app.back"),
    ]

    class Loaded(Message):
        def __init__(self, day: date, review: day_review.DayReview, parts: list, version: int, today: date) -> None:
            super().__init__()
            self.day, self.review, self.parts, self.version, self.today = day, review, parts, version, today

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self.screen_title = t("review.title")
        self.day = day
        self.review: day_review.DayReview | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="review-body"):
            with Horizontal(id="review-head"):
                yield from self.compose_day_field()
                yield Label("", id="review-state")
            yield VerticalScroll(id="review-parts", can_focus=True)
        yield QueueWatch(id="review-watch")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title
        self.day = self.day or self.app.today()
        self.query_one("#day", Input).value = format_date(self.day)
        self.query_one("#review-parts").focus()
        self._load(self.day)
        self.set_interval(REFRESH_SECONDS, self.action_reload)

    # --- loading ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="review-load", exit_on_error=False)
    def _load(self, day: date) -> None:
        def read():
            version, today = read_version()
            seen = day_review.review(day)
            return seen, day_review.sections(seen), version, today

        seen, parts, version, today = in_db(read)
        self.post_message(self.Loaded(day, seen, parts, version, today))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        if message.day != self.day:
            return
        self.query_one(QueueWatch).mark(message.version, message.today)
        self.review = message.review
        box = self.query_one("#review-parts", VerticalScroll)
        await box.remove_children()
        widgets = []
        for part in message.parts:
            widgets.append(Label(escape(part.title), classes="review-title", id=f"title-{part.key}"))
            widgets.append(Label(escape("\n".join(part.lines)), id=f"part-{part.key}"))
            if part.warnings:
                widgets.append(Label(escape("\n".join(f"! {w}" for w in part.warnings)), classes="review-warnings",
                                     id=f"warn-{part.key}"))
        await box.mount_all(widgets)
        lock = message.review.lock
        self.query_one("#review-state", Label).update(
            escape(t("review.state_locked", day=format_date(message.day), by=lock.locked_by)) if lock
            else t("review.state_open", day=format_date(message.day)))
        self.refresh_bindings()

    def text(self) -> str:
        """The review as shown, plain text (tests)."""
        return "\n".join(str(label.render()) for label in self.query("#review-parts Label"))

    @on(QueueWatch.Changed)
    def action_reload(self) -> None:
        if self.day is not None:
            self._load(self.day)

    # --- choosing the day (ui.day_chooser) ----------------------------------------------------
    def show_day(self, day: date) -> None:
        self.review = None
        self._load(day)
        self.refresh_bindings()

    @on(Input.Submitted, "#day")
    def _day_typed(self, event: Input.Submitted) -> None:
        if self.day_typed(event.value):
            self.query_one("#review-parts").focus()

    # --- lock and unlock ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        admin = self.app.actor is not None and self.app.actor.role in day_review.LOCK_ROLES
        if action == "lock":
            return (admin and self.review is not None and self.review.lock is None) or None
        if action == "unlock":
            return (admin and self.review is not None and self.review.lock is not None) or None
        if action == "next_day":
            return (self.day is not None and self.day < self.app.today()) or None
        return True

    def action_lock(self) -> None:
        if self.review is None or self.review.lock is not None:
            return
        actor, day = self.app.actor, self.day
        warnings = [w for part in day_review.sections(self.review) for w in part.warnings]
        intro = "\n".join([t("review.lock_intro", day=format_date(day))] + [f"! {w}" for w in warnings])
        self.app.push_screen(
            FormModal(t("review.lock_title", day=format_date(day)), [],
                      lambda v: day_review.lock(actor, day, confirmed=v.get("confirmed", False)),
                      intro=intro, submit_label=t("review.key.lock")),
            lambda result: self._changed(result, t("review.locked_done", day=format_date(day))))

    def action_unlock(self) -> None:
        if self.review is None or self.review.lock is None:
            return
        actor, day = self.app.actor, self.day
        self.app.push_screen(
            FormModal(t("review.unlock_title", day=format_date(day)),
                      [FormField("reason", t("daylock.field.reason"), max_length=day_review.MAX_REASON)],
                      lambda v: day_review.unlock(actor, day, v["reason"]),
                      intro=t("review.unlock_intro"), submit_label=t("review.key.unlock")),
            lambda result: self._changed(result, t("review.unlocked_done", day=format_date(day))))

    def _changed(self, result, text: str) -> None:
        if result is not None:
            self.app.notify(text)
            self.action_reload()

    def action_back(self) -> None:
        self.app.pop_screen()
