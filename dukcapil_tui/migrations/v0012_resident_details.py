"""Migration 12: what a Suket letter carries beyond the register's first fields.

- ``resident.religion`` (agama), ``resident.occupation`` (pekerjaan) and
  ``resident.citizenship`` (WNI/WNA): empty when the register does not know them (a resident
  known only from a SIAK status listing, or registered before this version); the letter leaves
  out what is not known rather than print a guess.
- ``resident.marital_known``: 0 when the marital status was not given but assumed (a listing
  row without STAT_KWN makes its resident BELUM KAWIN for the recording rules); the letter does
  not state an assumed status.
"""

DESCRIPTION = "resident religion, occupation, citizenship; whether the marital status is known"

STATEMENTS = [
    "ALTER TABLE resident ADD COLUMN religion TEXT NOT NULL DEFAULT '' CHECK (length(religion) <= 40)",
    "ALTER TABLE resident ADD COLUMN occupation TEXT NOT NULL DEFAULT '' CHECK (length(occupation) <= 60)",
    "ALTER TABLE resident ADD COLUMN citizenship TEXT NOT NULL DEFAULT '' CHECK (citizenship IN ('', 'WNI', 'WNA'))",
    "ALTER TABLE resident ADD COLUMN marital_known INTEGER NOT NULL DEFAULT 1 CHECK (marital_known IN (0, 1))",
]
