"""Importing residents from a SIAK-like CSV or XLSX listing.

Valid rows are inserted, or update the resident with the same NIK; unchanged rows are left
alone, so importing the same file twice changes nothing. Every rejected row is reported with
its line number, field and reason, in a CSV report whose path the result carries. Work is
committed per chunk (one transaction each, with its audit entry): an import interrupted — or a
file that turns out to be damaged part-way — keeps the chunks committed before, says how many,
and is resumed by running it again on the whole (mended) file, which changes nothing in the
rows already in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database, defer_indexes, restore_indexes
from dukcapil_tui.domain import residents as rules
from dukcapil_tui.i18n import get_language, t
from dukcapil_tui.services import audit, card_status, context, import_report, import_worker, regions
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.services.import_rows import (COLUMNS, KECAMATAN, STORED, BrokePartWay, Rejection,
                                               RowReader, Who)

__all__ = ["COLUMNS", "ImportResult", "Rejection", "import_residents"]

# Rows per transaction. Each commit writes every index page the chunk touched (new names land
# on random pages of three indexes), so fewer, larger chunks write less; but a chunk's rows, its
# page cache and the time the write lock is held grow with it. 20,000 rows with a 64 MB cache:
# peak memory about 165 MB whatever the file's size, as fast as 50,000 or 100,000 rows on two
# busy cores (docs/performance.md). An interrupted import loses the chunk in progress and
# resumes when run again.
CHUNK = 20_000
# A chunk's write transaction aims to hold the office's write lock this long at most: a counter
# calling the next ticket meanwhile waits for it (none may wait more than 1 s). The next chunk
# is sized from how long the last one held the lock (``next_chunk``), between MIN_CHUNK and CHUNK
# rows, starting at FIRST_CHUNK: at 1 M residents a chunk that renames 20,000 residents held
# it 1.1-1.9 s.
LOCK_HOLD_S = 0.4
MIN_CHUNK = 1_000
FIRST_CHUNK = 5_000  # before anything is known of this database's speed
# Page cache while a chunk is written (KiB): room for the pages a chunk changes, which otherwise
# spill to the WAL mid-transaction and are written again at commit.
CHUNK_CACHE_KIB = 64 * 1024
clock = time.perf_counter  # how long a chunk held the lock (tests replace it)
# Non-unique resident indexes a first import into an empty register builds after the load.
DEFERRABLE_INDEXES = ("resident_name", "resident_kecamatan_name", "resident_desa_name", "resident_capaian")

REQUIRED = ("NIK", "NAMA", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA", "STAT_KWN")

ALIASES = {
    "NO_NIK": "NIK",
    "NAMA_LGKP": "NAMA", "NAMA_LENGKAP": "NAMA", "NAMA_PENDUDUK": "NAMA",
    "TEMPAT_LAHIR": "TMPT_LHR", "TMP_LHR": "TMPT_LHR", "TPT_LHR": "TMPT_LHR",
    "TANGGAL_LAHIR": "TGL_LHR", "TGL_LAHIR": "TGL_LHR",
    "JENIS_KELAMIN": "JENIS_KLMIN", "JK": "JENIS_KLMIN", "JNS_KLMIN": "JENIS_KLMIN", "SEX": "JENIS_KLMIN",
    "KD_DESA": "KODE_DESA", "KODE_KEL": "KODE_DESA", "KODE_KELURAHAN": "KODE_DESA", "KODE_WILAYAH": "KODE_DESA",
    "NO_RT": "RT", "NO_RW": "RW",
    "STATUS_KAWIN": "STAT_KWN", "STATUS_PERKAWINAN": "STAT_KWN", "STAT_KAWIN": "STAT_KWN",
    "STAT_REKAM": "STATUS_REKAM", "STATUS_PEREKAMAN": "STATUS_REKAM", "REKAM": "STATUS_REKAM",
    "STATUS_KTP_EL": "STATUS_REKAM", "STATUS_KTP": "STATUS_REKAM",
    "STAT_HIDUP": "STATUS_HIDUP", "STATUS_KEHIDUPAN": "STATUS_HIDUP",
    "TGL_STATUS": "TGL_STATUS_HIDUP", "TANGGAL_STATUS_HIDUP": "TGL_STATUS_HIDUP",
    "AGM": "AGAMA", "JENIS_PKRJN": "PEKERJAAN", "JENIS_PEKERJAAN": "PEKERJAAN", "PKRJN": "PEKERJAAN",
    "WNI": "KEWARGANEGARAAN", "KWRGNRN": "KEWARGANEGARAAN", "WARGA_NEGARA": "KEWARGANEGARAAN",
}
_STORED = STORED
_DETAILS = {"AGAMA": "religion", "PEKERJAAN": "occupation", "KEWARGANEGARAAN": "citizenship"}
_RECORDING, _LIFE, _LIFE_ON = (_STORED.index(k) for k in ("recording_status", "life_status", "life_status_on"))


@dataclass
class ImportResult:
    path: Path
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    report_path: Path | None = None
    cards_created: int = 0  # cards of records made elsewhere (STATUS_REKAM naming a central status)
    cards_changed: int = 0
    cards_closed: int = 0  # cards of residents who died or moved away

    @property
    def summary(self) -> str:
        text = t("import.summary", total=self.total, inserted=self.inserted, updated=self.updated,
                 unchanged=self.unchanged, rejected=len(self.rejected))
        if self.cards_created or self.cards_changed or self.cards_closed:
            text += " " + t("import.summary_cards", created=self.cards_created, changed=self.cards_changed,
                            closed=self.cards_closed)
        return text


def import_residents(
    actor: Actor,
    path: Path | str,
    *,
    today: date,
    report_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    require_role(actor, "action.import_residents", "admin")
    from dukcapil_tui.services import listing_cards, listing_rows

    path = Path(path)
    aliases = {**listing_rows.CARD_ALIASES, **ALIASES}
    table = listing_rows.open_listing(path, aliases, REQUIRED)
    has_recording = "STATUS_REKAM" in table.columns
    has_life = "STATUS_HIDUP" in table.columns
    absent_details = tuple(name for column, name in _DETAILS.items() if column not in table.columns)

    index = regions.index()
    result = ImportResult(path=path)
    keep = {"keep_recording": not has_recording, "keep_life": not has_life,
            "keep_details": absent_details}
    size = min(FIRST_CHUNK, CHUNK)

    restore_indexes()  # an import interrupted before it could build them again
    empty = not database.execute_sql("SELECT EXISTS (SELECT 1 FROM resident)").fetchone()[0]
    planner = listing_cards.Planner(table.columns, today)
    reader = RowReader(table.columns, planner, known_desa=index.desa_codes,
                       known_kecamatan=regions.known_kecamatan(index), today=today, look_up=not empty)
    deferred = empty and _defer_indexes()
    if empty and (table.total or 0) >= import_worker.PARALLEL_ROWS:
        table.rows.close()  # a second process reads the file (import_worker)
        entries = import_worker.entries(path, aliases, table.columns, known_desa=index.desa_codes, today=today,
                                        language=get_language(), result=result, planner=planner, progress=progress)
    else:
        entries = reader.entries(table, result, progress)
    try:
        chunk: list[tuple] = []
        with _SeenNiks() as seen, closing(entries):
            for entry in entries:
                chunk.append(entry)
                if len(chunk) >= size:
                    held = _apply(actor, path, seen.take(chunk, result), result, **keep)
                    size = next_chunk(size, held)
                    chunk = []
            if chunk:
                _apply(actor, path, seen.take(chunk, result), result, **keep)
    except BrokePartWay as broke:  # the chunks before stay; running the import again resumes it
        kept = result.inserted + result.updated + result.unchanged
        raise ServiceError(t("import.broke_part_way", path=path.name, reason=broke.reason, kept=kept)) from None
    finally:
        if deferred:
            restore_indexes()
    if progress:
        progress(result.total % 1000)
    if result.rejected:
        result.rejected.sort(key=lambda r: r.line)  # chunk-time refusals (duplicates, cards) join in line order
        result.report_path = write_report(result, report_dir)
    return result


def _defer_indexes() -> bool:
    """A first import into an empty register loads without the name and recap indexes and builds
    them once at the end (``db.defer_indexes``): kept current row by row they cost most of the
    load's time (docs/performance.md). Never when the register holds anyone: searches use them."""
    if dbmod.on_postgres():
        return False  # COPY already loads in bulk there; its indexes are the server's business
    return bool(defer_indexes(DEFERRABLE_INDEXES))


class _SeenNiks:
    """The NIKs of the file's rows taken so far, each with its first line, to refuse a NIK the
    file repeats. A temporary table of this connection (SQLite's temporary store, outside the
    office database and its lock): an integer B-tree of about 20 bytes a row, where a dict of
    NIK strings would take about 200, and each chunk asks for its NIKs once. (Kept in a file
    of its own instead, every chunk's commit rewrote the table's pages: 16 s at 1 M rows.)"""

    TABLE = "temp.import_seen_nik"

    def __enter__(self) -> _SeenNiks:
        if dbmod.on_postgres():  # a session's temporary table there too; a NIK needs 64 bits
            self.TABLE = "pg_temp.import_seen_nik"
            database.execute_sql(f"DROP TABLE IF EXISTS {self.TABLE}")
            database.execute_sql(
                "CREATE TEMPORARY TABLE import_seen_nik (nik BIGINT PRIMARY KEY, line INTEGER NOT NULL)")
            return self
        database.execute_sql(f"DROP TABLE IF EXISTS {self.TABLE}")
        database.execute_sql(f"CREATE TABLE {self.TABLE} (nik INTEGER PRIMARY KEY, line INTEGER NOT NULL)")
        return self

    def __exit__(self, *exc) -> None:
        database.execute_sql(f"DROP TABLE IF EXISTS {self.TABLE}")

    def take(self, chunk: list[tuple], result: ImportResult) -> list[tuple]:
        """The chunk's rows whose NIK is new to the file; a repeated one is rejected, naming the
        line that had it first. One ``INSERT … ON CONFLICT DO NOTHING`` of the chunk's NIKs; only
        when it did not insert them all (the file repeats a NIK of an earlier chunk) are they
        looked up."""
        lines: dict[int, int] = {}  # NIK -> its first line in this chunk
        for line, nik, *_ in chunk:
            lines.setdefault(int(nik), line)
        cursor = database.cursor()
        cursor.executemany(f"INSERT INTO {self.TABLE} (nik, line) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           lines.items())
        earlier: dict[int, int] = {}  # NIK -> its line in an earlier chunk
        if cursor.rowcount < len(lines):
            niks = list(lines)
            for start in range(0, len(niks), 900):
                part = niks[start:start + 900]
                for nik, line in database.execute_sql(
                        f"SELECT nik, line FROM {self.TABLE} WHERE nik IN ({','.join('?' * len(part))})", part):
                    if line != lines[nik]:
                        earlier[nik] = line
        taken = []
        for entry in chunk:
            line, nik = entry[0], entry[1]
            key = int(nik)
            first = earlier.get(key, lines[key])
            if first != line:
                result.rejected.append(Rejection(line, rules.field_label("nik"), t(
                    "import.duplicate_in_file", nik=nik, first=first), nik))
                continue
            taken.append(entry)
        return taken


def next_chunk(size: int, held: float) -> int:
    """The next chunk's rows, from this one's (``size``) and how long its transaction held the
    write lock: scaled towards LOCK_HOLD_S, at most doubling, within MIN_CHUNK..CHUNK."""
    scaled = size * min(2.0, LOCK_HOLD_S / held) if held > 0 else size * 2
    return min(CHUNK, max(MIN_CHUNK, int(scaled)))


@contextmanager
def _chunk_cache() -> Iterator[None]:
    """Enlarge the connection's page cache for one chunk, then give the memory back (SQLite;
    a PostgreSQL server sizes its own buffers)."""
    if dbmod.on_postgres():
        yield
        return
    before = database.execute_sql("PRAGMA cache_size").fetchone()[0]
    database.execute_sql(f"PRAGMA cache_size = -{CHUNK_CACHE_KIB}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {before}")


def _apply(actor: Actor, path: Path, chunk: list[tuple], result: ImportResult, *, keep_recording: bool,
           keep_life: bool, keep_details: tuple[str, ...] = ()) -> float:
    """Write one chunk in one transaction, with one audit entry describing it; then what the
    rows' STATUS_REKAM and STATUS_HIDUP mean for the residents' cards (``listing_cards``).
    Rows skipped as unchanged (no values) are counted; a chunk of nothing else writes nothing.
    Returns how long the transaction held the write lock (seconds, ``clock``)."""
    rows = [entry for entry in chunk if entry[2] is not None]
    result.unchanged += len(chunk) - len(rows)
    if not rows:
        return 0.0
    lines = (chunk[0][0], chunk[-1][0])
    now = str(context.now_utc())
    millis = card_status.now_millis()  # new residents' UUIDs are time-ordered: appended to the uuid index
    with _chunk_cache():
        with database.atomic("IMMEDIATE"):
            locked = clock()
            done, inserted, updated = _write(actor, path, rows, lines, result, now, millis, keep_recording,
                                             keep_life, keep_details)
        held = clock() - locked
    result.inserted += inserted
    result.updated += updated
    result.cards_created += done.created
    result.cards_changed += done.changed
    result.cards_closed += done.closed
    return held


def _write(actor: Actor, path: Path, rows: list[tuple], lines: tuple[int, int], result: ImportResult, now: str,
           millis: int, keep_recording: bool, keep_life: bool, keep_details: tuple[str, ...]):
    """The chunk's writes, inside its transaction: (cards done, residents inserted, updated).
    Each resident written, and each unchanged one whose stored digest is not its row's, gets
    the row's digest (``import_digest``)."""
    from dukcapil_tui.services import listing_cards

    keep_at = [_STORED.index(name) for name in keep_details]
    niks = [nik for _, nik, *_ in rows]
    existing: dict[str, tuple] = {}
    stored_digests: dict[str, int | None] = {}
    for start in range(0, len(niks), 900):
        part = niks[start:start + 900]
        marks = ",".join("?" * len(part))
        cursor = database.execute_sql(
            f"SELECT nik, id, {', '.join(_STORED)}, import_hash FROM resident WHERE nik IN ({marks})", part
        )
        for row in cursor.fetchall():
            existing[row[0]] = row[1:-1]
            stored_digests[row[0]] = row[-1]
    # Rows whose card the listing cannot move are refused before anything is written.
    not_alive = {nik for _, nik, values, *_ in rows if (existing[nik][1 + _LIFE] if keep_life and nik in existing
                                                         else values[_LIFE]) != rules.ALIVE}
    plan = listing_cards.plan([(line, Who(nik, values[KECAMATAN]), card) for line, nik, values, card, _ in rows
                               if card is not None], {nik: values[0] for nik, values in existing.items()}, not_alive)
    for line, column, reason, nik in plan.refused:
        result.rejected.append(Rejection(line, column, reason, nik))
    refused_lines = {line for line, *_ in plan.refused}
    inserts, updates, changes, digested = [], [], {}, []
    life_left, life_back = [], []
    for line, nik, values, _card, digest in rows:
        if line in refused_lines:
            continue
        old = existing.get(nik)
        if old is None:
            inserts.append((card_status.time_ordered_uuid(millis), nik, *values, digest, actor.workstation, now, now))
            continue
        resident_id, old_values = old[0], old[1:]
        if keep_recording:
            values = values[:_RECORDING] + (old_values[_RECORDING],) + values[_RECORDING + 1:]
        if keep_life:
            values = values[:_LIFE] + old_values[_LIFE:_LIFE_ON + 1] + values[_LIFE_ON + 1:]
        for at in keep_at:  # a detail the file has no column for stays as the register knows it
            values = values[:at] + (old_values[at],) + values[at + 1:]
        if old_values[_LIFE] == rules.ALIVE and values[_LIFE] != rules.ALIVE:
            life_left.append((resident_id, values[_LIFE]))
        elif old_values[_LIFE] != rules.ALIVE and values[_LIFE] == rules.ALIVE:
            life_back.append(resident_id)
        if old_values == values or tuple(map(str, old_values)) == tuple(map(str, values)):
            result.unchanged += 1
            if digest is not None and digest != stored_digests[nik]:
                digested.append((digest, resident_id))  # not a change of the resident: no audit entry
            continue
        changes[resident_id] = {k: [o, n] for k, o, n in zip(_STORED, old_values, values) if str(o) != str(n)}
        updates.append((*values, digest, now, resident_id))
    cursor = database.cursor()
    if inserts:
        dbmod.insert_rows("resident", ("uuid", "nik", *_STORED, "import_hash", "workstation", "created_at",
                                       "updated_at"), inserts)
    if updates:
        cursor.executemany(
            "UPDATE resident SET " + ", ".join(f"{k} = ?" for k in _STORED) + ", import_hash = ?, updated_at = ?"
            " WHERE id = ?", updates,
        )
    if digested:
        cursor.executemany("UPDATE resident SET import_hash = ? WHERE id = ?", digested)
    if inserts or updates:
        audit.record(actor, "resident.import", "resident", None, {
            "file": path.name,
            "lines": list(lines),
            "inserted": len(inserts),
            "updated": changes,
        })
    done = listing_cards.apply(actor, path.name, plan, life_left, life_back)
    return done, len(inserts), len(updates)


def write_report(result: ImportResult, directory: Path | None) -> Path:
    return import_report.write("impor-penduduk", result.path, ["BARIS", "NIK", "KOLOM", "ALASAN"],
                               ([r.line, r.nik, r.field, r.reason] for r in result.rejected), directory)
