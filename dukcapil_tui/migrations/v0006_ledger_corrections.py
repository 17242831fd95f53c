"""Migration 6: a wrong blank-ledger entry is corrected by a correction (koreksi) movement.

A correction references the movement it corrects, carries a reason and needs the head's
approval (``blangko_correction`` holds the request). The movement table's CHECK on its kinds
cannot be changed in place, so the table is rebuilt (SQLite's twelve-step procedure: foreign
keys off around the transaction, checked before commit) with the new kind and the
``corrects_id`` column; its append-only and closed-month triggers and its index come back as
they were.
"""

FOREIGN_KEYS_OFF = True

DESCRIPTION = "blangko: correction movements referencing the entry they correct, approved by the head"

_COLUMNS = "id, uuid, at, day, kind, quantity, reference, source, note, card_id, username, workstation"

STATEMENTS = [
    """CREATE TABLE blangko_movement_new (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        at DATETIME NOT NULL,
        day DATE NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN
            ('receipt', 'loan_in', 'returned', 'print_ok', 'print_failed', 'damaged', 'loan_out', 'adjustment',
             'correction')),
        quantity INTEGER NOT NULL CHECK (quantity != 0),
        reference TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        card_id INTEGER REFERENCES card (id),
        username TEXT NOT NULL,
        workstation TEXT NOT NULL,
        corrects_id INTEGER REFERENCES blangko_movement (id),
        CHECK ((kind IN ('receipt', 'loan_in', 'returned') AND quantity > 0)
            OR (kind IN ('print_ok', 'print_failed', 'damaged', 'loan_out') AND quantity < 0)
            OR kind = 'adjustment'
            OR (kind = 'correction' AND corrects_id IS NOT NULL)),
        CHECK ((kind = 'correction') = (corrects_id IS NOT NULL))
    )""",
    f"INSERT INTO blangko_movement_new ({_COLUMNS}) SELECT {_COLUMNS} FROM blangko_movement",
    "DROP TABLE blangko_movement",
    "ALTER TABLE blangko_movement_new RENAME TO blangko_movement",
    "CREATE INDEX blangko_movement_day ON blangko_movement (day, kind)",
    "CREATE INDEX blangko_movement_corrects ON blangko_movement (corrects_id) WHERE corrects_id IS NOT NULL",
    """CREATE TRIGGER blangko_movement_append_only_u BEFORE UPDATE ON blangko_movement
       BEGIN SELECT RAISE(ABORT, 'blangko_movement is append-only'); END""",
    """CREATE TRIGGER blangko_movement_append_only_d BEFORE DELETE ON blangko_movement
       BEGIN SELECT RAISE(ABORT, 'blangko_movement is append-only'); END""",
    """CREATE TRIGGER blangko_movement_closed_month BEFORE INSERT ON blangko_movement
       WHEN EXISTS (SELECT 1 FROM blangko_month WHERE month = substr(NEW.day, 1, 7))
       BEGIN SELECT RAISE(ABORT, 'blangko month is closed'); END""",
    """CREATE TABLE blangko_correction (
        id INTEGER PRIMARY KEY,
        movement_id INTEGER NOT NULL REFERENCES blangko_movement (id),
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        delta INTEGER NOT NULL CHECK (delta != 0),
        reason TEXT NOT NULL CHECK (length(reason) > 0),
        requested_by TEXT NOT NULL,
        requested_at DATETIME NOT NULL,
        workstation TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        decided_by TEXT,
        decided_at DATETIME,
        correction_movement_id INTEGER REFERENCES blangko_movement (id)
    )""",
    "CREATE INDEX blangko_correction_movement ON blangko_correction (movement_id, status)",
]
