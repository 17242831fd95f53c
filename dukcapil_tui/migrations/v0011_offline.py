"""Migration 11: working offline: the outage log, the device register and residents' handling notes.

- ``outage``: a network cut, a central-server block, a power cut or a device failure, for the
  whole office (``site_code`` NULL: every site) or one recording site, from ``started_at`` to
  ``ended_at`` (NULL while it lasts), with a note and who recorded and ended it. Two outages of
  one kind never overlap at one scope. The recordings made under a network cut or a central
  block are found by their recording time and site (``services.outages``), so no mark has to be
  kept up when an outage is recorded late or ended in the past.
- ``device`` and ``device_event``: recording sets and their parts (camera, fingerprint scanner,
  iris scanner, signature pad, PC) and card printers, with serial number, site and status; every
  change is an event dated on an office day (append-only), the failed recording at a counter
  among them (``ticket_id``).
- ``handling_note``: how a resident must be served (a name that may not be spoken, recording at
  home for the bedridden, another note), audited; ``resident.name_protected`` keeps whether an
  open note forbids speaking the name, so every list reads it with the row it already has.
"""

DESCRIPTION = "offline work: outage log, device register with dated events, residents' handling notes"

_APPEND_ONLY = ("CREATE TRIGGER {table}_append_only_{letter} BEFORE {event} ON {table} "
                "BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")

STATEMENTS = [
    """CREATE TABLE device (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN
            ('recording_set', 'camera', 'fingerprint', 'iris', 'signature_pad', 'pc', 'card_printer')),
        serial TEXT NOT NULL DEFAULT '' CHECK (length(serial) <= 60),
        name TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 80),
        site_code TEXT NOT NULL REFERENCES recording_site (code),
        parent_id INTEGER REFERENCES device (id),
        status TEXT NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service', 'broken', 'in_repair')),
        created_at DATETIME NOT NULL,
        created_by TEXT NOT NULL,
        workstation TEXT NOT NULL,
        CHECK (parent_id IS NULL OR kind IN ('camera', 'fingerprint', 'iris', 'signature_pad', 'pc')),
        CHECK (parent_id IS NULL OR parent_id != id)
    )""",
    # One serial number per kind of device (a device without one is allowed: old sets lost the plate).
    "CREATE UNIQUE INDEX device_serial ON device (kind, serial) WHERE serial != ''",
    "CREATE INDEX device_site ON device (site_code, status)",
    "CREATE INDEX device_parent ON device (parent_id) WHERE parent_id IS NOT NULL",
    """CREATE TABLE device_event (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES device (id),
        day DATE NOT NULL CHECK (length(day) = 10),
        at DATETIME NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN
            ('added', 'broken', 'failed_recording', 'sent_for_repair', 'repaired')),
        status TEXT NOT NULL CHECK (status IN ('in_service', 'broken', 'in_repair')),
        site_code TEXT NOT NULL REFERENCES recording_site (code),
        repair_place TEXT NOT NULL DEFAULT '',
        document TEXT NOT NULL DEFAULT '',
        ticket_id INTEGER REFERENCES ticket (id),
        note TEXT NOT NULL DEFAULT '',
        username TEXT NOT NULL,
        workstation TEXT NOT NULL,
        CHECK (kind != 'sent_for_repair' OR (length(repair_place) > 0 AND status = 'in_repair')),
        CHECK (kind != 'repaired' OR status = 'in_service'),
        CHECK (kind != 'broken' OR status = 'broken')
    )""",
    "CREATE INDEX device_event_device ON device_event (device_id, day, id)",
    "CREATE INDEX device_event_day ON device_event (day)",
    "CREATE INDEX device_event_ticket ON device_event (ticket_id) WHERE ticket_id IS NOT NULL",
    _APPEND_ONLY.format(table="device_event", letter="u", event="UPDATE"),
    _APPEND_ONLY.format(table="device_event", letter="d", event="DELETE"),
    """CREATE TABLE outage (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('network', 'central', 'power', 'device')),
        site_code TEXT REFERENCES recording_site (code),
        started_at DATETIME NOT NULL,
        ended_at DATETIME,
        note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 300),
        created_at DATETIME NOT NULL,
        created_by TEXT NOT NULL,
        workstation TEXT NOT NULL,
        ended_by TEXT,
        end_note TEXT NOT NULL DEFAULT '' CHECK (length(end_note) <= 300),
        CHECK (ended_at IS NULL OR ended_at > started_at),
        CHECK ((ended_at IS NULL) = (ended_by IS NULL))
    )""",
    "CREATE INDEX outage_started ON outage (started_at)",
    "CREATE INDEX outage_open ON outage (kind, site_code) WHERE ended_at IS NULL",
    # An outage is a record of what happened: it ends once, and is never removed.
    "CREATE TRIGGER outage_no_delete BEFORE DELETE ON outage BEGIN SELECT RAISE(ABORT, 'outage is kept'); END",
    """CREATE TRIGGER outage_ends_once BEFORE UPDATE ON outage
       WHEN OLD.ended_at IS NOT NULL OR NEW.started_at != OLD.started_at OR NEW.kind != OLD.kind
            OR NEW.site_code IS NOT OLD.site_code OR NEW.created_at != OLD.created_at
       BEGIN SELECT RAISE(ABORT, 'an outage changes only when it ends'); END""",
    """CREATE TABLE handling_note (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        resident_id INTEGER NOT NULL REFERENCES resident (id),
        kind TEXT NOT NULL CHECK (kind IN ('name_unspoken', 'home_recording', 'other')),
        note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 300),
        created_at DATETIME NOT NULL,
        created_by TEXT NOT NULL,
        workstation TEXT NOT NULL,
        ended_at DATETIME,
        ended_by TEXT,
        end_reason TEXT,
        CHECK ((ended_at IS NULL) = (ended_by IS NULL)),
        CHECK (kind != 'other' OR length(trim(note)) > 0)
    )""",
    "CREATE INDEX handling_note_resident ON handling_note (resident_id, id)",
    "CREATE INDEX handling_note_open ON handling_note (kind, resident_id) WHERE ended_at IS NULL",
    # One open note of each named kind per resident (several "other" notes may stand).
    """CREATE UNIQUE INDEX handling_note_one_open ON handling_note (resident_id, kind)
       WHERE ended_at IS NULL AND kind != 'other'""",
    "CREATE TRIGGER handling_note_no_delete BEFORE DELETE ON handling_note "
    "BEGIN SELECT RAISE(ABORT, 'handling_note is kept'); END",
    "ALTER TABLE resident ADD COLUMN name_protected INTEGER NOT NULL DEFAULT 0",
]
