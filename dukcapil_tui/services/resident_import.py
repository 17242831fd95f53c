"""Importing residents from a SIAK-like CSV or XLSX listing.

Valid rows are inserted, or update the resident with the same NIK; unchanged rows are left
alone, so importing the same file twice changes nothing. Every rejected row is reported with
its line number, field and reason. Work is committed per chunk (one transaction each, with
its audit entry), so an interrupted import is resumed by running it again.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dukcapil_tui.db import database
from dukcapil_tui.domain import residents as rules
from dukcapil_tui.i18n import t
from dukcapil_tui.services import audit, context, regions
from dukcapil_tui.services.context import Actor, ServiceError, require_role
from dukcapil_tui.tabular import TabularError, open_table

# Rows per transaction. Each commit writes every index page the chunk touched, and the five
# resident indexes take new NIKs, UUIDs and names at random places, so small chunks write the
# same pages over and over: loading 1 M rows took 76 s in 5,000-row chunks, 29 s in 50,000-row
# chunks, 24-28 s in 100,000-row chunks, 23 s in one transaction (docs/performance.md). An
# interrupted import loses the chunk in progress (a few seconds of work) and resumes when run
# again.
CHUNK = 100_000
# Page cache while a chunk is written (KiB): room for all the pages a chunk changes at 1 M
# residents, which otherwise spill to the WAL mid-transaction and are written again at commit.
CHUNK_CACHE_KIB = 256 * 1024

# canonical column -> resident field
COLUMNS = {
    "NIK": "nik",
    "NAMA": "name",
    "TMPT_LHR": "birth_place",
    "TGL_LHR": "birth_date",
    "JENIS_KLMIN": "sex",
    "KODE_DESA": "desa_code",
    "ALAMAT": "address",
    "RT": "rt",
    "RW": "rw",
    "STAT_KWN": "marital_status",
    "STATUS_REKAM": "recording_status",
}
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
}
SIAK_REGION_PARTS = ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")

_STORED = ("name", "birth_place", "birth_date", "sex", "desa_code", "kecamatan_code", "address",
           "rt", "rw", "marital_status", "recording_status")


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason: str
    nik: str = ""


@dataclass
class ImportResult:
    path: Path
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    report_path: Path | None = None

    @property
    def summary(self) -> str:
        return t("import.summary", total=self.total, inserted=self.inserted, updated=self.updated,
                 unchanged=self.unchanged, rejected=len(self.rejected))


def _siak_desa(row: dict) -> str:
    try:
        prop, kab, kec, kel = (int(float(str(row[k]).strip())) for k in SIAK_REGION_PARTS)
    except (KeyError, TypeError, ValueError):
        return ""
    return f"{prop:02d}.{kab:02d}.{kec:02d}.{kel:04d}"


def import_residents(
    actor: Actor,
    path: Path | str,
    *,
    today: date,
    report_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    require_role(actor, "action.import_residents", "admin")
    path = Path(path)
    try:
        table = open_table(path, ALIASES)
    except TabularError as exc:
        if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
            raise ServiceError(t("import.unsupported", suffix=path.suffix or "-")) from None
        raise ServiceError(t("import.unreadable", path=path, reason=exc)) from None

    has_siak_parts = all(part in table.columns for part in SIAK_REGION_PARTS)
    missing = [c for c in REQUIRED if c not in table.columns and not (c == "KODE_DESA" and has_siak_parts)]
    if missing:
        raise ServiceError(t("import.missing_columns", columns=", ".join(missing), found=", ".join(table.columns)))
    has_recording = "STATUS_REKAM" in table.columns

    index = regions.index()
    known_desa = index.desa_codes
    known_kecamatan = regions.known_kecamatan_everywhere()
    result = ImportResult(path=path)
    seen: dict[str, int] = {}
    chunk: list[tuple[int, rules.ResidentInput]] = []

    for line, row in _rows(table):
        result.total += 1
        raw = {fieldname: row.get(column) for column, fieldname in COLUMNS.items()}
        if not raw["desa_code"] and has_siak_parts:
            raw["desa_code"] = _siak_desa(row)
        if not has_recording:
            raw["recording_status"] = "belum"
        cleaned, errors, _warnings = rules.validate(
            raw, known_desa=known_desa, known_kecamatan=known_kecamatan, today=today
        )
        nik = str(raw.get("nik") or "").strip()
        if errors:
            for fieldname, message in errors.items():
                result.rejected.append(Rejection(line, rules.field_label(fieldname), message, nik))
        elif cleaned.nik in seen:
            result.rejected.append(Rejection(line, rules.field_label("nik"),
                                             t("import.duplicate_in_file", nik=cleaned.nik, first=seen[cleaned.nik]), nik))
        else:
            seen[cleaned.nik] = line
            chunk.append((line, cleaned))
        if len(chunk) >= CHUNK:
            _apply(actor, path, chunk, result, keep_recording=not has_recording)
            chunk = []
        if progress and result.total % 1000 == 0:
            progress(1000)
    if chunk:
        _apply(actor, path, chunk, result, keep_recording=not has_recording)
    if progress:
        progress(result.total % 1000)
    if result.rejected:
        result.report_path = write_report(result, report_dir)
    return result


def _rows(table):
    """The table's rows; a file that breaks part-way is refused with its reason (the chunks
    committed before stay, and running the import again resumes it)."""
    try:
        yield from table.rows
    except TabularError as exc:
        raise ServiceError(t("import.unreadable", path=table.path, reason=exc)) from None


@contextmanager
def _chunk_cache() -> Iterator[None]:
    """Enlarge the connection's page cache for one chunk, then give the memory back."""
    before = database.execute_sql("PRAGMA cache_size").fetchone()[0]
    database.execute_sql(f"PRAGMA cache_size = -{CHUNK_CACHE_KIB}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {before}")


def _apply(actor: Actor, path: Path, chunk: list[tuple[int, rules.ResidentInput]], result: ImportResult,
           keep_recording: bool) -> None:
    """Write one chunk in one transaction, with one audit entry describing it."""
    now = str(context.now_utc())
    with _chunk_cache(), database.atomic("IMMEDIATE"):
        niks = [c.nik for _, c in chunk]
        existing: dict[str, tuple] = {}
        for start in range(0, len(niks), 900):
            part = niks[start:start + 900]
            marks = ",".join("?" * len(part))
            cursor = database.execute_sql(
                f"SELECT nik, id, {', '.join(_STORED)} FROM resident WHERE nik IN ({marks})", part
            )
            for row in cursor.fetchall():
                existing[row[0]] = row[1:]
        inserts, updates, changes = [], [], {}
        for _line, c in chunk:
            values = (c.name, c.birth_place, c.birth_date.isoformat(), c.sex, c.desa_code, c.kecamatan_code,
                      c.address, c.rt, c.rw, c.marital_status, c.recording_status)
            old = existing.get(c.nik)
            if old is None:
                inserts.append((str(uuid.uuid4()), c.nik, *values, actor.workstation, now, now))
                continue
            resident_id, old_values = old[0], old[1:]
            if keep_recording:
                values = values[:-1] + (old_values[-1],)
            if tuple(str(v) for v in old_values) == tuple(str(v) for v in values):
                result.unchanged += 1
                continue
            changes[resident_id] = {k: [o, n] for k, o, n in zip(_STORED, old_values, values) if str(o) != str(n)}
            updates.append((*values, now, resident_id))
        cursor = database.cursor()
        if inserts:
            cursor.executemany(
                "INSERT INTO resident (uuid, nik, " + ", ".join(_STORED) + ", workstation, created_at, updated_at) "
                "VALUES (" + ",".join("?" * (len(_STORED) + 5)) + ")",
                inserts,
            )
        if updates:
            cursor.executemany(
                "UPDATE resident SET " + ", ".join(f"{k} = ?" for k in _STORED) + ", updated_at = ? WHERE id = ?",
                updates,
            )
        if inserts or updates:
            audit.record(actor, "resident.import", "resident", None, {
                "file": path.name,
                "lines": [chunk[0][0], chunk[-1][0]],
                "inserted": len(inserts),
                "updated": changes,
            })
    result.inserted += len(inserts)
    result.updated += len(updates)


def write_report(result: ImportResult, directory: Path | None) -> Path:
    from dukcapil_tui import paths, private

    own = directory is None
    directory = private.ensure_dir(directory or paths.export_dir(), own=own)
    stamp = context.now_utc().strftime("%Y%m%d-%H%M%S")
    target = directory / f"impor-penduduk_{result.path.stem}_{stamp}_ditolak.csv"
    with private.open_private(target, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["BARIS", "NIK", "KOLOM", "ALASAN"])
        for r in result.rejected:
            writer.writerow([r.line, r.nik, r.field, r.reason])
    return target
