"""How a ticket reads on the counter screen: the current ticket's lines and a list row."""

from __future__ import annotations

from datetime import datetime

from dukcapil_tui.domain.formatting import format_int, to_local
from dukcapil_tui.domain.handling import mask, shown_name
from dukcapil_tui.i18n import t
from dukcapil_tui.services.queue_views import TicketView


def ticket_lines(ticket: TicketView, no_show_after: int, role: str | None = None) -> list[str]:
    """The current ticket; a name that may not be spoken shows only to the roles that need it,
    and the resident's handling notes come right under it."""
    name = shown_name(ticket.name, ticket.name_protected, role)
    who = f"{name} · NIK {ticket.nik}" if ticket.nik else f"{name} ({t('queue_ui.visitor')})"
    lines = [
        f"{ticket.label} · {ticket.service_name}",
        who,
        *([t("handling.line", notes="; ".join(ticket.handling))] if ticket.handling else []),
        t("queue_ui.current_status", status=t(f"queue.status.{ticket.status}").upper(),
          recalls=ticket.recalls, needed=no_show_after),
    ]
    if ticket.priority:
        lines.append(t("queue_ui.priority_line", priority=t(f"queue.priority.{ticket.priority}")))
    lines.append(t("queue_ui.channel_line", channel=t(f"queue.channel.{ticket.channel}")))
    if ticket.notes:
        lines.append(t("queue_ui.notes_line", notes=ticket.notes))
    return lines


# The counter's list: (column key, i18n key of its heading), in the order of row_cells().
COLUMNS = (
    ("pos", "queue_ui.col.pos"), ("label", "queue_ui.col.ticket"), ("service", "queue.field.service"),
    ("name", "queue_ui.col.name"), ("priority", "queue.field.priority"), ("status", "queue_ui.col.status"),
    ("queued", "queue_ui.col.queued"), ("waited", "queue_ui.col.waited"), ("notes", "queue.field.notes"),
)


def row_cells(position: str, row: TicketView, now: datetime, zone: str) -> tuple[str, ...]:
    """No, ticket, service, name, priority, status (capitals when on hold), joined, waited, notes."""
    waited = max(0, int((now - row.queued_at).total_seconds() // 60))
    held = row.status == "on_hold"
    status = t(f"queue.status.{row.status}")
    # the list is what a counter calls from: a name that may not be spoken is masked for everyone
    return (position, row.label, row.service_name, (mask(row.name) if row.name_protected else row.name) or "-",
            t(f"queue.priority.{row.priority}") if row.priority else "-", status.upper() if held else status,
            to_local(row.queued_at, zone).strftime("%H:%M"), format_int(waited),
            (row.hold_reason if held else row.notes) or "")
