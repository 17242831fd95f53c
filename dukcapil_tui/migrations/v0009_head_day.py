"""Migration 9: the head's day: day locks, Suket validity and renewal, blank requests to the
province and their deliveries, and the record of monthly reports sent.

A locked day refuses every change dated on it. The services refuse first, with a message
naming the lock (``services/day_lock``); the triggers below refuse the same writes in the
tables whose rows carry their office day (``day``), so no path around the services can write
into a locked day. Tables dated only by a UTC timestamp (card events, handovers, Suket) are
guarded by the services alone: their office day depends on the office's time zone.
"""

DESCRIPTION = "head's day: day locks, Suket validity and renewal, blank requests and deliveries, reports sent"

_LOCKED = "EXISTS (SELECT 1 FROM day_lock WHERE day = {day} AND unlocked_at IS NULL)"


def _guard(name: str, event: str, table: str, day: str) -> str:
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {_LOCKED.format(day=day)} "
            "BEGIN SELECT RAISE(ABORT, 'day is locked'); END")


STATEMENTS = [
    """CREATE TABLE day_lock (
        id INTEGER PRIMARY KEY,
        day DATE NOT NULL CHECK (length(day) = 10),
        locked_at DATETIME NOT NULL,
        locked_by TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}',
        unlocked_at DATETIME,
        unlocked_by TEXT,
        unlock_reason TEXT,
        CHECK ((unlocked_at IS NULL) = (unlocked_by IS NULL)),
        CHECK (unlocked_at IS NULL OR COALESCE(length(trim(unlock_reason)), 0) > 0)
    )""",
    # One lock in force per day; earlier locks stay as the day's history.
    "CREATE UNIQUE INDEX day_lock_current ON day_lock (day) WHERE unlocked_at IS NULL",
    """CREATE TRIGGER day_lock_no_delete BEFORE DELETE ON day_lock
       BEGIN SELECT RAISE(ABORT, 'day_lock is append-only'); END""",
    # A lock row changes once: when an admin lifts it (who, when, why).
    """CREATE TRIGGER day_lock_unlock_only BEFORE UPDATE ON day_lock
       WHEN OLD.unlocked_at IS NOT NULL OR NEW.day != OLD.day OR NEW.locked_at != OLD.locked_at
            OR NEW.locked_by != OLD.locked_by OR NEW.summary != OLD.summary
       BEGIN SELECT RAISE(ABORT, 'day_lock rows change only when unlocked'); END""",
    _guard("blangko_movement_day_locked", "INSERT", "blangko_movement", "NEW.day"),
    _guard("ticket_day_locked_i", "INSERT", "ticket", "NEW.day"),
    _guard("ticket_day_locked_u", "UPDATE", "ticket", "OLD.day"),
    _guard("ticket_event_day_locked", "INSERT", "ticket_event",
           "(SELECT t.day FROM ticket t WHERE t.id = NEW.ticket_id)"),
    _guard("stock_count_day_locked", "INSERT", "stock_count", "NEW.day"),
    _guard("spoiled_card_day_locked", "INSERT", "spoiled_card", "NEW.day"),
    _guard("destruction_day_locked", "INSERT", "destruction", "NEW.day"),
    # --- Suket: valid for a number of months (a setting), renewed by a new letter --------------
    "ALTER TABLE suket ADD COLUMN valid_until DATE",
    "ALTER TABLE suket ADD COLUMN renews_id INTEGER REFERENCES suket (id)",
    # Letters issued before: valid six months from their office-local issue day.
    """UPDATE suket SET valid_until = date(issued_at,
           CASE (SELECT value FROM setting WHERE key = 'timezone')
                WHEN 'Asia/Jakarta' THEN '+7 hours' WHEN 'Asia/Pontianak' THEN '+7 hours'
                WHEN 'Asia/Jayapura' THEN '+9 hours' ELSE '+8 hours' END, '+6 months')""",
    "CREATE INDEX suket_resident ON suket (resident_id)",
    # The day review reads each day's print results, handovers and Suket by their timestamp
    # (also ``dukcapil check`` for every locked day): ranges on these indexes, never a scan.
    "CREATE INDEX print_job_at ON print_job (at) WHERE at IS NOT NULL",
    "CREATE INDEX handover_at ON handover (at)",
    "CREATE INDEX suket_issued ON suket (issued_at)",
    # --- blank requests to the province and the receipts that deliver them ---------------------
    """CREATE TABLE blangko_request (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        day DATE NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        letter_no TEXT NOT NULL CHECK (length(letter_no) > 0),
        addressed_to TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        username TEXT NOT NULL,
        workstation TEXT NOT NULL,
        created_at DATETIME NOT NULL,
        closed_at DATETIME,
        closed_by TEXT,
        closed_reason TEXT,
        CHECK ((closed_at IS NULL) = (closed_by IS NULL))
    )""",
    "CREATE INDEX blangko_request_day ON blangko_request (day)",
    _guard("blangko_request_day_locked", "INSERT", "blangko_request", "NEW.day"),
    """CREATE TABLE blangko_delivery (
        movement_id INTEGER PRIMARY KEY REFERENCES blangko_movement (id),
        request_id INTEGER NOT NULL REFERENCES blangko_request (id)
    )""",
    "CREATE INDEX blangko_delivery_request ON blangko_delivery (request_id)",
    """CREATE TRIGGER blangko_delivery_receipts_only BEFORE INSERT ON blangko_delivery
       WHEN (SELECT kind FROM blangko_movement WHERE id = NEW.movement_id) IS NOT 'receipt'
       BEGIN SELECT RAISE(ABORT, 'only a receipt delivers a request'); END""",
    """CREATE TRIGGER blangko_delivery_append_only_u BEFORE UPDATE ON blangko_delivery
       BEGIN SELECT RAISE(ABORT, 'blangko_delivery is append-only'); END""",
    """CREATE TRIGGER blangko_delivery_append_only_d BEFORE DELETE ON blangko_delivery
       BEGIN SELECT RAISE(ABORT, 'blangko_delivery is append-only'); END""",
    # --- monthly reports sent upward ----------------------------------------------------------
    """CREATE TABLE report_sent (
        id INTEGER PRIMARY KEY,
        report TEXT NOT NULL,
        period TEXT NOT NULL CHECK (length(period) = 7),
        sent_on DATE NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('email', 'aplikasi', 'surat', 'diantar', 'lainnya')),
        reference TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        username TEXT NOT NULL,
        recorded_at DATETIME NOT NULL
    )""",
    "CREATE INDEX report_sent_period ON report_sent (report, period)",
]
