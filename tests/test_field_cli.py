"""``dukcapil field prepare|open|record|register|status|result|merge`` through CliRunner: the whole
drive from the office to the laptop and back, as an operator types it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner

from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database
from dukcapil_tui.domain import nik as nik_rules
from dukcapil_tui.models import Card, Resident

from conftest import PASSWORD, login_args
from field_helpers import DESA_KUTA, DESA_RMB, add_resident, use
from office_helpers import admin, office  # noqa: F401


pytestmark = pytest.mark.usefixtures("no_tui")  # conftest: the TUI never starts in these tests


@pytest.fixture
def clock(monkeypatch):
    from dukcapil_tui.services import context

    moments = {"now": datetime(2026, 11, 22, 2, 0)}
    monkeypatch.setattr(context, "now_utc", lambda: moments["now"])
    return moments


def run(*args: str, user: str | None = "admin"):
    result = CliRunner().invoke(cli, [*(login_args(user) if user else []), *args], obj=State())
    if database.obj is not None:
        database.close()
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_a_drive_from_the_office_to_the_laptop_and_back(office, admin, clock, tmp_path):
    amaq = add_resident(admin, nik_rules.compose("52.02.04", date(1990, 2, 1), "L", 1), "AMAQ SAHNUN", DESA_RMB)
    add_resident(admin, nik_rules.compose("52.02.04", date(1985, 7, 9), "L", 1), "LALU KUTA", DESA_KUTA, "09-07-1985")
    database.close()
    db = ["--db", str(office)]

    prepared = run(*db, "field", "prepare", "--desa", DESA_RMB, "--desa", DESA_KUTA, "--laptop", "kll-01",
                   "--out", str(tmp_path / "paket.dkf"))
    assert prepared.exit_code == 0, prepared.output
    assert prepared.output.startswith(f"Paket {tmp_path / 'paket.dkf'} dibuat: 2 desa, 2 penduduk, 2 belum rekam.\n")

    field = ["--db", str(tmp_path / "lapangan.sqlite3")]
    password = tmp_path / "sandi.txt"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    opened = run(*field, "field", "open", str(tmp_path / "paket.dkf"), "--key", str(tmp_path / "paket.kunci"),
                 "--admin", "petugas", "--admin-password-file", str(password), user=None)
    assert opened.exit_code == 0, opened.output
    assert ("dibuat untuk laptop KLL-01 (Disdukcapil Kabupaten Lombok Tengah): Rembitan, Kuta, 2 penduduk"
            in opened.output)

    clock["now"] = datetime(2026, 11, 23, 1, 0)
    recorded = run(*field, "field", "record", amaq.nik, user="petugas")
    assert recorded.output == f"Direkam: {amaq.nik} AMAQ SAHNUN (KLL-01).\n"
    newcomer = nik_rules.compose("52.02.04", date(2000, 6, 6), "P", 7)
    registered = run(*field, "field", "register", "--nik", newcomer, "--name", "Baiq Pendatang", "--birth-date",
                     "06-06-2000", "--sex", "P", "--desa", DESA_KUTA, user="petugas")
    assert registered.exit_code == 0, registered.output
    assert f"Penduduk baru didaftarkan: {newcomer} BAIQ PENDATANG." in registered.output
    clock["now"] = datetime(2026, 11, 24, 1, 0)
    assert run(*field, "field", "record", newcomer, user="petugas").exit_code == 0
    unknown = run(*field, "field", "record", "5202040101010009", user="petugas")
    assert unknown.exit_code == 2 and "NIK 5202040101010009 tidak ada di paket ini" in unknown.output
    status = run(*field, "field", "status", user=None)
    assert status.output == ("Laptop KLL-01 (Disdukcapil Kabupaten Lombok Tengah): 3 penduduk (1 baru), 2 direkam, "
                             "1 wajib KTP belum rekam.\n")
    result = run(*field, "field", "result", "--out", str(tmp_path / "hasil.dkf"), user="petugas")
    assert result.output.startswith(f"Hasil {tmp_path / 'hasil.dkf'} dibuat: 2 perekaman, 1 penduduk baru, "
                                    "0 perubahan data.")

    clock["now"] = datetime(2026, 11, 25, 1, 0)
    merged = run(*db, "field", "merge", str(tmp_path / "hasil.dkf"))
    assert merged.exit_code == 0, merged.output
    assert merged.output == (
        "2 hari, 1 kecamatan, 2 desa, 2 direkam; 1 penduduk baru, 0 perubahan data; 0 sudah ada; 0 konflik.\n"
        "  23-11-2026  Pujut / Rembitan: 1 direkam\n"
        "  24-11-2026  Pujut / Kuta: 1 direkam\n")
    again = run(*db, "field", "merge", str(tmp_path / "hasil.dkf"))
    assert again.exit_code == 0
    assert again.output == "Hasil ini sudah digabungkan pada 25-11-2026 09:00 WITA: tidak ada yang ditambahkan.\n"
    use(office)
    assert Card.select().count() == 2
    assert Resident.get(Resident.nik == newcomer).recording_status == "sudah"


def test_merge_lists_conflicts_and_exits_1_and_a_bad_file_exits_2(office, admin, clock, tmp_path):
    from dukcapil_tui.services import field_package, field_work, queue_outcomes

    from field_helpers import LAPTOP, field_actor, office_admin, open_field

    amaq = add_resident(admin, nik_rules.compose("52.02.04", date(1990, 2, 1), "L", 1), "AMAQ SAHNUN", DESA_RMB)
    done = field_package.prepare(office_admin(), [DESA_RMB], LAPTOP, tmp_path / "paket.dkf")
    with database.atomic():  # recorded at the office counter meanwhile
        queue_outcomes.record_resident(office_admin(), amaq, note="A-001")
    use(open_field(tmp_path, done.path, done.key_path))
    field_work.record(field_actor(), amaq.nik)
    result = field_package.write_result(field_actor(), tmp_path / "hasil.dkf")
    database.close()

    merged = run("--db", str(office), "field", "merge", str(result.path))
    assert merged.exit_code == 1
    assert merged.output.splitlines() == [
        "0 hari, 0 kecamatan, 0 desa, 0 direkam; 0 penduduk baru, 0 perubahan data; 0 sudah ada; 1 konflik.",
        "Konflik (data kantor tetap; periksa dan perbaiki bila perlu):",
        f"  - {amaq.nik} AMAQ SAHNUN: direkam dua kali: kartu di kantor (direkam 22-11-2026 di "
        "Disdukcapil Kabupaten Lombok Tengah (TEST-01), menunggu PRR) tetap, perekaman keliling tidak dicatat"]

    junk = tmp_path / "rusak.dkf"
    junk.write_bytes(b"\x00\x01")
    refused = run("--db", str(office), "field", "merge", str(junk))
    assert refused.exit_code == 2
    assert refused.output == f"Berkas {junk} bukan paket perekaman keliling dukcapil.\n"


def test_commands_of_the_field_need_a_login(office, tmp_path):
    database.close()
    refused = run("--db", str(office), "field", "prepare", "--desa", DESA_RMB, "--laptop", "KLL-01", user=None)
    assert refused.exit_code == 2 and "--user" in refused.output
