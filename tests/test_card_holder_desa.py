"""The card carries its holder's desa now (migration 16, ``card.holder_desa_code``), however
the card was made and whichever way the holder moved; the recaps that count cards per desa
read it instead of the register, and their counts equal the cards counted one by one through
the register, now and on a past day, at every edge of "by the end of the day"."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta

from dukcapil_tui.db import database, open_database
from dukcapil_tui.migrations import MIGRATIONS
from dukcapil_tui.models import Card, CardEvent, Resident, Suket
from dukcapil_tui.reports import capaian, common, menunggu
from dukcapil_tui.reports.periods import Period
from dukcapil_tui.services import card_status
from dukcapil_tui.services.context import system_actor

from report_helpers import (  # noqa: F401
    KUTA, PRAYA, REMBITAN, TODAY, adult_resident, clock, office, report_template)

DAY = date(2026, 11, 10)
SECOND = timedelta(seconds=1)


def _resident(number: int, desa: str = KUTA) -> Resident:
    return adult_resident("holder", 800 + number, desa)


def _card(resident: Resident, recorded: datetime, events: list[tuple[datetime, str]], office_status: str = "",
          origin: str = "loket") -> int:
    """A card inserted without holder_desa_code (as the demo and older versions do: the
    trigger's), standing where its last event left it (every status change writes an event)."""
    status = office_status or events[-1][1]
    card = Card.create(uuid=f"holder-card-{resident.id}-{recorded}", resident=resident.id, reason="baru",
                       recorded_at=recorded, recorded_where="TEST", central_status=status.upper(),
                       office_status=status, workstation="TEST-01", created_at=recorded, updated_at=recorded,
                       status_changed_at=recorded, origin=origin)
    for at, event_status in events:
        CardEvent.create(card=card.id, at=at, central_status=event_status.upper(), office_status=event_status,
                         username="t", source="test")
    return card.id


def _holder(card_id: int) -> str:
    return database.execute_sql("SELECT holder_desa_code FROM card WHERE id = ?", (card_id,)).fetchone()[0]


def _through_register(day: date) -> Counter:
    """The definition: every card's state at the end of ``day``, grouped by its holder's desa
    read from the register (as the recap grouped them before migration 16)."""
    states, params = common.card_states_sql(day)
    return Counter({(desa, origin, status): count for desa, origin, status, count in common.query(
        f"SELECT r.desa_code, s.origin, s.office_status, COUNT(*) FROM ({states}) s "
        "JOIN resident r ON r.id = s.resident_id GROUP BY 1, 2, 3", params)})


def _from_recap(day: date) -> Counter:
    """What the capaian recap counted per desa (PRR, printed, not printed), the same way."""
    data = capaian.collect(Period("date", day, day))
    return Counter({(a.code, field): getattr(a, field) for a in data.desa
                    for field in ("prr", "printed", "not_printed") if getattr(a, field)})


def _expected_recap(day: date) -> Counter:
    got: Counter = Counter()
    for (desa, _origin, status), count in _through_register(day).items():
        if status == "ready_to_print":
            got[(desa, "prr")] += count
        if status in ("printed", "handed_over"):
            got[(desa, "printed")] += count
        if status in ("waiting_prr", "ready_to_print", "needs_rerecording"):
            got[(desa, "not_printed")] += count
    return got


def test_a_card_carries_its_holders_desa_however_it_was_made_and_wherever_the_holder_moves(office):  # noqa: F811
    with database.atomic():
        mover, stayer = _resident(1), _resident(2, REMBITAN)
        made_here = card_status.create(system_actor("TEST-01"), mover, reason="baru", recorded_where="LOKET").id
        inserted = _card(mover, datetime(2026, 11, 1), [(datetime(2026, 11, 1), "waiting_prr")])
        other = _card(stayer, datetime(2026, 11, 1), [(datetime(2026, 11, 1), "waiting_prr")])
    assert (_holder(made_here), _holder(inserted), _holder(other)) == (KUTA, KUTA, REMBITAN)
    # any writer that moves the holder moves the cards (the service, an import, a merge: a trigger)
    Resident.update(desa_code=PRAYA, kecamatan_code=PRAYA[:8]).where(Resident.id == mover.id).execute()
    assert (_holder(made_here), _holder(inserted), _holder(other)) == (PRAYA, PRAYA, REMBITAN)
    # where the holder lived when the card was made stays (the backlog's kecamatan)
    assert Card.get_by_id(inserted).kecamatan_code == KUTA[:8]
    # an update that sets the desa to what it was, or changes something else, leaves the cards
    # (a marker in the card shows that the trigger did not write)
    database.execute_sql("UPDATE card SET holder_desa_code = 'X' WHERE id IN (?, ?)", (inserted, other))
    Resident.update(name="WARGA BARU", desa_code=PRAYA).where(Resident.id == mover.id).execute()
    Resident.update(address="JALAN LAIN").where(Resident.id == stayer.id).execute()
    assert (_holder(inserted), _holder(other)) == ("X", "X")
    database.execute_sql("UPDATE card SET holder_desa_code = ? WHERE id = ?", (PRAYA, inserted))
    database.execute_sql("UPDATE card SET holder_desa_code = ? WHERE id = ?", (REMBITAN, other))
    # and back again
    Resident.update(desa_code=KUTA, kecamatan_code=KUTA[:8]).where(Resident.id == mover.id).execute()
    assert (_holder(made_here), _holder(inserted)) == (KUTA, KUTA)
    assert _from_recap(TODAY) == _expected_recap(TODAY)


def test_cards_made_in_bulk_carry_the_desa_given_or_looked_up(office):  # noqa: F811
    with database.atomic():
        first, second = _resident(1), _resident(2, REMBITAN)
        created = card_status.create_many(system_actor("TEST-01"), [
            card_status.NewCard(first.id, first.kecamatan_code, "baru", "LISTING", origin="siak"),
            card_status.NewCard(second.id, second.kecamatan_code, "baru", "LISTING", origin="siak",
                                desa_code=PRAYA)], "import")
    # looked up in the register, or as the caller (a listing, which read it with the NIKs) gives it
    assert [_holder(card_id) for card_id in created.card_ids] == [KUTA, PRAYA]


def test_the_recaps_card_counts_per_desa_equal_the_cards_counted_through_the_register(office):  # noqa: F811
    end = datetime.fromisoformat(common.utc_bounds(DAY, DAY)[1])  # stored as naive UTC text
    early = end - timedelta(days=3)
    before = _from_recap(DAY)
    with database.atomic():
        _card(_resident(1), early, [(early, "waiting_prr"), (end - SECOND, "ready_to_print")])
        _card(_resident(2), early, [(early, "waiting_prr"), (end, "ready_to_print")])  # at the end: after
        _card(_resident(3, REMBITAN), early, [(early, "waiting_prr"), (end - SECOND, "ready_to_print"),
                                              (end + SECOND, "printed")], origin="siak")
        _card(_resident(4), early, [(end, "ready_to_print")], origin="siak")  # no event before the end
        _card(_resident(5), end - SECOND, [], office_status="printed")  # no events: its own status
        _card(_resident(6), end, [], office_status="printed")  # recorded at the end: not that day's
        moved = _resident(7)
        _card(moved, early, [(early, "waiting_prr"), (end + SECOND, "handed_over")])
    Resident.update(desa_code=PRAYA, kecamatan_code=PRAYA[:8]).where(Resident.id == moved.id).execute()
    for day in (DAY, DAY - timedelta(days=5), TODAY):
        assert _from_recap(day) == _expected_recap(day), day
    added = _from_recap(DAY)
    added.subtract(before)
    # at the end of DAY: 1 ready (KUTA), 2 waiting (its event at the end is after it), 3 ready
    # (REMBITAN, printed only after), 5 printed (no events); 4, 6 not yet; the mover's waiting
    # card counted where they live now
    assert +added == Counter({(KUTA, "prr"): 1, (KUTA, "not_printed"): 2, (KUTA, "printed"): 1,
                              (REMBITAN, "prr"): 1, (REMBITAN, "not_printed"): 1, (PRAYA, "not_printed"): 1})
    assert -added == Counter()


def _waiting_rows(day: date) -> tuple[dict, dict]:
    """The waiting list's own rows, counted: per kecamatan [waiting, with a Suket], per status."""
    per_kecamatan: dict[str, list[int]] = {}
    by_status: Counter = Counter()
    for _nik, _name, _sex, desa, _address, _rt, _rw, _recorded, status, number, _until in menunggu.rows(
            Period("date", day, day)):
        row = per_kecamatan.setdefault(desa[:8], [0, 0])
        row[0] += 1
        row[1] += number is not None
        by_status[status] += 1
    return per_kecamatan, dict(by_status)


def test_the_waiting_lists_counts_are_its_rows_counted_now_and_on_a_past_day(office):  # noqa: F811
    with database.atomic():
        moved = _resident(1)
        card = _card(moved, datetime(2026, 11, 1), [(datetime(2026, 11, 1), "waiting_prr")])
        _card(_resident(2, REMBITAN), datetime(2026, 11, 2), [(datetime(2026, 11, 2), "ready_to_print")])
        Suket.create(uuid="holder-suket", number="470/9901/TEST", year=2026, seq=9901, resident=moved.id, card=card,
                     issued_at=datetime(2026, 11, 3), valid_until=date(2027, 5, 3), username="t", status="open")
    before = menunggu.counts(Period("date", TODAY, TODAY)).per_kecamatan
    Resident.update(desa_code=PRAYA, kecamatan_code=PRAYA[:8]).where(Resident.id == moved.id).execute()
    for day in (TODAY, DAY):
        counted = menunggu.counts(Period("date", day, day))
        per_kecamatan, by_status = _waiting_rows(day)
        assert {code: row[:2] for code, row in counted.per_kecamatan.items()} == per_kecamatan
        assert counted.by_status == by_status
    after = menunggu.counts(Period("date", TODAY, TODAY)).per_kecamatan
    praya_then = before.get(PRAYA[:8], [0, 0])
    assert after[PRAYA[:8]][:2] == [praya_then[0] + 1, praya_then[1] + 1]  # the mover's card and Suket
    assert after[KUTA[:8]][:2] == [before[KUTA[:8]][0] - 1, before[KUTA[:8]][1] - 1]


def test_the_migration_gives_existing_cards_their_holders_desa(tmp_path):
    number = next(n for n, description, _ in MIGRATIONS if description.startswith("the card carries its holder"))
    path = tmp_path / "before.sqlite3"
    connection = sqlite3.connect(path)
    for _number, _, statements in MIGRATIONS[:number - 1]:
        for statement in statements:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {number - 1}")
    connection.execute("INSERT INTO setting (key, value) VALUES ('region_code', '52.02'), "
                       "('timezone', 'Asia/Makassar')")
    for code, name in ((REMBITAN, "Rembitan"), (KUTA, "Kuta")):
        connection.execute("INSERT INTO region (code, name, level) VALUES (?, ?, 'desa')", (code, name))
    for number_, desa in ((1, REMBITAN), (2, KUTA)):
        connection.execute(
            "INSERT INTO resident (id, uuid, nik, name, birth_date, sex, desa_code, kecamatan_code, marital_status, "
            "recording_status, workstation, created_at, updated_at) VALUES (?, ?, ?, 'WARGA', '1990-01-01', 'L', "
            "?, ?, 'kawin', 'sudah', 'LAMA', '2026-01-01', '2026-01-01')",
            (number_, f"r{number_}", f"520204010190{number_:04d}", desa, desa[:8]))
        connection.execute(
            "INSERT INTO card (uuid, resident_id, reason, recorded_at, recorded_where, central_status, office_status, "
            "workstation, created_at, updated_at) VALUES (?, ?, 'baru', '2026-01-01', 'Dinas', 'X', 'waiting_prr', "
            "'LAMA', '2026-01-01', '2026-01-01')", (f"c{number_}", number_))
    connection.commit()
    connection.close()
    db = open_database(path, backup_dir=tmp_path / "cadangan")
    assert db.execute_sql("SELECT resident_id, holder_desa_code FROM card ORDER BY resident_id").fetchall() == [
        (1, REMBITAN), (2, KUTA)]
    indexes = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN "
                                  "('card_recorded', 'card_event_card')").fetchall())
    assert "(recorded_at, id, resident_id, reason)" in indexes["card_recorded"]
    assert "(card_id, id, at)" in indexes["card_event_card"]


def test_the_database_check_finds_a_card_whose_holder_desa_went_astray(office):  # noqa: F811
    from dukcapil_tui.services.check import run_checks

    def findings() -> list[str]:
        return [p for p in run_checks() if p.startswith("kartu:")]

    with database.atomic():
        card = _card(_resident(1), datetime(2026, 11, 1), [(datetime(2026, 11, 1), "waiting_prr")])
    assert findings() == []
    database.execute_sql("UPDATE card SET holder_desa_code = ? WHERE id = ?", (REMBITAN, card))
    assert findings() == ["kartu: 1 kartu mencatat desa pemegang yang berbeda dari register: angka kartu per desa "
                          "dalam rekap akan salah"]
    from dukcapil_tui import db as dbmod

    on_table = " ON resident" if dbmod.dialect() == "postgres" else ""
    database.execute_sql(f"DROP TRIGGER resident_moved_cards{on_table}")
    assert any("trigger resident_moved_cards hilang" in p for p in findings())
