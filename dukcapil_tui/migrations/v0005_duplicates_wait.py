"""Migration 5: a duplicate record is resolved at the centre, not by re-recording.

Cards the earlier rule sent to re-recording because the centre said DUPLICATE_RECORD wait
again (the centre deletes the duplicate, the same card goes on) and their residents are SUDAH
REKAM again. Each change gets its card event and audit entry, as the services write them.
"""

_AFFECTED = "central_status = 'DUPLICATE_RECORD' AND office_status = 'needs_rerecording'"
_NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now')"

DESCRIPTION = "duplicate records wait at the centre: their residents are recorded again"

STATEMENTS = [
    f"""INSERT INTO audit_log (at, user_id, username, workstation, action, entity, entity_id, changes)
        SELECT {_NOW}, NULL, 'system', 'migration', 'resident.update', 'resident', r.id,
               json_object('recording_status', json_array(r.recording_status, 'sudah'), 'card', c.id,
                           'central_status', c.central_status)
        FROM card c JOIN resident r ON r.id = c.resident_id
        WHERE c.{_AFFECTED} AND r.recording_status != 'sudah'""",
    f"""UPDATE resident SET recording_status = 'sudah', updated_at = {_NOW}
        WHERE recording_status != 'sudah' AND id IN (SELECT resident_id FROM card WHERE {_AFFECTED})""",
    f"""INSERT INTO audit_log (at, user_id, username, workstation, action, entity, entity_id, changes)
        SELECT {_NOW}, NULL, 'system', 'migration', 'card.status', 'card', id,
               json_object('central_status', json_array(central_status, central_status),
                           'office_status', json_array(office_status, 'waiting_prr'))
        FROM card WHERE {_AFFECTED}""",
    f"""INSERT INTO card_event (card_id, at, central_status, office_status, username, source, note)
        SELECT id, {_NOW}, central_status, 'waiting_prr', 'system', 'migration', 'duplikat diselesaikan di pusat'
        FROM card WHERE {_AFFECTED}""",
    f"""UPDATE card SET office_status = 'waiting_prr', status_changed_at = {_NOW}, updated_at = {_NOW}
        WHERE {_AFFECTED}""",
]
