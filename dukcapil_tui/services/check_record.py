"""``dukcapil check``'s verifications of the protected record: the audit and ledger chains, the
blank stock on every day, the audit entries behind every ledger movement and card event, the
protecting triggers, and (as warnings) files others than the app's account may read.

Each invariant returns readable problems; ``INVARIANTS`` is appended to services.check's list.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dukcapil_tui import db as dbmod
from dukcapil_tui import paths, private
from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.services import chain

SHOWN = 5
# Beside the audit log's own two triggers, which services.check already looks for.
TRIGGERS = ("audit_log_links_card_events", "blangko_movement_append_only_u", "blangko_movement_append_only_d")


def _chains() -> list[str]:
    return chain.verify_all()


def _stock() -> list[str]:
    """The blank stock, day by day, never below zero."""
    row = database.execute_sql(
        "SELECT day, running FROM (SELECT day, SUM(SUM(quantity)) OVER (ORDER BY day) AS running "
        "FROM blangko_movement GROUP BY day) AS days WHERE running < 0 ORDER BY day LIMIT 1").fetchone()
    if row is None:
        return []
    return [t("check.stock_negative", day=str(row[0]), stock=row[1])]


def _coverage() -> list[str]:
    """Every ledger movement has its audit entry; every card event is linked to the audit entry
    of the transaction that wrote it (events before schema 7 carry 0)."""
    problems = []
    missing = database.execute_sql(
        "SELECT m.id FROM blangko_movement m WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
        "WHERE a.entity = 'blangko_movement' AND a.entity_id = CAST(m.id AS TEXT)) ORDER BY m.id").fetchall()
    if missing:
        problems.append(t("check.movement_unaudited", count=len(missing),
                          ids=", ".join(f"#{r[0]}" for r in missing[:SHOWN])))
    unlinked = database.execute_sql(
        "SELECT id FROM card_event WHERE audit_id IS NULL ORDER BY id").fetchall()
    dangling = database.execute_sql(
        "SELECT e.id FROM card_event e LEFT JOIN audit_log a ON a.id = e.audit_id "
        "WHERE e.audit_id > 0 AND a.id IS NULL ORDER BY e.id").fetchall()
    events = unlinked + dangling
    if events:
        problems.append(t("check.event_unaudited", count=len(events),
                          ids=", ".join(f"#{r[0]}" for r in sorted(events)[:SHOWN])))
    return problems


def _triggers() -> list[str]:
    present = dbmod.trigger_names()
    return [t("check.trigger_missing", name=name) for name in TRIGGERS if name not in present]


INVARIANTS: list[tuple[str, Callable[[], list[str]]]] = [
    ("chain", _chains),
    ("ledger", _stock),
    ("audit", _coverage),
    ("schema", _triggers),
]


def file_warnings(db_path: Path) -> list[str]:
    """Files and folders of the app that others than its account may read or enter."""
    db_path = Path(db_path)
    files = [Path(str(db_path) + s) for s in ("", "-wal", "-shm", ".lock")]
    files += [paths.config_file(), paths.enrolment_file(), paths.config_dir(), paths.log_dir(), paths.data_dir()]
    found = private.loose_modes(files, recurse=[paths.backup_dir(), paths.export_dir(), paths.log_dir(),
                                               paths.spool_dir()])
    return [t("check.loose_mode", path=path, mode=f"{mode:04o}",
              fix=f"chmod {'700' if path.is_dir() else '600'} {path}") for path, mode in found]
