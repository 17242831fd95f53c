"""What a SIAK listing row says of a card made elsewhere, shared by the resident and the status
import: when and where it was recorded (TGL_REKAM, LOKASI_REKAM), why it is printed (ALASAN),
and — for a NIK the register does not hold — the resident the listing names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.domain import residents as resident_rules
from dukcapil_tui.domain.problems import shown
from dukcapil_tui.i18n import t
from dukcapil_tui.services import settings, sites

# Optional columns of a listing that describe the card (canonical name -> aliases).
CARD_ALIASES = {
    "TGL_REKAM": "TGL_REKAM", "TANGGAL_REKAM": "TGL_REKAM", "TGL_PEREKAMAN": "TGL_REKAM",
    "TANGGAL_PEREKAMAN": "TGL_REKAM", "WAKTU_REKAM": "TGL_REKAM",
    "LOKASI_REKAM": "LOKASI_REKAM", "TEMPAT_REKAM": "LOKASI_REKAM", "LOKASI_PEREKAMAN": "LOKASI_REKAM",
    "KODE_LOKASI": "LOKASI_REKAM", "LOKASI": "LOKASI_REKAM", "UNIT_REKAM": "LOKASI_REKAM",
    "ALASAN": "ALASAN", "JENIS_PERMOHONAN": "ALASAN", "ALASAN_CETAK": "ALASAN", "JENIS_CETAK": "ALASAN",
}


@dataclass(frozen=True)
class CardFacts:
    reason: str
    site_code: str | None
    recorded_at: datetime | None  # None: the listing gives no date (the card is dated now)

    @property
    def recorded_where(self) -> str:
        return f"SIAK ({self.site_code})" if self.site_code else "SIAK"


class CardReader:
    """Reads the card columns of a listing's rows; ``problem`` is the first thing wrong."""

    def __init__(self, columns: list[str], today: date) -> None:
        self.today = today
        self.zone = settings.office_timezone()
        self._moments: dict[object, tuple] = {}  # a listing repeats its days: each is read once
        self.has_site = "LOKASI_REKAM" in columns
        self.resolve = sites.Resolver() if self.has_site else None

    def read(self, row) -> tuple[CardFacts | None, tuple[str, str] | None]:
        """(facts, None) or (None, (column, reason))."""
        reason = card_rules.parse_reason(row.get("ALASAN"))
        if reason is None:
            return None, ("ALASAN", t("listing.bad_reason", value=shown(row.get("ALASAN")),
                                      choices=card_rules.reason_choices()))
        site = None
        text = str(row.get("LOKASI_REKAM") or "").strip() if self.has_site else ""
        if text:
            site = self.resolve(text)
            if site is None:
                return None, ("LOKASI_REKAM", self.resolve.problem(text))
        value = row.get("TGL_REKAM")
        key = value if isinstance(value, (str, type(None))) else repr(value)
        if key not in self._moments:
            self._moments[key] = recorded_moment(value, self.today, self.zone)
        recorded_at, problem = self._moments[key]
        if problem:
            return None, ("TGL_REKAM", problem)
        return CardFacts(reason, site, recorded_at), None


def recorded_moment(value: object, today: date, zone: str | None = None) -> tuple[datetime | None, str | None]:
    """A recording date (stored as the office-local start of that day) or date and time
    (office-local, ``17-08-2026 09:30``) as stored; never in the future."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    label = t("listing.field.recorded")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        day_text, _, clock_text = str(value).strip().partition(" ")
        day = resident_rules.parse_date(day_text)
        clock = _clock(clock_text.strip()) if clock_text.strip() else time()
        if day is None or clock is None:
            return None, t("field.bad_date", field=label)
        moment = datetime.combine(day, clock)
    if moment.date() > today:
        return None, t("field.future_date", field=label)
    return settings.local_to_utc(moment, zone), None


def _clock(text: str) -> time | None:
    parts = text.replace(".", ":").split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    hour, minute, second = (int(p) for p in (*parts, "0")[:3])
    return time(hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


# The resident columns a status listing may carry (resident_import.COLUMNS' names).
RESIDENT_COLUMNS = {
    "NAMA": "name", "TMPT_LHR": "birth_place", "TGL_LHR": "birth_date", "JENIS_KLMIN": "sex",
    "KODE_DESA": "desa_code", "ALAMAT": "address", "RT": "rt", "RW": "rw", "STAT_KWN": "marital_status",
    "AGAMA": "religion", "PEKERJAAN": "occupation", "KEWARGANEGARAAN": "citizenship",
}
SIAK_REGION_PARTS = ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")


def open_listing(path: Path, aliases: dict[str, str], required: Sequence[str]):
    """A listing's table (CSV/XLSX), refused with its reason when it cannot be read or lacks a
    column of ``required`` (``KODE_DESA`` may be SIAK's four region parts instead)."""
    from dukcapil_tui.services.context import ServiceError
    from dukcapil_tui.tabular import TabularError, describe_columns, open_table

    try:
        table = open_table(path, aliases)
    except TabularError as exc:
        if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
            raise ServiceError(t("import.unsupported", suffix=path.suffix or "-")) from None
        raise ServiceError(t("import.unreadable", path=path.name, reason=exc)) from None
    parts = all(part in table.columns for part in SIAK_REGION_PARTS)
    missing = [c for c in required if c not in table.columns and not (c == "KODE_DESA" and parts)]
    if missing:
        raise ServiceError(t("import.missing_columns", columns=", ".join(missing),
                             found=describe_columns(table.columns)))
    return table


def siak_desa(row) -> str:
    """``NO_PROP`` ``NO_KAB`` ``NO_KEC`` ``NO_KEL`` (52, 2, 4, 2008) as a desa code (52.02.04.2008)."""
    try:
        prop, kab, kec, kel = (int(float(str(row[k]).strip())) for k in SIAK_REGION_PARTS)
    except (KeyError, TypeError, ValueError):
        return ""
    return f"{prop:02d}.{kab:02d}.{kec:02d}.{kel:04d}"


def new_resident(row, nik: str, central: str, *, known_desa, known_kecamatan, today: date
                 ) -> tuple[resident_rules.ResidentInput | None, str | None]:
    """The resident a listing row names, for a NIK the register does not hold: its own name and
    desa (required), the rest from the row or read from the NIK (birth date, sex); marital
    status BELUM KAWIN when the row does not say. (None, reason) when it cannot be made."""
    raw = {field: row.get(column, "") for column, field in RESIDENT_COLUMNS.items()}
    if not str(raw["desa_code"] or "").strip():
        raw["desa_code"] = siak_desa(row)
    if not str(raw["name"] or "").strip() or not str(raw["desa_code"] or "").strip():
        return None, t("listing.unknown_nik", nik=nik)
    reading = nik_rules.parse(nik, today=today)
    if not str(raw["birth_date"] or "").strip() and reading.birth_date is not None:
        raw["birth_date"] = reading.birth_date
    if not str(raw["sex"] or "").strip() and reading.sex:
        raw["sex"] = reading.sex
    if not str(raw["marital_status"] or "").strip():
        raw["marital_status"] = "belum_kawin"  # for the recording rules; no letter states it
        raw["marital_known"] = False
    raw["nik"] = nik
    raw["recording_status"] = "belum" if central in card_rules.ENROLL_FAILURES else "sudah"
    cleaned, errors, _warnings = resident_rules.validate(raw, known_desa=known_desa, known_kecamatan=known_kecamatan,
                                                         today=today)
    if errors:
        field, message = next(iter(errors.items()))
        return None, t("listing.resident_refused", nik=nik, problem=message)
    return cleaned, None
