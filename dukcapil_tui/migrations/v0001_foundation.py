"""Migration 1: foundation: settings, regions, users, residents, audit log."""

DESCRIPTION = 'foundation: settings, regions, users, residents, audit log'

STATEMENTS = [
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
    'CREATE INDEX region_parent ON region (parent_code, name)',
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
    'CREATE INDEX resident_name ON resident (name, id)',
    'CREATE INDEX resident_kecamatan_name ON resident (kecamatan_code, name, id)',
    'CREATE INDEX resident_desa_name ON resident (desa_code, name, id)',
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
    'CREATE INDEX audit_log_at ON audit_log (at)',
    'CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)',
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
               BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
               BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
]
