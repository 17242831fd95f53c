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
from dukcapil_tui.services import audit, catalog, context, day_lock, import_report, settings
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.services.queue import check_quota, next_number, record_event
from dukcapil_tui.tabular import TabularError, describe_columns, open_table, shown
from dukcapil_tui.domain.formatting import format_date

ALIASES = {
    "TGL": "TANGGAL", "TANGGAL_KUNJUNGAN": "TANGGAL", "DATE": "TANGGAL", "TGL_BOOKING": "TANGGAL",
    "NO_NIK": "NIK",
    "NAMA_LENGKAP": "NAMA", "NAMA_LGKP": "NAMA", "NAME": "NAMA",
    "JENIS_LAYANAN": "LAYANAN", "SERVICE": "LAYANAN", "KODE_LAYANAN": "LAYANAN",
    "SLOT": "JAM", "WAKTU": "JAM", "JAM_KUNJUNGAN": "JAM", "TIME": "JAM",
}
REQUIRED = ("TANGGAL", "NIK", "LAYANAN", "JAM")
IMPORT_ROLES = ("admin",)  # imports are the head's (README: roles), like every other import
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
    report_path: Path | None = None  # the rejected rows, written to a CSV file


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


@dataclass(frozen=True)
class _Booking:
    line: int
    day: date
    slot: time
    resident_id: int
    service: object


def _check_row(line: int, row, today: date) -> tuple[_Booking | None, BookingRejection | None]:
    """One row read and checked, or why it is refused (the first problem found)."""
    if row.problem:
        return None, BookingRejection(line, row.problem_column or "-", row.problem)
    day = parse_date(row.get("TANGGAL"))
    slot = _parse_time(row.get("JAM"))
    nik = nik_rules.normalise(str(row.get("NIK") or ""))
    service = catalog.find_service(str(row.get("LAYANAN") or ""))
    problem = None
    if day is None:
        problem = ("TANGGAL", t("field.bad_date", field="TANGGAL"))
    elif day < today:
        problem = ("TANGGAL", t("booking.past_day", day=format_date(day)))
    elif slot is None:
        problem = ("JAM", t("booking.bad_time", value=shown(row.get("JAM"))))
    elif service is None:
        problem = ("LAYANAN", t("queue.unknown_service", code=shown(row.get("LAYANAN"))))
    elif not service.active:
        problem = ("LAYANAN", t("queue.service_inactive", service=service.name))
    else:
        reading = nik_rules.parse(nik, today=today)
        if not reading.valid:
            problem = ("NIK", reading.errors[0].message)
    if problem:
        return None, BookingRejection(line, *problem)
    resident = Resident.get_or_none(Resident.nik == nik)
    if resident is None:
        return None, BookingRejection(line, "NIK", t("booking.unknown_nik", nik=nik))
    return _Booking(line, day, slot, resident.id, service), None


def import_bookings(actor: Actor, path: Path | str, report_dir: Path | None = None) -> BookingResult:
    """Book the list's rows. The whole file is read and checked first; the accepted rows are
    then booked in one transaction (all or nothing: a file that cannot be read to its end, or
    anything failing while booking, books nobody). Rejected rows are reported, also in a CSV
    report (``report_dir``, default the exports folder)."""
    require_role(actor, "action.import_bookings", *IMPORT_ROLES)
    path = Path(path)
    try:
        table = open_table(path, ALIASES)
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ServiceError(
            t("import.missing_columns", columns=", ".join(missing), found=describe_columns(table.columns))
        )
    result = BookingResult()
    today = settings.office_today()
    zone = ZoneInfo(settings.office_timezone())
    accepted: list[_Booking] = []
    try:
        for line, row in table.rows:
            booking, rejection = _check_row(line, row, today)
            if rejection is not None:
                result.rejected.append(rejection)
            else:
                accepted.append(booking)
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None

    with database.atomic("IMMEDIATE"):
        for b in accepted:
            exists = Ticket.select().where(
                (Ticket.resident == b.resident_id) & (Ticket.service == b.service.id) & (Ticket.day == b.day)
                & (Ticket.channel == "online")
            ).exists()
            if exists:
                result.already += 1
                continue
            try:
                day_lock.ensure_open(b.day)  # a booking for a locked day is that row's refusal
                check_quota(b.service, b.day)
            except ServiceError as exc:
                result.rejected.append(BookingRejection(b.line, "LAYANAN", str(exc)))
                continue
            booked_at = datetime.combine(b.day, b.slot, tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
            ticket = Ticket.create(
                uuid=str(uuid.uuid4()), service=b.service.id, day=b.day, number=next_number(b.service.id, b.day),
                resident=b.resident_id, channel="online", status="booked", booked_at=booked_at,
                queued_at=booked_at, created_at=context.now_utc(), workstation=actor.workstation,
                notes=t("booking.note", time=b.slot.strftime("%H:%M")),
            )
            record_event(ticket, actor, "book", None, "booked", None,
                         {"service": b.service.code, "slot": b.slot.strftime("%H:%M"), "file": path.name})
            result.booked += 1
        if result.booked:
            audit.record(actor, "booking.import", "ticket", None,
                         {"file": path.name, "booked": result.booked, "rejected": len(result.rejected)})
    result.rejected.sort(key=lambda r: r.line)
    if result.rejected:
        result.report_path = import_report.write("impor-booking", path, ["BARIS", "KOLOM", "ALASAN"],
                                                 ([r.line, r.field, r.reason] for r in result.rejected), report_dir)
    return result


def bookings_for(nik: str, day: date) -> list[Ticket]:
    """Booked tickets of a resident for the day (the desk checks them in)."""
    resident = Resident.get_or_none(Resident.nik == nik_rules.checked(nik))
    if resident is None:
        return []
    return list(Ticket.select().where((Ticket.resident == resident.id) & (Ticket.day == day)
                                      & (Ticket.status == "booked")))

