"""``dukcapil outage add|list|end`` and the questions of ``import statuses`` while the central link
is down, through CliRunner."""

from __future__ import annotations

from datetime import datetime

from dukcapil_tui.db import database, open_database
from dukcapil_tui.models import Outage

from test_cli_head import invoke, no_tui_and_a_fixed_day, office  # noqa: F401  (the same office, clock, runner)


def outages_in(path) -> list[tuple]:
    open_database(path)
    try:
        return [(o.kind, o.site_code, o.started_at, o.ended_at, o.note) for o in Outage.select().order_by(Outage.id)]
    finally:
        database.close()


def test_add_list_and_end(office):
    result = invoke("outage", "add", "--kind", "central", "--start", "12-11-2026 08:00", "--note", "server diblokir")
    assert result.exit_code == 0, result.output
    assert result.output == ("Gangguan #1 dicatat: server pusat diblokir, seluruh kantor, mulai 12-11-2026 08:00 "
                             "WITA.\n")
    assert invoke("outage", "add", "--kind", "power", "--site", "dinas").exit_code == 0  # now
    listed = invoke("outage", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[1].split()[:5] == ["2", "listrik", "padam", "DINAS", "22-11-2026"]
    assert "server pusat diblokir   seluruh kantor  12-11-2026 08:00 WITA berlangsung" in lines[2]
    assert "242,0" in lines[2] and lines[2].endswith("server diblokir")
    ended = invoke("outage", "end", "1", "--at", "21-11-2026 20:00", "--note", "dibuka pusat")
    assert ended.output == "Gangguan #1 selesai 21-11-2026 20:00 WITA (228,0 jam).\n"
    assert [line.split()[0] for line in invoke("outage", "list", "--open").output.splitlines()[1:]] == ["2"]
    assert outages_in(office) == [
        ("central", None, datetime(2026, 11, 12, 0, 0), datetime(2026, 11, 21, 12, 0), "server diblokir"),
        ("power", "DINAS", datetime(2026, 11, 22, 2, 0), None, ""),
    ]


def test_refusals_are_clean_messages(office):
    # every refusal exits 2 with its message (RefusalGroup), like click's own usage errors
    for args, code, message in (
        (("outage", "add", "--kind", "central", "--start", "esok"), 2,
         "Mulai: 'esok' bukan waktu yang dikenal; tulis DD-MM-YYYY JJ:MM"),
        (("outage", "add", "--kind", "central", "--start", "23-11-2026 08:00"), 2, "Mulai tidak boleh di masa depan."),
        (("outage", "add", "--kind", "power", "--site", "UPT-ENTAH"), 2, "UPT-ENTAH"),
        (("outage", "add", "--kind", "banjir"), 2, "Nilai tidak sah untuk '--kind'"),
        (("outage", "end", "7"), 2, "Gangguan #7 tidak ditemukan."),
    ):
        result = invoke(*args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert invoke("outage", "add", "--kind", "central", "--start", "21-11-2026 08:00").exit_code == 0
    again = invoke("outage", "add", "--kind", "central", "--start", "21-11-2026 09:00")
    assert again.exit_code == 2 and "Sudah ada gangguan #1" in again.output
    invoke("outage", "end", "1")
    twice = invoke("outage", "end", "1")
    assert twice.exit_code == 2 and "Gangguan #1 sudah selesai pada 22-11-2026 10:00 WITA." in twice.output
    assert invoke("outage", "list", login=False).exit_code == 0  # reading needs no login
    assert len(outages_in(office)) == 1


def test_a_status_import_asks_while_the_central_link_is_down(office, tmp_path):
    listing = tmp_path / "status.csv"
    listing.write_text("NIK,STATUS\n", encoding="utf-8")
    assert invoke("outage", "add", "--kind", "network", "--start", "22-11-2026 07:00").exit_code == 0
    refused = invoke("import", "statuses", str(listing), "--report-dir", str(tmp_path))
    assert refused.exit_code != 0
    assert "Koneksi ke pusat sedang terputus: jaringan putus (seluruh kantor, sejak 22-11-2026 07:00 WITA)" \
        in refused.output and "--confirm-unusual" in refused.output
    went = invoke("import", "statuses", str(listing), "--report-dir", str(tmp_path), "--confirm-unusual")
    assert went.exit_code == 0, went.output
