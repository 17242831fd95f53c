"""Migration 3: cetak and blangko: print batches, handover, Suket, the blank-card ledger, counts, month close."""

DESCRIPTION = 'cetak and blangko: print batches, handover, Suket, the blank-card ledger, counts, month close'

STATEMENTS = [
    "ALTER TABLE card ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE card ADD COLUMN status_changed_at DATETIME",
    "CREATE INDEX card_ready ON card (office_status, priority DESC, recorded_at, id)",
    "CREATE INDEX card_recorded ON card (recorded_at, id)",
    "ALTER TABLE card ADD COLUMN kecamatan_code TEXT NOT NULL DEFAULT ''",
    """UPDATE card SET kecamatan_code =
               (SELECT r.kecamatan_code FROM resident r WHERE r.id = card.resident_id)""",
    """CREATE TRIGGER card_kecamatan AFTER INSERT ON card WHEN NEW.kecamatan_code = ''
               BEGIN UPDATE card SET kecamatan_code =
                   (SELECT r.kecamatan_code FROM resident r WHERE r.id = NEW.resident_id) WHERE id = NEW.id; END""",
    "CREATE INDEX card_kecamatan ON card (kecamatan_code, recorded_at, id)",
    """CREATE TABLE print_batch (
                id INTEGER PRIMARY KEY,
                created_at DATETIME NOT NULL,
                username TEXT NOT NULL,
                workstation TEXT NOT NULL,
                size INTEGER NOT NULL CHECK (size > 0),
                closed_at DATETIME
            )""",
    """CREATE TABLE print_job (
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES print_batch (id),
                card_id INTEGER NOT NULL REFERENCES card (id),
                result TEXT CHECK (result IS NULL OR result IN ('ok', 'failed', 'skipped')),
                reason TEXT,
                at DATETIME,
                username TEXT,
                UNIQUE (batch_id, card_id)
            )""",
    "CREATE INDEX print_job_card ON print_job (card_id)",
    """CREATE TABLE handover (
                id INTEGER PRIMARY KEY,
                card_id INTEGER NOT NULL UNIQUE REFERENCES card (id),
                at DATETIME NOT NULL,
                collected_by TEXT NOT NULL CHECK (collected_by IN ('resident', 'family')),
                collector_name TEXT NOT NULL,
                relation TEXT NOT NULL DEFAULT '',
                receipt_no TEXT NOT NULL UNIQUE,
                id_checked INTEGER NOT NULL CHECK (id_checked = 1),
                username TEXT NOT NULL,
                workstation TEXT NOT NULL
            )""",
    """CREATE TABLE suket (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                number TEXT NOT NULL UNIQUE,
                year INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                resident_id INTEGER NOT NULL REFERENCES resident (id),
                card_id INTEGER NOT NULL REFERENCES card (id),
                issued_at DATETIME NOT NULL,
                username TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                closed_at DATETIME,
                closed_reason TEXT,
                UNIQUE (year, seq)
            )""",
    "CREATE INDEX suket_status ON suket (status, issued_at)",
    "CREATE INDEX suket_card ON suket (card_id)",
    """CREATE TABLE blangko_movement (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                at DATETIME NOT NULL,
                day DATE NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN
                    ('receipt', 'loan_in', 'returned', 'print_ok', 'print_failed', 'damaged', 'loan_out', 'adjustment')),
                quantity INTEGER NOT NULL CHECK (quantity != 0),
                reference TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL DEFAULT '',
                note TEXT NOT NULL DEFAULT '',
                card_id INTEGER REFERENCES card (id),
                username TEXT NOT NULL,
                workstation TEXT NOT NULL,
                CHECK ((kind IN ('receipt', 'loan_in', 'returned') AND quantity > 0)
                    OR (kind IN ('print_ok', 'print_failed', 'damaged', 'loan_out') AND quantity < 0)
                    OR kind = 'adjustment')
            )""",
    "CREATE INDEX blangko_movement_day ON blangko_movement (day, kind)",
    """CREATE TABLE blangko_month (
                month TEXT PRIMARY KEY CHECK (length(month) = 7),
                closed_at DATETIME NOT NULL,
                username TEXT NOT NULL,
                closing_balance INTEGER NOT NULL
            )""",
    """CREATE TRIGGER blangko_movement_append_only_u BEFORE UPDATE ON blangko_movement
               BEGIN SELECT RAISE(ABORT, 'blangko_movement is append-only'); END""",
    """CREATE TRIGGER blangko_movement_append_only_d BEFORE DELETE ON blangko_movement
               BEGIN SELECT RAISE(ABORT, 'blangko_movement is append-only'); END""",
    """CREATE TRIGGER blangko_movement_closed_month BEFORE INSERT ON blangko_movement
               WHEN EXISTS (SELECT 1 FROM blangko_month WHERE month = substr(NEW.day, 1, 7))
               BEGIN SELECT RAISE(ABORT, 'blangko month is closed'); END""",
    """CREATE TABLE spoiled_card (
                id INTEGER PRIMARY KEY,
                at DATETIME NOT NULL,
                day DATE NOT NULL,
                nik TEXT,
                card_id INTEGER REFERENCES card (id),
                reason TEXT NOT NULL CHECK (reason IN ('gagal_cetak', 'chip_rusak', 'rusak_fisik')),
                movement_id INTEGER NOT NULL REFERENCES blangko_movement (id),
                destruction_id INTEGER REFERENCES destruction (id),
                username TEXT NOT NULL
            )""",
    """CREATE TABLE destruction (
                id INTEGER PRIMARY KEY,
                berita_acara_no TEXT NOT NULL UNIQUE,
                day DATE NOT NULL,
                at DATETIME NOT NULL,
                username TEXT NOT NULL,
                count INTEGER NOT NULL CHECK (count > 0)
            )""",
    "CREATE INDEX spoiled_card_destruction ON spoiled_card (destruction_id, day)",
    """CREATE TABLE stock_count (
                id INTEGER PRIMARY KEY,
                at DATETIME NOT NULL,
                day DATE NOT NULL,
                counted INTEGER NOT NULL CHECK (counted >= 0),
                computed INTEGER NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                username TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
                decided_by TEXT,
                decided_at DATETIME,
                movement_id INTEGER REFERENCES blangko_movement (id)
            )""",
    """INSERT INTO setting (key, value) VALUES
               ('suket_number_pattern', '470/{seq:04d}/DKPS/{month_roman}/{year}'),
               ('suket_forbid_when_stock', '0'),
               ('reorder_threshold', '1000')
               ON CONFLICT (key) DO NOTHING""",
]
