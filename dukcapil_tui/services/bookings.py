"""Online booking lists (CSV/XLSX: date, NIK, name, service, time slot) become tickets.

A booked ticket waits as ``booked`` until the resident checks in at the desk; from the booked
time on it goes to the front of its service's queue. Importing the same list twice books
nobody twice.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Resident, Ticket
from dukcapil_tui.services import audit, catalog, context, settings
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.services.queue import check_quota, next_number, record_event
from dukcapil_tui.tabular import TabularError, open_table

ALIASES = {
    "TGL": "TANGGAL", "TANGGAL_KUNJUNGAN": "TANGGAL", "DATE": "TANGGAL", "TGL_BOOKING": "TANGGAL",
    "NO_NIK": "NIK",
    "NAMA_LENGKAP": "NAMA", "NAMA_LGKP": "NAMA", "NAME": "NAMA",
    "JENIS_LAYANAN": "LAYANAN", "SERVICE": "LAYANAN", "KODE_LAYANAN": "LAYANAN",
    "SLOT": "JAM", "WAKTU": "JAM", "JAM_KUNJUNGAN": "JAM", "TIME": "JAM",
}
REQUIRED = ("TANGGAL", "NIK", "LAYANAN", "JAM")
_TIME = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})")


@dataclass(frozen=True)
class BookingRejection:
    line: int
    field: str
    reason: str


@dataclass
class BookingResult:
    booked: int = 0
    already: int = 0
    rejected: list[BookingRejection] = field(default_factory=list)


def _parse_time(value) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    match = _TIME.match(str(value or "").strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def import_bookings(actor: Actor, path: Path | str) -> BookingResult:
    require_role(actor, "action.take_ticket", "admin", "loket")
    try:
        table = open_table(path, ALIASES)
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path, reason=exc)) from None
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ServiceError(t("import.missing_columns", columns=", ".join(missing), found=", ".join(table.columns)))
    result = BookingResult()
    today = settings.office_today()
    zone = ZoneInfo(settings.office_timezone())

    for line, row in table.rows:
        day = parse_date(row.get("TANGGAL"))
        slot = _parse_time(row.get("JAM"))
        nik = nik_rules.normalise(str(row.get("NIK") or ""))
        service = catalog.find_service(str(row.get("LAYANAN") or ""))
        problem = None
        if day is None:
            problem = ("TANGGAL", t("field.bad_date", field="TANGGAL"))
        elif day < today:
            problem = ("TANGGAL", t("booking.past_day", day=day.strftime("%d-%m-%Y")))
        elif slot is None:
            problem = ("JAM", t("booking.bad_time", value=row.get("JAM")))
        elif service is None:
            problem = ("LAYANAN", t("queue.unknown_service", code=row.get("LAYANAN")))
        elif not service.active:
            problem = ("LAYANAN", t("queue.service_inactive", service=service.name))
        elif not nik_rules.parse(nik, today=today).valid:
            problem = ("NIK", nik_rules.parse(nik, today=today).errors[0].message)
        if problem:
            result.rejected.append(BookingRejection(line, *problem))
            continue
        resident = Resident.get_or_none(Resident.nik == nik)
        if resident is None:
            result.rejected.append(BookingRejection(line, "NIK", t("booking.unknown_nik", nik=nik)))
            continue
        booked_local = datetime.combine(day, slot, tzinfo=zone)
        booked_at = booked_local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        try:
            with database.atomic("IMMEDIATE"):
                exists = Ticket.select().where(
                    (Ticket.resident == resident.id) & (Ticket.service == service.id) & (Ticket.day == day)
                    & (Ticket.channel == "online")
                ).exists()
                if exists:
                    result.already += 1
                    continue
                check_quota(service, day)
                now = context.now_utc()
                ticket = Ticket.create(
                    uuid=str(uuid.uuid4()), service=service.id, day=day, number=next_number(service.id, day),
                    resident=resident.id, channel="online", status="booked", booked_at=booked_at,
                    queued_at=booked_at, created_at=now, workstation=actor.workstation,
                    notes=t("booking.note", time=slot.strftime("%H:%M")),
                )
                record_event(ticket, actor, "book", None, "booked", None,
                        {"service": service.code, "slot": slot.strftime("%H:%M"), "file": Path(path).name})
        except ServiceError as exc:
            result.rejected.append(BookingRejection(line, "LAYANAN", str(exc)))
            continue
        result.booked += 1
    if result.booked:
        with database.atomic():
            audit.record(actor, "booking.import", "ticket", None,
                         {"file": Path(path).name, "booked": result.booked, "rejected": len(result.rejected)})
    return result


def bookings_for(nik: str, day: date) -> list[Ticket]:
    """Booked tickets of a resident for the day (the desk checks them in)."""
    resident = Resident.get_or_none(Resident.nik == nik_rules.checked(nik))
    if resident is None:
        return []
    return list(Ticket.select().where((Ticket.resident == resident.id) & (Ticket.day == day)
                                      & (Ticket.status == "booked")))

