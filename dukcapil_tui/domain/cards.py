"""Card rules with no database: central statuses and the office status they imply, the
moves the centre may make, Suket numbering, and the blank-card ledger's movement kinds."""

from __future__ import annotations

from datetime import date

CENTRAL_STATUSES = (
    "BIO_CAPTURED", "SENT_FOR_ENROLLMENT", "PRINT_READY_RECORD", "DUPLICATE_RECORD",
    "ADJUDICATE_RECORD", "ENROLL_FAILURE_AT_REGIONAL", "ENROLL_FAILURE_AT_CENTRAL",
    "CARD_PRINTED", "CARD_ISSUED",
)
OFFICE_STATUSES = ("waiting_prr", "ready_to_print", "printed", "handed_over", "needs_rerecording", "replaced")
# A card still on its way to the resident: the printing backlog.
OPEN_STATUSES = ("waiting_prr", "ready_to_print", "printed", "needs_rerecording")
REASONS = ("baru", "rusak", "hilang", "perubahan_data", "pindah_datang")

# The centre could not enrol the record: the resident must record again.
ENROLL_FAILURES = ("ENROLL_FAILURE_AT_REGIONAL", "ENROLL_FAILURE_AT_CENTRAL")
# The centre found the record twice; it resolves that itself by deleting the duplicate, so the
# resident has recorded (SUDAH REKAM) and the card waits, not printable, until the centre moves on.
DUPLICATE = "DUPLICATE_RECORD"

# What the centre may say next, given what it said last. Staff may also re-enter the same
# status (no change) and a listing may skip a step: SENT_FOR_ENROLLMENT, or CARD_PRINTED when
# it is read after the card was issued.
CENTRAL_MOVES: dict[str, tuple[str, ...]] = {
    "BIO_CAPTURED": ("SENT_FOR_ENROLLMENT", "PRINT_READY_RECORD", "ADJUDICATE_RECORD", DUPLICATE, *ENROLL_FAILURES),
    "SENT_FOR_ENROLLMENT": ("PRINT_READY_RECORD", "ADJUDICATE_RECORD", DUPLICATE, *ENROLL_FAILURES),
    "ADJUDICATE_RECORD": ("PRINT_READY_RECORD", DUPLICATE, *ENROLL_FAILURES),
    "PRINT_READY_RECORD": ("CARD_PRINTED", "CARD_ISSUED", DUPLICATE),
    # Once the centre has deleted the duplicate the record goes on as any other.
    DUPLICATE: ("BIO_CAPTURED", "SENT_FOR_ENROLLMENT", "PRINT_READY_RECORD", "ADJUDICATE_RECORD", *ENROLL_FAILURES),
    "ENROLL_FAILURE_AT_REGIONAL": (),
    "ENROLL_FAILURE_AT_CENTRAL": (),
    "CARD_PRINTED": ("CARD_ISSUED",),
    "CARD_ISSUED": (),
}


def office_status_for(central: str) -> str:
    if central == "PRINT_READY_RECORD":
        return "ready_to_print"
    if central in ENROLL_FAILURES:
        return "needs_rerecording"
    if central == "CARD_PRINTED":
        return "printed"
    if central == "CARD_ISSUED":
        return "handed_over"
    return "waiting_prr"


_ORDER = {"waiting_prr": 0, "ready_to_print": 1, "printed": 2, "handed_over": 3}


def next_office_status(current: str, central: str) -> str:
    """The office status after the centre says ``central`` of a card that is ``current``.

    It never moves backwards past printing (a card printed here stays printed when a late
    listing still says PRR); an enrolment failure sends an unprinted card back for
    re-recording; a duplicate holds an unprinted card back until the centre moves on."""
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


def normalise_status(value: object) -> str | None:
    """Accept SIAK's spellings: 'PRR', 'print ready record', 'CARD PRINTED'."""
    text = "_".join(str(value or "").strip().upper().replace("-", " ").split())
    aliases = {"PRR": "PRINT_READY_RECORD", "PRINT_READY": "PRINT_READY_RECORD", "SENT": "SENT_FOR_ENROLLMENT",
               "DUPLICATE": "DUPLICATE_RECORD", "ADJUDICATE": "ADJUDICATE_RECORD", "PRINTED": "CARD_PRINTED",
               "ISSUED": "CARD_ISSUED"}
    text = aliases.get(text, text)
    return text if text in CENTRAL_STATUSES else None


AGE_BUCKETS = ((0, 7, "0–7"), (8, 30, "8–30"), (31, 90, "31–90"), (91, None, "> 90"))


def age_bucket(days: int) -> str:
    for low, high, label in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return AGE_BUCKETS[0][2]


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
