"""Importing a SIAK listing of NIK + central status into the printing backlog.

The whole file is read and checked first: a file that cannot be read to its end changes
nothing. The accepted rows are then applied in chunks of ``CHUNK`` cards, each one
transaction (so counters are never kept waiting long), through ``card_status`` like every
other status change. A chunk re-checks its cards against the database: a card another
workstation changed since the file was read is reported, not overwritten. Should the import
be interrupted between chunks, running it again applies the rest (what was applied counts
as unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.i18n import t
from dukcapil_tui.models import Card, Resident
from dukcapil_tui.services import audit, card_status, day_lock, import_report
from dukcapil_tui.services.cards import OPEN_OFFICE, STATUS_ROLES
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.tabular import TabularError, describe_columns, open_table, shown

STATUS_ALIASES = {"NO_NIK": "NIK", "STATUS_CETAK": "STATUS", "STATUS_KTP": "STATUS", "STATUS_PUSAT": "STATUS",
                  "STATUS_REKAM_PUSAT": "STATUS", "CURRENT_STATUS": "STATUS", "KETERANGAN": "CATATAN"}
CHUNK = 2000


@dataclass
class StatusImport:
    total: int = 0
    applied: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, NIK, reason
    report_path: Path | None = None  # the rejected rows, written to a CSV file


def _cards_by_nik() -> tuple[dict[str, tuple], dict[str, tuple]]:
    """Every card, newest per resident, in one read: NIK -> (card id, central, office, resident
    id), the open ones apart from those handed over (a listing goes on saying CARD_PRINTED or
    CARD_ISSUED of a card after it was handed over here: that is news or nothing, not an error)."""
    open_cards: dict[str, tuple[int, str, str, int]] = {}
    handed_over: dict[str, tuple[int, str, str, int]] = {}
    for card_id, central, office, resident_id, nik in (
        Card.select(Card.id, Card.central_status, Card.office_status, Card.resident, Resident.nik)
        .join(Resident).order_by(Card.recorded_at, Card.id).tuples().iterator()
    ):
        if office in OPEN_OFFICE:
            open_cards[nik] = (card_id, central, office, resident_id)
        elif office == "handed_over":
            handed_over[nik] = (card_id, central, office, resident_id)
    return open_cards, handed_over


def import_statuses(actor: Actor, path: Path | str, report_dir: Path | None = None) -> StatusImport:
    """Apply a listing of NIK + central status. Unknown NIKs and impossible transitions are
    reported per row (and in a CSV report in ``report_dir``, default the exports folder); the
    rest is applied."""
    require_role(actor, "action.card_status", *STATUS_ROLES)
    day_lock.ensure_open()  # the listing changes cards today: refused at once on a locked day
    path = Path(path)
    try:
        table = open_table(path, STATUS_ALIASES)
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    missing = [c for c in ("NIK", "STATUS") if c not in table.columns]
    if missing:
        raise ServiceError(t("import.missing_columns", columns=", ".join(missing), found=describe_columns(table.columns)))
    open_cards, handed_over = _cards_by_nik()
    result = StatusImport()
    pending: list[tuple[card_status.Change, int, str]] = []
    seen: set[str] = set()
    try:
        for line, row in table.rows:
            result.total += 1
            if row.problem:
                result.rejected.append((line, str(row.get("NIK") or "")[:20], row.problem))
                continue
            nik = nik_rules.normalise(str(row.get("NIK") or ""))
            problem = nik_rules.format_problem(nik)
            if problem is not None:
                result.rejected.append((line, nik, problem.message))
                continue
            central = rules.normalise_status(row.get("STATUS"))
            if central is None:
                result.rejected.append((line, nik, t("cards.bad_status", value=shown(row.get("STATUS")),
                                                     choices=", ".join(rules.CENTRAL_STATUSES))))
                continue
            found = open_cards.get(nik)
            if found is None and central in ("CARD_PRINTED", "CARD_ISSUED"):
                found = handed_over.get(nik)
            if found is None:
                result.rejected.append((line, nik, t("cards.no_open_card", nik=nik)))
                continue
            if nik in seen:
                result.rejected.append((line, nik, t("cards.duplicate_in_file", nik=nik)))
                continue
            seen.add(nik)
            card_id, current, office, resident_id = found
            if central == current:
                result.unchanged += 1
                continue
            if not rules.can_move(current, central):
                result.rejected.append((line, nik, t("cards.bad_move", old=current, new=central)))
                continue
            change = card_status.plan(card_id, resident_id, current, office, central=central,
                                      note=str(row.get("CATATAN") or ""))
            pending.append((change, line, nik))
    except TabularError as exc:  # nothing is written: the whole file is read before anything is applied
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    for start in range(0, len(pending), CHUNK):
        _apply_chunk(actor, pending[start:start + CHUNK], path.name, result)
    result.rejected.sort()
    if result.rejected:
        result.report_path = import_report.write("impor-status", path, ["BARIS", "NIK", "ALASAN"],
                                                 result.rejected, report_dir)
    return result


def _apply_chunk(actor: Actor, rows: list[tuple[card_status.Change, int, str]], filename: str,
                 result: StatusImport) -> None:
    with database.atomic("IMMEDIATE"):
        # The listing was checked against a snapshot taken before reading the file; a card
        # another workstation changed since then is reported, not overwritten.
        ids = [change.card_id for change, _, _ in rows]
        marks = ", ".join("?" * len(ids))
        live = {card_id: (central, office) for card_id, central, office in database.execute_sql(
            f"SELECT id, central_status, office_status FROM card WHERE id IN ({marks})", ids).fetchall()}
        fresh = []
        for change, line, nik in rows:
            if live.get(change.card_id) == (change.central_before, change.office_before):
                fresh.append(change)
            else:
                result.rejected.append((line, nik, t("cards.changed_meanwhile", nik=nik)))
        result.applied += len(fresh)
        if not fresh:
            return
        applied = card_status.apply(actor, fresh, "import")
        audit.record(actor, "card.status_import", "card", None, {
            "file": filename, "cards": len(fresh),
            "to": {s: sum(1 for c in fresh if c.central == s) for s in sorted({c.central for c in fresh})},
            "rerecord": len(applied.rerecord), "suket_closed": applied.suket_closed,
        })
