"""Numbered schema migrations, applied in order at start-up.

Each migration is plain SQL so that it stays valid when the models change later. The
schema version is SQLite's ``PRAGMA user_version``. Add a new migration at the end; never
edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "foundation: settings, regions, users, residents, audit log",
        [
            """CREATE TABLE setting (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            """CREATE TABLE region (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                level TEXT NOT NULL
                    CHECK (level IN ('provinsi', 'kabupaten', 'kecamatan', 'desa', 'kelurahan')),
                parent_code TEXT REFERENCES region (code)
            )""",
            "CREATE INDEX region_parent ON region (parent_code, name)",
            """CREATE TABLE app_user (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                full_name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('admin', 'loket', 'cetak', 'blangko')),
                password_hash TEXT NOT NULL,
                active INTEGER NOT NULL DEFAULT 1,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until DATETIME,
                created_at DATETIME NOT NULL,
                last_login_at DATETIME
            )""",
            """CREATE TABLE resident (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                nik TEXT NOT NULL UNIQUE CHECK (length(nik) = 16),
                name TEXT NOT NULL COLLATE NOCASE,
                birth_place TEXT NOT NULL DEFAULT '',
                birth_date DATE NOT NULL,
                sex TEXT NOT NULL CHECK (sex IN ('L', 'P')),
                desa_code TEXT NOT NULL REFERENCES region (code),
                kecamatan_code TEXT NOT NULL CHECK (kecamatan_code = substr(desa_code, 1, 8)),
                address TEXT NOT NULL DEFAULT '',
                rt TEXT NOT NULL DEFAULT '',
                rw TEXT NOT NULL DEFAULT '',
                marital_status TEXT NOT NULL
                    CHECK (marital_status IN ('belum_kawin', 'kawin', 'cerai_hidup', 'cerai_mati')),
                recording_status TEXT NOT NULL CHECK (recording_status IN ('belum', 'sudah')),
                workstation TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL
            )""",
            "CREATE INDEX resident_name ON resident (name, id)",
            "CREATE INDEX resident_kecamatan_name ON resident (kecamatan_code, name, id)",
            "CREATE INDEX resident_desa_name ON resident (desa_code, name, id)",
            """CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at DATETIME NOT NULL,
                user_id INTEGER REFERENCES app_user (id),
                username TEXT NOT NULL,
                workstation TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT,
                changes TEXT NOT NULL DEFAULT '{}'
            )""",
            "CREATE INDEX audit_log_at ON audit_log (at)",
            "CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)",
            """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
               BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
            """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
               BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        ],
    ),
]

MIGRATIONS.append(
    (
        2,
        "antrian: services, counters, tickets and their events; cards entering the print backlog",
        [
            """CREATE TABLE service (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL UNIQUE CHECK (length(prefix) BETWEEN 1 AND 3),
                daily_quota INTEGER CHECK (daily_quota IS NULL OR daily_quota > 0),
                records_biometrics INTEGER NOT NULL DEFAULT 0,
                card_reason TEXT
                    CHECK (card_reason IS NULL OR card_reason IN
                           ('baru', 'rusak', 'hilang', 'perubahan_data', 'pindah_datang')),
                active INTEGER NOT NULL DEFAULT 1,
                sort_order INTEGER NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE counter (
                number INTEGER PRIMARY KEY CHECK (number > 0),
                name TEXT NOT NULL,
                service_codes TEXT NOT NULL DEFAULT '',
                active INTEGER NOT NULL DEFAULT 1
            )""",
            """CREATE TABLE ticket (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                service_id INTEGER NOT NULL REFERENCES service (id),
                day DATE NOT NULL,
                number INTEGER NOT NULL CHECK (number > 0),
                resident_id INTEGER REFERENCES resident (id),
                visitor_name TEXT NOT NULL DEFAULT '',
                priority TEXT CHECK (priority IS NULL OR priority IN ('lansia', 'disabilitas', 'ibu_hamil')),
                channel TEXT NOT NULL CHECK (channel IN ('langsung', 'online', 'keliling')),
                notes TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL CHECK (status IN
                    ('booked', 'waiting', 'called', 'serving', 'on_hold', 'done', 'no_show', 'transferred', 'closed')),
                counter INTEGER,
                recalls INTEGER NOT NULL DEFAULT 0,
                booked_at DATETIME,
                checked_in_at DATETIME,
                queued_at DATETIME NOT NULL,
                hold_reason TEXT NOT NULL DEFAULT '',
                outcome TEXT,
                outcome_note TEXT NOT NULL DEFAULT '',
                device TEXT NOT NULL DEFAULT '',
                transferred_from_id INTEGER REFERENCES ticket (id),
                carried_over INTEGER NOT NULL DEFAULT 0,
                created_at DATETIME NOT NULL,
                workstation TEXT NOT NULL,
                UNIQUE (service_id, day, number)
            )""",
            "CREATE INDEX ticket_day_status ON ticket (day, status, service_id)",
            "CREATE INDEX ticket_resident ON ticket (resident_id, day)",
            """CREATE TABLE ticket_event (
                id INTEGER PRIMARY KEY,
                ticket_id INTEGER NOT NULL REFERENCES ticket (id),
                at DATETIME NOT NULL,
                event TEXT NOT NULL,
                from_status TEXT,
                to_status TEXT NOT NULL,
                username TEXT NOT NULL,
                counter INTEGER,
                detail TEXT NOT NULL DEFAULT '{}'
            )""",
            "CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, id)",
            """CREATE TABLE card (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                resident_id INTEGER NOT NULL REFERENCES resident (id),
                reason TEXT NOT NULL
                    CHECK (reason IN ('baru', 'rusak', 'hilang', 'perubahan_data', 'pindah_datang')),
                recorded_at DATETIME NOT NULL,
                recorded_where TEXT NOT NULL,
                ticket_id INTEGER REFERENCES ticket (id),
                central_status TEXT NOT NULL,
                office_status TEXT NOT NULL,
                workstation TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL
            )""",
            "CREATE INDEX card_resident ON card (resident_id)",
            "CREATE INDEX card_office_status ON card (office_status, recorded_at)",
            """CREATE TABLE card_event (
                id INTEGER PRIMARY KEY,
                card_id INTEGER NOT NULL REFERENCES card (id),
                at DATETIME NOT NULL,
                central_status TEXT NOT NULL,
                office_status TEXT NOT NULL,
                username TEXT NOT NULL,
                source TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX card_event_card ON card_event (card_id, id)",
            # The seed catalogue of a Dukcapil office (domain.queue.DEFAULT_SERVICES); the
            # office edits it afterwards.
            """INSERT INTO service (code, name, prefix, daily_quota, records_biometrics, card_reason, sort_order)
               VALUES ('rekam_baru', 'Perekaman KTP-el (baru)', 'A', 150, 1, 'baru', 1),
                      ('cetak_ulang', 'Cetak ulang KTP-el (rusak/hilang)', 'B', 100, 1, 'rusak', 2),
                      ('perubahan', 'Perubahan elemen data', 'C', 80, 1, 'perubahan_data', 3),
                      ('pindah_datang', 'Pindah datang', 'D', 60, 0, NULL, 4),
                      ('pengambilan', 'Pengambilan KTP-el', 'E', NULL, 0, NULL, 5),
                      ('suket', 'Surat keterangan (Suket)', 'F', NULL, 0, NULL, 6),
                      ('kia', 'Kartu Identitas Anak (KIA)', 'G', 80, 0, NULL, 7),
                      ('konsultasi', 'Konsultasi', 'H', NULL, 0, NULL, 8)""",
            """INSERT INTO counter (number, name, service_codes)
               VALUES (1, 'Loket 1', ''), (2, 'Loket 2', ''), (3, 'Loket 3', ''), (4, 'Loket 4', '')""",
        ],
    )
)

MIGRATIONS.append(
    (
        3,
        "cetak and blangko: print batches, handover, Suket, the blank-card ledger, counts, month close",
        [
            "ALTER TABLE card ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE card ADD COLUMN status_changed_at DATETIME",
            "CREATE INDEX card_ready ON card (office_status, priority DESC, recorded_at, id)",
            "CREATE INDEX card_recorded ON card (recorded_at, id)",
            # Where the resident lived when recorded, so the backlog filters by kecamatan on one index.
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
        ],
    )
)

MIGRATIONS.append(
    (
        4,
        "laporan: per-desa wajib KTP figures imported as the capaian denominator",
        [
            """CREATE TABLE wajib_ktp_figure (
                desa_code TEXT PRIMARY KEY REFERENCES region (code),
                male INTEGER NOT NULL CHECK (male >= 0),
                female INTEGER NOT NULL CHECK (female >= 0),
                note TEXT NOT NULL DEFAULT '',
                source_file TEXT NOT NULL,
                imported_at DATETIME NOT NULL,
                username TEXT NOT NULL
            )""",
        ],
    )
)

LATEST_VERSION = MIGRATIONS[-1][0]
