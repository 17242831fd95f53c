"""The service catalogue and the counters: what residents can queue for, and who serves what."""

from __future__ import annotations

import re

from dukcapil_tui.db import database
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain import queue as rules
from dukcapil_tui.domain.problems import ValidationError, bad_choice
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Counter, Service
from dukcapil_tui.services import audit
from dukcapil_tui.services.context import Actor, NotFound, require_role

_CODE = re.compile(r"^[a-z0-9_]{2,32}$")
_PREFIX = re.compile(r"^[A-Z]{1,3}$")


def services(active_only: bool = True) -> list[Service]:
    query = Service.select().order_by(Service.sort_order, Service.id)
    if active_only:
        query = query.where(Service.active == True)  # noqa: E712
    return list(query)


def service_by_code(code: str) -> Service:
    service = Service.get_or_none(Service.code == code)
    if service is None:
        raise NotFound(t("queue.unknown_service", code=code))
    return service


def find_service(text: str) -> Service | None:
    """A service named by its code, its ticket prefix, or its name (any case)."""
    value = squash(text)
    if not value:
        return None
    lowered = value.lower()
    for service in services(active_only=False):
        if lowered in (service.code, service.prefix.lower(), service.name.lower()):
            return service
    return None


def save_service(actor: Actor, values: dict, service_id: int | None = None) -> Service:
    """Create or change a service (admin). ``values``: code, name, prefix, daily_quota,
    records_biometrics, card_reason, active, sort_order."""
    require_role(actor, "action.manage_services", "admin")
    code = str(values.get("code") or "").strip().lower()
    name = " ".join(str(values.get("name") or "").split())
    prefix = str(values.get("prefix") or "").strip().upper()
    quota_raw = str(values.get("daily_quota") if values.get("daily_quota") is not None else "").strip()
    card_reason = values.get("card_reason") or None
    records = bool(values.get("records_biometrics"))
    problems: dict[str, str] = {}
    if not _CODE.match(code):
        problems["code"] = t("service.bad_code")
    if not name:
        problems["name"] = t("field.required", field=t("service.field.name"))
    if not _PREFIX.match(prefix):
        problems["prefix"] = t("service.bad_prefix")
    quota = None
    if quota_raw:
        quota = numbers.whole(quota_raw)
        if quota is None or quota <= 0:
            problems["daily_quota"] = t("service.bad_quota")
            quota = None
    if card_reason is not None and card_reason not in rules.CARD_REASONS:
        problems["card_reason"] = bad_choice(t("service.field.card_reason"), card_reason, ", ".join(rules.CARD_REASONS))
    if records and card_reason is None:
        problems["card_reason"] = t("service.card_reason_needed")
    elif records and card_reason in rules.REPRINT_REASONS:
        # A reprint prints the record the centre holds: never a new biometric recording.
        problems["records_biometrics"] = t("service.reprint_records", reason=t(f"cards.reason.{card_reason}"))
    try:
        sort_order = int(str(values.get("sort_order") or 0).strip())
    except ValueError:
        problems["sort_order"] = t("service.bad_sort_order")
    with database.atomic("IMMEDIATE"):
        others = Service.select().where(Service.id != (service_id or 0))
        if "code" not in problems and others.where(Service.code == code).exists():
            problems["code"] = t("service.code_taken", code=code)
        if "prefix" not in problems and others.where(Service.prefix == prefix).exists():
            problems["prefix"] = t("service.prefix_taken", prefix=prefix)
        if problems:
            raise ValidationError(problems)
        fields = {
            "code": code, "name": name, "prefix": prefix, "daily_quota": quota,
            "records_biometrics": records,
            "card_reason": card_reason if records or card_reason in rules.REPRINT_REASONS else None,
            "active": bool(values.get("active", True)), "sort_order": sort_order,
        }
        if service_id is None:
            service = Service.create(**fields)
            audit.record(actor, "service.create", "service", service.id, {k: [None, v] for k, v in fields.items()})
        else:
            service = Service.get_or_none(Service.id == service_id)
            if service is None:
                raise NotFound(t("queue.unknown_service", code=service_id))
            changes = audit.diff({k: getattr(service, k) for k in fields}, fields)
            Service.update(**fields).where(Service.id == service_id).execute()
            audit.record(actor, "service.update", "service", service_id, changes)
            service = Service.get_by_id(service_id)
    return service


def counters(active_only: bool = True) -> list[Counter]:
    query = Counter.select().order_by(Counter.number)
    if active_only:
        query = query.where(Counter.active == True)  # noqa: E712
    return list(query)


def get_counter(number: int) -> Counter:
    counter = Counter.get_or_none(Counter.number == number)
    if counter is None or not counter.active:
        raise NotFound(t("queue.unknown_counter", number=number))
    return counter


def counter_service_ids(number: int) -> list[int]:
    """The services a counter calls from: its own list, or every active service."""
    counter = get_counter(number)
    query = Service.select(Service.id).where(Service.active == True)  # noqa: E712
    if counter.codes:
        query = query.where(Service.code.in_(counter.codes))
    return [s.id for s in query]


def save_counter(actor: Actor, number: int, name: str, service_codes: list[str], active: bool = True) -> Counter:
    require_role(actor, "action.manage_services", "admin")
    name = squash(name) or f"Loket {number}"
    if number <= 0:
        raise ValidationError({"number": t("queue.bad_counter_number")})
    known = {s.code for s in services(active_only=False)}
    unknown = [c for c in service_codes if c not in known]
    if unknown:
        raise ValidationError({"service_codes": t("queue.unknown_service", code=", ".join(unknown))})
    codes = ",".join(service_codes)
    with database.atomic("IMMEDIATE"):
        old = Counter.get_or_none(Counter.number == number)
        Counter.insert(number=number, name=name, service_codes=codes, active=active).on_conflict_replace().execute()
        audit.record(actor, "counter.save", "counter", number, {
            "name": [old.name if old else None, name],
            "service_codes": [old.service_codes if old else None, codes],
            "active": [old.active if old else None, active],
        })
    return Counter.get_by_id(number)
