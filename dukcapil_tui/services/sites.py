"""The register of recording sites: the Dinas, each kecamatan's UPT, mobile units.

Every card carries its site: a recording at a counter gets the site of the workstation it was
made on (the Dinas for a workstation placed nowhere), a card from a SIAK listing the site the
listing names. The admin keeps the register (``save``) and places workstations (``place``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain import sites as rules
from dukcapil_tui.domain.problems import ValidationError, bad_choice
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import RecordingSite, Workstation
from dukcapil_tui.services import audit, context, regions, settings
from dukcapil_tui.services.context import Actor, NotFound, ServiceError, require_role

ADMIN_ROLES = ("admin",)
DEFAULT_SITE = rules.DEFAULT_SITE


def kecamatan_of(value: str | None) -> str | None:
    """A kecamatan typed as its code (52.02.04) or its name (Pujut, any case); "-" or "" is
    none; anything else is returned as typed (``save`` then says it is unknown)."""
    if value is None:
        return None
    text = squash(value)
    if text in ("", "-"):
        return ""
    index = regions.index()
    if text in index.kecamatan_codes:
        return text
    by_name = {name.upper(): code for code, name in index.kecamatan}
    return by_name.get(text.upper(), text)


def list_sites(active_only: bool = False) -> list[RecordingSite]:
    query = RecordingSite.select().order_by(RecordingSite.kind != "dinas", RecordingSite.code)
    if active_only:
        query = query.where(RecordingSite.active == True)  # noqa: E712
    return list(query)


def get(code: str) -> RecordingSite:
    site = RecordingSite.get_or_none(RecordingSite.code == rules.normalise_code(code))
    if site is None:
        raise NotFound(t("site.unknown", code=code, known=", ".join(s.code for s in list_sites())))
    return site


def save(actor: Actor, values: dict, code: str | None = None) -> RecordingSite:
    """Add a site (``code`` None: ``values['code']``) or change one (name, kind, kecamatan,
    active). A UPT belongs to a kecamatan of the office's regency; the others may name one."""
    require_role(actor, "action.manage_sites", *ADMIN_ROLES)
    new_code = rules.normalise_code(values.get("code") if code is None else code)
    name = " ".join(str(values.get("name") or "").split())
    kind = str(values.get("kind") or "").strip().lower()
    kecamatan = str(values.get("kecamatan_code") or "").strip() or None
    active = bool(values.get("active", True))
    problems: dict[str, str] = {}
    if code is None and not rules.CODE.match(new_code):
        problems["code"] = t("site.bad_code")
    if not name:
        problems["name"] = t("field.required", field=t("site.field.name"))
    elif len(name) > rules.MAX_NAME:
        problems["name"] = t("field.too_long", field=t("site.field.name"), max=rules.MAX_NAME)
    if kind not in rules.KINDS:
        problems["kind"] = bad_choice(t("site.field.kind"), kind, ", ".join(t(f"site.kind.{k}") for k in rules.KINDS))
    if kecamatan is not None and kecamatan not in regions.index().kecamatan_codes:
        problems["kecamatan_code"] = t("site.bad_kecamatan", code=kecamatan)
    elif kecamatan is None and kind == "upt":
        problems["kecamatan_code"] = t("site.upt_needs_kecamatan")
    with database.atomic("IMMEDIATE"):
        existing = RecordingSite.get_or_none(RecordingSite.code == new_code)
        if code is None and existing is not None and "code" not in problems:
            problems["code"] = t("site.code_taken", code=new_code)
        if code is not None and existing is None:
            raise NotFound(t("site.unknown", code=code, known=", ".join(s.code for s in list_sites())))
        if code is not None and not active and new_code == rules.DEFAULT_SITE:
            problems["active"] = t("site.default_stays")
        if problems:
            raise ValidationError(problems)
        fields = {"name": name, "kind": kind, "kecamatan_code": kecamatan, "active": active}
        if existing is None:
            site = RecordingSite.create(code=new_code, created_at=context.now_utc(), created_by=actor.username,
                                        **fields)
            audit.record(actor, "site.create", "recording_site", new_code, {k: [None, v] for k, v in fields.items()})
            return site
        changes = audit.diff({k: getattr(existing, k) for k in fields}, fields)
        if changes:
            RecordingSite.update(**fields).where(RecordingSite.code == new_code).execute()
            audit.record(actor, "site.update", "recording_site", new_code, changes)
    return RecordingSite.get_by_id(new_code)


def place(actor: Actor, workstation: str, site_code: str | None) -> Workstation:
    """Place a workstation at a site (None: back to the Dinas): its recordings carry that site."""
    require_role(actor, "action.manage_sites", *ADMIN_ROLES)
    code = (workstation or "").strip().upper()
    with database.atomic("IMMEDIATE"):
        row = Workstation.get_or_none(Workstation.code == code)
        if row is None:
            raise NotFound(t("workstation.not_found", code=code))
        site = None
        if site_code:
            found = get(site_code)
            if not found.active:
                raise ServiceError(t("site.inactive", code=found.code))
            site = found.code
        if row.site_code != site:
            Workstation.update(site_code=site).where(Workstation.code == code).execute()
            audit.record(actor, "workstation.site", "workstation", code, {"site": [row.site_code, site]})
    return Workstation.get_by_id(code)


def site_of_workstation(code: str) -> str:
    """Where a workstation's recordings are made: its site, or the Dinas."""
    row = Workstation.get_or_none(Workstation.code == code)
    return (row.site_code if row is not None and row.site_code else None) or rules.DEFAULT_SITE


class Resolver:
    """A listing's site text -> a site code: the code or the name, however spaced or cased."""

    def __init__(self) -> None:
        self._by_key: dict[str, str] = {}
        self.codes: list[str] = []
        for site in list_sites():
            self.codes.append(site.code)
            self._by_key.setdefault(rules.match_key(site.code), site.code)
            self._by_key.setdefault(rules.match_key(site.name), site.code)

    def __call__(self, value: object) -> str | None:
        return self._by_key.get(rules.match_key(value))

    def problem(self, value: object) -> str:
        return t("site.unknown", code=str(value).strip()[:40], known=", ".join(self.codes))


# --- what each site recorded --------------------------------------------------------------------

@dataclass(frozen=True)
class SiteActivity:
    code: str | None  # None: cards whose listing named no site
    name: str
    kind: str
    kecamatan_code: str | None
    active: bool
    recorded_day: int  # new recordings (reason baru) that day
    recorded_month: int  # ... from the first of the month to that day
    unsent: int  # in the backlog, recorded and not sent to the centre (now)
    at_centre: int  # in the backlog, waiting at the centre (now)


def activity(day: date) -> list[SiteActivity]:
    """Recordings per site on ``day`` and in its month up to that day, and what each site has
    in the backlog now, unsent and at the centre. Each count reads one index range."""
    day_start, day_end = settings.utc_start_of(day), settings.utc_start_of(day + timedelta(days=1))
    month_start = settings.utc_start_of(day.replace(day=1))
    reasons = ", ".join(f"'{r}'" for r in card_rules.RECORDING_REASONS)
    recorded = {code: (on_day, in_month) for code, on_day, in_month in database.execute_sql(
        "SELECT site_code, SUM(recorded_at >= ?), COUNT(*) FROM card WHERE recorded_at >= ? AND recorded_at < ? "
        f"AND reason IN ({reasons}) GROUP BY site_code", (str(day_start), str(month_start), str(day_end))).fetchall()}
    waiting: dict[str | None, list[int]] = {}
    for code, central, count in database.execute_sql(  # unsent and at the centre: waiting for PRR (services.unsent)
            f"SELECT site_code, central_status, COUNT(*) FROM card WHERE office_status = 'waiting_prr' AND "
            f"central_status IN ({', '.join('?' * len(card_rules.UNSENT + card_rules.AT_CENTRE))}) "
            "GROUP BY site_code, central_status", (*card_rules.UNSENT, *card_rules.AT_CENTRE)).fetchall():
        slot = waiting.setdefault(code, [0, 0])
        slot[0 if central in card_rules.UNSENT else 1] += count
    rows = []
    for site in list_sites():
        on_day, in_month = recorded.pop(site.code, (0, 0))
        unsent, at_centre = waiting.pop(site.code, (0, 0))
        rows.append(SiteActivity(site.code, site.name, site.kind, site.kecamatan_code, site.active, on_day,
                                 in_month, unsent, at_centre))
    on_day, in_month = recorded.pop(None, (0, 0))
    unsent, at_centre = waiting.pop(None, (0, 0))
    if on_day or in_month or unsent or at_centre:
        rows.append(SiteActivity(None, t("site.unknown_site"), "lain", None, True, on_day, in_month, unsent,
                                 at_centre))
    return rows
