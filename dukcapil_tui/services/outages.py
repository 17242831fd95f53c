"""The outage log: network cuts, central-server blocks, power cuts and device failures, for the
whole office or one recording site, with their start, end (none while open), note and who
recorded them.

While a network cut or a central block is open for the office (or the Dinas), printing and
status listings need the central link: ``require_link`` asks before going on. The recordings
made under a network cut or a central block wait unsent (BIO_CAPTURED): ``unsent_during`` counts
them by their recording time and site, so no mark has to be kept up when an outage is recorded
late. The reports read ``day_rows``, ``monthly`` and ``sites_down``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.domain import outages as rules
from dukcapil_tui.domain import sites as site_rules
from dukcapil_tui.domain.formatting import format_datetime
from dukcapil_tui.domain.problems import ValidationError, bad_kind
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Outage, RecordingSite
from dukcapil_tui.services import audit, context, settings, sites
from dukcapil_tui.services.context import Actor, NeedsConfirmation, NotFound, ServiceError, require_role

ROLES = context.ROLES  # whoever is on duty when the link or the power goes records it
_WHOLE_OFFICE = ("", "-", "kantor", "semua", "all", "office")


def _stored(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def scope_of(value: object) -> str | None:
    """The site an outage is recorded for: None for the whole office ("", "-", "kantor")."""
    text = str(value or "").strip()
    if text.lower() in _WHOLE_OFFICE:
        return None
    return sites.get(text).code


def _moment(value: object, field_name: str, problems: dict, required: bool) -> datetime | None:
    """A typed local moment as stored (UTC), or a problem under ``field_name``."""
    label = t(f"outage.field.{field_name}")
    if value is None or str(value).strip() == "":
        if required:
            problems[field_name] = t("field.required", field=label)
        return None
    local = rules.parse_moment(value)
    if local is None:
        problems[field_name] = t("outage.bad_moment", field=label, value=str(value).strip())
        return None
    moment = _stored(settings.local_to_utc(local))
    if moment > context.now_utc():
        problems[field_name] = t("field.future_date", field=label)
    return moment


def _note(value: object, label_key: str, problems: dict) -> str:
    note = squash(value)
    if len(note) > rules.MAX_NOTE:
        problems["note"] = t("field.too_long", field=t(label_key), max=rules.MAX_NOTE)
    return note


def _overlapping(kind: str, site: str | None, start: datetime, end: datetime | None) -> Outage | None:
    query = Outage.select().where(Outage.kind == kind, Outage.site_code.is_null() if site is None
                                  else Outage.site_code == site,
                                  Outage.ended_at.is_null() | (Outage.ended_at > start))
    if end is not None:
        query = query.where(Outage.started_at < end)
    return query.order_by(Outage.started_at).first()


def describe_scope(site: str | None) -> str:
    return site if site else t("outage.scope.office")


def add(actor: Actor, values: dict) -> Outage:
    """Record an outage (``kind``, ``site``, ``started``: empty for now, optionally ``ended`` when
    it is recorded after the fact, ``note``). Two outages of one kind at one scope never overlap."""
    require_role(actor, "action.outage", *ROLES)
    problems: dict[str, str] = {}
    kind = str(values.get("kind") or "").strip().lower()
    if (problem := bad_kind("outage.field.kind", kind, "outage.kind", rules.KINDS)) is not None:
        problems["kind"] = problem
    try:
        site = scope_of(values.get("site"))
    except NotFound as exc:
        problems["site"] = str(exc)
        site = None
    given = values.get("started")
    started = _moment(given, "started", problems, required=True) if str(given or "").strip() else \
        _stored(context.now_utc())
    ended = _moment(values.get("ended"), "ended", problems, required=False)
    if started is not None and ended is not None and ended <= started and "ended" not in problems:
        problems["ended"] = t("outage.end_before_start")
    note = _note(values.get("note"), "outage.field.note", problems)
    if problems:
        raise ValidationError(problems)
    now = _stored(context.now_utc())
    with database.atomic("IMMEDIATE"):
        clash = _overlapping(kind, site, started, ended)
        if clash is not None:
            raise ServiceError(t("outage.overlaps", id=clash.id, kind=t(f"outage.kind.{kind}"),
                                 scope=describe_scope(site), started=when(clash.started_at),
                                 ended=when(clash.ended_at) if clash.ended_at else t("outage.still_open")))
        row = Outage.create(uuid=str(uuid.uuid4()), kind=kind, site_code=site, started_at=started, ended_at=ended,
                            ended_by=actor.username if ended else None, note=note, created_at=now,
                            created_by=actor.username, workstation=actor.workstation)
        audit.record(actor, "outage.add", "outage", row.id, {
            "kind": kind, "site": site, "started": str(started), "ended": str(ended) if ended else None})
    return row


def end(actor: Actor, outage_id: object, values: dict) -> Outage:
    """The outage is over (``ended``: when, default now; ``note``)."""
    require_role(actor, "action.outage", *ROLES)
    row = get(outage_id)
    problems: dict[str, str] = {}
    given = values.get("ended")
    ended = _moment(given, "ended", problems, required=False) if str(given or "").strip() else \
        _stored(context.now_utc())
    note = _note(values.get("note"), "outage.field.end_note", problems)
    if ended is not None and "ended" not in problems and ended <= row.started_at:
        problems["ended"] = t("outage.end_before_start")
    if problems:
        raise ValidationError(problems)
    with database.atomic("IMMEDIATE"):
        row = get(outage_id)
        if row.ended_at is not None:
            raise ServiceError(t("outage.already_ended", id=row.id, ended=when(row.ended_at)))
        Outage.update(ended_at=ended, ended_by=actor.username, end_note=note).where(Outage.id == row.id).execute()
        audit.record(actor, "outage.end", "outage", row.id, {"ended": str(ended)})
    return get(row.id)


def get(outage_id: object) -> Outage:
    number = str(outage_id or "").strip()
    row = Outage.get_or_none(Outage.id == int(number)) if number.isascii() and number.isdigit() else None
    if row is None:
        raise NotFound(t("outage.unknown", id=number or "-"))
    return row


def when(moment: datetime | None) -> str:
    return format_datetime(moment, settings.office_timezone())


# --- reading ---------------------------------------------------------------------------------------

@dataclass
class OutageRow:
    id: int
    kind: str
    site_code: str | None
    started_at: datetime
    ended_at: datetime | None
    note: str
    created_by: str
    hours: float  # from its start to its end (to now while open); in the reports: within their period
    unsent: int = 0  # recordings it left unsent (network cut, central block)

    @property
    def open(self) -> bool:
        return self.ended_at is None

    @property
    def needs_link(self) -> bool:
        return self.kind in rules.LINK_KINDS


def _row(outage: Outage, now: datetime) -> OutageRow:
    end_at = outage.ended_at or now
    return OutageRow(outage.id, outage.kind, outage.site_code, outage.started_at, outage.ended_at, outage.note,
                     outage.created_by, max(0.0, (end_at - outage.started_at).total_seconds() / 3600))


def unsent_during(outage: Outage | OutageRow, now: datetime | None = None) -> int:
    """The recordings made while a network cut or central block lasted, at its site (or
    anywhere for the whole office), that are still not sent."""
    if outage.kind not in rules.LINK_KINDS:
        return 0
    end_at = outage.ended_at or now or context.now_utc()
    sql = ("SELECT COUNT(*) FROM card WHERE office_status = 'waiting_prr' AND central_status = 'BIO_CAPTURED' "
           "AND recorded_at >= ? AND recorded_at < ?")
    params: list = [str(outage.started_at), str(end_at)]
    if outage.site_code is not None:
        sql += " AND site_code = ?"
        params.append(outage.site_code)
    return database.execute_sql(sql, params).fetchone()[0]


def list_outages(*, open_only: bool = False, since: date | None = None, limit: int = 200) -> list[OutageRow]:
    """The newest outages first (open ones, or those that lasted into ``since`` or later), each
    with its length and the recordings it left unsent."""
    now = _stored(context.now_utc())
    query = Outage.select()
    if open_only:
        query = query.where(Outage.ended_at.is_null())
    if since is not None:
        query = query.where(Outage.ended_at.is_null() | (Outage.ended_at >= settings.utc_start_of(since)))
    rows = []
    for outage in query.order_by(Outage.started_at.desc(), Outage.id.desc()).limit(limit):
        row = _row(outage, now)
        row.unsent = unsent_during(outage, now)
        rows.append(row)
    return rows


def open_link_outages(site_code: str | None = site_rules.DEFAULT_SITE) -> list[Outage]:
    """Open network cuts and central blocks of the whole office or of ``site_code``."""
    now = context.now_utc()
    scope = Outage.site_code.is_null()
    if site_code is not None:
        scope = scope | (Outage.site_code == site_code)
    return list(Outage.select().where(Outage.ended_at.is_null(), Outage.kind.in_(rules.LINK_KINDS),
                                      Outage.started_at <= now, scope).order_by(Outage.started_at))


def require_link(action_key: str, confirmed: bool, site_code: str | None = site_rules.DEFAULT_SITE) -> None:
    """Ask before work that needs the central link while a network cut or central block is open
    (the whole office's, or that of ``site_code``: the office by default)."""
    if confirmed:
        return
    found = open_link_outages(site_code)
    if found:
        since = "; ".join(f"{t(f'outage.kind.{o.kind}')} ({describe_scope(o.site_code)}, "
                          f"{t('outage.since')} {when(o.started_at)})" for o in found)
        raise NeedsConfirmation(t("outage.link_down", action=t(action_key), outages=since))


# --- what the reports read -------------------------------------------------------------------------

def _overlapping_window(start: datetime, end: datetime) -> list[Outage]:
    return list(Outage.select().where(Outage.started_at < end,
                                      Outage.ended_at.is_null() | (Outage.ended_at > start))
                .order_by(Outage.started_at, Outage.id))


def _span(outage: Outage, now: datetime) -> tuple[datetime, datetime]:
    return outage.started_at, min(outage.ended_at or now, now)


def day_rows(day: date) -> list[OutageRow]:
    """The outages that lasted into ``day`` (office time), with the hours of that day each took."""
    return period_rows(day, day)


def period_rows(first: date, last: date) -> list[OutageRow]:
    """The outages that lasted into ``first``..``last``, with the hours of the period each took."""
    start, end = settings.utc_start_of(first), settings.utc_start_of(last + timedelta(days=1))
    now = context.now_utc()
    return [OutageRow(o.id, o.kind, o.site_code, o.started_at, o.ended_at, o.note, o.created_by,
                      rules.hours_within([_span(o, now)], start, end))
            for o in _overlapping_window(start, end)]


@dataclass
class SiteOutages:
    code: str
    name: str
    kecamatan_code: str | None
    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in rules.KINDS})
    hours: float = 0.0  # time the site could not work, each hour once however many outages covered it
    days_touched: int = 0  # days with some outage

    @property
    def outages(self) -> int:
        return sum(self.counts.values())


def monthly(first: date, last: date) -> list[SiteOutages]:
    """Every site's outages in ``first``..``last``: how many of each kind (those of the whole
    office count at every site), the hours lost, and the days with an outage."""
    start, end = settings.utc_start_of(first), settings.utc_start_of(last + timedelta(days=1))
    now = context.now_utc()
    found = _overlapping_window(start, end)
    days = [(first + timedelta(days=i), settings.utc_start_of(first + timedelta(days=i)),
             settings.utc_start_of(first + timedelta(days=i + 1))) for i in range((last - first).days + 1)]
    result = []
    for site in RecordingSite.select().order_by(RecordingSite.kind != "dinas", RecordingSite.code):
        mine = [o for o in found if o.site_code is None or o.site_code == site.code]
        if not site.active and not mine:
            continue
        row = SiteOutages(site.code, site.name, site.kecamatan_code)
        for outage in mine:
            row.counts[outage.kind] += 1
        spans = [_span(o, now) for o in mine]
        row.hours = rules.hours_within(spans, start, end)
        row.days_touched = rules.days_touched(spans, days)
        result.append(row)
    return result


def sites_down(first: date, last: date) -> list[SiteOutages]:
    """The sites of a kecamatan that lost time to an outage of their own in the period (an
    outage of the whole office is said once, not per kecamatan)."""
    start, end = settings.utc_start_of(first), settings.utc_start_of(last + timedelta(days=1))
    now = context.now_utc()
    found = [o for o in _overlapping_window(start, end) if o.site_code is not None]
    result = []
    for row in monthly(first, last):
        own = [_span(o, now) for o in found if o.site_code == row.code]
        if row.kecamatan_code and own:
            row.hours = rules.hours_within(own, start, end)
            row.counts = {k: sum(1 for o in found if o.site_code == row.code and o.kind == k) for k in rules.KINDS}
            result.append(row)
    return result


def office_wide(first: date, last: date) -> list[Outage]:
    start, end = settings.utc_start_of(first), settings.utc_start_of(last + timedelta(days=1))
    return [o for o in _overlapping_window(start, end) if o.site_code is None]
