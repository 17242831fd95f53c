"""Hash chains over the audit log and the blank-card ledger.

Each row carries ``chain = HMAC-SHA256(key, previous row's chain + the row's own columns)``.
Changing, deleting or inserting a row breaks the link of the next one, even for someone who
drops the append-only triggers, rewrites a row and recreates them. The key is not in the
database: it is in each registered workstation's enrolment file (``dukcapil_tui.enrolment``),
so writing the database file is not enough to forge a valid chain. Truncating the newest rows
leaves a valid (shorter) chain: the heads each workstation saw are kept as anchors in its
enrolment and ``check`` compares them.

Rows written before the chain existed (a database upgraded to schema 7) have no link; the
first chained entry, ``chain.start``, seals them with a keyed digest of their contents.

Rows are written with explicit ids (the last id + 1) inside the caller's write transaction,
which SQLite serialises, so the chain never forks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass

from dukcapil_tui import enrolment
from dukcapil_tui.db import database
from dukcapil_tui.i18n import t
from dukcapil_tui.services.context import ServiceError

AUDIT_COLUMNS = ("id", "at", "user_id", "username", "workstation", "action", "entity", "entity_id", "changes")
LEDGER_COLUMNS = ("id", "uuid", "at", "day", "kind", "quantity", "reference", "source", "note", "card_id",
                  "username", "workstation", "corrects_id")
TABLES = {"audit": ("audit_log", AUDIT_COLUMNS), "ledger": ("blangko_movement", LEDGER_COLUMNS)}
START_ACTION = "chain.start"


class ChainUnavailable(ServiceError):
    """This workstation holds no key for the office database open: it may not write."""


def canonical(values: Sequence) -> bytes:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def link(key: bytes, previous: str, values: Sequence) -> str:
    return hmac.new(key, previous.encode("ascii") + b"\n" + canonical(values), hashlib.sha256).hexdigest()


def office_uid() -> str:
    row = database.execute_sql("SELECT value FROM setting WHERE key = 'office_uid'").fetchone()
    return row[0] if row else ""


def key(uid: str | None = None) -> bytes:
    """The chain key of the open database, from this workstation's enrolment."""
    entry = enrolment.get(uid or office_uid())
    if entry is None:
        raise ChainUnavailable(t("chain.no_key"))
    return entry.key


def available() -> bool:
    try:
        key()
    except ChainUnavailable:
        return False
    return True


def _tail(table: str) -> tuple[int, str | None] | None:
    return database.execute_sql(f"SELECT id, chain FROM {table} ORDER BY id DESC LIMIT 1").fetchone()


def append(name: str, values: dict, *, opening: bool = False) -> int:
    """Insert one row into the chained table ``name`` ("audit" or "ledger") with its link.
    ``values`` holds every column but ``id`` and ``chain``; returns the new id. Call inside
    the write transaction."""
    table, columns = TABLES[name]
    secret = key()
    tail = _tail(table)
    if tail is None:
        new_id, previous = 1, ""
    elif tail[1] is None and not opening and name == "audit":
        raise ChainUnavailable(t("chain.not_started"))
    else:
        new_id, previous = tail[0] + 1, tail[1] or ""
    row = [new_id] + [values[c] for c in columns[1:]]
    chained = link(secret, previous, row)
    marks = ", ".join("?" * (len(columns) + 1))
    database.execute_sql(f"INSERT INTO {table} ({', '.join(columns)}, chain) VALUES ({marks})", row + [chained])
    return new_id


def add_movement(**fields):
    """``BlangkoMovement.create(**fields)`` with its chain link (the ledger's one writer)."""
    from dukcapil_tui.models import BlangkoMovement

    card, corrects = fields.get("card"), fields.get("corrects")
    values = dict(fields, at=str(fields["at"]), day=fields["day"].isoformat(),
                  card_id=getattr(card, "id", card), corrects_id=getattr(corrects, "id", corrects))
    values.pop("card", None)
    values.pop("corrects", None)
    new_id = append("ledger", values)
    return BlangkoMovement(id=new_id, **fields)


# --- the seal over rows written before the chain ------------------------------------------------

def legacy_digest(secret: bytes, name: str, up_to: int) -> tuple[int, str]:
    """(rows, keyed digest) of the unchained rows of ``name`` with id <= ``up_to``."""
    table, columns = TABLES[name]
    mac = hmac.new(secret, b"", hashlib.sha256)
    count = 0
    cursor = database.execute_sql(
        f"SELECT {', '.join(columns)} FROM {table} WHERE id <= ? AND chain IS NULL ORDER BY id", (up_to,))
    for row in cursor:
        mac.update(canonical(row) + b"\n")
        count += 1
    return count, mac.hexdigest()


def seal_values(secret: bytes) -> dict:
    """What the opening entry records about the unchained past of both tables."""
    seal = {}
    for name, (table, _columns) in TABLES.items():
        last = database.execute_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
        rows, digest = legacy_digest(secret, name, last)
        seal[name] = {"last_id": last, "rows": rows, "digest": digest}
    return seal


# --- verification -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    table: str
    row_id: int
    reason: str

    def __str__(self) -> str:
        return t("chain.broken", table=t(f"chain.table.{self.table}"), id=self.row_id, reason=self.reason)


def verify(name: str, secret: bytes, seal: dict | None) -> tuple[Break | None, tuple[int, str] | None]:
    """Walk the chain of ``name``: the first broken row (or None) and the head (id, chain)."""
    table, columns = TABLES[name]
    previous, previous_id = "", 0
    started = False
    legacy = hmac.new(secret, b"", hashlib.sha256)
    legacy_rows = 0
    head = None
    cursor = database.execute_sql(f"SELECT {', '.join(columns)}, chain FROM {table} ORDER BY id")
    for row in cursor:
        row_id, chained = row[0], row[-1]
        values = row[:-1]
        if chained is None:
            if started:
                return Break(name, row_id, t("chain.reason.unlinked")), head
            legacy.update(canonical(values) + b"\n")
            legacy_rows += 1
            previous_id = row_id
            continue
        if not started:
            started = True
            problem = _check_seal(name, seal, legacy_rows, legacy.hexdigest(), previous_id)
            if problem:
                return Break(name, row_id, problem), head
            previous_id = row_id - 1 if legacy_rows == 0 else previous_id
        if row_id != previous_id + 1:
            return Break(name, row_id, t("chain.reason.gap", first=previous_id + 1, last=row_id - 1)), head
        if not hmac.compare_digest(link(secret, previous, values), chained):
            return Break(name, row_id, t("chain.reason.changed")), head
        previous, previous_id, head = chained, row_id, (row_id, chained)
    if not started and legacy_rows:
        if seal is None:
            return Break(name, previous_id, t("chain.reason.not_started")), head
        problem = _check_seal(name, seal, legacy_rows, legacy.hexdigest(), previous_id)
        if problem:
            return Break(name, previous_id, problem), head
    return None, head


def _check_seal(name: str, seal: dict | None, rows: int, digest: str, last_id: int) -> str | None:
    if rows == 0:
        return None
    if seal is None:
        return t("chain.reason.no_seal", rows=rows)
    part = seal.get(name) or {}
    if part.get("rows") != rows or part.get("last_id") != last_id or not hmac.compare_digest(
            str(part.get("digest", "")), digest):
        return t("chain.reason.seal", rows=rows)
    return None


def opening_seal() -> dict | None:
    """The seal recorded by the chain's opening entry (None: no opening entry)."""
    row = database.execute_sql(
        "SELECT changes FROM audit_log WHERE chain IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
    except ValueError:
        return None
    return data.get("seal") if isinstance(data, dict) else None


def heads() -> dict[str, tuple[int, str, str]]:
    """The newest (id, chain, at) of each chained table (tables without a link are left out)."""
    found = {}
    for name, (table, _columns) in TABLES.items():
        row = database.execute_sql(
            f"SELECT id, chain, at FROM {table} WHERE chain IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
        if row:
            found[name] = (row[0], row[1], str(row[2]))
    return found


def remember_heads(uid: str | None = None) -> None:
    """Move this workstation's anchors forward to the current heads (login, backup, check)."""
    uid = uid or office_uid()
    for name, (row_id, chained, at) in heads().items():
        enrolment.set_anchor(uid, name, row_id, chained, at)


def check_anchors(uid: str, entry: enrolment.Entry) -> list[str]:
    """Problems when a head this workstation once saw is gone or different (rows removed from
    the end, or the chain rewritten from there), unless a restore or an office copy since
    explains it (an admin put an older state of the office here, recorded in its audit log)."""
    problems = []
    for name, anchor in entry.anchors.items():
        table, _columns = TABLES.get(name, (None, None))
        if table is None:
            continue
        row = database.execute_sql(f"SELECT chain FROM {table} WHERE id = ?", (anchor["id"],)).fetchone()
        if row is not None and row[0] == anchor["chain"]:
            continue
        if _restored_since(anchor.get("at", "")):
            continue
        problems.append(t("chain.anchor_lost", table=t(f"chain.table.{name}"), id=anchor["id"],
                          at=anchor.get("at", "?")[:16]))
    return problems


RESTORING_ACTIONS = ("backup.restore", "db.copy")


def _restored_since(at: str) -> bool:
    return database.execute_sql(
        "SELECT 1 FROM audit_log WHERE action IN (?, ?) AND at >= ? LIMIT 1", (*RESTORING_ACTIONS, at)
    ).fetchone() is not None


def broken_links(key: bytes) -> list[str]:
    """The first broken row of each chain of the open database, readable (anchors not asked)."""
    seal = opening_seal()
    problems = []
    for name in TABLES:
        broken, _head = verify(name, key, seal)
        if broken is not None:
            problems.append(str(broken))
    return problems


def verify_all(uid: str | None = None) -> list[str]:
    """Every chain problem of the open database, readable, the first broken row of each table."""
    uid = uid or office_uid()
    entry = enrolment.get(uid)
    if entry is None:
        started = database.execute_sql("SELECT 1 FROM audit_log WHERE chain IS NOT NULL LIMIT 1").fetchone()
        return [t("chain.no_key_check" if started else "chain.not_started")]
    problems = broken_links(entry.key)
    clean = not problems
    problems += check_anchors(uid, entry)
    if clean and not problems:
        remember_heads(uid)
    return problems
