"""``dukcapil check``: SQLite's own integrity check plus the app's invariants.

Each invariant is a function returning readable problems; add new ones to ``INVARIANTS``.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import SQL

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import numbers
from dukcapil_tui.domain import residents as rules
from dukcapil_tui.domain.cards import OPEN_STATUSES
from dukcapil_tui.migrations import LATEST_VERSION
from dukcapil_tui.models import AppUser, Resident
from dukcapil_tui.i18n import t
from dukcapil_tui.services import check_record, day_review, settings

MAX_LISTED = 20


def _schema() -> list[str]:
    problems = []
    version = dbmod.schema_version(database.obj)
    if version != LATEST_VERSION:
        problems.append(t("check.schema_version", version=version, latest=LATEST_VERSION))
    triggers = dbmod.trigger_names()
    for name in ("audit_log_no_update", "audit_log_no_delete"):
        if name not in triggers:
            problems.append(t("check.audit_unprotected", name=name))
    if dbmod.dialect() == "sqlite":
        journal = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
        if journal.lower() != "wal":
            problems.append(t("check.journal", mode=journal))
    return problems


def _office() -> list[str]:
    problems = []
    if not settings.get("region_code"):
        problems.append(t("check.setting_empty", name="region_code"))
    if not settings.get("office_name"):
        problems.append(t("check.setting_empty", name="office_name"))
    if not AppUser.select().where((AppUser.role == "admin") & (AppUser.active == True)).exists():  # noqa: E712
        problems.append(t("check.no_admin"))
    return problems


def _residents() -> list[str]:
    problems: list[str] = []
    today = settings.office_today()
    youngest_recordable = rules.years_ago(today, rules.RECORDING_MIN_AGE)
    too_young = (
        Resident.select(Resident.nik)
        .where((Resident.recording_status == "sudah") & (Resident.birth_date > youngest_recordable)
               & (Resident.marital_status == "belum_kawin"))
        .tuples()
    )
    count = too_young.count()
    if count:
        sample = ", ".join(r[0][:6] + "…" for r in too_young.limit(5))
        problems.append(t("check.too_young", count=count, age=rules.RECORDING_MIN_AGE, sample=sample))
    bad = []
    for (nik,) in Resident.select(Resident.nik).tuples().iterator():
        if not nik_rules.parse(nik, today=today).valid:
            bad.append(nik)
    if bad:
        problems.append(t("check.invalid_nik", count=len(bad), sample=", ".join(n[:6] + "…" for n in bad[:5])))
    return problems


def _nik_twins() -> list[str]:
    """Residents whose NIKs are the same once their digits are written 0–9 (earlier versions
    took full-width and Arabic-Indic digits, so one person could be registered twice)."""
    odd = Resident.select(Resident.id, Resident.nik).where(SQL(dbmod.not_only_digits_sql("nik"))).tuples()
    groups: dict[str, list[int]] = {}
    for resident_id, nik in odd.iterator():
        plain = numbers.to_ascii_digits(nik_rules.normalise(nik))
        groups.setdefault(plain, []).append(resident_id)
    if not groups:
        return []
    for resident_id, nik in Resident.select(Resident.id, Resident.nik).where(
            Resident.nik.in_(list(groups))).tuples():
        groups[nik].append(resident_id)
    twins = {plain: sorted(ids) for plain, ids in groups.items() if len(ids) > 1}
    return [t("check.nik_twins", prefix=plain[:6], count=len(ids), ids=", ".join(map(str, ids)))
            for plain, ids in sorted(twins.items())][:MAX_LISTED]


def _life() -> list[str]:
    """The dead and the moved have the day it happened and no card on its way (their cards are
    closed, which keeps them out of the backlog and of every wajib KTP count)."""
    problems = []
    undated = database.execute_sql(
        "SELECT COUNT(*) FROM resident WHERE (life_status != 'hidup') != (life_status_on IS NOT NULL)").fetchone()[0]
    if undated:
        problems.append(t("check.life_undated", count=undated))
    carded = database.execute_sql(
        "SELECT COUNT(*) FROM card c JOIN resident r ON r.id = c.resident_id WHERE r.life_status != 'hidup' "
        "AND c.office_status IN ({})".format(", ".join(f"'{s}'" for s in OPEN_STATUSES))).fetchone()[0]
    if carded:
        problems.append(t("check.life_carded", count=carded))
    return problems


def _card_holders() -> list[str]:
    """Every card carries its holder's desa now (migration 16: the recaps count cards per desa
    from it); a trigger dropped or a row written around the services would skew them."""
    problems = []
    triggers = dbmod.trigger_names()
    for name in ("card_holder_desa", "resident_moved_cards"):
        if name not in triggers:
            problems.append(t("check.holder_trigger", name=name))
    astray = database.execute_sql(
        "SELECT COUNT(*) FROM card c JOIN resident r ON r.id = c.resident_id "
        "WHERE c.holder_desa_code != r.desa_code").fetchone()[0]
    if astray:
        problems.append(t("check.holder_desa", count=astray))
    return problems


INVARIANTS: list[tuple[str, Callable[[], list[str]]]] = [
    ("schema", _schema),
    ("office", _office),
    ("residents", _residents),
    ("nik", _nik_twins),
    ("life", _life),
    ("cards", _card_holders),
]
INVARIANTS += check_record.INVARIANTS  # the protected record: chains, stock by day, audit coverage
INVARIANTS.append(("daylock", day_review.changed_since_lock))  # locked days as the head saw them


def run_checks() -> list[str]:
    problems = [f"{t('check.section.integrity')}: {p}" for p in dbmod.integrity_problems(database.obj)][:MAX_LISTED]
    for name, check in INVARIANTS:
        problems += [f"{t(f'check.section.{name}')}: {p}" for p in check()]
    return problems


