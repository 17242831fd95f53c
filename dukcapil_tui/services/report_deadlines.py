"""Monthly reports sent upward, and their deadlines.

Each monthly report (``MONTHLY``: capaian, blangko) of month M is due on a day of the month
after M (a setting: ``report_deadline_<report>``). The office records which report of which
month it sent, when and how (``record_sent``); ``status`` says, for the last few months, which
were sent (and whether on time), which are due soon (``report_warn_days`` before the deadline)
and which are late. Months before the office began using the app are not asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dukcapil_tui.db import database
from dukcapil_tui.domain.cards import add_months
from dukcapil_tui.domain.formatting import format_date
from dukcapil_tui.domain.problems import ValidationError, bad_choice
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t
from dukcapil_tui.models import ReportSent
from dukcapil_tui.services import audit, context, settings
from dukcapil_tui.services.context import ROLES, Actor, require_role

MONTHLY = ("capaian", "blangko")
VIA = ("email", "aplikasi", "surat", "diantar", "lainnya")
LOOKBACK_MONTHS = 3
SEND_ROLES = ROLES  # whoever sends the recap records it; the audit says who
MAX_TEXT = 200


def deadline_day(report: str) -> int:
    return settings.whole_setting(f"report_deadline_{report}")


def deadline(report: str, year: int, month: int) -> date:
    """The day report ``report`` of ``year``-``month`` is due: in the following month."""
    return add_months(date(year, month, 1), 1).replace(day=deadline_day(report))


_MONTH = re.compile(r"^\s*([0-9]{4})-([0-9]{2})\s*$")


def _month(text: object) -> tuple[int, int] | None:
    """``2026-11`` -> (2026, 11); anything else None."""
    match = _MONTH.match(str(text or ""))
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return None
    return int(match.group(1)), int(match.group(2))


def record_sent(actor: Actor, report: str, period: str, *, via: str, sent_on: date | None = None,
                reference: str = "", note: str = "") -> ReportSent:
    """Record that the ``report`` of month ``period`` (YYYY-MM) was sent on ``sent_on``
    (default today) by ``via``. A report may be recorded again (a corrected version)."""
    require_role(actor, "action.record_sent", *SEND_ROLES)
    today = settings.office_today()
    sent_on = sent_on or today
    problems = {}
    if report not in MONTHLY:
        problems["report"] = t("deadline.bad_report", report=report, choices=", ".join(MONTHLY))
    month = _month(period)
    if month is None:
        problems["period"] = t("report.bad_month", value=period)
    elif month > (today.year, today.month):
        problems["period"] = t("report.future_month", value=f"{month[0]}-{month[1]:02d}",
                               today=format_date(today))
    if via not in VIA:
        problems["via"] = bad_choice(t("deadline.field.via"), via,
                                     ", ".join(t(f"deadline.via.{v}") + f" ({v})" for v in VIA))
    if sent_on > today:
        problems["sent_on"] = t("field.future_date", field=t("deadline.field.sent_on"))
    elif month is not None and "period" not in problems and sent_on < date(*month, 1):
        problems["sent_on"] = t("deadline.sent_before_month", day=format_date(sent_on),
                                month=f"{month[0]}-{month[1]:02d}")
    reference = squash(reference)
    if len(reference) > MAX_TEXT:
        problems["reference"] = t("field.too_long", field=t("deadline.field.reference"), max=MAX_TEXT)
    if problems:
        raise ValidationError(problems)
    stamp = f"{month[0]}-{month[1]:02d}"
    with database.atomic("IMMEDIATE"):
        row = ReportSent.create(report=report, period=stamp, sent_on=sent_on, via=via, reference=reference,
                                note=squash(note)[:MAX_TEXT], username=actor.username,
                                recorded_at=context.now_utc())
        audit.record(actor, "report.sent", "report_sent", row.id,
                     {"report": report, "period": stamp, "sent_on": sent_on, "via": via})
    return row


@dataclass(frozen=True)
class ReportDue:
    report: str
    year: int
    month: int
    deadline: date
    sent_on: date | None
    via: str | None
    state: str  # sent, sent_late, late, due (within the warning days), upcoming
    days: int  # late: days past the deadline; due/upcoming: days left; sent_late: days late

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"


def _first_month() -> tuple[int, int]:
    """The first month whose reports are asked for: the setting ``reports_due_from``, or the
    month the office began using the app (its first audit entry)."""
    chosen = _month(settings.get("reports_due_from"))
    if chosen is not None:
        return chosen
    row = database.execute_sql("SELECT MIN(at) FROM audit_log").fetchone()
    if not row or not row[0]:
        today = settings.office_today()
        return today.year, today.month
    first = str(row[0])
    return int(first[:4]), int(first[5:7])


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def status(today: date) -> list[ReportDue]:
    """Each monthly report of the last ``LOOKBACK_MONTHS`` complete months and of the running
    month, with its state on ``today``; per report oldest first."""
    warn = settings.whole_setting("report_warn_days")
    first = _first_month()
    sent: dict[tuple[str, str], tuple[date, str]] = {}
    for report, period, sent_on, via in database.execute_sql(
            "SELECT report, period, sent_on, via FROM report_sent ORDER BY sent_on DESC, id DESC").fetchall():
        sent[(report, period)] = (_date(sent_on), via)  # the first time it was sent wins (oldest last)
    result = []
    for report in MONTHLY:
        for back in range(LOOKBACK_MONTHS, -1, -1):
            start = add_months(today.replace(day=1), -back)
            if (start.year, start.month) < first:
                continue
            due = deadline(report, start.year, start.month)
            record = sent.get((report, f"{start.year}-{start.month:02d}"))
            if record is not None:
                late = (record[0] - due).days
                result.append(ReportDue(report, start.year, start.month, due, record[0], record[1],
                                        "sent_late" if late > 0 else "sent", max(late, 0)))
            elif today > due:
                result.append(ReportDue(report, start.year, start.month, due, None, None, "late", (today - due).days))
            else:
                left = (due - today).days
                result.append(ReportDue(report, start.year, start.month, due, None, None,
                                        "due" if left <= warn else "upcoming", left))
    return result


def sent_list(limit: int = 50) -> list[ReportSent]:
    return list(ReportSent.select().order_by(ReportSent.sent_on.desc(), ReportSent.id.desc()).limit(limit))


def describe(due: ReportDue) -> str:
    """One line for the dashboard and ``dukcapil status``."""
    return t(f"deadline.state.{due.state}", name=t(f"report.name.{due.report}"), month=due.period,
             deadline=format_date(due.deadline), days=due.days, sent=format_date(due.sent_on),
             via=t(f"deadline.via.{due.via}") if due.via else "")
