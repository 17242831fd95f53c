"""Forms of the services catalogue: one service, and which services a counter calls from.

Both save through ``services.catalog`` and show its refusals under the field concerned.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from dukcapil_tui.domain import numbers
from dukcapil_tui.domain import queue as rules
from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseModal
from dukcapil_tui.services.queue_views import CounterRow, ServiceRow
from dukcapil_tui.screens.queue_forms import QueueFormModal
from dukcapil_tui.services import catalog
from dukcapil_tui.services.context import Actor
from dukcapil_tui.widgets.form_modal import FormField, FormModal


def card_reason_label(reason: str | None) -> str:
    return t(f"queue_ui.card_reason.{reason}") if reason else "-"


def service_form(row: ServiceRow | None, actor: Actor) -> BaseModal:
    """Add (``row`` None) or change a service, on the shared modal form; the code names a
    service in bookings and counters, so it is set once and not changed afterwards."""
    fields = [] if row else [FormField("code", t("queue_ui.field.code"), max_length=32, hint=t("queue_ui.code_hint"))]
    fields += [
        FormField("name", t("service.field.name"), value=row.name if row else "", max_length=80),
        FormField("prefix", t("queue_ui.field.prefix"), value=row.prefix if row else "", max_length=3,
                  hint=t("queue_ui.prefix_hint")),
        FormField("daily_quota", t("queue_ui.field.quota"), value=str(row.daily_quota or "") if row else "",
                  restrict=r"[0-9]*", max_length=5, placeholder=t("queue_ui.quota_hint")),
        FormField("records_biometrics", t("queue_ui.records_label"), kind="checkbox",
                  value=row.records_biometrics if row else False),
        FormField("card_reason", t("service.field.card_reason"), kind="select",
                  options=tuple((c, card_reason_label(c)) for c in rules.CARD_REASONS),
                  value=(row.card_reason or "") if row else ""),
        FormField("active", t("queue_ui.active_label"), kind="checkbox", value=row.active if row else True),
        FormField("sort_order", t("queue_ui.field.sort_order"), value=str(row.sort_order) if row else "0",
                  restrict=r"[0-9]*", max_length=3),
    ]

    def save(values: dict) -> str:
        values = {**values, "code": row.code if row else values["code"]}
        return catalog.save_service(actor, values, row.id if row else None).name

    title = t("queue_ui.service_edit", name=row.name) if row else t("queue_ui.service_new")
    return FormModal(title, fields, save)


class CounterFormModal(QueueFormModal):
    box_id = "counter-form"

    def __init__(self, row: CounterRow | None, services: list[ServiceRow], next_number: int = 1) -> None:
        title = t("queue_ui.counter_edit", number=row.number) if row else t("queue_ui.counter_new")
        super().__init__(title)
        self.row = row
        self.services = services
        self.next_number = next_number

    def compose_fields(self) -> ComposeResult:
        r = self.row
        with Horizontal(classes="form-row"):
            yield from self.field("number", t("queue_ui.field.counter_number"), Input(
                str(r.number if r else self.next_number), id="number", max_length=3, restrict=r"[0-9]*",
                disabled=r is not None))
            yield from self.field("name", t("queue_ui.field.counter_name"), Input(
                r.name if r else "", id="name", max_length=40))
        codes = set(r.codes) if r else set()
        choices = [Selection(f"{s.prefix} · {s.name}" + ("" if s.active else f" ({t('queue_ui.inactive')})"),
                             s.code, s.code in codes) for s in self.services]
        yield from self.field("service_codes", t("queue_ui.field.counter_services"),
                              SelectionList(*choices, id="service_codes"))
        yield Label(self._chosen_text(codes), id="counter-chosen")
        yield from self.field("active", t("queue_ui.field.active"), Checkbox(
            t("queue_ui.active_label"), r.active if r else True, id="active"))

    def on_mount(self) -> None:
        self.query_one("#service_codes", SelectionList).highlighted = 0
        self.query_one("#service_codes" if self.row else "#number").focus()

    def _chosen_text(self, codes) -> str:
        prefixes = [s.prefix for s in self.services if s.code in codes]
        return t("queue_ui.counter_chosen", services=", ".join(prefixes) if prefixes else t("queue_ui.all_services"))

    @on(SelectionList.SelectedChanged, "#service_codes")
    def _chosen(self) -> None:
        chosen = set(self.query_one("#service_codes", SelectionList).selected)
        self.query_one("#counter-chosen", Label).update(self._chosen_text(chosen))

    def values(self) -> dict:
        number = self.query_one("#number", Input).value
        return {
            "number": numbers.whole(number, thousands=False) or 0,
            "name": self.query_one("#name", Input).value,
            "service_codes": list(self.query_one("#service_codes", SelectionList).selected),
            "active": self.query_one("#active", Checkbox).value,
        }

    def perform(self, values: dict) -> object:
        counter = catalog.save_counter(self.app.actor, values["number"], values["name"], values["service_codes"],
                                       values["active"])
        return counter.name
