"""Queue rules with no database: ticket states and the moves between them, outcomes, labels.

``waiting -> called -> serving -> done``, with recall (called again), no-show (after N recalls),
on hold (documents missing…) and back to waiting, transfer to another service, and the
end-of-day close or carry-over. Online bookings start as ``booked`` until the resident checks in.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("booked", "waiting", "called", "serving", "on_hold", "done", "no_show", "transferred", "closed")
OPEN_STATUSES = ("booked", "waiting", "called", "serving", "on_hold")
FINAL_STATUSES = ("done", "no_show", "transferred", "closed")

PRIORITIES = ("lansia", "disabilitas", "ibu_hamil")
ELDERLY_AGE = 60  # "lansia" priority: from this age
KIA_MAX_AGE = 16  # the child identity card (KIA) is for residents under 17
# Seed service codes the desk's warnings know (an office may rename the services, not these codes).
KIA_SERVICE = "kia"
COLLECT_SERVICE = "pengambilan"
CHANNELS = ("langsung", "online", "keliling")

RECORDING_OUTCOMES = ("recorded", "failed_device", "failed_biometric", "referred")
OTHER_OUTCOMES = ("served", "referred")
# A ticket finished with one of these was served; the others (a failed recording, a resident
# referred elsewhere) were not, and are counted apart in the statistics and the daily report.
SUCCESSFUL_OUTCOMES = ("recorded", "served")
UNSUCCESSFUL_OUTCOMES = ("failed_device", "failed_biometric", "referred")
CARD_REASONS = ("baru", "rusak", "hilang", "perubahan_data", "pindah_datang")

DEFAULT_NO_SHOW_AFTER = 3  # recalls before a ticket may be marked no-show
DEFAULT_NO_SHOW_MINUTES = 5  # and minutes since the call: recalls spread over time, not three quick presses

# move -> (statuses it may start from, status it ends in); None: stays in the same status
MOVES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "check_in": (("booked",), "waiting"),
    "call": (("waiting",), "called"),
    "call_specific": (("waiting", "on_hold"), "called"),
    "recall": (("called",), None),
    "start": (("called",), "serving"),
    "no_show": (("called",), "no_show"),
    "hold": (("called", "serving"), "on_hold"),
    "unhold": (("on_hold",), "waiting"),
    "transfer": (("waiting", "called", "serving", "on_hold"), "transferred"),
    "finish": (("called", "serving"), "done"),
    "close": (OPEN_STATUSES, "closed"),
    "carry_over": (OPEN_STATUSES, "closed"),
}


def can(move: str, status: str) -> bool:
    return status in MOVES[move][0]


def target(move: str, status: str) -> str:
    end = MOVES[move][1]
    return status if end is None else end


def outcomes_for(records_biometrics: bool) -> tuple[str, ...]:
    return RECORDING_OUTCOMES if records_biometrics else OTHER_OUTCOMES


REPRINT_REASONS = ("rusak", "hilang", "perubahan_data", "pindah_datang")


def reprint_reasons(card_reason: str | None) -> tuple[str, ...]:
    """The reasons a reprint service's clerk chooses from when the card is asked for: a lost and a
    damaged card are one service at the desk (cetak ulang) but two reasons in the reports."""
    if card_reason in ("rusak", "hilang"):
        return ("hilang", "rusak")
    return (card_reason,) if card_reason in REPRINT_REASONS else ()


def label(prefix: str, number: int) -> str:
    """A-001, B-012, A-1234 (numbers grow past 999 on a very busy day)."""
    return f"{prefix}-{number:03d}"


@dataclass(frozen=True)
class DefaultService:
    code: str
    name: str
    prefix: str
    daily_quota: int | None
    records_biometrics: bool
    card_reason: str | None


# The seed catalogue of a Dukcapil office; the office edits it afterwards.
DEFAULT_SERVICES = (
    DefaultService("rekam_baru", "Perekaman KTP-el (baru)", "A", 150, True, "baru"),
    DefaultService("cetak_ulang", "Cetak ulang KTP-el (rusak/hilang)", "B", 100, False, "rusak"),
    DefaultService("perubahan", "Perubahan elemen data", "C", 80, False, "perubahan_data"),
    DefaultService("pindah_datang", "Pindah datang", "D", 60, False, None),
    DefaultService("pengambilan", "Pengambilan KTP-el", "E", None, False, None),
    DefaultService("suket", "Surat keterangan (Suket)", "F", None, False, None),
    DefaultService("kia", "Kartu Identitas Anak (KIA)", "G", 80, False, None),
    DefaultService("konsultasi", "Konsultasi", "H", None, False, None),
)
DEFAULT_COUNTERS = 4


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear-interpolated percentile (0.5 = median) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
