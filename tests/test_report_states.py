"""The recaps' view of a past day, at its edges: a card's state at the end of a day (its last
event before the end, by id) and the residents first recorded after a day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dukcapil_tui.db import database, sum_true
from dukcapil_tui.models import Card, CardEvent, Resident
from dukcapil_tui.reports import common

from report_helpers import KUTA, adult_resident, clock, office, report_template  # noqa: F401

DAY = date(2026, 11, 10)


def _resident(number: int) -> Resident:
    return adult_resident("edge", 900 + number)


def _card(resident: Resident, recorded: datetime, office_status: str, events, reason: str = "baru") -> int:
    card = Card.create(uuid=f"edge-card-{resident.id}-{recorded}", resident=resident.id, reason=reason,
                       recorded_at=recorded, recorded_where="TEST", central_status="X", office_status=office_status,
                       workstation="TEST-01", created_at=recorded, updated_at=recorded, status_changed_at=recorded)
    for at, status in events:
        CardEvent.create(card=card.id, at=at, central_status=status.upper(), office_status=status, username="t",
                         source="test")
    return card.id


def test_a_cards_state_at_the_end_of_a_day_is_its_last_event_before_the_end(office):  # noqa: F811
    end = datetime.fromisoformat(common.utc_bounds(DAY, DAY)[1])  # stored as naive UTC text
    second = timedelta(seconds=1)
    early = end - timedelta(days=3)
    with database.atomic():
        # two events before the end: the later one (by id) counts, even at the same moment
        a = _card(_resident(1), early, "handed_over",
                  [(early, "waiting_prr"), (end - second, "ready_to_print"), (end - second, "printed"),
                   (end, "handed_over")])
        # events, but none before the end: not a card of that day
        b = _card(_resident(2), early, "ready_to_print", [(end, "waiting_prr"), (end + second, "ready_to_print")])
        # no events at all: the card's own status
        c = _card(_resident(3), early, "ready_to_print", [])
        # recorded at the end itself: not a card of that day
        d = _card(_resident(4), end, "waiting_prr", [])
    states, params = common.card_states_sql(DAY)
    rows = [row for row in common.query(states, params) if row[0] in (a, b, c, d)]
    got = {row[0]: (row[4], row[5]) for row in rows}
    assert got == {a: ("printed", "PRINTED"), c: ("ready_to_print", "X")}
    assert len(rows) == 2  # each card once


def test_the_residents_first_recorded_since_a_moment_are_exactly_those(office):  # noqa: F811
    end = datetime.fromisoformat(common.utc_bounds(DAY, DAY)[1])  # stored as naive UTC text
    second = timedelta(seconds=1)
    with database.atomic():
        at_end = _resident(1)
        _card(at_end, end, "waiting_prr", [])  # a new recording at the end itself: since
        before = _resident(2)
        _card(before, end - second, "waiting_prr", [])  # a second before: not since
        reprint_after = _resident(3)
        _card(reprint_after, end + second, "waiting_prr", [], reason="hilang")  # no new recording: not since
        older_card = _resident(4)
        _card(older_card, end - timedelta(days=400), "handed_over", [], reason="baru")
        _card(older_card, end + second, "waiting_prr", [], reason="baru")  # an earlier card: recorded before
        reprint_then_new = _resident(5)
        _card(reprint_then_new, end + second, "printed", [], reason="rusak")
        _card(reprint_then_new, end + 2 * second, "waiting_prr", [], reason="baru")  # all cards since, one new
    since = {row[0] for row in common.query(common.first_recorded_since_sql(), {"end": str(end)})}
    mine = {at_end.id, before.id, reprint_after.id, older_card.id, reprint_then_new.id}
    assert since & mine == {at_end.id, reprint_then_new.id}
    # the definition, written as a grouping over every card, agrees on the whole office
    new_recordings = sum_true("reason = 'baru'")
    assert since == {row[0] for row in common.query(
        "SELECT resident_id FROM card GROUP BY resident_id HAVING MIN(recorded_at) >= :end "
        f"AND {new_recordings} > 0", {"end": str(end)})}


def test_the_backlog_recap_counts_a_card_in_the_kecamatan_it_was_recorded_for(office, tmp_path):  # noqa: F811
    """As the backlog screen does: a holder who moved to another kecamatan afterwards does not
    move the card (the card's kecamatan_code, set when it was made)."""
    from dukcapil_tui.reports import backlog
    from dukcapil_tui.reports.periods import Period

    from report_helpers import PRAYA

    today = date(2026, 11, 22)
    before = {row[0]: sum(row[2].values()) for row in backlog.collect(Period.for_date(today)).by_kecamatan}
    with database.atomic():
        moved = _resident(7)
        _card(moved, datetime(2026, 11, 20, 2), "ready_to_print", [(datetime(2026, 11, 20, 2), "ready_to_print")])
        Resident.update(desa_code=PRAYA, kecamatan_code=PRAYA[:8]).where(Resident.id == moved.id).execute()
    after = {row[0]: sum(row[2].values()) for row in backlog.collect(Period.for_date(today)).by_kecamatan}
    assert after[KUTA[:8]] == before[KUTA[:8]] + 1
    assert after[PRAYA[:8]] == before[PRAYA[:8]]
    # and the sheet says so, beside the capaian recap that counts where the holder lives now
    from openpyxl import load_workbook

    from dukcapil_tui.reports.common import letterhead

    path = tmp_path / "backlog.xlsx"
    backlog.write(backlog.collect(Period.for_date(today)), path, letterhead())
    heading = " ".join(str(c.value) for row in load_workbook(path)["Per kecamatan"].iter_rows(max_row=8) for c in row
                       if c.value)
    assert "tempat tinggal pemegang saat kartu direkam" in heading and "desa pemegang sekarang" in heading


def test_the_backlog_recap_ages_cards_by_whole_days_at_each_bucket_edge(office):  # noqa: F811
    """Age = days from the recording's date to the day asked: 7 is 0–7 and 8 is 8–30 (status),
    2 is 0–2 and 3 is 3–7 (unsent), 30 is not "more than 30 days" and 31 is; the oldest is the
    largest age."""
    from dukcapil_tui.reports import backlog
    from dukcapil_tui.reports.periods import Period

    today = date(2026, 11, 22)

    def collect():
        data = backlog.collect(Period.for_date(today))
        kuta = next(row for row in data.by_kecamatan if row[0] == KUTA[:8])
        unsent = next(row for row in data.unsent_by_kecamatan if row[0] == KUTA[:8])
        return data.by_status_age["ready_to_print"], kuta[3], kuta[4], unsent[3]

    status_before, old_before, _, unsent_before = collect()
    with database.atomic():
        for number, (days, moment, status) in enumerate((
            (7, (23, 59, 59), "ready_to_print"), (8, (0, 0, 0), "ready_to_print"),
            (30, (23, 59, 59), "ready_to_print"), (31, (0, 0, 0), "ready_to_print"),
            (2, (23, 59, 59), "waiting_prr"), (3, (0, 0, 0), "waiting_prr"),
        ), start=1):
            at = datetime.combine(today - timedelta(days=days), datetime.min.time()).replace(
                hour=moment[0], minute=moment[1], second=moment[2])
            card = _card(_resident(10 + number), at, status, [(at, status)])
            if status == "waiting_prr":
                Card.update(central_status="BIO_CAPTURED").where(Card.id == card).execute()
                CardEvent.update(central_status="BIO_CAPTURED").where(CardEvent.card == card).execute()
    status_after, old_after, oldest, unsent_after = collect()
    assert {b: status_after[b] - status_before[b] for b in status_after} == {
        "0–7": 1, "8–30": 2, "31–90": 1, "> 90": 0}
    assert old_after - old_before == 1
    assert oldest >= 31
    assert {b: unsent_after[b] - unsent_before[b] for b in unsent_after} == {"0–2": 1, "3–7": 1, "8–30": 0, "> 30": 0}
