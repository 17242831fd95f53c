"""Importing a SIAK listing of NIK + central status into the printing backlog.

A row whose NIK has a card on its way moves that card (``card_status``, as entering the status
by hand). A row whose NIK has none describes a record made elsewhere — at a kecamatan's site,
at another office, before the app was installed — and creates its card (``card_status``), with
the recording site, date and reason when the listing has them (LOKASI_REKAM, TGL_REKAM,
ALASAN), so the backlog, Suket, the blank forecast and the reports cover the office's whole
backlog. A NIK the register does not hold takes the listing's own name and desa (and what else
the row says); without them the row is reported. CARD_ISSUED for a NIK with no card makes none
(nothing is left to print or hand over) but the resident counts as recorded. A card waiting to
be re-recorded that the listing shows recorded again is replaced by a new one.

The whole file is read and checked first: a file that cannot be read to its end changes
nothing. The accepted rows are then applied in chunks of ``CHUNK``, each one transaction (so
counters are never kept waiting long). A chunk re-checks its cards and residents against the
database: what another workstation changed since the file was read is reported, not
overwritten. Should the import be interrupted between chunks, running it again applies the
rest (what was applied counts as unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database
from dukcapil_tui.domain import cards as rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.i18n import t
from dukcapil_tui.services import (audit, card_status, context, day_lock, import_report, listing_rows, outages, regions,
                                    settings)
from dukcapil_tui.services.cards import OPEN_OFFICE, STATUS_ROLES
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.services.resident_import import ALIASES as RESIDENT_ALIASES
from dukcapil_tui.tabular import TabularError, describe_columns, open_table, shown

STATUS_ALIASES = {
    **RESIDENT_ALIASES, **listing_rows.CARD_ALIASES,
    "NO_NIK": "NIK", "STATUS_CETAK": "STATUS", "STATUS_KTP": "STATUS", "STATUS_PUSAT": "STATUS",
    "STATUS_REKAM_PUSAT": "STATUS", "CURRENT_STATUS": "STATUS", "STATUS_REKAM": "STATUS", "STAT_REKAM": "STATUS",
    "STATUS_PEREKAMAN": "STATUS", "REKAM": "STATUS", "KETERANGAN": "CATATAN",
}
CHUNK = 2000
CREATE_CHUNK = 5000


@dataclass
class StatusImport:
    total: int = 0
    applied: int = 0  # cards whose status changed
    unchanged: int = 0
    created: int = 0  # cards made from the listing (recorded elsewhere)
    residents_created: int = 0  # NIKs the register did not hold, taken from the listing
    replaced: int = 0  # cards waiting to be re-recorded, replaced by the one recorded elsewhere
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, NIK, reason
    report_path: Path | None = None  # the rejected rows, written to a CSV file


@dataclass(frozen=True)
class _Known:
    """A resident of the register, as the import needs it."""

    id: int
    kecamatan_code: str
    recording_status: str
    life_status: str


@dataclass
class _NewCard:
    line: int
    nik: str
    central: str
    facts: listing_rows.CardFacts
    note: str
    resident: _Known | None = None
    new_resident: resident_rules.ResidentInput | None = None
    replaces: card_status.Change | None = None  # the card waiting to be re-recorded


def _cards_by_nik(niks: list[str]) -> tuple[dict[str, tuple], dict[str, tuple], dict[str, _Known]]:
    """The residents of the listing's NIKs and their cards, newest per resident: NIK -> (card
    id, central, office, resident id), the open ones apart from those handed over (a listing
    goes on saying CARD_PRINTED or CARD_ISSUED of a card after it was handed over here: that is
    news or nothing, not an error), and NIK -> the resident. Read by NIK (the resident's unique
    index, then card_resident), so the cost follows the listing, not the size of the tables."""
    open_cards: dict[str, tuple[int, str, str, int]] = {}
    handed_over: dict[str, tuple[int, str, str, int]] = {}
    known: dict[str, _Known] = {}
    for start in range(0, len(niks), 900):
        part = niks[start:start + 900]
        for nik, resident_id, kecamatan, recording, life, card_id, central, office in database.execute_sql(
            "SELECT r.nik, r.id, r.kecamatan_code, r.recording_status, r.life_status, c.id, c.central_status, "
            "c.office_status FROM resident r LEFT JOIN card c ON c.resident_id = r.id "
            f"WHERE r.nik IN ({', '.join('?' * len(part))}) ORDER BY c.recorded_at, c.id", part
        ):
            known[nik] = _Known(resident_id, kecamatan, recording, life)
            if office in OPEN_OFFICE:
                open_cards[nik] = (card_id, central, office, resident_id)
            elif office == "handed_over":
                handed_over[nik] = (card_id, central, office, resident_id)
    return open_cards, handed_over, known


def _residents(niks: list[str]) -> dict[str, _Known]:
    found = {}
    for start in range(0, len(niks), 900):
        part = niks[start:start + 900]
        for nik, *values in database.execute_sql(
                f"SELECT nik, id, kecamatan_code, recording_status, life_status FROM resident "
                f"WHERE nik IN ({', '.join('?' * len(part))})", part).fetchall():
            found[nik] = _Known(*values)
    return found


def import_statuses(actor: Actor, path: Path | str, report_dir: Path | None = None, *,
                    confirmed: bool = False) -> StatusImport:
    """Apply a listing of NIK + central status. Unknown NIKs without a name, impossible
    transitions and bad values are reported per row (and in a CSV report in ``report_dir``,
    default the exports folder); the rest is applied. While the central link is down
    (``outages.require_link``) the user is asked first (``confirmed``)."""
    require_role(actor, "action.card_status", *STATUS_ROLES)
    outages.require_link("action.import_statuses", confirmed)
    day_lock.ensure_open()  # the listing changes cards today: refused at once on a locked day
    path = Path(path)
    try:
        table = open_table(path, STATUS_ALIASES)
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    missing = [c for c in ("NIK", "STATUS") if c not in table.columns]
    if missing:
        raise ServiceError(
            t("import.missing_columns", columns=", ".join(missing), found=describe_columns(table.columns))
        )
    today = settings.office_today()
    reader = listing_rows.CardReader(table.columns, today)
    result = StatusImport()
    listed = _read(table, path, result)
    open_cards, handed_over, known = _cards_by_nik([row.nik for row in listed])
    pending: list[tuple[card_status.Change, int, str]] = []
    candidates: list[_NewCard] = []
    raw_rows: dict[int, dict] = {}  # line -> the row's card and resident cells, for a card to create
    for row in listed:
        line, nik, central = row.line, row.nik, row.central
        found = open_cards.get(nik)
        if found is None and central in (*rules.PRINTED_STAGE, rules.ISSUED):
            found = handed_over.get(nik)
        if found is not None and not (found[2] == "needs_rerecording" and central not in rules.ENROLL_FAILURES):
            card_id, current, office, resident_id = found
            if central == current:
                result.unchanged += 1
            elif not rules.can_move(current, central):
                result.rejected.append((line, nik, t("cards.bad_move", old=current, new=central)))
            else:
                pending.append((card_status.plan(card_id, resident_id, current, office, central=central,
                                                 note=row.note), line, nik))
            continue
        facts, refused = reader.read(row.cells)
        if refused is not None:
            result.rejected.append((line, nik, refused[1]))
            continue
        if found is None and nik in handed_over and facts.reason not in rules.REPRINT_REASONS:
            # The resident holds their card: a row that says nothing of a reprint is older
            # than the handover, not a new card to print.
            result.rejected.append((line, nik, t("listing.already_issued", nik=nik, status=rules.spelled(central))))
            continue
        candidate = _NewCard(line, nik, central, facts, row.note)
        if found is not None:  # recorded again after a failure: the old card is replaced
            card_id, current, office, resident_id = found
            candidate.replaces = card_status.plan(card_id, resident_id, current, office, office="replaced",
                                                  note=t("listing.recorded_again"))
        candidates.append(candidate)
        raw_rows[line] = row.cells
    creations = _resolve(candidates, raw_rows, known, result, today)
    # In recording order, each chunk's cards land in few pages of the indexes ordered by the
    # recording time (recorded, kecamatan, site, central and office status): fewer pages written.
    creations.sort(key=lambda c: (c.facts.recorded_at is None, c.facts.recorded_at or 0, c.line))
    for start in range(0, len(pending), CHUNK):
        _apply_chunk(actor, pending[start:start + CHUNK], path.name, result)
    for start in range(0, len(creations), CREATE_CHUNK):
        _create_chunk(actor, creations[start:start + CREATE_CHUNK], path.name, result)
    result.rejected.sort()
    if result.rejected:
        result.report_path = import_report.write("impor-status", path, ["BARIS", "NIK", "ALASAN"],
                                                 result.rejected, report_dir)
    return result


@dataclass(frozen=True)
class _Listed:
    line: int
    nik: str
    central: str
    note: str
    cells: dict  # the card's and the resident's cells the row has (a few; the rest of the row is dropped)


_KEPT = ("TGL_REKAM", "LOKASI_REKAM", "ALASAN", *listing_rows.RESIDENT_COLUMNS, *listing_rows.SIAK_REGION_PARTS)


def _read(table, path: Path, result: StatusImport) -> list[_Listed]:
    """Every row read and checked for itself (its NIK, its status, a NIK twice); nothing is
    written: a file that cannot be read to its end changes nothing."""
    listed = []
    seen: set[str] = set()
    kept = [c for c in _KEPT if c in table.columns]
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
            if nik in seen:
                result.rejected.append((line, nik, t("cards.duplicate_in_file", nik=nik)))
                continue
            seen.add(nik)
            listed.append(_Listed(line, nik, central, str(row.get("CATATAN") or ""),
                                  {c: row[c] for c in kept if row.get(c) not in (None, "")}))
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    return listed


def _resolve(candidates: list[_NewCard], raw_rows: dict, known: dict[str, _Known], result: StatusImport,
             today) -> list[_NewCard]:
    """Find each new card's resident, or make one from the listing's row; report the rest."""
    index = None
    accepted = []
    for candidate in candidates:
        resident = known.get(candidate.nik)
        if resident is not None:
            if resident.life_status != resident_rules.ALIVE:
                result.rejected.append((candidate.line, candidate.nik, t(
                    "life.not_alive", status=resident_rules.life_label(resident.life_status))))
                continue
            candidate.resident = resident
        else:
            if index is None:
                index = regions.index()
            made, problem = listing_rows.new_resident(
                raw_rows[candidate.line], candidate.nik, candidate.central, known_desa=index.desa_codes,
                known_kecamatan=regions.known_kecamatan(index), today=today)
            if made is None:
                result.rejected.append((candidate.line, candidate.nik, problem))
                continue
            candidate.new_resident = made
        accepted.append(candidate)
    return accepted


def _apply_chunk(actor: Actor, rows: list[tuple[card_status.Change, int, str]], filename: str,
                 result: StatusImport) -> None:
    with database.atomic("IMMEDIATE"):
        # The listing was checked against a snapshot taken before reading the file; a card
        # another workstation changed since then is reported, not overwritten.
        fresh = [change for change, line, nik in _unchanged([(c, line, nik) for c, line, nik in rows], result)]
        result.applied += len(fresh)
        if not fresh:
            return
        applied = card_status.apply(actor, fresh, "import")
        audit.record(actor, "card.status_import", "card", None, {
            "file": filename, "cards": len(fresh),
            "to": {s: sum(1 for c in fresh if c.central == s) for s in sorted({c.central for c in fresh})},
            "rerecord": len(applied.rerecord), "suket_closed": applied.suket_closed,
        })


def _unchanged(rows: list[tuple[card_status.Change, int, str]], result: StatusImport
               ) -> list[tuple[card_status.Change, int, str]]:
    """The rows whose card is still as the snapshot saw it; the others are reported."""
    ids = [change.card_id for change, _, _ in rows]
    if not ids:
        return []
    live = {card_id: (central, office) for card_id, central, office in database.execute_sql(
        f"SELECT id, central_status, office_status FROM card WHERE id IN ({', '.join('?' * len(ids))})",
        ids).fetchall()}
    kept = []
    for change, line, nik in rows:
        if live.get(change.card_id) == (change.central_before, change.office_before):
            kept.append((change, line, nik))
        else:
            result.rejected.append((line, nik, t("cards.changed_meanwhile", nik=nik)))
    return kept


def _create_chunk(actor: Actor, rows: list[_NewCard], filename: str, result: StatusImport) -> None:
    """One chunk of cards made from the listing (and the residents it names), in one transaction."""
    with database.atomic("IMMEDIATE"):
        rows = _still_new(rows, result)
        replaced = _unchanged([(r.replaces, r.line, r.nik) for r in rows if r.replaces is not None], result)
        kept_replacements = {change.card_id for change, _, _ in replaced}
        rows = [r for r in rows if r.replaces is None or r.replaces.card_id in kept_replacements]
        if not rows:
            return
        new_ids = _insert_residents(actor, [r for r in rows if r.new_resident is not None], filename)
        result.residents_created += len(new_ids)
        for row in rows:
            if row.new_resident is not None:
                data = row.new_resident
                row.resident = _Known(new_ids[row.nik], data.kecamatan_code, data.recording_status, data.life_status)
        if replaced:
            card_status.apply(actor, [change for change, _, _ in replaced], "import")
            result.replaced += len(replaced)
        making = [r for r in rows if r.central != rules.ISSUED]
        created = card_status.create_many(actor, [
            card_status.NewCard(r.resident.id, r.resident.kecamatan_code, r.facts.reason, r.facts.recorded_where,
                                r.central, r.facts.site_code, r.facts.recorded_at, "siak", None, r.note)
            for r in making], "import", detail={"file": filename})
        result.created += len(created.card_ids)
        # CARD_ISSUED of a NIK with no card: nothing to print or hand over; the resident has recorded.
        issued = [r.resident.id for r in rows if r.central == rules.ISSUED and r.new_resident is None]
        recorded = card_status.register_status(actor, issued, "sudah", single=False)
        result.applied += len(recorded)
        result.unchanged += len(issued) - len(recorded)
        audit.record(actor, "card.listing_import", "card", None, {
            "file": filename, "cards_created": len(created.card_ids), "residents_created": len(new_ids),
            "replaced": len(replaced), "recorded_only": len(recorded)})


def _still_new(rows: list[_NewCard], result: StatusImport) -> list[_NewCard]:
    """Drop the rows another workstation overtook since the file was read: a NIK added to the
    register meanwhile, a resident who got a card on its way meanwhile."""
    niks = [r.nik for r in rows if r.new_resident is not None]
    taken = set(_residents(niks)) if niks else set()
    resident_ids = [r.resident.id for r in rows if r.resident is not None and r.replaces is None]
    carded: set[int] = set()
    for start in range(0, len(resident_ids), 900):
        part = resident_ids[start:start + 900]
        carded |= {r[0] for r in database.execute_sql(
            f"SELECT resident_id FROM card WHERE resident_id IN ({', '.join('?' * len(part))}) "
            # "+": read the few cards of these residents (card_resident), not the office-status
            # index, which holds most of the table
            f"AND +office_status IN ({', '.join(repr(s) for s in OPEN_OFFICE)})", part).fetchall()}
    kept = []
    for row in rows:
        overtaken = (row.new_resident is not None and row.nik in taken) or (
            row.resident is not None and row.replaces is None and row.resident.id in carded)
        if overtaken:
            result.rejected.append((row.line, row.nik, t("listing.changed_meanwhile", nik=row.nik)))
        else:
            kept.append(row)
    return kept


_RESIDENT_COLUMNS = ("uuid", "nik", "name", "birth_place", "birth_date", "sex", "desa_code", "kecamatan_code",
                     "address", "rt", "rw", "marital_status", "marital_known", "recording_status", "religion",
                     "occupation", "citizenship", "workstation", "created_at", "updated_at")


def _insert_residents(actor: Actor, rows: list[_NewCard], filename: str) -> dict[str, int]:
    """The residents the listing names (ids given here, the next after the highest), with one
    audit entry for them."""
    import uuid

    if not rows:
        return {}
    first = database.execute_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM resident").fetchone()[0]
    now = str(context.now_utc())
    values, ids = [], {}
    for number, row in enumerate(rows):
        data = row.new_resident
        ids[row.nik] = first + number
        values.append((first + number, str(uuid.uuid4()), data.nik, data.name, data.birth_place,
                       data.birth_date.isoformat(), data.sex, data.desa_code, data.kecamatan_code, data.address,
                       data.rt, data.rw, data.marital_status, int(data.marital_known), data.recording_status,
                       data.religion, data.occupation, data.citizenship, actor.workstation, now, now))
    dbmod.insert_rows("resident", ("id", *_RESIDENT_COLUMNS), values)
    audit.record(actor, "resident.import", "resident", None, {
        "file": filename, "inserted": len(values), "from": "status listing", "first": first,
        "last": first + len(values) - 1})
    return ids
