"""Migration 7: regions: the region table accepts level 'kota' (Kota Serang, Kota Jayapura …).

The bundled Kemendagri list names 98 of the 514 regencies 'kota'; the first schema allowed only
'kabupaten', and the table copies the official list as given. SQLite cannot change a CHECK in
place, so the (small: one regency) table is rebuilt by SQLite's twelve-step procedure: foreign
keys off around the transaction, checked before commit (residents, wajib-KTP figures and the
table's own parent codes point into it); its index comes back as it was.
"""

FOREIGN_KEYS_OFF = True

DESCRIPTION = "regions: level 'kota' for the 98 kota among the 514 regencies"

STATEMENTS = [
    """CREATE TABLE region_new (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                level TEXT NOT NULL
                    CHECK (level IN ('provinsi', 'kabupaten', 'kota', 'kecamatan', 'desa', 'kelurahan')),
                parent_code TEXT REFERENCES region (code)
            )""",
    "INSERT INTO region_new (code, name, level, parent_code) SELECT code, name, level, parent_code FROM region",
    "DROP TABLE region",
    "ALTER TABLE region_new RENAME TO region",
    "CREATE INDEX region_parent ON region (parent_code, name)",
]
