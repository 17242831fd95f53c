"""The device register: recording sets and their parts (camera, fingerprint scanner, iris
scanner, signature pad, PC) and card printers, each with its serial number, site and status.

Every change is a dated event (``device_event``, append-only): added, broken, sent for repair
(where, the document), repaired (back in service), and a failed recording at a counter (the
ticket; a device in service is then broken). A device is named by its number (``12`` or ``#12``)
or its serial number. ``monthly`` gives the report's days out of service per site.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.domain import devices as rules
from dukcapil_tui.domain.problems import ValidationError, bad_kind
from dukcapil_tui.domain.residents import parse_date
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Device, DeviceEvent, RecordingSite
from dukcapil_tui.services import audit, context, day_lock, settings, sites
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role

ADMIN_ROLES = ("admin",)  # keeps the register
ROLES = context.ROLES  # whoever is on duty reports a device broken or back


def _text(values: dict, key: str, limit: int, problems: dict, label_key: str) -> str:
    text = squash(values.get(key))
    if len(text) > limit:
        problems[key] = t("field.too_long", field=t(label_key), max=limit)
    return text


def _day(value: object, problems: dict) -> date:
    today = settings.office_today()
    if value is None or str(value).strip() == "":
        return today
    day = parse_date(value)
    if day is None:
        problems["day"] = t("field.bad_date", field=t("device.field.day"))
    elif day > today:
        problems["day"] = t("field.future_date", field=t("device.field.day"))
    return day or today


def find(ref: object) -> Device:
    """A device by its number (``12``, ``#12``) or its serial number (any case)."""
    text = str(ref or "").strip()
    number = text.removeprefix("#")
    if number.isascii() and number.isdigit():
        device = Device.get_or_none(Device.id == int(number))
        if device is not None:
            return device
    found = list(Device.select().where(Device.serial == text.upper()).limit(2)) if text else []
    if len(found) > 1:
        raise ServiceError(t("device.ambiguous", serial=text))
    if not found:
        raise NotFound(t("device.unknown", ref=text or "-"))
    return found[0]


def _event(actor: Actor, device: Device, kind: str, day: date, status: str, **extra) -> DeviceEvent:
    return DeviceEvent.create(device=device.id, day=day, at=context.now_utc(), kind=kind, status=status,
                              site_code=device.site_code, username=actor.username, workstation=actor.workstation,
                              **extra)


def add(actor: Actor, values: dict) -> Device:
    """Register a device (``kind``, ``serial``, ``name``, ``site``; a part names its ``set``;
    ``day`` it came into service, default today)."""
    require_role(actor, "action.manage_devices", *ADMIN_ROLES)
    problems: dict[str, str] = {}
    kind = str(values.get("kind") or "").strip().lower()
    if (problem := bad_kind("device.field.kind", kind, "device.kind", rules.KINDS)) is not None:
        problems["kind"] = problem
    serial = _text(values, "serial", rules.MAX_SERIAL, problems, "device.field.serial").upper()
    name = _text(values, "name", rules.MAX_NAME, problems, "device.field.name")
    site = None
    try:
        site = sites.get(str(values.get("site") or "").strip() or sites.DEFAULT_SITE).code
    except NotFound as exc:
        problems["site"] = str(exc)
    parent = None
    parent_ref = str(values.get("set") or "").strip()
    if parent_ref:
        if kind in rules.KINDS and kind not in rules.PARTS:
            problems["set"] = t("device.not_a_part", kind=t(f"device.kind.{kind}"))
        else:
            try:
                parent = find(parent_ref)
            except (NotFound, ServiceError) as exc:
                problems["set"] = str(exc)
            else:
                if parent.kind != "recording_set":
                    problems["set"] = t("device.set_not_a_set", ref=parent_ref)
    day = _day(values.get("day"), problems)
    if problems:
        raise ValidationError(problems)
    if parent is not None:
        site = parent.site_code  # a part stands where its set stands
    with database.atomic("IMMEDIATE"):
        day_lock.ensure_open(day)
        if serial and Device.select().where(Device.kind == kind, Device.serial == serial).exists():
            raise ValidationError({"serial": t("device.serial_taken", serial=serial,
                                               kind=t(f"device.kind.{kind}"))})
        device = Device.create(uuid=str(uuid.uuid4()), kind=kind, serial=serial, name=name, site_code=site,
                               parent=parent.id if parent else None, status="in_service",
                               created_at=context.now_utc(), created_by=actor.username,
                               workstation=actor.workstation)
        _event(actor, device, "added", day, "in_service")
        audit.record(actor, "device.add", "device", device.id,
                     {"kind": kind, "serial": serial, "site": site, "set": parent.id if parent else None})
    return device


def record(actor: Actor, ref: object, event: str, values: dict) -> Device:
    """A dated event of a device: ``broken``, ``sent_for_repair`` (``place`` required,
    ``document``) or ``repaired`` (back in service); ``day`` default today, ``note``."""
    require_role(actor, "action.device_event", *ROLES)
    if event not in rules.MOVES:
        raise ServiceError(t("device.unknown_event", event=event))
    problems: dict[str, str] = {}
    day = _day(values.get("day"), problems)
    note = _text(values, "note", rules.MAX_TEXT, problems, "device.field.note")
    place = _text(values, "place", rules.MAX_TEXT, problems, "device.field.place")
    document = _text(values, "document", rules.MAX_TEXT, problems, "device.field.document")
    if event == "sent_for_repair" and not place and "place" not in problems:
        problems["place"] = t("field.required", field=t("device.field.place"))
    if problems:
        raise ValidationError(problems)
    allowed, status = rules.MOVES[event]
    with database.atomic("IMMEDIATE"):
        device = find(ref)
        day_lock.ensure_open(day)
        if device.status not in allowed:
            raise ServiceError(t(f"device.cannot_{event}", device=label(device),
                                 status=t(f"device.status.{device.status}")))
        last = (DeviceEvent.select(DeviceEvent.day).where(DeviceEvent.device == device.id)
                .order_by(DeviceEvent.day.desc()).scalar())
        if last is not None and day < last:
            raise ValidationError({"day": t("device.before_last_event", day=last.strftime("%d-%m-%Y"))})
        Device.update(status=status).where(Device.id == device.id).execute()
        device.status = status
        _event(actor, device, event, day, status, repair_place=place, document=document, note=note)
        audit.record(actor, f"device.{event}", "device", device.id, {"day": day.isoformat(), "place": place or None,
                                                                     "document": document or None})
    return device


def failed_recording(actor: Actor, device_id: int, ticket_id: int) -> Device:
    """A recording failed at a counter on this device (inside the caller's transaction): the
    event names the ticket; a device in service is broken from today."""
    device = Device.get_or_none(Device.id == device_id)
    if device is None:
        raise NotFound(t("device.unknown", ref=f"#{device_id}"))
    status = "broken" if device.status == "in_service" else device.status
    Device.update(status=status).where(Device.id == device.id).execute()
    device.status = status
    _event(actor, device, "failed_recording", settings.office_today(), status, ticket=ticket_id)
    audit.record(actor, "device.failed_recording", "device", device.id, {"ticket": ticket_id})
    return device


def label(device: Device) -> str:
    """``#12 kamera SN-123 (UPT-PUJUT)``: how a device is named in messages and lists."""
    serial = f" {device.serial}" if device.serial else ""
    return f"#{device.id} {t(f'device.kind.{device.kind}')}{serial} ({device.site_code})"


# --- reading ---------------------------------------------------------------------------------------

@dataclass
class DeviceRow:
    id: int
    kind: str
    serial: str
    name: str
    site_code: str
    set_id: int | None
    status: str
    since: date | None  # the day of its last change of status
    place: str = ""  # where it was sent for repair
    document: str = ""

    @property
    def out(self) -> bool:
        return rules.out_of_service(self.status)


def list_devices(site: str | None = None, out_only: bool = False) -> list[DeviceRow]:
    """The register by site, sets with their parts after them; each with the day it reached its
    status and, sent for repair, where to."""
    query = Device.select()
    if site:
        query = query.where(Device.site_code == sites.get(site).code)
    if out_only:
        query = query.where(Device.status != "in_service")
    devices = list(query)
    last: dict[int, DeviceEvent] = {}
    if devices:
        for event in (DeviceEvent.select().where(DeviceEvent.device.in_([d.id for d in devices]),
                                                 DeviceEvent.kind != "failed_recording")
                      .order_by(DeviceEvent.day, DeviceEvent.id)):
            last[event.device_id] = event
    rows = []
    for d in devices:
        event = last.get(d.id)
        rows.append(DeviceRow(d.id, d.kind, d.serial, d.name, d.site_code, d.parent_id, d.status,
                              event.day if event else None, event.repair_place if event else "",
                              event.document if event else ""))
    return sorted(rows, key=lambda r: (r.site_code, r.set_id or r.id, r.set_id is not None, r.id))


def list_out_at(day: date) -> list[DeviceRow]:
    """The devices out of service at the end of ``day``, each with the first day of that spell
    out of service and, sent for repair, where to and the document."""
    events: dict[int, list[DeviceEvent]] = {}
    for event in (DeviceEvent.select().where(DeviceEvent.day <= day)
                  .order_by(DeviceEvent.device, DeviceEvent.day, DeviceEvent.id)):
        events.setdefault(event.device_id, []).append(event)
    found = {d.id: d for d in Device.select().where(Device.id.in_(list(events)))} if events else {}
    rows = []
    for device_id, history in events.items():
        if not rules.out_of_service(history[-1].status):
            continue
        spell = []
        for event in reversed(history):
            if not rules.out_of_service(event.status):
                break
            spell.append(event)
        sent = next((e for e in spell if e.kind == "sent_for_repair"), None)
        d = found[device_id]
        rows.append(DeviceRow(d.id, d.kind, d.serial, d.name, history[-1].site_code, d.parent_id, history[-1].status,
                              spell[-1].day, sent.repair_place if sent else "", sent.document if sent else ""))
    return sorted(rows, key=lambda r: (r.site_code, r.since, r.id))


def out_by_site() -> dict[str, int]:
    """How many devices of each site are out of service now (broken or in repair)."""
    return dict(database.execute_sql(
        "SELECT site_code, COUNT(*) FROM device WHERE status != 'in_service' GROUP BY site_code").fetchall())


def choices_for(site_code: str) -> list[tuple[int, str]]:
    """The devices of a site a failed recording may name (card printers record nothing)."""
    return [(d.id, label(d) + (f" — {t(f'device.status.{d.status}')}" if d.status != "in_service" else ""))
            for d in Device.select().where(Device.site_code == site_code, Device.kind != "card_printer")
            .order_by(Device.parent.is_null(False), Device.id)]


@dataclass
class SiteDevices:
    code: str
    name: str
    kecamatan_code: str | None
    devices: int = 0  # registered by the period's end
    out_at_end: int = 0  # broken or in repair at the period's end
    days_out: int = 0  # device-days out of service in the period
    by_kind_out: dict[str, int] = field(default_factory=dict)


def monthly(first: date, last: date) -> list[SiteDevices]:
    """Per site: its devices at ``last``, how many were out of service then, and the device-days
    out of service in ``first``..``last`` (a day counts when the device ended it out of service)."""
    timeline: dict[int, list[tuple[date, str, str]]] = {}
    for device_id, day, status, site in database.execute_sql(
            "SELECT device_id, day, status, site_code FROM device_event WHERE day <= ? ORDER BY device_id, day, id",
            (last.isoformat(),)).fetchall():
        timeline.setdefault(device_id, []).append((date.fromisoformat(str(day)[:10]), status, site))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    kinds = dict(database.execute_sql("SELECT id, kind FROM device").fetchall())
    result: dict[str, SiteDevices] = {}
    for s in RecordingSite.select().order_by(RecordingSite.kind != "dinas", RecordingSite.code):
        result[s.code] = SiteDevices(s.code, s.name, s.kecamatan_code)
    for device_id, events in timeline.items():
        status, site = events[-1][1], events[-1][2]
        row = result[site]
        row.devices += 1
        if rules.out_of_service(status):
            row.out_at_end += 1
            kind = kinds[device_id]
            row.by_kind_out[kind] = row.by_kind_out.get(kind, 0) + 1
        index, current = 0, None
        for day in days:
            while index < len(events) and events[index][0] <= day:
                current = events[index][1]
                index += 1
            if current is not None and rules.out_of_service(current):
                row.days_out += 1
    return [row for row in result.values() if row.devices]
