"""Migration 7: regions: the region table accepts level 'kota' (Kota Serang, Kota Jayapura …).

The bundled Kemendagri list names 98 regencies 'kota'; the first schema allowed only
'kabupaten'. SQLite cannot change a CHECK in place, so the (small: one regency) table is
rebuilt. Foreign keys stay on: ``defer_foreign_keys`` postpones their check to the commit,
when every resident's and figure's desa is back in the new table (the commit fails
otherwise, and nothing changes).
"""

DESCRIPTION = "regions: level 'kota' for the 98 kota among the 514 regencies"

STATEMENTS = [
    "PRAGMA defer_foreign_keys = ON",
    "CREATE TEMP TABLE region_before_kota AS SELECT code, name, level, parent_code FROM region",
    "DROP TABLE region",
    """CREATE TABLE region (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                level TEXT NOT NULL
                    CHECK (level IN ('provinsi', 'kabupaten', 'kota', 'kecamatan', 'desa', 'kelurahan')),
                parent_code TEXT REFERENCES region (code)
            )""",
    "INSERT INTO region (code, name, level, parent_code) "
    "SELECT code, name, level, parent_code FROM region_before_kota ORDER BY code",
    "DROP TABLE region_before_kota",
    "CREATE INDEX region_parent ON region (parent_code, name)",
]
