"""Migration 4: laporan: per-desa wajib KTP figures imported as the capaian denominator."""

DESCRIPTION = 'laporan: per-desa wajib KTP figures imported as the capaian denominator'

STATEMENTS = [
    """CREATE TABLE wajib_ktp_figure (
                desa_code TEXT PRIMARY KEY REFERENCES region (code),
                male INTEGER NOT NULL CHECK (male >= 0),
                female INTEGER NOT NULL CHECK (female >= 0),
                note TEXT NOT NULL DEFAULT '',
                source_file TEXT NOT NULL,
                imported_at DATETIME NOT NULL,
                username TEXT NOT NULL
            )""",
]
