"""Migration 15: what a resident import last stored for each resident, so that importing the
same listing again skips its unchanged rows before checking them.

``resident.import_hash`` is a 64-bit digest of the listing row the import stored the resident
from, together with what gives the row its meaning (the file's columns, the register's desa
codes; ``services/resident_import.row_digest``). NULL when no import stored the resident's
current values. Every other write to a resident clears it (the trigger): an UPDATE that does
not set a new digest itself — a change at the counter, a field merge, a SIAK status listing, a
card's effect on the recording status — leaves NULL, so the next import of the same row checks
and compares it in full and writes the listing's values again where they differ. (The
trigger is the safety net: the services' own resident UPDATEs set ``import_hash = NULL``
themselves, so a bulk write does not pay a second UPDATE of each row.)
"""

DESCRIPTION = "resident import_hash: the listing row an import stored, cleared by every other write"

STATEMENTS = [
    "ALTER TABLE resident ADD COLUMN import_hash BIGINT",
    """CREATE TRIGGER resident_import_hash_cleared AFTER UPDATE ON resident
       WHEN NEW.import_hash IS NOT NULL AND NEW.import_hash IS OLD.import_hash
       BEGIN UPDATE resident SET import_hash = NULL WHERE id = NEW.id; END""",
]
