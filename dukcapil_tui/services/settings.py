"""Office-wide settings kept in the database, shared by every workstation."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Setting
from dukcapil_tui.services import audit, context
from dukcapil_tui.services.context import Actor, ServiceError, require_role

DEFAULTS = {
    "office_name": "",
    "region_code": "",
    "region_name": "",
    "timezone": "Asia/Makassar",
    "head_name": "",
    "head_nip": "",
}

INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


def get(key: str) -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else DEFAULTS.get(key, "")


def all_settings() -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update({row.key: row.value for row in Setting.select()})
    return values


def validate_timezone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServiceError(t("settings.bad_timezone", zone=zone, zones=", ".join(INDONESIAN_ZONES))) from None
    return zone


def put(actor: Actor, key: str, value: str) -> None:
    """Change one setting (admin only), audited."""
    require_role(actor, "action.change_settings", "admin")
    if key == "timezone":
        validate_timezone(value)
    with database.atomic():
        _write(actor, key, value)


def _write(actor: Actor, key: str, value: str) -> None:
    old = get(key)
    Setting.insert(key=key, value=value).on_conflict_replace().execute()
    audit.record(actor, "setting.put", "setting", key, {"value": [old, value]})


def office_timezone() -> str:
    return get("timezone") or DEFAULTS["timezone"]


def office_now() -> datetime:
    from dukcapil_tui.domain.formatting import to_local

    return to_local(context.now_utc(), office_timezone())


def office_today() -> date:
    return office_now().date()
