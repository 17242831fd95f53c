"""Migration 16: the card carries its holder's desa now; two indexes cover a past day's look-ups.

The recaps count cards per desa of the holder *now* (the capaian recap: the same residents as
its wajib KTP and sudah rekam columns; the waiting list's kecamatan). Joining 170,000 cards to
their holders in a 1,000,000-resident register for that desa was most of those recaps' query
time (0.39 s of capaian's 0.53 s; docs/performance.md); with the desa on the card they read
the card table alone.

``holder_desa_code`` is always the holder's ``resident.desa_code``: ``card_status.create_many``
writes it, ``card_holder_desa`` fills it for a card inserted without it (as ``card_kecamatan``
does for the kecamatan), and ``resident_moved_cards`` follows a move of the holder, whichever
service or import moved them (it fires only for UPDATEs that set ``desa_code``, so the bulk
UPDATEs of a listing's recording status do not pay for it). Unlike ``kecamatan_code`` (where
the holder lived when the card was recorded, kept as it was), it changes when the holder moves.

No index comes with it: an index over it made every card a listing creates dearer (100,000
cards: 7.1 s -> 8.9 s, against a budget of 8.8 s, with the two below) for a gain the card
table's scan already gives within the recaps' budget.

Two existing indexes get the columns their past-day look-ups read, so that SQLite answers them
from the index without the rows (the same entries, a little longer; no new index to keep up):
``card_recorded`` (recorded_at, id, resident_id, reason) — the residents first recorded since a
day are the new recordings since less the cards before, two range scans of this index (0.15 s
-> 0.11 s with the register's look-ups at 1,000,000 residents); ``card_event_card`` (card_id,
id, at) — a past day's card states are each card's last event before the day's end, found in
one pass over this index (0.22 s -> 0.20 s for 170,000 cards and 310,000 events).
"""

DESCRIPTION = ("the card carries its holder's desa now (holder_desa_code), kept by triggers; card_recorded and "
               "card_event_card cover a past day's look-ups")

STATEMENTS = [
    "ALTER TABLE card ADD COLUMN holder_desa_code TEXT NOT NULL DEFAULT ''",
    "UPDATE card SET holder_desa_code = (SELECT r.desa_code FROM resident r WHERE r.id = card.resident_id)",
    """CREATE TRIGGER card_holder_desa AFTER INSERT ON card WHEN NEW.holder_desa_code = ''
               BEGIN UPDATE card SET holder_desa_code =
                   (SELECT r.desa_code FROM resident r WHERE r.id = NEW.resident_id) WHERE id = NEW.id; END""",
    """CREATE TRIGGER resident_moved_cards AFTER UPDATE OF desa_code ON resident
               WHEN NEW.desa_code IS NOT OLD.desa_code
               BEGIN UPDATE card SET holder_desa_code = NEW.desa_code WHERE resident_id = NEW.id; END""",
    "DROP INDEX card_recorded",
    "CREATE INDEX card_recorded ON card (recorded_at, id, resident_id, reason)",
    "DROP INDEX card_event_card",
    "CREATE INDEX card_event_card ON card_event (card_id, id, at)",
]
