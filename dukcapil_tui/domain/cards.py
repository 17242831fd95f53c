"""Card rules with no database: central statuses and the office status they imply, the
moves the centre may make, Suket numbering, and the blank-card ledger's movement kinds."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

CENTRAL_STATUSES = (
    "BIO_CAPTURED", "SENT_FOR_ENROLLMENT", "PROCESSING", "RECEIVED_AT_CENTRAL", "REQUEST_VALIDATION",
    "ADJUDICATE_RECORD", "DUPLICATE_RECORD", "ENROLL_FAILURE_AT_REGIONAL", "ENROLL_FAILURE_AT_CENTRAL",
    "SEARCH_FAILURE_AT_CENTRAL", "PRINT_READY_RECORD", "SENT_FOR_CARD_PRINTING", "CARD_PRINTED", "CARD_SHIPPED",
    "CARD_ISSUED",
)
OFFICE_STATUSES = ("waiting_prr", "ready_to_print", "printed", "handed_over", "needs_rerecording", "replaced",
                   "closed")
# A card still on its way to the resident: the printing backlog. (A card whose resident died or
# moved away is "closed": it stays in the history and leaves the backlog.)
OPEN_STATUSES = ("waiting_prr", "ready_to_print", "printed", "needs_rerecording")
REASONS = ("baru", "rusak", "hilang", "perubahan_data", "pindah_datang")
# A new biometric recording; every other reason is a print of a record the centre already holds
# (cetak ulang hilang / rusak, perubahan elemen data, pindah datang): never a new recording.
RECORDING_REASONS = ("baru",)
REPRINT_REASONS = ("rusak", "hilang", "perubahan_data", "pindah_datang")

# Recorded, not yet sent to the centre ("belum terkirim"): the recording site must send it.
UNSENT = ("BIO_CAPTURED",)
# Sent and waiting at the centre: enrolment, validation, adjudication, a duplicate being resolved.
AT_CENTRE = ("SENT_FOR_ENROLLMENT", "PROCESSING", "RECEIVED_AT_CENTRAL", "REQUEST_VALIDATION",
             "ADJUDICATE_RECORD", "DUPLICATE_RECORD")
# The centre could not enrol the record (or found no match searching it): the resident must
# record again.
ENROLL_FAILURES = ("ENROLL_FAILURE_AT_REGIONAL", "ENROLL_FAILURE_AT_CENTRAL", "SEARCH_FAILURE_AT_CENTRAL")
# The centre found the record twice; it resolves that itself by deleting the duplicate, so the
# resident has recorded (SUDAH REKAM) and the card waits, not printable, until the centre moves on.
DUPLICATE = "DUPLICATE_RECORD"
PRINT_READY = "PRINT_READY_RECORD"
# Printing asked for (the card is not printed yet: it still needs its blank), printed, shipped
# to the office (printed elsewhere), issued to the resident.
PRINTING_STAGE = ("SENT_FOR_CARD_PRINTING",)
PRINTED_STAGE = ("CARD_PRINTED", "CARD_SHIPPED")
ISSUED = "CARD_ISSUED"
STAGES = ("unsent", "at_centre")  # the backlog filters of the central stage

# The order in which a record passes the centre before it is print-ready; a listing may skip
# steps but never goes back (equal rank: either may follow the other).
_CENTRE_RANK = {"BIO_CAPTURED": 0, "SENT_FOR_ENROLLMENT": 1, "PROCESSING": 2, "RECEIVED_AT_CENTRAL": 3,
                "REQUEST_VALIDATION": 3, "ADJUDICATE_RECORD": 4}
_AFTER_PRINT_READY = ("SENT_FOR_CARD_PRINTING", "CARD_PRINTED", "CARD_SHIPPED", "CARD_ISSUED")


def _centre_moves(status: str) -> tuple[str, ...]:
    rank = _CENTRE_RANK[status]
    later = tuple(s for s, r in _CENTRE_RANK.items() if r > rank or (r == rank and s != status))
    return later + (PRINT_READY, DUPLICATE, *ENROLL_FAILURES)


# What the centre may say next, given what it said last. Staff may also re-enter the same
# status (no change) and a listing may skip steps: SENT_FOR_ENROLLMENT, or CARD_PRINTED when
# it is read after the card was issued.
CENTRAL_MOVES: dict[str, tuple[str, ...]] = {
    **{status: _centre_moves(status) for status in _CENTRE_RANK},
    PRINT_READY: (*_AFTER_PRINT_READY, DUPLICATE),
    # Once the centre has deleted the duplicate the record goes on as any other.
    DUPLICATE: (*_CENTRE_RANK, PRINT_READY, *ENROLL_FAILURES),
    **{failure: () for failure in ENROLL_FAILURES},
    # A print the centre could not finish goes back to print-ready.
    "SENT_FOR_CARD_PRINTING": (PRINT_READY, "CARD_PRINTED", "CARD_SHIPPED", ISSUED),
    "CARD_PRINTED": ("CARD_SHIPPED", ISSUED),
    "CARD_SHIPPED": (ISSUED,),
    ISSUED: (),
}


def office_status_for(central: str) -> str:
    if central == PRINT_READY or central in PRINTING_STAGE:
        return "ready_to_print"
    if central in ENROLL_FAILURES:
        return "needs_rerecording"
    if central in PRINTED_STAGE:
        return "printed"
    if central == ISSUED:
        return "handed_over"
    return "waiting_prr"


def stage_of(central: str) -> str:
    """unsent | at_centre | rerecord | print_ready | printed | issued."""
    if central in UNSENT:
        return "unsent"
    if central in AT_CENTRE:
        return "at_centre"
    if central in ENROLL_FAILURES:
        return "rerecord"
    if central == PRINT_READY or central in PRINTING_STAGE:
        return "print_ready"
    if central in PRINTED_STAGE:
        return "printed"
    return "issued"


_ORDER = {"waiting_prr": 0, "ready_to_print": 1, "printed": 2, "handed_over": 3}


def next_office_status(current: str, central: str) -> str:
    """The office status after the centre says ``central`` of a card that is ``current``.

    It never moves backwards past printing (a card printed here stays printed when a late
    listing still says PRR); an enrolment failure sends an unprinted card back for
    re-recording; a duplicate holds an unprinted card back until the centre moves on."""
    if current in ("replaced", "closed"):
        return current  # ended here: a late listing does not bring it back
    implied = office_status_for(central)
    if implied == "needs_rerecording":
        return implied if current in ("waiting_prr", "ready_to_print", "needs_rerecording") else current
    if central == DUPLICATE:
        return "waiting_prr" if current in ("waiting_prr", "ready_to_print") else current
    if current == "needs_rerecording":
        return implied
    return implied if _ORDER.get(implied, 0) >= _ORDER.get(current, 0) else current


def can_move(current: str, new: str) -> bool:
    return new == current or new in CENTRAL_MOVES.get(current, ())


STATUS_ALIASES = {"PRR": "PRINT_READY_RECORD", "PRINT_READY": "PRINT_READY_RECORD", "SENT": "SENT_FOR_ENROLLMENT",
                  "DUPLICATE": "DUPLICATE_RECORD", "ADJUDICATE": "ADJUDICATE_RECORD", "PRINTED": "CARD_PRINTED",
                  "ISSUED": "CARD_ISSUED", "SHIPPED": "CARD_SHIPPED"}


def normalise_status(value: object) -> str | None:
    """Accept SIAK's spellings: 'PRR', 'print ready record', 'CARD PRINTED', 'Sent-For-Card-Printing'
    (case, spaces, underscores and hyphens do not matter)."""
    return _normalised(value if isinstance(value, str) else str(value or ""))


@lru_cache(maxsize=512)  # a listing spells its few statuses over and over
def _normalised(value: str) -> str | None:
    text = "_".join(value.strip().upper().replace("-", " ").replace("_", " ").split())
    text = STATUS_ALIASES.get(text, text)
    return text if text in CENTRAL_STATUSES else None


_REASON_WORDS = {
    "BARU": "baru", "REKAM BARU": "baru", "PEREKAMAN BARU": "baru", "PEREKAMAN": "baru", "": "baru",
    "RUSAK": "rusak", "CETAK ULANG RUSAK": "rusak", "PENGGANTIAN RUSAK": "rusak",
    "HILANG": "hilang", "CETAK ULANG HILANG": "hilang", "PENGGANTIAN HILANG": "hilang",
    "PERUBAHAN DATA": "perubahan_data", "PERUBAHAN ELEMEN DATA": "perubahan_data", "PERUBAHAN": "perubahan_data",
    "PINDAH DATANG": "pindah_datang", "KEDATANGAN": "pindah_datang", "DATANG": "pindah_datang",
}


def parse_reason(value: object) -> str | None:
    """The reason a listing gives for a card (ALASAN / JENIS_PERMOHONAN); empty: a new recording."""
    return _REASON_WORDS.get(" ".join(str(value or "").replace("_", " ").replace("-", " ").upper().split()))


def reason_choices() -> str:
    return ", ".join(k for k in _REASON_WORDS if k)


def spelled(status: str) -> str:
    """A central status as SIAK's screens write it: 'PRINT READY RECORD'."""
    return status.replace("_", " ")


AGE_BUCKETS = ((0, 7, "0–7"), (8, 30, "8–30"), (31, 90, "31–90"), (91, None, "> 90"))
# How long recordings have waited to be sent to the centre: days since recording.
UNSENT_BUCKETS = ((0, 2, "0–2"), (3, 7, "3–7"), (8, 30, "8–30"), (31, None, "> 30"))


def age_bucket(days: int, buckets=AGE_BUCKETS) -> str:
    for low, high, label in buckets:
        if days >= low and (high is None or days <= high):
            return label
    return buckets[0][2]


# --- blangko ledger --------------------------------------------------------------------------
# kind -> sign of the quantity (+1 in, -1 out, 0 either: a count adjustment)
MOVEMENT_KINDS = {
    "receipt": 1,
    "loan_in": 1,
    "returned": 1,      # blanks handed back (e.g. a loan repaid to us)
    "print_ok": -1,
    "print_failed": -1,
    "damaged": -1,
    "loan_out": -1,
    "adjustment": 0,
    "correction": 0,    # a wrong entry corrected (koreksi), approved by the head
}
# Entries a correction may correct: what the keeper typed. Prints and spoils follow the cards
# (a print result is never undone), a count's adjustment is redone by a new count, and a
# correction is itself corrected by correcting the original again.
CORRECTABLE_KINDS = ("receipt", "loan_in", "returned", "loan_out")
SPOIL_REASONS = ("gagal_cetak", "chip_rusak", "rusak_fisik")
# An old card withdrawn from its holder when the new one is issued (cetak ulang rusak, perubahan
# elemen data, kedatangan from another regency): registered and destroyed with the spoiled blanks.
WITHDRAW_REASONS = ("chip_rusak", "rusak_fisik", "perubahan_data", "kedatangan")
# The categories offices report destroyed cards in, and the reason each register entry falls in.
DESTRUCTION_CATEGORIES = ("gagal_encode", "rusak_fisik", "perubahan_data", "kedatangan")
CATEGORY_OF = {"gagal_cetak": "gagal_encode", "chip_rusak": "gagal_encode", "rusak_fisik": "rusak_fisik",
               "perubahan_data": "perubahan_data", "kedatangan": "kedatangan"}
# The old card a reprint of each reason withdraws (a lost card cannot be withdrawn).
WITHDRAWN_FOR = {"rusak": "rusak_fisik", "perubahan_data": "perubahan_data", "pindah_datang": "kedatangan"}
DEFAULT_REORDER_THRESHOLD = 1000
# Above these a stock movement is unusual and needs an explicit confirmation: the largest lot
# the ministry sends, and the variance of a stock count beyond which a miscount is likelier.
DEFAULT_RECEIPT_MAX = 10_000
DEFAULT_COUNT_VARIANCE_MAX = 10
FORECAST_DAYS = 14


def signed_quantity(kind: str, quantity: int) -> int:
    sign = MOVEMENT_KINDS[kind]
    return quantity if sign == 0 else sign * abs(quantity)


ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
DEFAULT_SUKET_PATTERN = "470/{seq:04d}/DKPS/{month_roman}/{year}"


def suket_number(pattern: str, seq: int, on: date) -> str:
    """Format a Suket number; raises KeyError/ValueError/IndexError on a broken pattern."""
    return pattern.format(seq=seq, month=on.month, month_roman=ROMAN_MONTHS[on.month - 1], year=on.year,
                          day=on.day)


DEFAULT_SUKET_VALIDITY_MONTHS = 6
# A Suket expiring within this many days is "expiring this week" and may be renewed.
SUKET_RENEW_DAYS = 7


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter: 31-08 + 6 -> 28-02)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suket_valid_until(issued: date, months: int) -> date:
    """The last day a Suket issued on ``issued`` stands in for the card."""
    return add_months(issued, months)


def suket_renewable(valid_until: date, today: date) -> bool:
    """Renewal opens ``SUKET_RENEW_DAYS`` days before the expiry (and stays open after it)."""
    return (valid_until - today).days < SUKET_RENEW_DAYS


def working_days(end: date, days: int) -> int:
    """Monday–Friday days among the ``days`` calendar days ending on ``end``."""
    from datetime import timedelta

    return sum(1 for i in range(days) if (end - timedelta(days=i)).weekday() < 5)
