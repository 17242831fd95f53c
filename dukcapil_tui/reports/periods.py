"""The period a report covers: one day, or a calendar month (up to today while it runs)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.i18n import t
from dukcapil_tui.services.context import ServiceError
from dukcapil_tui.domain.formatting import format_date

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def long_date(day: date) -> str:
    """``22 November 2026``: how letters and report headers write a date."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_name(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def last_day_of_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """``kind`` is ``date`` or ``month``. ``start``..``end`` are the days covered; ``end`` is the
    "keadaan s.d." date (for a month still running, today)."""

    kind: str
    start: date
    end: date

    @classmethod
    def for_date(cls, day: date) -> Period:
        return cls("date", day, day)

    @classmethod
    def for_month(cls, year: int, month: int, today: date) -> Period:
        first = date(year, month, 1)
        return cls("month", first, min(last_day_of_month(first), today))

    @property
    def month_complete(self) -> bool:
        return self.kind == "month" and self.end == last_day_of_month(self.start)

    @property
    def stamp(self) -> str:
        """The period in file names: ``2026-11`` or ``2026-11-22``."""
        return self.start.strftime("%Y-%m") if self.kind == "month" else self.end.isoformat()

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def label(self, style: str = "period") -> str:
        """The period line of a report header, in capitals as offices write it.

        ``period``: BULAN NOVEMBER 2026 / TANGGAL 22 NOVEMBER 2026; ``as_of``: KEADAAN S.D. …"""
        if style == "as_of":
            return f"KEADAAN S.D. {long_date(self.end).upper()}"
        if self.kind == "date":
            return f"TANGGAL {long_date(self.end).upper()}"
        text = f"BULAN {month_name(self.start.year, self.start.month).upper()}"
        if not self.month_complete:
            text += f" (S.D. {long_date(self.end).upper()})"
        return text


_MONTH = re.compile(r"^\s*([0-9]{4})-([0-9]{1,2})\s*$|^\s*([0-9]{1,2})[-/]([0-9]{4})\s*$")


def parse_month(text: str) -> tuple[int, int] | None:
    """``2026-11`` (or ``11-2026``) -> (2026, 11)."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    if not 1 <= int(month) <= 12 or int(year) < 1900:
        return None
    return int(year), int(month)


def parse_period(kinds: tuple[str, ...], report_label: str, *, date_text: str | None = None,
                 month_text: str | None = None, today: date) -> Period:
    """The period asked for with ``--date``/``--month`` (or the TUI's fields), checked.

    ``kinds`` are the kinds the report accepts, the first being its default (today, or the
    running month). Raises ServiceError with a message for the user."""
    date_text = (date_text or "").strip() or None
    month_text = (month_text or "").strip() or None
    if date_text and month_text:
        raise ServiceError(t("report.date_and_month"))
    if date_text:
        if "date" not in kinds:
            raise ServiceError(t("report.monthly_only", report=report_label))
        day = parse_date(date_text)
        if day is None:
            raise ServiceError(t("report.bad_date", value=date_text))
        if day > today:
            raise ServiceError(t("report.future_date", value=format_date(day),
                                 today=format_date(today)))
        return Period.for_date(day)
    if month_text:
        if "month" not in kinds:
            raise ServiceError(t("report.daily_only", report=report_label))
        parsed = parse_month(month_text)
        if parsed is None:
            raise ServiceError(t("report.bad_month", value=month_text))
        if parsed > (today.year, today.month):
            raise ServiceError(t("report.future_month", value=f"{parsed[0]}-{parsed[1]:02d}",
                                 today=format_date(today)))
        return Period.for_month(*parsed, today=today)
    if kinds[0] == "month":
        return Period.for_month(today.year, today.month, today)
    return Period.for_date(today)
