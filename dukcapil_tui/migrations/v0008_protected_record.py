"""Migration 8: the protected record: workstations, the audit and
ledger hash chains, card events linked to their audit entry, the office's unique id."""

DESCRIPTION = (
    "protected record: registered workstations, hash-chained audit and ledger, card events linked to their audit entry"
)

STATEMENTS = [
    """CREATE TABLE workstation (
                code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 32 AND code = upper(code)),
                name TEXT NOT NULL DEFAULT '',
                token_hash TEXT NOT NULL,
                active INTEGER NOT NULL DEFAULT 1,
                created_at DATETIME NOT NULL,
                created_by TEXT NOT NULL
            )""",
    # The HMAC chain link of each row (NULL on rows written before this migration: those are
    # sealed by the 'chain.start' entry that opens the chain, see services/chain.py).
    'ALTER TABLE audit_log ADD COLUMN chain TEXT',
    'ALTER TABLE blangko_movement ADD COLUMN chain TEXT',
    # Each card event points at the audit entry of the transaction that wrote it (0: written
    # before this migration). Services write their events first and their audit entry last; the
    # trigger links every event still unlinked to the entry just written.
    'ALTER TABLE card_event ADD COLUMN audit_id INTEGER',
    'UPDATE card_event SET audit_id = 0',
    'CREATE INDEX card_event_unaudited ON card_event (id) WHERE audit_id IS NULL',
    """CREATE TRIGGER audit_log_links_card_events AFTER INSERT ON audit_log
               BEGIN UPDATE card_event SET audit_id = NEW.id WHERE audit_id IS NULL; END""",
    # Which office database this is, whatever file it is copied to (backups, restores).
    """INSERT INTO setting (key, value)
               SELECT 'office_uid', lower(hex(randomblob(16)))
               WHERE NOT EXISTS (SELECT 1 FROM setting WHERE key = 'office_uid')""",
]
