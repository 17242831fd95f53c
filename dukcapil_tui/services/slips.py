"""The ticket slip: plain text, written to a file or sent to the printer command in settings."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dukcapil_tui import paths, private
from dukcapil_tui.files import os_reason
from dukcapil_tui.domain.formatting import format_date, to_local, zone_abbreviation
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Ticket
from dukcapil_tui.services import settings
from dukcapil_tui.services.queue import position, ticket_label

WIDTH = 32


def slip_text(ticket: Ticket) -> str:
    zone = settings.office_timezone()
    taken = to_local(ticket.checked_in_at or ticket.created_at, zone)  # a booking: when the resident came
    office = settings.get("office_name") or ""
    lines = [_center(part) for part in _wrap(office.upper(), WIDTH)]
    lines += ["-" * WIDTH, _center(t("slip.number")), _center(ticket_label(ticket), big=True), ""]
    lines += _wrap(ticket.service.name, WIDTH)
    lines.append(f"{format_date(ticket.day)}  {taken.strftime('%H:%M')} {zone_abbreviation(zone)}")
    if ticket.priority:
        lines.append(t("slip.priority", reason=t(f"queue.priority.{ticket.priority}")))
    lines.append(t("slip.ahead", count=position(ticket)))
    lines += ["-" * WIDTH, _center(t("slip.footer"))]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + ([current] if current else [])


def _center(text: str, big: bool = False) -> str:
    if big:
        text = " ".join(text)
    return text.center(WIDTH).rstrip()


@dataclass(frozen=True)
class SlipDelivery:
    path: Path | None
    printed: bool
    message: str


def deliver(ticket: Ticket, directory: Path | None = None) -> SlipDelivery:
    """Print with the configured command (text on its standard input), else write a file.
    A printer that fails still leaves the slip as a file, and says so."""
    text = slip_text(ticket)
    command = settings.get("slip_printer_command").strip()
    problem = ""
    if command:
        try:
            subprocess.run(shlex.split(command), input=text.encode("utf-8"), check=True, timeout=15,
                           capture_output=True)
            return SlipDelivery(None, True, t("slip.printed", label=ticket_label(ticket)))
        except subprocess.CalledProcessError as exc:
            problem = t("slip.print_failed", reason=t("slip.exit_code", code=exc.returncode))
        except subprocess.TimeoutExpired:
            problem = t("slip.print_failed", reason=t("slip.timeout"))
        except OSError as exc:
            problem = t("slip.print_failed", reason=os_reason(exc))
        except ValueError:  # a command line shlex cannot split (an unclosed quote)
            problem = t("slip.print_failed", reason=t("slip.bad_command"))
    directory = private.ensure_dir(directory or paths.export_dir() / "karcis", own=directory is None)
    target = private.write_text(directory / f"{ticket.day.isoformat()}_{ticket_label(ticket)}.txt", text)
    message = t("slip.written", path=target)
    return SlipDelivery(target, False, f"{problem} {message}".strip())
