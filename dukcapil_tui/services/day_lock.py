"""The day lock's guard: a day the head locked refuses every change dated on it.

``ensure_open(day)`` is the one check the services call before writing anything dated on an
office day: a blank movement (receipt, loan, print result, spoiled blank, adjustment,
correction), a ticket event (its ticket's day), a card's status change or recording (today), a
handover, a Suket, a stock count, a destruction, a blank request. The low-level writers call
it (``blangko.append``, ``queue.record_event``, ``card_status.apply``/``create``), so every
service that goes through them is covered without a check of its own. The refusal names the
lock: the day, who locked it and when, and that only an admin unlocks.

The tables whose rows carry their office day refuse the same inserts by trigger (migration 9).

Locking and unlocking (with the day's review) live in ``services.day_review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dukcapil_tui.db import database
from dukcapil_tui.domain.formatting import format_date, format_datetime
from dukcapil_tui.i18n import t
from dukcapil_tui.services import settings
from dukcapil_tui.services.context import ServiceError


class DayLocked(ServiceError):
    """A change dated on a locked day was refused."""


@dataclass(frozen=True)
class LockInForce:
    id: int
    day: date
    locked_at: datetime
    locked_by: str


def _dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def lock_in_force(day: date) -> LockInForce | None:
    """The lock in force on ``day``, if any (one read of a partial unique index)."""
    row = database.execute_sql(
        "SELECT id, locked_at, locked_by FROM day_lock WHERE day = ? AND unlocked_at IS NULL",
        (day.isoformat(),)).fetchone()
    return None if row is None else LockInForce(row[0], day, _dt(row[1]), row[2])


def is_locked(day: date) -> bool:
    return lock_in_force(day) is not None


def locked_days(first: date, last: date) -> set[date]:
    """The days between ``first`` and ``last`` locked now."""
    return {date.fromisoformat(str(d)[:10]) for (d,) in database.execute_sql(
        "SELECT day FROM day_lock WHERE day BETWEEN ? AND ? AND unlocked_at IS NULL",
        (first.isoformat(), last.isoformat())).fetchall()}


def refusal(lock: LockInForce) -> str:
    return t("daylock.locked", day=format_date(lock.day), by=lock.locked_by,
             at=format_datetime(lock.locked_at, settings.office_timezone()))


def ensure_open(day: date | None = None) -> None:
    """Refuse (``DayLocked``, naming the lock) when ``day`` (default: the office's today) is
    locked. Call inside the write transaction, before writing."""
    if day is None:
        day = settings.office_today()
    elif not isinstance(day, date):
        day = date.fromisoformat(str(day)[:10])
    lock = lock_in_force(day)
    if lock is not None:
        raise DayLocked(refusal(lock))
