"""The numbered migrations on PostgreSQL: the same modules, read through this translation.

Most statements are portable as written. What SQLite spells its own way is rewritten here,
statement by statement, so each migration module stays the one description of its change:

- ``id INTEGER PRIMARY KEY`` (SQLite's rowid alias) gets what SQLite gives it: a row inserted
  without an id takes max(id) + 1 (a ``BEFORE INSERT`` trigger), and an id given is kept. The
  hash chains give their rows ids themselves, and ``db copy`` keeps ids, so a sequence would
  fall behind; writers take turns (db/postgres.py), so max + 1 is never drawn twice.
  ``DATETIME``/``DATE`` columns are ``TEXT`` holding the same ISO text as on SQLite
  (db/postgres.py says why); ``COLLATE NOCASE`` moves after the type and names the ICU
  collation ``nocase`` made by the prelude.
- A trigger (``BEFORE … WHEN … BEGIN SELECT RAISE(ABORT, '…'); END``, also ``AFTER UPDATE OF
  column``) becomes a PL/pgSQL
  function and a ``CREATE OR REPLACE TRIGGER … FOR EACH ROW``; ``RAISE(ABORT, m)`` becomes
  ``RAISE EXCEPTION``, ``IS NOT x`` becomes ``IS DISTINCT FROM x``.
- SQLite's ``randomblob``/``strftime('now')`` become ``gen_random_uuid``/``now()``.
- The three table rebuilds (SQLite cannot change a CHECK in place: migrations 6, 7 and 10) are
  ``ALTER TABLE`` statements here (``REBUILDS``).

A PostgreSQL office is always made empty and brought to the newest version at once (``dukcapil
init`` or ``dukcapil db copy``), so statements that only fix rows written by older versions
(``DATA_FIXES``) have nothing to fix there and are left out. Migrations from 14 on are written
portable and pass through unchanged.
"""

from __future__ import annotations

import re

VERSION_TABLE = "dukcapil_schema"

PRELUDE = [
    # Names compared, sorted and indexed without regard to case, like SQLite's NOCASE.
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase') THEN
           CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
         END IF;
       END $$""",
    # SQLite counts the rows meeting a condition as SUM(condition); PostgreSQL's sum() takes no
    # boolean, so it gets one (NULL over no rows, as SQLite's).
    """CREATE OR REPLACE FUNCTION sum_bool_step(bigint, boolean) RETURNS bigint LANGUAGE sql IMMUTABLE
       AS 'SELECT coalesce($1, 0) + CASE WHEN $2 THEN 1 ELSE 0 END'""",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
                        WHERE p.proname = 'sum' AND p.proargtypes[0] = 'boolean'::regtype) THEN
           CREATE AGGREGATE sum(boolean) (SFUNC = sum_bool_step, STYPE = bigint);
         END IF;
       END $$""",
    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)",
    f"INSERT INTO {VERSION_TABLE} (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE})",
]

# (migration, statement index) of statements that only fix rows of older versions.
DATA_FIXES = {(5, 0), (5, 1), (5, 2), (5, 3), (5, 4), (9, 13)}

_KINDS_6 = ("'receipt', 'loan_in', 'returned', 'print_ok', 'print_failed', 'damaged', 'loan_out', "
            "'adjustment', 'correction'")

# migration -> (indexes of the SQLite rebuild statements left out, ALTER statements run first)
REBUILDS: dict[int, tuple[set[int], list[str]]] = {
    6: ({0, 1, 2, 3, 4}, [
        "ALTER TABLE blangko_movement DROP CONSTRAINT blangko_movement_kind_check",
        f"ALTER TABLE blangko_movement ADD CONSTRAINT blangko_movement_kind_check CHECK (kind IN ({_KINDS_6}))",
        "ALTER TABLE blangko_movement ADD COLUMN corrects_id INTEGER REFERENCES blangko_movement (id)",
        "ALTER TABLE blangko_movement DROP CONSTRAINT blangko_movement_check",
        """ALTER TABLE blangko_movement ADD CONSTRAINT blangko_movement_check CHECK (
               (kind IN ('receipt', 'loan_in', 'returned') AND quantity > 0)
               OR (kind IN ('print_ok', 'print_failed', 'damaged', 'loan_out') AND quantity < 0)
               OR kind = 'adjustment'
               OR (kind = 'correction' AND corrects_id IS NOT NULL))""",
        """ALTER TABLE blangko_movement ADD CONSTRAINT blangko_movement_corrects_check
               CHECK ((kind = 'correction') = (corrects_id IS NOT NULL))""",
    ]),
    7: ({0, 1, 2, 3, 4}, [
        "ALTER TABLE region DROP CONSTRAINT region_level_check",
        """ALTER TABLE region ADD CONSTRAINT region_level_check
               CHECK (level IN ('provinsi', 'kabupaten', 'kota', 'kecamatan', 'desa', 'kelurahan'))""",
    ]),
    10: ({9, 10, 11, 12, 13}, [
        """ALTER TABLE spoiled_card ADD COLUMN kind TEXT NOT NULL DEFAULT 'blangko'
               CHECK (kind IN ('blangko', 'ditarik'))""",
        "ALTER TABLE spoiled_card ADD COLUMN note TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE spoiled_card ALTER COLUMN movement_id DROP NOT NULL",
        "ALTER TABLE spoiled_card DROP CONSTRAINT spoiled_card_reason_check",
        """ALTER TABLE spoiled_card ADD CONSTRAINT spoiled_card_reason_check CHECK (reason IN
               ('gagal_cetak', 'chip_rusak', 'rusak_fisik', 'perubahan_data', 'kedatangan'))""",
        """ALTER TABLE spoiled_card ADD CONSTRAINT spoiled_card_movement_check
               CHECK ((kind = 'blangko') = (movement_id IS NOT NULL))""",
        """ALTER TABLE spoiled_card ADD CONSTRAINT spoiled_card_kind_reason_check
               CHECK (kind = 'ditarik' OR reason IN ('gagal_cetak', 'chip_rusak', 'rusak_fisik'))""",
        """ALTER TABLE spoiled_card ADD CONSTRAINT spoiled_card_withdrawn_check
               CHECK (kind = 'blangko' OR reason != 'gagal_cetak')""",
    ]),
}


def statements(number: int, sqlite_statements: list[str]) -> list[str]:
    """Migration ``number``'s statements as PostgreSQL runs them."""
    skipped, first = REBUILDS.get(number, (set(), []))
    groups = [[statement] for statement in first]
    for index, statement in enumerate(sqlite_statements):
        if index in skipped or (number, index) in DATA_FIXES:
            continue
        groups.append(translate(statement))
    return [statement for group in _tables_before_references(groups) for statement in group]


_CREATE = re.compile(r"^\s*CREATE TABLE (\w+)", re.IGNORECASE)
_REFERENCES = re.compile(r"REFERENCES (\w+)", re.IGNORECASE)


def _tables_before_references(groups: list[list[str]]) -> list[list[str]]:
    """SQLite lets a table refer to one created later in the migration (migration 3's
    ``spoiled_card`` -> ``destruction``); PostgreSQL needs the referred table first, so such a
    CREATE TABLE moves down to just after the table it refers to."""
    ordered = list(groups)
    moved = True
    while moved:
        moved = False
        created = {m.group(1).lower(): i for i, g in enumerate(ordered) if (m := _CREATE.match(g[0]))}
        for index, group in enumerate(ordered):
            statement = group[0]
            match = _CREATE.match(statement)
            if not match:
                continue
            later = [created[r.lower()] for r in _REFERENCES.findall(statement)
                     if created.get(r.lower(), -1) > index]
            if later:
                ordered.insert(max(later), ordered.pop(index))
                moved = True
                break
    return ordered


_TRIGGER = re.compile(
    r"^\s*CREATE TRIGGER (?P<name>\w+) (?P<when>BEFORE|AFTER) (?P<event>INSERT|UPDATE(?:\s+OF\s+\w+(?:\s*,\s*\w+)*)?|DELETE)"
    r" ON (?P<table>\w+)"
    r"(?:\s+WHEN (?P<cond>.*?))?\s+BEGIN (?P<body>.*?);\s*END\s*$", re.DOTALL | re.IGNORECASE)
_RAISE = re.compile(r"^\s*SELECT RAISE\(ABORT, ('(?:[^']|'')*')\)\s*$", re.IGNORECASE)
_ROWID_TABLE = re.compile(r"^\s*CREATE TABLE (\w+) \(\s*id INTEGER PRIMARY KEY\b(?!\s+REFERENCES)", re.IGNORECASE)
_COLLATE = re.compile(r"(\w+ TEXT)((?: NOT NULL| UNIQUE)*) COLLATE NOCASE", re.IGNORECASE)


def translate(sql: str) -> list[str]:
    """One SQLite statement as the PostgreSQL statements that do the same."""
    trigger = _TRIGGER.match(sql)
    if trigger:
        return _trigger(**trigger.groupdict())
    rowid = _ROWID_TABLE.match(sql)
    sql = re.sub(r"\bDATETIME\b", "TEXT", sql)
    sql = re.sub(r"\bDATE\b(?!\s*\()", "TEXT", sql)
    sql = _COLLATE.sub(r"\1 COLLATE nocase\2", sql)
    sql = sql.replace("lower(hex(randomblob(16)))", "replace(gen_random_uuid()::text, '-', '')")
    sql = sql.replace("lower(hex(randomblob(32)))",
                      "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')")
    sql = sql.replace("strftime('%Y-%m-%d %H:%M:%S', 'now')",
                      "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')")
    if rowid:
        table = rowid.group(1)
        return [sql,
                f"CREATE OR REPLACE FUNCTION {table}_rowid_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
                f"BEGIN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM {table}); RETURN NEW; END $fn$",
                f"CREATE OR REPLACE TRIGGER {table}_rowid BEFORE INSERT ON {table} FOR EACH ROW "
                f"WHEN (NEW.id IS NULL) EXECUTE FUNCTION {table}_rowid_fn()"]
    return [sql]


def _trigger(name: str, when: str, event: str, table: str, cond: str | None, body: str) -> list[str]:
    raised = _RAISE.match(body)
    # SQLSTATE 23000 (integrity constraint violation): an IntegrityError, as SQLite's ABORT is
    action = f"RAISE EXCEPTION {raised.group(1)} USING ERRCODE = '23000'" if raised else body.strip()
    returned = "NULL" if when.upper() == "AFTER" else ("OLD" if event.upper() == "DELETE" else "NEW")
    if cond:
        action = f"IF {_distinct(cond.strip())} THEN {action}; END IF"
    function = (f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
                f"BEGIN {action}; RETURN {returned}; END $fn$")
    return [function,
            f"CREATE OR REPLACE TRIGGER {name} {when} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()"]


def _distinct(condition: str) -> str:
    """SQLite's ``a IS NOT b`` / ``a IS b`` with a value on the right: PostgreSQL's
    ``IS DISTINCT FROM`` / ``IS NOT DISTINCT FROM`` (``IS NULL``/``IS NOT NULL`` stay)."""
    condition = re.sub(r"\bIS NOT (?!NULL\b|DISTINCT\b)", "IS DISTINCT FROM ", condition)
    return re.sub(r"\bIS (?!NOT\b|NULL\b|DISTINCT\b)", "IS NOT DISTINCT FROM ", condition)
