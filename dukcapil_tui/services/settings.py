"""Office-wide settings kept in the database, shared by every workstation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dukcapil_tui.db import database
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Setting
from dukcapil_tui.services import audit, context
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.services.office_state import DEFAULTS, all_settings, setting as get  # noqa: F401 (this module's API)

INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


def validate_timezone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServiceError(t("settings.bad_timezone", zone=zone, zones=", ".join(INDONESIAN_ZONES))) from None
    return zone


def _text(limit: int):
    def check(value: str) -> str:
        value = squash(value)
        if len(value) > limit:
            raise ValueError(t("field.too_long", field="", max=limit).lstrip())
        return value
    return check


def _required_text(limit: int):
    def check(value: str) -> str:
        value = _text(limit)(value)
        if not value:
            raise ValueError(t("settings.required"))
        return value
    return check


def _whole(low: int, high: int):
    def check(value: str) -> str:
        number = numbers.whole_in(value, low, high)
        if number is None:
            raise ValueError(t("settings.bad_number", low=low, high=f"{high:,}".replace(",", ".")))
        return str(number)
    return check


def _nip(value: str) -> str:
    digits = value.replace(" ", "")
    if digits and not (numbers.is_digits(digits) and len(digits) == 18):
        raise ValueError(t("settings.bad_nip"))
    return digits


def _yes_no(value: str) -> str:
    lowered = value.strip().lower()
    if lowered in ("1", "ya", "yes", "true", "y"):
        return "1"
    if lowered in ("0", "tidak", "no", "false", "t", "n", ""):
        return "0"
    raise ValueError(t("settings.bad_yes_no"))


def _zone(value: str) -> str:
    try:
        return validate_timezone(value.strip())
    except ServiceError:  # the field's label goes before the message
        raise ValueError(t("settings.bad_zone_value", zone=value.strip(), zones=", ".join(INDONESIAN_ZONES))) from None


def _suket_pattern(value: str) -> str:
    from dukcapil_tui.domain.cards import suket_number

    value = value.strip()
    if not value:
        return ""  # empty: the default pattern
    try:
        sample = suket_number(value, 1, date(2026, 11, 22))
    except (KeyError, ValueError, IndexError, AttributeError, TypeError):
        raise ValueError(t("settings.bad_pattern")) from None
    if "{seq" not in value or sample == suket_number(value, 2, date(2026, 11, 22)):
        raise ValueError(t("settings.pattern_needs_seq"))
    return value


def _month(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    parts = value.split("-")
    if (len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not all(numbers.is_digits(p) for p in parts)
            or not 1 <= int(parts[1]) <= 12 or int(parts[0]) < 2000):
        raise ValueError(t("settings.bad_month"))
    return value


# The office settings people may change, each with its check (value -> cleaned value, or
# ValueError with the message). The region is fixed at `init`; targets have `dukcapil target`.
EDITABLE: dict[str, Callable[[str], str]] = {
    "office_name": _required_text(120),
    "timezone": _zone,
    "head_name": _text(100),
    "head_nip": _nip,
    "report_place": _text(60),
    "reorder_threshold": _whole(0, 1_000_000),
    "blangko_receipt_max": _whole(1, 1_000_000),
    "blangko_count_variance_max": _whole(0, 1_000_000),
    "suket_number_pattern": _suket_pattern,
    "suket_forbid_when_stock": _yes_no,
    "noshow_after_recalls": _whole(1, 20),
    "noshow_min_minutes": _whole(0, 60),
    "slip_printer_command": _text(1000),
    "idle_lock_minutes": _whole(1, 120),
    "suket_validity_months": _whole(1, 24),
    # The day of the following month by which each monthly report must be sent upward, and how
    # many days before it the dashboard starts to warn.
    "report_deadline_capaian": _whole(1, 28),
    "report_deadline_blangko": _whole(1, 28),
    "report_warn_days": _whole(0, 27),
    # The first month whose reports the app asks for (YYYY-MM); empty: the month the office
    # began using the app.
    "reports_due_from": _month,
}


def put_checked(actor: Actor, key: str, value: str) -> None:
    """Store a setting another service has already checked (e.g. a yearly target). Admin only,
    audited, one transaction."""
    require_role(actor, "action.change_settings", "admin")
    with database.atomic("IMMEDIATE"):
        _write(actor, key, value)


def label(key: str) -> str:
    return t(f"settings.key.{key}")


def put(actor: Actor, key: str, value: str) -> str:
    """Change one setting (admin only), checked and audited. Returns the value stored."""
    require_role(actor, "action.change_settings", "admin")
    check = EDITABLE.get(key)
    if check is None:
        raise ValidationError({key: t("settings.unknown", name=key, keys=", ".join(EDITABLE))})
    try:
        cleaned = check(str(value if value is not None else ""))
    except ValueError as exc:
        raise ValidationError({key: f"{label(key)}: {exc}"}) from None
    with database.atomic("IMMEDIATE"):
        _write(actor, key, cleaned)
    return cleaned


def put_many(actor: Actor, values: dict[str, str]) -> dict[str, str]:
    """Several settings at once (the settings screen): all checked first, then one transaction."""
    require_role(actor, "action.change_settings", "admin")
    problems, cleaned = {}, {}
    for key, value in values.items():
        check = EDITABLE.get(key)
        if check is None:
            problems[key] = t("settings.unknown", name=key, keys=", ".join(EDITABLE))
            continue
        try:
            cleaned[key] = check(str(value if value is not None else ""))
        except ValueError as exc:
            problems[key] = f"{label(key)}: {exc}"
    if problems:
        raise ValidationError(problems)
    with database.atomic("IMMEDIATE"):
        for key, value in cleaned.items():
            if value != get(key):
                _write(actor, key, value)
    return cleaned


def _write(actor: Actor, key: str, value: str) -> None:
    old = get(key)
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}).execute()
    audit.record(actor, "setting.put", "setting", key, {"value": [old, value]})


def office_timezone() -> str:
    return get("timezone") or DEFAULTS["timezone"]


def office_now() -> datetime:
    from dukcapil_tui.domain.formatting import to_local

    return to_local(context.now_utc(), office_timezone())


def office_today() -> date:
    return office_now().date()


def utc_start_of(day: date) -> datetime:
    """The moment (naive UTC, as stored) the office's local ``day`` begins."""
    local = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(office_timezone()))
    return local.astimezone(UTC).replace(tzinfo=None)


def utc_bounds(first: date, last: date) -> tuple[str, str]:
    """``[start, end)`` of the local days ``first``..``last`` in UTC, as the text stored in the
    tables (``YYYY-MM-DD HH:MM:SS``), for comparisons inside SQL."""
    return str(utc_start_of(first)), str(utc_start_of(last + timedelta(days=1)))


def whole_setting(key: str) -> int:
    """A whole-number setting as stored, or its default when the stored text is not one."""
    value = numbers.whole(get(key))
    return value if value is not None else int(DEFAULTS[key])


def local_to_utc(moment: datetime, zone: str | None = None) -> datetime:
    """An office-local wall-clock time (naive) as stored (naive UTC); ``zone``: the office's time
    zone when the caller read it already (a loop over many rows)."""

    return moment.replace(tzinfo=ZoneInfo(zone or office_timezone())).astimezone(UTC).replace(tzinfo=None)
