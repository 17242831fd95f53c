"""Migration 13: recording in the field (perekaman keliling).

- ``field_key``: the office's field secret (32 random bytes, hex), one row. Every field package's
  key is derived from it with HKDF (``services/field_crypto``); it never leaves the office
  database. Kept in a table of its own rather than in ``setting``, so that listing the settings
  never shows it.
- ``field_package``: the packages this office prepared (which desa, for which laptop).
- ``field_merge``: each field result merged back (one row per result file, its summary), so a
  second merge of the same file is recognised and adds nothing.
- ``field_base``: in a field database only, the residents as the package carried them; the
  result compares the laptop's register with it to find the edits made in the field.
"""

DESCRIPTION = "recording in the field: the office's field key, packages prepared, results merged"

STATEMENTS = [
    """CREATE TABLE field_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        secret TEXT NOT NULL CHECK (length(secret) = 64)
    )""",
    "INSERT INTO field_key (id, secret) VALUES (1, lower(hex(randomblob(32))))",
    """CREATE TABLE field_package (
        uuid TEXT PRIMARY KEY CHECK (length(uuid) = 36),
        created_at DATETIME NOT NULL,
        username TEXT NOT NULL,
        workstation TEXT NOT NULL,
        laptop TEXT NOT NULL CHECK (length(laptop) BETWEEN 2 AND 32),
        site_code TEXT,
        desa_codes TEXT NOT NULL,
        residents INTEGER NOT NULL CHECK (residents >= 0)
    )""",
    """CREATE TABLE field_merge (
        id INTEGER PRIMARY KEY,
        result_uuid TEXT NOT NULL UNIQUE CHECK (length(result_uuid) = 36),
        package_uuid TEXT NOT NULL CHECK (length(package_uuid) = 36),
        laptop TEXT NOT NULL,
        merged_at DATETIME NOT NULL,
        username TEXT NOT NULL,
        workstation TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX field_merge_package ON field_merge (package_uuid)",
    """CREATE TABLE field_base (
        uuid TEXT PRIMARY KEY,
        data TEXT NOT NULL
    )""",
]
