"""Indonesian number and date formats, written out rather than taken from the system locale."""

from __future__ import annotations

from datetime import date, datetime, UTC
from zoneinfo import ZoneInfo


def format_int(value: int | None) -> str:
    if value is None:
        return "-"
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def format_signed(value: int) -> str:
    """A change with its sign: +1.000, -5, 0."""
    return ("+" if value > 0 else "") + format_int(value)


def format_decimal(value: float | None, places: int = 2) -> str:
    if value is None:
        return "-"
    text = f"{abs(value):,.{places}f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if value < 0 else "") + text


def format_percent(numerator: int, denominator: int, places: int = 2) -> str:
    if not denominator:
        return "-"
    return format_decimal(100 * numerator / denominator, places) + " %"


def format_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def to_local(value: datetime, zone: str) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone))


def format_datetime(value: datetime | None, zone: str) -> str:
    if value is None:
        return "-"
    local = to_local(value, zone)
    return local.strftime("%d-%m-%Y %H:%M ") + zone_abbreviation(zone)


_ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_abbreviation(zone: str) -> str:
    return _ZONE_NAMES.get(zone, zone)
