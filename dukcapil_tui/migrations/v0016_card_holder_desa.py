"""Migration 16: the card carries its holder's desa now.

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
cards: 7.1 s -> 8.9 s, against a budget of 8.8 s) for a gain the card table's scan already
gives within the recaps' budget.
"""

DESCRIPTION = "the card carries its holder's desa now (holder_desa_code), kept by triggers"

STATEMENTS = [
    "ALTER TABLE card ADD COLUMN holder_desa_code TEXT NOT NULL DEFAULT ''",
    "UPDATE card SET holder_desa_code = (SELECT r.desa_code FROM resident r WHERE r.id = card.resident_id)",
    """CREATE TRIGGER card_holder_desa AFTER INSERT ON card WHEN NEW.holder_desa_code = ''
               BEGIN UPDATE card SET holder_desa_code =
                   (SELECT r.desa_code FROM resident r WHERE r.id = NEW.resident_id) WHERE id = NEW.id; END""",
    """CREATE TRIGGER resident_moved_cards AFTER UPDATE OF desa_code ON resident
               WHEN NEW.desa_code IS NOT OLD.desa_code
               BEGIN UPDATE card SET holder_desa_code = NEW.desa_code WHERE resident_id = NEW.id; END""",
]
