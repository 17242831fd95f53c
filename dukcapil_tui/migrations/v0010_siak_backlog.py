"""Migration 10: the office's whole backlog: recording sites, cards from SIAK listings, life status,
reprints without a recording, withdrawn old cards, SIAK's printed counts per desa.

- ``recording_site``: the places that record (the Dinas, each kecamatan's UPT, mobile units)
  with their kecamatan; the Dinas is there from the start and is where a workstation without a
  site of its own records. Every card carries its site (``card.site_code``; the cards made
  before this migration were recorded at the app's counters, in the Dinas); a workstation may
  be placed at a site (``workstation.site_code``).
- ``card.origin``: ``loket`` (made at the counter) or ``siak`` (from a SIAK listing).
- ``resident.life_status`` (hidup, mati, pindah, hilang) and the day it changed: the dead and
  the moved leave wajib KTP from that day and stay in the register.
- Reprints (cetak ulang rusak/hilang, perubahan elemen data, pindah datang) are never a new
  biometric recording: the seed catalogue's services of those reasons stop recording.
- ``spoiled_card`` also registers the old cards withdrawn from their holders (``kind`` ditarik,
  with no blank movement) in the categories offices report; SQLite cannot change its CHECKs in
  place, so the (unreferenced) table is rebuilt.
- ``cetak_figure``: SIAK's cumulative printed cards per desa, imported, for the capaian recap.
"""

_NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now')"

DESCRIPTION = ("whole backlog: recording sites, cards from SIAK, life status, reprints, withdrawn cards, "
               "SIAK printed counts")

STATEMENTS = [
    """CREATE TABLE recording_site (
                code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 32 AND code = upper(code)),
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
                kind TEXT NOT NULL CHECK (kind IN ('dinas', 'upt', 'keliling', 'lain')),
                kecamatan_code TEXT REFERENCES region (code),
                active INTEGER NOT NULL DEFAULT 1,
                created_at DATETIME NOT NULL,
                created_by TEXT NOT NULL
            )""",
    f"""INSERT INTO recording_site (code, name, kind, kecamatan_code, active, created_at, created_by)
               VALUES ('DINAS', 'Kantor Dinas', 'dinas', NULL, 1, {_NOW}, 'system')""",
    "ALTER TABLE workstation ADD COLUMN site_code TEXT REFERENCES recording_site (code)",
    "ALTER TABLE card ADD COLUMN site_code TEXT REFERENCES recording_site (code)",
    "UPDATE card SET site_code = 'DINAS'",
    "ALTER TABLE card ADD COLUMN origin TEXT NOT NULL DEFAULT 'loket' CHECK (origin IN ('loket', 'siak'))",
    """ALTER TABLE resident ADD COLUMN life_status TEXT NOT NULL DEFAULT 'hidup'
               CHECK (life_status IN ('hidup', 'mati', 'pindah', 'hilang'))""",
    "ALTER TABLE resident ADD COLUMN life_status_on DATE",
    """UPDATE service SET records_biometrics = 0
               WHERE card_reason IN ('rusak', 'hilang', 'perubahan_data', 'pindah_datang')""",
    """CREATE TABLE spoiled_card_new (
                id INTEGER PRIMARY KEY,
                at DATETIME NOT NULL,
                day DATE NOT NULL,
                kind TEXT NOT NULL DEFAULT 'blangko' CHECK (kind IN ('blangko', 'ditarik')),
                nik TEXT,
                card_id INTEGER REFERENCES card (id),
                reason TEXT NOT NULL CHECK (reason IN
                    ('gagal_cetak', 'chip_rusak', 'rusak_fisik', 'perubahan_data', 'kedatangan')),
                movement_id INTEGER REFERENCES blangko_movement (id),
                destruction_id INTEGER REFERENCES destruction (id),
                username TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                CHECK ((kind = 'blangko') = (movement_id IS NOT NULL)),
                CHECK (kind = 'ditarik' OR reason IN ('gagal_cetak', 'chip_rusak', 'rusak_fisik')),
                CHECK (kind = 'blangko' OR reason != 'gagal_cetak')
            )""",
    """INSERT INTO spoiled_card_new (id, at, day, kind, nik, card_id, reason, movement_id, destruction_id, username)
               SELECT id, at, day, 'blangko', nik, card_id, reason, movement_id, destruction_id, username
               FROM spoiled_card""",
    "DROP TABLE spoiled_card",
    "ALTER TABLE spoiled_card_new RENAME TO spoiled_card",
    "CREATE INDEX spoiled_card_destruction ON spoiled_card (destruction_id, day)",
    # The rebuild dropped migration 9's day-lock guard with the old table: the same guard again.
    """CREATE TRIGGER spoiled_card_day_locked BEFORE INSERT ON spoiled_card
       WHEN EXISTS (SELECT 1 FROM day_lock WHERE day = NEW.day AND unlocked_at IS NULL)
       BEGIN SELECT RAISE(ABORT, 'day is locked'); END""",
    """CREATE TABLE cetak_figure (
                desa_code TEXT PRIMARY KEY REFERENCES region (code),
                printed INTEGER NOT NULL CHECK (printed >= 0),
                as_of DATE NOT NULL,
                source_file TEXT NOT NULL,
                imported_at DATETIME NOT NULL,
                username TEXT NOT NULL
            )""",
]
