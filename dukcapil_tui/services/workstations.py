"""The registry of workstations (set up by the admin) and this workstation's place in it.

A workstation is known to the database by its code and the hash of a token; the token and the
audit chain's key are in the workstation's enrolment file (``dukcapil_tui.enrolment``). The
app on a workstation names in the audit log only the code its token proves, never an account
name or a settings file. The first workstation is registered when the office is created
(``init``) or, for a database upgraded from before the registry, at the first admin login.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from dukcapil_tui import enrolment
from dukcapil_tui.db import database
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Workstation
from dukcapil_tui.services import audit, chain, context, settings
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,31}$")


def normalise_code(code: str) -> str:
    """A settings-file or host name as a code: upper case, other characters as hyphens."""
    cleaned = re.sub(r"[^A-Z0-9._-]+", "-", (code or "").strip().upper()).strip("-._")[:32]
    return cleaned if len(cleaned) >= 2 else "WS-" + (cleaned or "1")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _validate(code: str, name: str) -> tuple[str, str]:
    code = (code or "").strip().upper()
    name = squash(name)
    problems = {}
    if not _CODE.match(code):
        problems["code"] = t("workstation.bad_code")
    elif Workstation.get_or_none(Workstation.code == code) is not None:
        problems["code"] = t("workstation.code_taken", code=code)
    if len(name) > 80:
        problems["name"] = t("field.too_long", field=t("workstation.name"), max=80)
    if problems:
        raise ValidationError(problems)
    return code, name


def registry_empty() -> bool:
    return not Workstation.select().exists()


def list_workstations() -> list[Workstation]:
    return list(Workstation.select().order_by(Workstation.code))


@dataclass(frozen=True)
class Here:
    """This workstation for the open database: its registered code, or why it has none."""

    code: str | None
    bootstrap: bool = False  # nobody registered yet: the first admin login registers this one
    problem: str = ""


def here() -> Here:
    uid = chain.office_uid()
    entry = enrolment.get(uid)
    if entry is not None:
        row = Workstation.get_or_none(Workstation.code == entry.workstation)
        if row is not None and hmac.compare_digest(row.token_hash, _token_hash(entry.token)):
            if row.active:
                return Here(row.code)
            return Here(None, problem=t("workstation.disabled", code=row.code))
    if registry_empty():
        return Here(None, bootstrap=True)
    return Here(None, problem=t("workstation.not_registered"))


def bootstrap(actor: Actor, code: str, name: str = "", *, region_code: str | None = None) -> str:
    """Register the first workstation: a new chain key, this workstation's enrolment, and the
    entry that opens the audit chain (sealing whatever was written before it). Returns the code."""
    require_role(actor, "action.manage_workstations", "admin")
    code = normalise_code(code)
    secret = secrets.token_bytes(32)
    token = secrets.token_urlsafe(32)
    uid = chain.office_uid()
    with database.atomic("IMMEDIATE"):
        if not registry_empty():
            raise ServiceError(t("workstation.not_registered"))
        Workstation.create(code=code, name=name, token_hash=_token_hash(token), active=True,
                           created_at=context.now_utc(), created_by=actor.username)
        entry = enrolment.Entry(uid, region_code or settings.get("region_code"), code, token, secret.hex())
        enrolment.put(entry)
        try:
            opener = Actor(actor.user_id, actor.username, actor.role, code, actor.full_name)
            audit.record(opener, chain.START_ACTION, "audit_log", None,
                         {"workstation": code, "seal": chain.seal_values(secret)}, opening=True)
            audit.record(opener, "workstation.register", "workstation", code, {"name": name})
        except BaseException:
            enrolment.remove(uid)
            raise
    chain.remember_heads(uid)
    return code


def register(actor: Actor, code: str, name: str = "") -> tuple[Workstation, enrolment.Entry]:
    """A new workstation (admin, on an enrolled workstation). Returns the row and the enrolment
    to carry to it (``enrolment.write_transfer_file``)."""
    require_role(actor, "action.manage_workstations", "admin")
    secret = chain.key()
    token = secrets.token_urlsafe(32)
    with database.atomic("IMMEDIATE"):
        code, name = _validate(code, name)
        row = Workstation.create(code=code, name=name, token_hash=_token_hash(token), active=True,
                                 created_at=context.now_utc(), created_by=actor.username)
        audit.record(actor, "workstation.register", "workstation", code, {"name": name})
    entry = enrolment.Entry(chain.office_uid(), settings.get("region_code"), code, token, secret.hex())
    return row, entry


def set_active(actor: Actor, code: str, active: bool) -> Workstation:
    require_role(actor, "action.manage_workstations", "admin")
    code = (code or "").strip().upper()
    with database.atomic("IMMEDIATE"):
        row = Workstation.get_or_none(Workstation.code == code)
        if row is None:
            raise NotFound(t("workstation.not_found", code=code))
        if not active and code == actor.workstation:
            raise ServiceError(t("workstation.not_yourself"))
        Workstation.update(active=active).where(Workstation.code == code).execute()
        audit.record(actor, "workstation.enable" if active else "workstation.disable", "workstation", code,
                     {"active": [row.active, active]})
    return Workstation.get_by_id(code)


def enrol_from_file(source: Path | str) -> str:
    """Enrol this workstation with a file the admin made (``dukcapil workstations add
    --enrol-file``): the file must be for the open database, its token must match an active
    registered workstation, and its key must verify the chain's opening entry."""
    entry, _office = enrolment.read_transfer_file(Path(source))
    if entry.office_uid != chain.office_uid():
        raise ServiceError(t("enrol.other_office", region=entry.region_code))
    row = Workstation.get_or_none(Workstation.code == entry.workstation)
    if row is None or not hmac.compare_digest(row.token_hash, _token_hash(entry.token)):
        raise ServiceError(t("enrol.bad_token", code=entry.workstation))
    if not row.active:
        raise ServiceError(t("workstation.disabled", code=row.code))
    if not _key_opens_chain(entry.key):
        raise ServiceError(t("enrol.bad_key"))
    enrolment.put(entry)
    chain.remember_heads(entry.office_uid)
    return row.code


def _key_opens_chain(secret: bytes) -> bool:
    first = database.execute_sql(
        f"SELECT {', '.join(chain.AUDIT_COLUMNS)}, chain FROM audit_log WHERE chain IS NOT NULL "
        "ORDER BY id LIMIT 1").fetchone()
    if first is None:
        return True
    previous = database.execute_sql(
        "SELECT chain FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1", (first[0],)).fetchone()
    expected = chain.link(secret, (previous[0] if previous else None) or "", first[:-1])
    return hmac.compare_digest(expected, first[-1])
