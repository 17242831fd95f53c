"""Outages with no database: their kinds, reading a moment typed by the user, and how many hours
of a day or a period an outage (or several overlapping ones) took."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.text import squash

KINDS = ("network", "central", "power", "device")
# While one of these is open the office cannot reach the central system (SIAK): printing and
# status listings need it, and recordings wait unsent.
LINK_KINDS = ("network", "central")
MAX_NOTE = 300

_MOMENT = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T](\d{1,2})[:.](\d{2}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:.](\d{2}))?$")


def parse_moment(value: object) -> datetime | None:
    """A local wall-clock moment typed as ``DD-MM-YYYY HH:MM`` or ``YYYY-MM-DD HH:MM`` (a day
    alone: its start); None when it is none of these."""
    if isinstance(value, datetime):
        return value
    text = squash(value)
    if not text or numbers.foreign_digit(text):
        return None
    found = _MOMENT.match(text)
    if found:
        day, month, year, hour, minute = found.groups()
    else:
        found = _ISO.match(text)
        if not found:
            return None
        year, month, day, hour, minute = found.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        return None


def merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching spans joined: time lost is counted once however many outages
    covered it."""
    result: list[tuple[datetime, datetime]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def hours_within(spans: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> float:
    """Hours of ``[start, end)`` covered by any of the spans (each counted once)."""
    total = timedelta()
    for first, last in merged(spans):
        overlap = min(last, end) - max(first, start)
        if overlap > timedelta():
            total += overlap
    return total.total_seconds() / 3600


def days_touched(spans: list[tuple[datetime, datetime]], day_starts: list[tuple[date, datetime, datetime]]) -> int:
    """How many of the days (``(day, start, end)``) some span covers for any time."""
    return sum(1 for _, start, end in day_starts if hours_within(spans, start, end) > 0)
