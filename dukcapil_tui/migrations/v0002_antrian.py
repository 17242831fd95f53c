"""Migration 2: antrian: services, counters, tickets and their events; cards entering the print backlog."""

DESCRIPTION = 'antrian: services, counters, tickets and their events; cards entering the print backlog'

STATEMENTS = [
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
    'CREATE INDEX ticket_day_status ON ticket (day, status, service_id)',
    'CREATE INDEX ticket_resident ON ticket (resident_id, day)',
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
    'CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, id)',
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
    'CREATE INDEX card_resident ON card (resident_id)',
    'CREATE INDEX card_office_status ON card (office_status, recorded_at)',
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
    'CREATE INDEX card_event_card ON card_event (card_id, id)',
    # The seed catalogue of a Dukcapil office (domain.queue.DEFAULT_SERVICES); the office edits it afterwards.
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
]
