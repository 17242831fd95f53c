"""Work on the laptop in field mode: recording a resident of the package, and where the drive
stands. Newcomers are registered with the register's own ``residents.create`` (their UUID and
the laptop's workstation code travel with them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dukcapil_tui.db import database
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, FieldBase, Resident
from dukcapil_tui.services import field_package, queue_outcomes, residents, settings
from dukcapil_tui.services.context import Actor, NotFound, require_role


def record(actor: Actor, nik: str, note: str = "") -> Card:
    """Record ``nik``'s biometrics here (the same rules as at the office's counter)."""
    require_role(actor, "action.field_record", *residents.EDITOR_ROLES)
    field_package.field_header()
    with database.atomic("IMMEDIATE"):
        resident = residents.find_by_nik(nik)
        if resident is None:
            raise NotFound(t("fieldwork.unknown_nik", nik=nik))
        return queue_outcomes.record_resident(actor, resident, note=note or t("fieldwork.note"))


@dataclass(frozen=True)
class DriveStatus:
    laptop: str
    office_name: str
    residents: int
    newcomers: int
    recorded: int
    belum_rekam: int  # wajib KTP, alive, not recorded yet


def status(today: date | None = None) -> DriveStatus:
    header = field_package.field_header()
    today = today or settings.office_today()
    base = {u for (u,) in FieldBase.select(FieldBase.uuid).tuples()}
    total = newcomers = belum = 0
    for uuid_, birth, marital, recording, life, life_on in Resident.select(
            Resident.uuid, Resident.birth_date, Resident.marital_status, Resident.recording_status,
            Resident.life_status, Resident.life_status_on).tuples():
        total += 1
        newcomers += uuid_ not in base
        if recording == "belum" and resident_rules.wajib_ktp(birth, marital, today, life, life_on).required:
            belum += 1
    return DriveStatus(header["laptop"], header["office_name"], total, newcomers, Card.select().count(), belum)
