"""Pieces every report's queries share: the office's letterhead, local days as UTC ranges,
the wajib KTP condition in SQL, and card states as they stood at the end of a day.

No openpyxl here: the TUI's preview and the command line's checks use these without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dukcapil_tui.db import database
from dukcapil_tui.domain.residents import WAJIB_KTP_AGE, years_ago
from dukcapil_tui.reports.periods import long_date
from dukcapil_tui.services import context, settings
from dukcapil_tui.wilayah import place_name

AGENCY = "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
HEAD_TITLE = ("KEPALA DINAS KEPENDUDUKAN DAN", "PENCATATAN SIPIL,")
PLACE_KEY = "report_place"  # optional setting: the town in the signature line (default: the regency's name)


@dataclass(frozen=True)
class Letterhead:
    """What the header and signature blocks of every report say, from the office settings."""

    government: str  # PEMERINTAH KABUPATEN LOMBOK TENGAH, PEMERINTAH KOTA SERANG
    agency: str
    place: str
    signed_on: date
    head_title: tuple[str, ...]
    head_name: str
    head_nip: str
    region_code: str  # 52.02

    @property
    def place_and_date(self) -> str:
        return f"{self.place}, {long_date(self.signed_on)}"

    @property
    def region_digits(self) -> str:
        return self.region_code.replace(".", "") or "0000"


def letterhead(signed_on: date | None = None) -> Letterhead:
    region_name = settings.get("region_name").strip() or settings.get("office_name").strip()
    place = settings.get(PLACE_KEY).strip() or place_name(region_name)
    return Letterhead(
        government=f"PEMERINTAH {region_name.upper()}",
        agency=AGENCY,
        place=place,
        signed_on=signed_on or settings.office_today(),
        head_title=HEAD_TITLE,
        head_name=settings.get("head_name").strip(),
        head_nip=settings.get("head_nip").strip(),
        region_code=settings.get("region_code").strip(),
    )


# --- time ------------------------------------------------------------------------------------

utc_start_of = settings.utc_start_of
utc_bounds = settings.utc_bounds


def is_current(day: date) -> bool:
    """Whether the end of ``day`` lies ahead (so "as at the end of the day" is "now")."""
    return utc_start_of(day + timedelta(days=1)) > context.now_utc()


# --- wajib KTP -------------------------------------------------------------------------------

# The counts over every resident (wajib KTP per desa) read the index that covers them,
# resident_capaian (migration 14): a tenth of the table's pages, in desa order, no sort. The
# named list, which needs the names and addresses, scans the table (NOT INDEXED) and sorts the
# listed rows: left alone, SQLite walks resident_desa_name and fetches every row at random.


def wajib_condition(alias: str = "r") -> str:
    """SQL for "wajib KTP on the day": still counted then (HIDUP, or died / moved away only
    after :alive_on) and 17 or older (born on or before :cut) or ever married, as
    ``services.residents.summary`` and ``domain.residents.wajib_ktp`` decide it. Parameters:
    ``wajib_params(day)``."""
    return (f"({alias}.life_status = 'hidup' OR {alias}.life_status_on > :alive_on) "
            f"AND ({alias}.birth_date <= :cut OR {alias}.marital_status != 'belum_kawin')")


def wajib_cut(on: date) -> str:
    return years_ago(on, WAJIB_KTP_AGE).isoformat()


def wajib_params(on: date) -> dict:
    """The parameters of ``wajib_condition`` for the day ``on``."""
    return {"cut": wajib_cut(on), "alive_on": on.isoformat()}


# --- cards as they stood -------------------------------------------------------------------

def card_states_sql(day: date) -> tuple[str, dict]:
    """A sub-select of ``(card_id, resident_id, reason, recorded_at, office_status,
    central_status, site_code, kecamatan_code, origin, holder_desa_code)`` for every card that
    existed at the end of ``day``, with the statuses it had then (and its holder's desa now).

    For today that is the card table itself. For an earlier day the statuses are those of the
    card's last event up to the end of the day (every status change writes a ``card_event``);
    a card that has no events at all keeps its current statuses, and a card whose events all
    came after the end is not in it."""
    parts, params = card_state_parts(day)
    return " UNION ALL ".join(parts), params


def card_state_parts(day: date) -> tuple[list[str], dict]:
    """``card_states_sql`` as sub-selects that hold no card twice (one for today, two for an
    earlier day), for counts that add up: grouping each part on its own spares SQLite carrying
    every row through a ``UNION ALL`` (0.19 s -> 0.17 s for 170,000 cards)."""
    _, end = utc_bounds(day, day)
    columns = "c.site_code, c.kecamatan_code, c.origin, c.holder_desa_code"
    if is_current(day):
        return ["SELECT c.id AS card_id, c.resident_id, c.reason, c.recorded_at, c.office_status, "
                f"c.central_status, {columns} FROM card c"], {}
    # Two parts, one pass each: the cards with an event before the end take their last one's
    # statuses (the events grouped per card, then each card and event found by id), and the
    # cards without any event keep theirs. Not one LEFT JOIN from every card to its grouped
    # events, for which SQLite builds a temporary index each time: 0.41 s -> 0.15 s for 170,000
    # cards and 310,000 events (docs/performance.md). A card with events but none before the
    # end did not stand yet: it is in neither part.
    return [
        "SELECT c.id AS card_id, c.resident_id, c.reason, c.recorded_at, e.office_status, e.central_status, "
        f"{columns} FROM (SELECT card_id, MAX(id) AS last_id FROM card_event WHERE at < :card_end "
        "                 GROUP BY card_id) l "
        "JOIN card_event e ON e.id = l.last_id JOIN card c ON c.id = l.card_id "
        "WHERE +c.recorded_at < :card_end",
        "SELECT c.id AS card_id, c.resident_id, c.reason, c.recorded_at, c.office_status, c.central_status, "
        f"{columns} FROM card c WHERE +c.recorded_at < :card_end "
        "AND NOT EXISTS (SELECT 1 FROM card_event x WHERE x.card_id = c.id)",
    ], {"card_end": end}


def first_recorded_since_sql() -> str:
    """A sub-select of the residents first recorded (a card for a new e-KTP) at or after
    ``:end``: every card of theirs was recorded then or later, and one is a new recording.

    As a difference of two sets, each a range of ``card_recorded`` (which covers the resident
    and the reason, migration 16): those with a new recording since, less those with any card
    before. Asking the second for each card of the first (an index look-up and a row each) took
    twice as long: 0.25 s -> 0.11 s with the register's look-ups, for 59,000 residents recorded
    in 40 days at 1,000,000 residents (docs/performance.md)."""
    return ("SELECT n.resident_id FROM card n WHERE n.recorded_at >= :end AND n.reason = 'baru' "
            "EXCEPT SELECT o.resident_id FROM card o WHERE o.recorded_at < :end")


def query(sql: str, params: dict | tuple = ()) -> list[tuple]:
    return database.execute_sql(sql, params).fetchall()


def database_cursor(sql: str, params: dict | tuple = ()):
    """A cursor to iterate row by row (large reads never become a list)."""
    return database.execute_sql(sql, params)


# --- what a preview shows ------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One total of a report, for the preview before exporting. ``kind``: ``int``, ``pct``
    (a fraction, 0.9166), ``minutes``, ``decimal`` (one place) or ``text``."""

    label: str
    value: object
    kind: str = "int"

    @property
    def text(self) -> str:
        from dukcapil_tui.domain.formatting import format_decimal, format_int

        if self.value is None:
            return "-"
        if self.kind == "int":
            return format_int(self.value)
        if self.kind == "pct":
            return format_decimal(100 * self.value, 2) + " %"
        if self.kind == "minutes":
            return format_decimal(self.value, 1) + " menit"
        if self.kind == "decimal":
            return format_decimal(self.value, 1)
        return str(self.value)
