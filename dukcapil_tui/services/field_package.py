"""Field packages (perekaman keliling): the office prepares one for a laptop; the laptop opens
it into a field database of its own, records there offline, and seals its result for the
office (``services.field_merge`` merges it back).

A package carries the chosen desa, their living residents (only what recording needs) and
their belum-rekam list, sealed with the package's key (``services.field_crypto``); the result
carries the recordings, the newcomers and the edits made in the field, sealed with the same key.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dukcapil_tui import private
from dukcapil_tui.db import database
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, FieldBase, FieldKey, FieldPackage, Region, Resident, Setting
from dukcapil_tui.services import audit, context, field_crypto, settings, sites
from dukcapil_tui.services.context import Actor, ServiceError, require_role

KIND_PACKAGE = "paket"
KIND_RESULT = "hasil"
FIELD_MODE = "field_package"  # setting of a field database: the package it was opened from (JSON header)
FIELD_KEY = "field_package_key"  # setting of a field database: the package's key (hex)

# What recording needs of a resident, and what a field edit may change (recording_status follows
# the cards; the kecamatan follows the desa).
RESIDENT_FIELDS = ("uuid", "nik", "name", "birth_place", "birth_date", "sex", "desa_code", "kecamatan_code",
                   "address", "rt", "rw", "marital_status", "recording_status", "life_status", "life_status_on",
                   "name_protected")  # a name that may not be spoken stays masked on the laptop too
EDIT_FIELDS = ("nik", "name", "birth_place", "birth_date", "sex", "desa_code", "address", "rt", "rw",
               "marital_status", "life_status", "life_status_on")
_LAPTOP = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,31}$")


def default_out(prefix: str, laptop: str) -> Path:
    """Where a package or a result goes unless the user says: the exports folder, named by the
    laptop and the day (``reserve`` numbers it if that name is taken)."""
    from dukcapil_tui import paths

    return paths.export_dir() / f"{prefix}-{laptop.strip().upper() or 'LAPTOP'}-{settings.office_today():%Y%m%d}.dkf"


def office_secret() -> bytes:
    return bytes.fromhex(FieldKey.get_by_id(1).secret)


def in_field_mode() -> bool:
    return Setting.get_or_none(Setting.key == FIELD_MODE) is not None


def refuse_in_field_mode() -> None:
    if in_field_mode():
        raise ServiceError(t("fieldpkg.office_only"))


def _plain(value) -> str | None:
    if isinstance(value, bool):
        return "1" if value else "0"
    return None if value is None else str(value)


def resident_record(values: dict) -> dict:
    """A resident's fields as text (dates ISO, flags 0/1), the form packages carry them in."""
    return {name: _plain(values.get(name)) for name in RESIDENT_FIELDS}


# --- the office: prepare -------------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    package_uuid: str
    path: Path
    key_path: Path
    desa: list[tuple[str, str]]
    residents: int
    belum_rekam: int


def _check_request(desa_codes: list[str], laptop: str, site_code: str | None) -> tuple[list[Region], str, str]:
    problems = {}
    wanted = list(dict.fromkeys(code.strip() for code in desa_codes if code.strip()))
    found = {r.code: r for r in Region.select().where(
        Region.code.in_(wanted) & Region.level.in_(("desa", "kelurahan")))}
    unknown = [code for code in wanted if code not in found]
    if not wanted:
        problems["desa"] = t("fieldpkg.no_desa")
    elif unknown:
        problems["desa"] = t("fieldpkg.unknown_desa", codes=", ".join(unknown))
    laptop = (laptop or "").strip().upper()
    if not _LAPTOP.match(laptop):
        problems["laptop"] = t("fieldpkg.bad_laptop", value=laptop or "-")
    site = None
    if site_code:
        try:
            site = sites.get(site_code.strip().upper()).code
        except ServiceError as exc:
            problems["site"] = str(exc)
    if problems:
        raise ValidationError(problems)
    return [found[code] for code in wanted], laptop, site or sites.site_of_workstation(laptop)


def prepare(actor: Actor, desa_codes: list[str], laptop: str, out: Path, key_out: Path | None = None, *,
            site_code: str | None = None, today: date | None = None) -> Prepared:
    """Seal a package of ``desa_codes`` for the laptop ``laptop`` at ``out`` (a numbered name if it
    exists) and its key at ``key_out`` (default: beside it, ``.kunci``). Admin only: it carries
    personal data of whole desa. Audited; the package is registered in ``field_package``."""
    require_role(actor, "action.field_prepare")
    refuse_in_field_mode()
    desas, laptop, site = _check_request(desa_codes, laptop, site_code)
    today = today or settings.office_today()
    package_uuid = str(uuid.uuid4())
    codes = [d.code for d in desas]
    rows = (Resident.select(*[getattr(Resident, name) for name in RESIDENT_FIELDS])
            .where(Resident.desa_code.in_(codes) & (Resident.life_status == resident_rules.ALIVE))
            .order_by(Resident.desa_code, Resident.name).dicts())
    residents = [resident_record(row) for row in rows]
    belum = [r["uuid"] for r in residents if r["recording_status"] == "belum" and resident_rules.wajib_ktp(
        date.fromisoformat(r["birth_date"]), r["marital_status"], today).required]
    now = context.now_utc()
    header = {"kind": KIND_PACKAGE, "package": package_uuid, "office": field_crypto.office_id(office_secret()),
              "office_name": settings.get("office_name"), "laptop": laptop, "created_at": str(now)}
    payload = {"office": {"office_name": settings.get("office_name"), "region_code": settings.get("region_code"),
                          "timezone": settings.office_timezone()},
               "laptop": laptop, "site": site, "desa": [[d.code, d.name, d.parent_code] for d in desas],
               "residents": residents, "belum_rekam": belum, "prepared_by": actor.username, "prepared_on": str(today)}
    key = field_crypto.package_key(office_secret(), package_uuid)
    sealed = field_crypto.seal(header, payload, key)
    written: list[Path] = []
    try:
        with database.atomic("IMMEDIATE"):
            FieldPackage.create(uuid=package_uuid, created_at=now, username=actor.username,
                                workstation=actor.workstation, laptop=laptop, site_code=site,
                                desa_codes=",".join(codes), residents=len(residents))
            audit.record(actor, "field.prepare", "field_package", package_uuid, {
                "laptop": laptop, "site": site, "desa": codes, "residents": len(residents), "belum_rekam": len(belum)})
            path = _write(Path(out), sealed, written)
            key_path = _write(Path(key_out) if key_out else path.with_suffix(".kunci"),
                              field_crypto.key_text(package_uuid, key).encode("ascii"), written)
    except BaseException:
        for leftover in written:  # no package without its record, no key without its package
            leftover.unlink(missing_ok=True)
        raise
    return Prepared(package_uuid, path, key_path, [(d.code, d.name) for d in desas], len(residents), len(belum))


def _write(target: Path, content: bytes, written: list[Path]) -> Path:
    """Write a private file at ``target`` or its first free numbered name (never over an earlier
    one); ``written`` gets its path as soon as the name is reserved."""
    from dukcapil_tui.files import ensure_folder, os_reason, reserve

    ensure_folder(target.parent)
    try:
        path = reserve(target)
        written.append(path)
        with private.open_private(path, "wb") as handle:
            handle.write(content)
            handle.flush()
            import os

            os.fsync(handle.fileno())
    except OSError as exc:
        raise ServiceError(t("fieldpkg.write_failed", path=target, reason=os_reason(exc))) from None
    return path


# --- the laptop: open a package into a field database --------------------------------------------

@dataclass(frozen=True)
class Opened:
    package_uuid: str
    laptop: str
    office_name: str
    desa: list[tuple[str, str]]
    residents: int
    belum_rekam: int


def read_package(package: Path, key_file: Path) -> tuple[dict, dict, bytes]:
    """The package's header and payload, opened with the laptop's key file."""
    sealed = field_crypto.read(package)
    if sealed.header.get("kind") != KIND_PACKAGE:
        raise ServiceError(t("fieldpkg.not_a_package_kind", path=package))
    key = field_crypto.read_key(key_file, sealed.header["package"])
    return sealed.header, field_crypto.open_sealed(sealed, key), key


def open_package(path: Path, package: Path, key_file: Path, *, admin_username: str, admin_full_name: str,
                 admin_password: str) -> Opened:
    """Create the field database at ``path`` from ``package``: the office's regency and settings,
    the package's residents (their own UUIDs), this laptop's workstation code and a first user.
    The package is opened before anything is created: a damaged one creates nothing."""
    header, payload, key = read_package(package, key_file)
    from dukcapil_tui.services.office import init_office

    office = payload["office"]
    actor = init_office(path, office_name=office["office_name"], region_code=office["region_code"],
                        timezone=office["timezone"], admin_username=admin_username,
                        admin_full_name=admin_full_name, admin_password=admin_password, workstation=payload["laptop"])
    residents = payload["residents"]
    columns = [*RESIDENT_FIELDS, "workstation", "created_at", "updated_at"]
    now = str(context.now_utc())
    with database.atomic("IMMEDIATE"):
        database.cursor().executemany(
            f"INSERT INTO resident ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [(*(r.get(name, "0" if name == "name_protected" else None) for name in RESIDENT_FIELDS), "KANTOR", now,
              now) for r in residents])  # a package made before names were protected carries no flag
        database.cursor().executemany("INSERT INTO field_base (uuid, data) VALUES (?, ?)",
                                      [(r["uuid"], json.dumps(r, ensure_ascii=False)) for r in residents])
        if payload.get("site"):
            _ensure_site(actor, payload["site"])
        for key_name, value in ((FIELD_MODE, json.dumps(header, ensure_ascii=False)), (FIELD_KEY, key.hex()),
                                ("field_site", payload.get("site") or "")):
            Setting.insert(key=key_name, value=value).on_conflict(
                conflict_target=[Setting.key], update={Setting.value: value}).execute()
        audit.record(actor, "field.open", "field_package", header["package"], {
            "laptop": payload["laptop"], "desa": [d[0] for d in payload["desa"]], "residents": len(residents)})
    return Opened(header["package"], payload["laptop"], office["office_name"], [(d[0], d[1]) for d in payload["desa"]],
                  len(residents), len(payload["belum_rekam"]))


def _ensure_site(actor: Actor, code: str) -> None:
    """The package's recording site, registered in the field database so its recordings name it."""
    from dukcapil_tui.models import RecordingSite, Workstation

    if RecordingSite.get_or_none(RecordingSite.code == code) is None:
        RecordingSite.create(code=code, name=code, kind="keliling", created_at=context.now_utc(),
                             created_by=actor.username)
    Workstation.update(site_code=code).where(Workstation.code == actor.workstation).execute()


def field_header() -> dict:
    row = Setting.get_or_none(Setting.key == FIELD_MODE)
    if row is None:
        raise ServiceError(t("fieldpkg.field_only"))
    return json.loads(row.value)


# --- the laptop: the result ----------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    path: Path
    recordings: int
    newcomers: int
    edits: int


def result_payload() -> dict:
    """What the field database adds to the office's register: every recording made here, the
    residents registered here, and the fields edited here (with the value the package carried)."""
    base = {uuid_: json.loads(data) for uuid_, data in FieldBase.select(FieldBase.uuid, FieldBase.data).tuples()}
    newcomers, edits = [], []
    for row in Resident.select().dicts():
        record = resident_record(row)
        before = base.get(row["uuid"])
        if before is None:
            newcomers.append({**record, "workstation": row["workstation"], "created_at": str(row["created_at"])})
            continue
        changes = {name: [before[name], record[name]] for name in EDIT_FIELDS if before[name] != record[name]}
        if changes:
            edits.append({"uuid": row["uuid"], "nik": before["nik"], "name": before["name"], "changes": changes})
    recordings = []
    query = (Card.select(Card, Resident.uuid.alias("resident_uuid"), Resident.nik.alias("nik"))
             .join(Resident).order_by(Card.id).dicts())
    for card in query:
        username, note = database.execute_sql(
            "SELECT username, note FROM card_event WHERE card_id = ? ORDER BY id LIMIT 1", (card["id"],)).fetchone()
        recordings.append({"uuid": card["uuid"], "resident_uuid": card["resident_uuid"], "nik": card["nik"],
                           "reason": card["reason"], "recorded_at": str(card["recorded_at"]),
                           "central_status": card["central_status"], "office_status": card["office_status"],
                           "workstation": card["workstation"], "note": note, "username": username})
    return {"recordings": recordings, "newcomers": newcomers, "edits": edits,
            "site": settings.get("field_site") or None}


def write_result(actor: Actor, out: Path) -> Result:
    """Seal what the field database adds, for the office, at ``out`` (a numbered name if it exists).
    A later result of the same laptop carries everything again: the merge adds only what is new."""
    header = field_header()
    key = bytes.fromhex(settings.get(FIELD_KEY))
    payload = result_payload()
    now = context.now_utc()
    result_header = {"kind": KIND_RESULT, "package": header["package"], "result": str(uuid.uuid4()),
                     "office": header["office"], "office_name": header["office_name"], "laptop": header["laptop"],
                     "created_at": str(now)}
    sealed = field_crypto.seal(result_header, payload, key)
    written: list[Path] = []
    try:
        with database.atomic("IMMEDIATE"):
            audit.record(actor, "field.result", "field_package", header["package"], {
                "result": result_header["result"], "recordings": len(payload["recordings"]),
                "newcomers": len(payload["newcomers"]), "edits": len(payload["edits"])})
            path = _write(Path(out), sealed, written)
    except BaseException:
        for leftover in written:
            leftover.unlink(missing_ok=True)
        raise
    return Result(path, len(payload["recordings"]), len(payload["newcomers"]), len(payload["edits"]))
