"""Merging a field result back into the office's register: in one transaction, audited, through
the register's own services (``residents.create``/``update``, ``card_status``).

The rules (docs/field.md):

- **Newcomers** keep their UUID: one the office already holds was merged before (nothing to
  do). A newcomer whose NIK the office already holds under another record is not added
  (conflict); their recordings go to the office's record of that NIK (a NIK is one person).
- **Edits** carry, per field, the value the package had and the laptop's value. Where the office
  still holds the package's value, the laptop's is applied; where it holds the laptop's already,
  nothing is done; where the office changed the field meanwhile, **the office's value stays** and
  the edit is reported as a conflict (never overwritten). An edit the register refuses is
  reported the same way.
- **Recordings** keep their card UUID: one the office holds was merged before. A resident the
  office already has a card on its way for (recorded at the office meanwhile, or by another
  drive) is **recorded twice**: the office's card stays, the field recording is reported and not
  added. A card the centre failed (to re-record) is replaced by the field recording. A resident
  the office has as died or moved away is reported, not recorded.
- A result file merged once is recognised by its UUID: a second merge adds nothing.
"""

from __future__ import annotations

import json
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.domain.formatting import format_date, format_datetime, to_local
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, FieldMerge, Resident
from dukcapil_tui.services import audit, card_status, context, field_crypto, regions, residents, settings
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.services.field_package import (
    EDIT_FIELDS,
    KIND_RESULT,
    office_secret,
    refuse_in_field_mode,
    resident_record,
)


@dataclass(frozen=True)
class Conflict:
    kind: str  # newcomer, edit, recorded_twice, not_alive, unknown_resident
    nik: str
    name: str
    detail: str


@dataclass
class Merged:
    result_uuid: str
    package_uuid: str
    laptop: str
    already_merged_at: datetime | None = None
    recorded: list[tuple[date, str]] = field(default_factory=list)  # (local day, desa code) per recording
    newcomers: int = 0
    edits: int = 0  # fields applied
    unchanged: int = 0  # items already in the register (an earlier merge, or the same value)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def days(self) -> int:
        return len({day for day, _ in self.recorded})

    @property
    def kecamatan(self) -> int:
        return len({desa[:8] for _, desa in self.recorded})

    @property
    def desa(self) -> int:
        return len({desa for _, desa in self.recorded})

    def by_day_and_desa(self) -> list[tuple[date, str, int]]:
        return sorted((day, desa, n) for (day, desa), n in Tally(self.recorded).items())

    def summary(self) -> dict:
        return {"recorded": len(self.recorded), "days": self.days, "kecamatan": self.kecamatan, "desa": self.desa,
                "newcomers": self.newcomers, "edits": self.edits, "unchanged": self.unchanged,
                "conflicts": len(self.conflicts),
                "by_day_desa": [[str(day), desa, n] for day, desa, n in self.by_day_and_desa()]}


def describe(merged: Merged) -> list[str]:
    """What a merge did, as the CLI prints it and the screen shows it: the summary, the drive by
    day and desa, the conflicts (the office's data stays)."""
    if merged.already_merged_at is not None:
        return [t("fieldcli.already", at=format_datetime(merged.already_merged_at, settings.office_timezone()))]
    index = regions.index()
    lines = [t("fieldcli.merged", days=merged.days, kecamatan=merged.kecamatan, desa=merged.desa,
               recorded=len(merged.recorded), newcomers=merged.newcomers, edits=merged.edits,
               unchanged=merged.unchanged, conflicts=len(merged.conflicts))]
    lines += [t("fieldcli.by_day", day=format_date(day), kecamatan=index.name(desa[:8]), desa=index.name(desa),
                count=count) for day, desa, count in merged.by_day_and_desa()]
    if merged.conflicts:
        lines.append(t("fieldcli.conflicts"))
        lines += [t("fieldcli.conflict", nik=c.nik, name=c.name, detail=c.detail) for c in merged.conflicts]
    return lines


def open_result(path: Path | str) -> tuple[dict, dict]:
    """The result's header and payload; refused when it is another office's, not a result, or
    was changed on the way."""
    sealed = field_crypto.read(path)
    header = sealed.header
    secret = office_secret()
    if header.get("office") != field_crypto.office_id(secret):
        raise ServiceError(t("fieldpkg.other_office", path=path, office=header.get("office_name") or "-"))
    if header.get("kind") != KIND_RESULT:
        raise ServiceError(t("fieldpkg.not_a_result", path=path))
    payload = field_crypto.open_sealed(sealed, field_crypto.package_key(secret, header["package"]))
    return header, payload


def merge(actor: Actor, path: Path | str, *, today: date | None = None) -> Merged:
    """Merge the field result at ``path`` (admin only), all of it or nothing."""
    require_role(actor, "action.field_merge")
    refuse_in_field_mode()
    header, payload = open_result(path)
    today = today or settings.office_today()
    merged = Merged(header["result"], header["package"], header.get("laptop", ""))
    with database.atomic("IMMEDIATE"):
        earlier = FieldMerge.get_or_none(FieldMerge.result_uuid == header["result"])
        if earlier is not None:
            merged.already_merged_at = earlier.merged_at
            return merged
        recorded = {r["resident_uuid"] for r in payload.get("recordings", [])}
        for newcomer in payload.get("newcomers", []):
            if newcomer["uuid"] in recorded:  # SUDAH REKAM once their card is merged, not before
                newcomer = {**newcomer, "recording_status": "belum"}
            _newcomer(actor, newcomer, today, merged)
        for edit in payload.get("edits", []):
            _edit(actor, edit, today, merged)
        zone, site = settings.office_timezone(), _site(payload.get("site"), header)
        for recording in payload.get("recordings", []):
            _recording(actor, recording, header, site, zone, merged)
        FieldMerge.create(result_uuid=header["result"], package_uuid=header["package"], laptop=merged.laptop,
                          merged_at=context.now_utc(), username=actor.username, workstation=actor.workstation,
                          summary=json.dumps(merged.summary()))
        audit.record(actor, "field.merge", "field_package", header["package"], {
            "result": header["result"], "laptop": merged.laptop, **merged.summary()})
    return merged


def _form(values: dict) -> dict:
    """A package's resident record as the register's form takes it."""
    form = {k: (v or "") for k, v in values.items() if k not in ("uuid", "kecamatan_code", "workstation", "created_at")}
    for name in ("birth_date", "life_status_on"):
        if form.get(name):
            form[name] = date.fromisoformat(form[name]).strftime("%d-%m-%Y")
    return form


def _problems(exc: ValidationError) -> str:
    return "; ".join(exc.problems.values())


def _newcomer(actor: Actor, values: dict, today: date, merged: Merged) -> None:
    if Resident.select().where(Resident.uuid == values["uuid"]).exists():
        merged.unchanged += 1
        return
    other = Resident.get_or_none(Resident.nik == values["nik"])
    if other is not None:
        merged.conflicts.append(Conflict("newcomer", values["nik"], values["name"],
                                         t("fieldmerge.newcomer_nik_taken", name=other.name)))
        return
    try:
        with database.atomic():
            residents.create(actor, _form(values), today, resident_uuid=values["uuid"],
                             workstation=values.get("workstation"))
    except ValidationError as exc:
        merged.conflicts.append(Conflict("newcomer", values["nik"], values["name"], _problems(exc)))
        return
    merged.newcomers += 1


def _edit(actor: Actor, edit: dict, today: date, merged: Merged) -> None:
    resident = Resident.get_or_none(Resident.uuid == edit["uuid"])
    if resident is None:
        merged.conflicts.append(Conflict("edit", edit["nik"], edit["name"], t("fieldmerge.edit_unknown")))
        return
    current = resident_record({name: getattr(resident, name) for name in EDIT_FIELDS})
    apply, kept = {}, []
    for name, (before, after) in edit["changes"].items():
        if name not in EDIT_FIELDS:
            continue
        if current[name] == after:
            merged.unchanged += 1
        elif current[name] == before:
            apply[name] = after
        else:
            kept.append(t("fieldmerge.edit_field_kept", field=t(f"fieldmerge.col.{name}"), office=current[name] or "-",
                          laptop=after or "-"))
    if kept:
        merged.conflicts.append(Conflict("edit", resident.nik, resident.name, "; ".join(kept)))
    if not apply:
        return
    form = residents.to_form(resident)
    form.update(_form(apply))
    try:
        with database.atomic():
            residents.update(actor, resident.id, form, today)
    except ValidationError as exc:
        merged.conflicts.append(Conflict("edit", resident.nik, resident.name, _problems(exc)))
        return
    merged.edits += len(apply)


def _recording(actor: Actor, recording: dict, header: dict, site: str, zone: str, merged: Merged) -> None:
    if Card.select().where(Card.uuid == recording["uuid"]).exists():
        merged.unchanged += 1
        return
    resident = (Resident.get_or_none(Resident.uuid == recording["resident_uuid"])
                or Resident.get_or_none(Resident.nik == recording["nik"]))
    if resident is None:
        merged.conflicts.append(Conflict("unknown_resident", recording["nik"], "", t("fieldmerge.unknown_resident")))
        return
    if resident.life_status != resident_rules.ALIVE:
        merged.conflicts.append(Conflict("not_alive", resident.nik, resident.name, t(
            "fieldmerge.not_alive", status=resident_rules.life_label(resident.life_status))))
        return
    recorded_at = datetime.fromisoformat(recording["recorded_at"])
    previous = (Card.select().where((Card.resident == resident.id) & Card.office_status.in_(card_rules.OPEN_STATUSES))
                .order_by(Card.id.desc()).first())
    if previous is not None and previous.office_status != "needs_rerecording":
        merged.conflicts.append(Conflict("recorded_twice", resident.nik, resident.name, t(
            "fieldmerge.recorded_twice", day=format_date(to_local(previous.recorded_at, zone).date()),
            where=previous.recorded_where, status=t(f"cards.office.{previous.office_status}"))))
        return
    note = recording.get("note") or ""
    if previous is not None:
        card_status.change(actor, previous, "perekaman", "card.replaced", office="replaced", note=note,
                           detail={"field_package": header["package"]})
    desa_name = regions.index().name(resident.desa_code)
    new = card_status.NewCard(
        resident.id, resident.kecamatan_code, recording.get("reason") or "baru",
        t("fieldmerge.recorded_where", desa=desa_name, laptop=recording["workstation"]),
        central="BIO_CAPTURED", site_code=site, recorded_at=recorded_at, note=note,
        uuid=recording["uuid"], workstation=recording["workstation"])
    card_status.create_many(actor, [new], "keliling", action="card.create",
                            detail={"field_package": header["package"], "recorded_by": recording.get("username")})
    merged.recorded.append((to_local(recorded_at, zone).date(), resident.desa_code))


def _site(code: str | None, header: dict) -> str:
    """Where the drive recorded: the package's site when the office has it, else the laptop's."""
    from dukcapil_tui.models import RecordingSite
    from dukcapil_tui.services import sites

    if code and RecordingSite.get_or_none(RecordingSite.code == code) is not None:
        return code
    return sites.site_of_workstation(header.get("laptop", ""))
