"""PostgreSQL: the engine an office moves to when it outgrows one machine.

The rest of the code is written once, for both engines. What differs lives here:

- **Values are stored as on SQLite.** Timestamps and dates are ISO text (``2026-11-22 02:00:00``,
  ``2026-11-22``) and flags are integers 0/1, exactly as SQLite stores them. The hash chains of
  the audit log and the blank ledger are computed over stored values, the recaps compare ISO
  strings, and ``dukcapil db copy`` moves rows between the engines without converting a value:
  a row reads the same on both. Python's ``datetime``/``date`` are sent as that text and ``bool``
  as 0/1 (psycopg dumpers below); ``numeric`` results (``sum`` of integers) come back as ``int``.
- **Writers take turns, as on SQLite.** Every transaction begins by taking one transaction-level
  advisory lock (``WRITER_LOCK``), released at commit or rollback. SQLite in WAL mode lets one
  writer at a time; the services were written for that (numbers drawn as max + 1, the hash
  chains appended in order), and they keep that guarantee across machines. Statements outside a
  transaction (reads) never wait, nor does a read-only snapshot (``db.snapshot()``: a report's
  sheets read in one state, ``REPEATABLE READ READ ONLY``) hold up a writer. The claim at a
  counter also locks its ticket with ``FOR UPDATE SKIP LOCKED`` (services/queue.py).
- **Placeholders.** Hand-written SQL uses SQLite's ``?`` and ``:name``; they are rewritten to
  psycopg's ``%s`` and ``%(name)s`` (outside quoted strings) before a statement runs.
- **Case-insensitive names** use an ICU collation ``nocase`` (``und-u-ks-level2``, not
  deterministic): equality, uniqueness, order and the name indexes ignore case like SQLite's
  ``COLLATE NOCASE``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

import peewee
from peewee import PostgresqlDatabase

WRITER_LOCK = 0x6475_6B63  # "dukc": the one advisory lock every transaction holds
SNAPSHOT = "SNAPSHOT"  # atomic(SNAPSHOT): a read-only transaction that does not take WRITER_LOCK
URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)

_SQLITE_LOCKS = {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_PEEWEE = re.compile(r"%s")
# SQLite's planner hints go: a unary ``+`` before a column (keeps SQLite off that column's index)
# ``CROSS JOIN … ON`` (fixes SQLite's join order) and ``NOT INDEXED`` are a plain column, a
# JOIN and nothing here.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|:([A-Za-z_]\w*)|\?|%"
                    r"|(?<=[\s(])\+(?=[A-Za-z_])|\bCROSS JOIN (?=\w+(?: \w+)? ON\b)| NOT INDEXED\b", re.IGNORECASE)


def is_url(location) -> bool:
    return bool(URL.match(str(location)))


def masked(url: str) -> str:
    """The URL with its password hidden (messages, logs)."""
    return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:…@", str(url))


def database_name(url: str) -> str:
    return unquote(urlsplit(str(url)).path.lstrip("/")) or "postgres"


def to_psycopg(sql: str, params) -> str:
    """SQLite's placeholders (``?``, ``:name``) as psycopg's (``%s``, ``%(name)s``) and every
    literal ``%`` doubled (psycopg reads ``%`` as a placeholder). SQL that peewee generated
    (placeholders ``%s`` already) passes unchanged."""
    if "?" not in sql and ":" not in sql and "%" not in sql and "+" not in sql and "CROSS" not in sql.upper() \
            and "INDEXED" not in sql.upper():
        return sql
    if _PEEWEE.search(_QUOTED.sub("", sql)):
        return sql

    def swap(match: re.Match) -> str:
        token = match.group(0)
        if token.upper() == " NOT INDEXED":
            return ""
        if token[0] == "+" or token.upper().startswith("CROSS"):
            return token[1:] if token[0] == "+" else token[len("CROSS "):]
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            return f"%({match.group(1)})s"
        return token.replace("%", "%%") if token[0] == "'" else token

    return _TOKEN.sub(swap, sql)


def _adapters(conn) -> None:
    """Dumpers and loaders that keep values as SQLite stores them (see the module's docstring)."""
    from psycopg.adapt import Dumper, Loader
    from psycopg.pq import Format

    class IsoText(Dumper):
        oid = 0  # unknown: the server takes the column's type (text)
        format = Format.TEXT

        def dump(self, obj):
            return (obj.isoformat(" ") if isinstance(obj, datetime) else obj.isoformat()).encode()

    class Flag(Dumper):
        oid = conn.adapters.types["int4"].oid
        format = Format.TEXT

        def dump(self, obj):
            return b"1" if obj else b"0"

    class Number(Loader):
        format = Format.TEXT

        def load(self, data):
            text = bytes(data)
            if b"." in text or b"e" in text.lower() or b"N" in text:
                return float(text)
            return int(text)

    conn.adapters.register_dumper(datetime, IsoText)
    conn.adapters.register_dumper(date, IsoText)
    conn.adapters.register_dumper(bool, Flag)
    conn.adapters.register_loader("numeric", Number)


class _Cursor:
    """A psycopg cursor that reads SQLite's placeholders (``to_psycopg``): hand-written SQL runs
    through ``execute_sql`` or a cursor's ``executemany`` alike."""

    def __init__(self, cursor):
        self._cursor = cursor

    def execute(self, sql, params=None, *args, **kwargs):
        return self._cursor.execute(to_psycopg(sql, params), params, *args, **kwargs)

    def executemany(self, sql, rows, *args, **kwargs):
        return self._cursor.executemany(to_psycopg(sql, ()), rows, *args, **kwargs)

    def __iter__(self):
        return iter(self._cursor)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._cursor.close()

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class _Psycopg3(peewee.Psycopg3Adapter):
    """peewee's psycopg 3 adapter, with the driver imported here when a PostgreSQL office is
    opened rather than by peewee at its own import: ``dukcapil_tui.db`` imports peewee with
    psycopg hidden, so that the TUI's start on SQLite does not load the driver (40 ms, issue 14).

    peewee's own adapter reads the driver from peewee's module globals (``psycopg``,
    ``TransactionStatus``, ``Json_pg3``), which are unset then; the methods that read them get
    the driver imported here instead (not ``server_side_cursor``: only ``playhouse`` uses it).
    Nothing in peewee is changed: ``OfficePostgres`` names this class through the attribute
    peewee reads for it (``psycopg3_adapter``, as peewee's ``playhouse`` databases do), and it
    works the same whether or not peewee saw psycopg at its import."""

    def __init__(self):
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb

        super().__init__()
        self.driver = psycopg
        self.txn_idle = TransactionStatus.IDLE
        self.txn_inerror = TransactionStatus.INERROR
        self.txn_unknown = TransactionStatus.UNKNOWN
        self.json_type, self.jsonb_type = Json, Jsonb

    def check_driver(self):
        pass  # imported in __init__ (``db.make_database`` names a missing driver before)

    def get_binary_type(self):
        return self.driver.Binary

    def connect(self, db, **params):
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        params.setdefault("conninfo" if db.database.startswith("postgresql://") else "dbname", db.database)
        return self.driver.connect(**params)


class OfficePostgres(PostgresqlDatabase):
    """An office database on PostgreSQL (see the module's docstring)."""

    dialect = "postgres"
    psycopg2_adapter = psycopg3_adapter = _Psycopg3  # psycopg 3 always, imported when opened

    def __init__(self, url: str, **kwargs):
        kwargs.setdefault("autoconnect", True)
        kwargs.setdefault("connect_timeout", 10)
        super().__init__(str(url), **kwargs)
        self.url = str(url)

    def _connect(self):
        conn = super()._connect()
        _adapters(conn)
        return conn

    def conflict_update(self, oc, query):
        """SQLite's ``INSERT OR REPLACE`` (peewee's ``on_conflict_replace``) as an upsert on the
        primary key that sets every other column from the row given, as REPLACE would."""
        if (oc._action or "").lower() == "replace":
            from peewee import OnConflict

            meta = query.model._meta
            oc = OnConflict(conflict_target=[meta.primary_key],
                            preserve=[f for f in meta.sorted_fields if f is not meta.primary_key])
        return super().conflict_update(oc, query)

    def cursor(self, named_cursor=None):
        return _Cursor(super().cursor(named_cursor))

    def begin(self, isolation_level=None):
        if isolation_level == SNAPSHOT:  # db.snapshot(): reads one state, holds up no writer
            self.cursor().execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return
        if isinstance(isolation_level, str) and isolation_level.upper() in _SQLITE_LOCKS:
            isolation_level = None  # atomic("IMMEDIATE"): the writers' lock below does that here
        super().begin(isolation_level)
        self.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))

    def __repr__(self) -> str:
        return f"<OfficePostgres {masked(self.url)}>"
