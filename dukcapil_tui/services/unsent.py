"""Recordings not yet sent to the centre (belum terkirim, BIO_CAPTURED), kept apart from the
records waiting at the centre: how many, how long they have waited (0–2 days, 3–7, 8–30, over
30), by recording site and by kecamatan; and marking them sent in bulk by site and date (a
listing marks them too: ``status_import`` with SENT_FOR_ENROLLMENT).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain.formatting import format_date, format_int
from dukcapil_tui.domain.problems import ValidationError
from dukcapil_tui.i18n import t
from dukcapil_tui.services import audit, card_status, outages, settings, sites
from dukcapil_tui.services.cards import STATUS_ROLES, age_bounds
from dukcapil_tui.services.context import Actor, ServiceError, require_role

BUCKETS = tuple(label for _, _, label in rules.UNSENT_BUCKETS)
SENT = "SENT_FOR_ENROLLMENT"


@dataclass
class Waiting:
    """Unsent recordings by age bucket, and the records waiting at the centre, of one site or kecamatan."""

    unsent: dict[str, int] = field(default_factory=lambda: {b: 0 for b in BUCKETS})
    at_centre: int = 0

    @property
    def unsent_total(self) -> int:
        return sum(self.unsent.values())


@dataclass
class UnsentCounts:
    by_site: dict[str | None, Waiting]  # None: cards whose listing named no site
    by_kecamatan: dict[str, Waiting]

    @property
    def total(self) -> Waiting:
        whole = Waiting()
        for row in self.by_site.values():
            for bucket, count in row.unsent.items():
                whole.unsent[bucket] += count
            whole.at_centre += row.at_centre
        return whole


def _bucket_case(today: date) -> tuple[str, dict]:
    params: dict = {}
    parts = ["CASE"]
    for number, (label, (since, _)) in enumerate(age_bounds(today, rules.UNSENT_BUCKETS).items()):
        if since is None:
            parts.append(f"ELSE '{label}'")
        else:
            params[f"since{number}"] = since
            parts.append(f"WHEN recorded_at >= :since{number} THEN '{label}'")
    parts.append("END")
    return " ".join(parts), params


# Every card unsent or at the centre waits for PRR in the office (domain.cards.next_office_status),
# so these queries read the office-status index's "waiting_prr" range and look at the central
# status there: no index of its own to keep up on every status change and every card created.
WAITING = "office_status = 'waiting_prr'"


def counts(today: date) -> UnsentCounts:
    """The backlog's unsent recordings and records at the centre, grouped in one pass over the
    cards waiting for PRR."""
    case, params = _bucket_case(today)
    marks = ", ".join(f"'{s}'" for s in (*rules.UNSENT, *rules.AT_CENTRE))
    result = UnsentCounts({}, {})
    for site, kecamatan, central, bucket, count in database.execute_sql(
            f"SELECT site_code, kecamatan_code, central_status, {case}, COUNT(*) FROM card "
            f"WHERE {WAITING} AND central_status IN ({marks}) GROUP BY 1, 2, 3, 4", params).fetchall():
        for key, table in ((site, result.by_site), (kecamatan, result.by_kecamatan)):
            row = table.setdefault(key, Waiting())
            if central in rules.UNSENT:
                row.unsent[bucket] += count
            else:
                row.at_centre += count
    return result


# --- marking sent --------------------------------------------------------------------------------

def _range(site_code: str, until: date | None, since: date | None) -> tuple[str, str, str | None]:
    today = settings.office_today()
    problems = {}
    if until is None:
        problems["until"] = t("field.bad_date", field=t("unsent.field.until"))
    elif until > today:
        problems["until"] = t("field.future_date", field=t("unsent.field.until"))
    if since is not None and until is not None and since > until:
        problems["since"] = t("unsent.since_after_until")
    if problems:
        raise ValidationError(problems)
    site = sites.get(site_code).code
    end = str(settings.utc_start_of(until + timedelta(days=1)))
    start = str(settings.utc_start_of(since)) if since is not None else None
    return site, end, start


def _selection(site: str, end: str, start: str | None) -> list[tuple]:
    sql = (f"SELECT id, resident_id, central_status, office_status FROM card WHERE {WAITING} "
           "AND central_status = 'BIO_CAPTURED' AND site_code = ? AND recorded_at < ?")
    params: list = [site, end]
    if start is not None:
        sql += " AND recorded_at >= ?"
        params.append(start)
    return database.execute_sql(sql + " ORDER BY recorded_at, id", params).fetchall()


def pending(site_code: str, until: date | None, since: date | None = None) -> int:
    """How many unsent recordings of the site were made from ``since`` (or ever) to ``until``."""
    return len(_selection(*_range(site_code, until, since)))


def require_link(site_code: str, confirmed: bool) -> None:
    """Ask before marking a site's recordings sent while the link of the site (or of the whole
    office) to the centre is recorded as down: they can hardly have been sent."""
    outages.require_link("action.mark_sent", confirmed, site_code.strip().upper())


def mark_sent(actor: Actor, site_code: str, until: date | None, since: date | None = None, *,
              confirmed: bool = False) -> int:
    """The site sent its recordings made from ``since`` (or ever) up to ``until`` to the centre:
    each becomes SENT_FOR_ENROLLMENT (``card_status``), in one transaction with one audit entry
    for them all. Returns how many. While a network cut or central block of the site or the
    office is open, the user is asked first (``confirmed``)."""
    require_role(actor, "action.card_status", *STATUS_ROLES)
    site, end, start = _range(site_code, until, since)
    require_link(site, confirmed)
    with database.atomic("IMMEDIATE"):
        rows = _selection(site, end, start)
        if not rows:
            raise ServiceError(t("unsent.nothing", site=site, until=format_date(until),
                                 since=format_date(since) if since else "-"))
        changes = [card_status.plan(card_id, resident_id, central, office, central=SENT, note=t("unsent.note"))
                   for card_id, resident_id, central, office in rows]
        card_status.apply(actor, changes, "terkirim")
        audit.record(actor, "card.mark_sent", "card", None, {
            "site": site, "since": since.isoformat() if since else None, "until": until.isoformat(),
            "cards": len(changes)})
    return len(changes)


def describe(count: int, site: str, until: date, since: date | None) -> str:
    """The question asked before marking them sent."""
    return t("unsent.confirm", count=format_int(count), site=site, until=format_date(until),
             since=format_date(since) if since else t("unsent.since_ever"))
