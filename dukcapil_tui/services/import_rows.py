"""The reading half of a resident import (``resident_import``): a listing's rows turned into
what the writer takes, in the file's order, each row checked as the import always checked it,
except a row the import stored before and nothing has changed since (``import_digest``).

``RowReader.entries`` yields ``(line, nik, values, card, digest)``: ``values`` the resident's
columns as stored (``STORED``), or None for a row skipped as unchanged; ``card`` what its
STATUS_REKAM says of a card (``listing_cards.Intent``) or None; ``digest`` what the writer
stores for the resident, or None. Plain tuples: a second process reads large listings
(``import_worker``) and sends them over. Rejected rows go to ``result.rejected`` as they are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from dukcapil_tui.domain import residents as rules
from dukcapil_tui.services import import_digest, listing_rows
from dukcapil_tui.tabular import TabularError

# Rows read before the stored digests of their NIKs are asked for (one query per 900 NIKs).
BATCH = 2_000

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
    "STATUS_HIDUP": "life_status",
    "TGL_STATUS_HIDUP": "life_status_on",
    "AGAMA": "religion",
    "PEKERJAAN": "occupation",
    "KEWARGANEGARAAN": "citizenship",
}
SIAK_REGION_PARTS = ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason: str
    nik: str = ""


# The resident columns an import writes, in the order of an entry's ``values``.
STORED = ("name", "birth_place", "birth_date", "sex", "desa_code", "kecamatan_code", "address",
          "rt", "rw", "marital_status", "recording_status", "life_status", "life_status_on",
          "religion", "occupation", "citizenship", "marital_known")
KECAMATAN, LIFE = STORED.index("kecamatan_code"), STORED.index("life_status")


class Who(NamedTuple):
    """The resident a row names, as ``listing_cards.plan`` reads it."""

    nik: str
    kecamatan_code: str


def stored_values(c: rules.ResidentInput) -> tuple:
    """A checked row's values as the resident table stores them (``STORED``)."""
    return (c.name, c.birth_place, c.birth_date.isoformat(), c.sex, c.desa_code, c.kecamatan_code,
            c.address, c.rt, c.rw, c.marital_status, c.recording_status, c.life_status,
            c.life_status_on.isoformat() if c.life_status_on else None, c.religion, c.occupation,
            c.citizenship, 1)


class BrokePartWay(Exception):
    """The file cannot be read beyond the rows given so far; ``reason`` is for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RowReader:
    """Checks a listing's rows for one import."""

    def __init__(self, columns: list[str], cards, *, known_desa, known_kecamatan, today: date,
                 look_up: bool) -> None:
        self.columns = [(column, fieldname) for column, fieldname in COLUMNS.items() if column in columns]
        self.has_siak_parts = all(part in columns for part in SIAK_REGION_PARTS)
        self.has_recording = "STATUS_REKAM" in columns
        self.cards = cards  # listing_cards.Planner
        self.known_desa = known_desa
        self.known_kecamatan = known_kecamatan
        self.today = today
        self.key = import_digest.key(columns, known_desa)
        # Whether a row may be stored already: not while loading into a register that was
        # empty at the start (a stored digest could only come from an earlier line of this
        # file, whose NIK the later line repeats: refused as a duplicate either way).
        self.look_up = look_up
        self._card_words: dict[object, bool] = {}  # STATUS_REKAM value -> names a central status

    def entries(self, table, result, progress: Callable[[int], None] | None = None) -> Iterator[tuple]:
        """The table's rows as entries, in the file's order; a file that breaks part-way raises
        ``BrokePartWay`` after the rows read before it."""
        batch: list[tuple[int, dict]] = []
        rows = iter(table.rows)
        while True:
            try:
                line, row = next(rows)
            except StopIteration:
                break
            except TabularError as exc:
                yield from self._checked(batch, result)
                raise BrokePartWay(str(exc)) from None
            result.total += 1
            batch.append((line, row))
            if len(batch) >= BATCH:
                yield from self._checked(batch, result)
                batch = []
            if progress and result.total % 1000 == 0:
                progress(1000)
        yield from self._checked(batch, result)

    def _checked(self, batch: list[tuple[int, dict]], result) -> Iterator[tuple]:
        digests: dict[int, tuple[str | None, int]] = {}  # line -> (NIK, digest)
        for line, row in batch:
            if not row.problem:
                digests[line] = (import_digest.nik_of(row.get("NIK")), import_digest.row_digest(row, self.key))
        stored = import_digest.stored([n for n, _ in digests.values() if n]) if self.look_up else {}
        for line, row in batch:
            if row.problem:
                result.rejected.append(Rejection(line, row.problem_column or "-", row.problem,
                                                 str(row.get("NIK") or "")[:16]))
                continue
            nik, digest = digests[line]
            if nik is not None and stored.get(nik) == digest and not self._names_a_card(row):
                yield line, nik, None, None, digest
                continue
            entry = self._check(line, row, digest, result)
            if entry is not None:
                yield entry

    def _names_a_card(self, row) -> bool:
        """A STATUS_REKAM naming a central status: what it does depends on the resident's cards,
        which change without the resident (the row is read in full every time)."""
        if not self.has_recording:
            return False
        value = row.get("STATUS_REKAM")
        known = self._card_words.get(value)
        if known is None:
            known = self._card_words[value] = rules.central_of_recording(value) is not None
        return known

    def _check(self, line: int, row, digest: int, result) -> tuple | None:
        raw = {fieldname: row.get(column) for column, fieldname in self.columns}  # absent ones: None
        if not raw.get("desa_code") and self.has_siak_parts:
            raw["desa_code"] = listing_rows.siak_desa(row)
        if not self.has_recording:
            raw["recording_status"] = "belum"
        cleaned, errors, _warnings = rules.validate(
            raw, known_desa=self.known_desa, known_kecamatan=self.known_kecamatan, today=self.today
        )
        nik = str(raw.get("nik") or "").strip()[:20]
        card = None
        if not errors and self.has_recording:
            card, refused = self.cards.read(row, line)
            if refused is not None:
                errors = {refused[0]: refused[1]}
        if errors:
            for fieldname, message in errors.items():
                label = rules.field_label(fieldname) if fieldname in rules.FIELDS else fieldname
                result.rejected.append(Rejection(line, label, message, nik))
            return None
        if import_digest.depends_on_the_day(raw, cleaned):
            digest = None
        return line, cleaned.nik, stored_values(cleaned), card, digest
