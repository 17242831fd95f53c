"""The ``dukcapil`` command line, driven through click's CliRunner (never the TUI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from dukcapil_tui import __version__, paths
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database, open_database
from dukcapil_tui.domain import nik as nik_rules

from conftest import PASSWORD, login_args

OFFICE = "Disdukcapil Kabupaten Lombok Tengah"


pytestmark = pytest.mark.usefixtures("no_tui")  # conftest: the TUI never starts in these tests


def invoke(*args: str, input: str | None = None):
    """Run ``dukcapil ARGS`` the way ``main()`` does; State() reads the test's DUKCAPIL_HOME."""
    result = CliRunner().invoke(cli, list(args), obj=State(), input=input)
    if database.obj is not None:
        database.close()
    return result


def assert_clean_exit(result, code: int) -> None:
    """The exit code is the expected one, and no traceback escaped."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.fixture
def password_file(tmp_path) -> Path:
    path = tmp_path / "sandi.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


@pytest.fixture
def office(tmp_path, password_file) -> Path:
    """An office database made by ``dukcapil init`` at the default location."""
    result = invoke("init", "--office", OFFICE, "--region", "52.02", "--admin-password-file", str(password_file))
    assert_clean_exit(result, 0)
    return paths.default_db_path()


def as_admin(*args: str, input: str | None = None):
    """``dukcapil --user admin --password-file … ARGS``: a command that writes, logged in."""
    return invoke(*login_args(), *args, input=input)


def write_password(tmp_path, text: str, name: str = "baru.txt") -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return str(path)


# --- basics ---------------------------------------------------------------------------------

def test_version():
    result = invoke("--version")
    assert_clean_exit(result, 0)
    assert result.output.strip() == f"dukcapil, version {__version__}"


def test_help_lists_the_subcommands():
    result = invoke("--help")
    assert_clean_exit(result, 0)
    for command in ("init", "demo", "check", "backup", "restore", "import", "users", "nik", "locate"):
        assert f"  {command} " in result.output


def test_no_subcommand_and_no_database_prints_the_hint():
    result = invoke()
    assert result.exit_code == 2
    assert "dukcapil init" in result.stderr and "dukcapil demo" in result.stderr
    assert str(paths.default_db_path()) in result.stderr
    assert not paths.default_db_path().exists()


def test_an_empty_file_is_no_database_and_stays_untouched(tmp_path):
    empty = tmp_path / "kosong.sqlite3"
    empty.touch()
    result = invoke("--db", str(empty), "check")
    assert result.exit_code == 2 and "dukcapil init" in result.stderr
    assert empty.stat().st_size == 0


def test_a_file_that_is_not_a_database_is_refused_without_a_traceback(tmp_path):
    junk = tmp_path / "bukan.sqlite3"
    junk.write_bytes(b"bukan basis data " * 400)
    result = invoke("--db", str(junk), "users", "list")
    assert_clean_exit(result, 2)
    assert "tidak dapat dibuka sebagai basis data" in result.stderr


def test_locate_honours_db_option_and_environment(tmp_path, monkeypatch, isolated_home):
    result = invoke("locate")
    assert_clean_exit(result, 0)
    lines = dict(line.split(None, 1) for line in result.output.splitlines())
    assert lines["database"] == str(isolated_home / "data" / "dukcapil.sqlite3")
    assert lines["exports"] == str(isolated_home / "data" / "exports")
    assert lines["backups"] == str(isolated_home / "data" / "backups")
    assert lines["config"] == str(isolated_home / "config" / "config.toml")

    result = invoke("--db", str(tmp_path / "lain.sqlite3"), "locate")
    assert f"database  {tmp_path / 'lain.sqlite3'}" in result.output

    monkeypatch.setenv("DUKCAPIL_DB", str(tmp_path / "env.sqlite3"))
    assert f"database  {tmp_path / 'env.sqlite3'}" in invoke("locate").output
    assert f"database  {tmp_path / 'opsi.sqlite3'}" in invoke("--db", str(tmp_path / "opsi.sqlite3"), "locate").output


# --- init -----------------------------------------------------------------------------------

def test_init_creates_the_office(office):
    assert office.exists()
    open_database(office)
    from dukcapil_tui.models import AppUser
    from dukcapil_tui.services import settings

    assert settings.get("office_name") == OFFICE
    assert [u.username for u in AppUser.select()] == ["admin"]


def test_init_output(tmp_path, password_file):
    target = tmp_path / "kantor.sqlite3"
    result = invoke("--db", str(target), "init", "--office", OFFICE, "--region", "52.02",
                    "--admin", "kepala", "--admin-password-file", str(password_file))
    assert_clean_exit(result, 0)
    assert result.output == (
        f"Basis data kantor dibuat: {target}\n"
        f"{OFFICE}, Kabupaten Lombok Tengah (52.02): 12 kecamatan, 154 desa/kelurahan. Admin: kepala.\n"
    )


def test_init_prompts_for_the_password(tmp_path):
    target = tmp_path / "kantor.sqlite3"
    result = invoke("--db", str(target), "init", "--office", OFFICE, "--region", "52.02",
                    input=f"{PASSWORD}\n{PASSWORD}\n")
    assert_clean_exit(result, 0)
    assert "Basis data kantor dibuat" in result.output
    invoke("--db", str(target), "check")
    open_database(target)
    from dukcapil_tui.services.users import authenticate

    assert authenticate("admin", PASSWORD, "WS").ok


def test_init_refuses_an_existing_database(office, password_file):
    before = office.read_bytes()
    result = invoke("init", "--office", "Kantor Lain", "--region", "52.02", "--admin-password-file", str(password_file))
    assert_clean_exit(result, 2)
    assert "sudah ada" in result.stderr and "--db" in result.stderr
    assert office.read_bytes() == before


def test_init_refuses_an_unknown_region(tmp_path, password_file):
    target = tmp_path / "kantor.sqlite3"
    result = invoke("--db", str(target), "init", "--office", OFFICE, "--region", "99.99",
                    "--admin-password-file", str(password_file))
    assert_clean_exit(result, 2)
    assert "Kode kabupaten/kota 99.99 tidak ada dalam daftar wilayah Kemendagri." in result.stderr
    assert not target.exists()


def test_init_refuses_a_short_admin_password(tmp_path):
    target = tmp_path / "kantor.sqlite3"
    result = invoke("--db", str(target), "init", "--office", OFFICE, "--region", "52.02",
                    "--admin-password-file", write_password(tmp_path, "pendek"))
    assert_clean_exit(result, 2)
    assert "Kata sandi minimal 10 karakter." in result.stderr
    assert list(tmp_path.glob("kantor.sqlite3*")) == []


def open_workstation() -> str:
    from dukcapil_tui.services import workstations

    return workstations.here().code


# --- nik ------------------------------------------------------------------------------------

def test_nik_valid():
    result = invoke("nik", "5202045708050003")
    assert_clean_exit(result, 0)
    out = result.output
    assert "Wilayah penerbitan 52.02.04 Kec. Pujut, Kabupaten Lombok Tengah, Provinsi Nusa Tenggara Barat\n" in out
    assert "17-08-2005" in out and "Perempuan" in out and "0003" in out
    assert out.rstrip().endswith("NIK valid")


def test_nik_invalid_exits_1():
    result = invoke("nik", "12345")
    assert_clean_exit(result, 1)
    assert "NIK harus 16 angka (terisi 5)." in result.output
    assert result.output.rstrip().endswith("NIK tidak valid")


def test_nik_warnings_do_not_make_it_invalid():
    result = invoke("nik", "9999041708050000")
    assert_clean_exit(result, 0)
    assert "Wilayah penerbitan 99.99.04 (tidak ada dalam daftar wilayah Kemendagri)\n" in result.output
    assert (
        "Peringatan: Kode wilayah NIK 99.99.04 bukan kecamatan mana pun dalam daftar wilayah Kemendagri"
        in result.output
    )
    assert "Peringatan: Nomor urut NIK 0000 tidak lazim" in result.output


def test_nik_in_english():
    result = invoke("--lang", "en", "nik", "5202041708050001")
    assert_clean_exit(result, 0)
    assert "Issuing region" in result.output and "Male" in result.output
    assert "Birth date" in result.output and result.output.rstrip().endswith("NIK valid")
    bad = invoke("--lang", "en", "nik", "123")
    assert_clean_exit(bad, 1)
    assert "A NIK must be 16 digits (got 3)." in bad.output and "NIK invalid" in bad.output


# --- users ----------------------------------------------------------------------------------

def test_users_add_list_disable_enable_passwd(office, tmp_path, password_file):
    result = as_admin("users", "add", "loket1", "--name", "Baiq Nurul", "--role", "loket",
                    "--password-file", str(password_file))
    assert_clean_exit(result, 0)
    assert result.output.strip() == "Pengguna loket1 (loket) dibuat."

    listing = as_admin("users", "list")
    assert_clean_exit(listing, 0)
    rows = listing.output.splitlines()
    assert rows[0].split() == ["NAMA", "PENGGUNA", "PERAN", "STATUS", "NAMA", "LENGKAP"]
    assert rows[1].split()[:3] == ["admin", "admin", "aktif"]
    assert rows[2].split() == ["loket1", "loket", "aktif", "Baiq", "Nurul"]

    assert_clean_exit(as_admin("users", "disable", "loket1"), 0)
    assert "loket1           loket    nonaktif" in as_admin("users", "list").output
    open_database(office)
    from dukcapil_tui.models import AuditLog
    from dukcapil_tui.services.users import authenticate

    assert not authenticate("loket1", PASSWORD, "WS").ok
    entry = AuditLog.select().where(AuditLog.action == "user.disable").get()
    # The audit names the app user who logged in and the registered workstation, never an OS account.
    assert (entry.username, entry.user_id) == ("admin", 1)
    assert entry.workstation == open_workstation()
    database.close()

    assert_clean_exit(as_admin("users", "enable", "loket1"), 0)
    result = as_admin("users", "passwd", "loket1", "--password-file", write_password(tmp_path, "sandi-baru-99"))
    assert_clean_exit(result, 0)
    assert "Kata sandi loket1 diganti" in result.output
    open_database(office)
    assert authenticate("loket1", "sandi-baru-99", "WS").ok
    assert not authenticate("loket1", PASSWORD, "WS").ok


def test_users_list_shows_a_lock(office, password_file):
    as_admin("users", "add", "loket1", "--name", "Loket", "--role", "loket", "--password-file", str(password_file))
    open_database(office)
    from dukcapil_tui.services.users import authenticate

    for attempt in range(5):
        authenticate("loket1", f"salah-{attempt}", "WS")
    database.close()
    assert "loket1           loket    terkunci s.d." in as_admin("users", "list").output


def test_commands_that_write_or_export_need_a_login(office, tmp_path, password_file):
    for args in (("users", "list"), ("users", "add", "x1", "--name", "X", "--role", "loket"),
                 ("import", "residents", str(password_file)), ("export", "capaian"), ("backup",),
                 ("settings", "head_name", "X"), ("blangko", "receive", "10", "--document", "D", "--source", "S"),
                 ("queue", "close-day"), ("target", "2026", "98")):
        result = invoke(*args)
        assert_clean_exit(result, 2)
        assert "dukcapil --user NAMA" in result.stderr and "--password-file" in result.stderr, args
    # Read-only commands need none.
    for args in (("nik", "5202045708050003"), ("locate",), ("check",), ("settings",), ("blangko", "balance")):
        assert_clean_exit(invoke(*args), 0)


def test_a_wrong_password_on_the_command_line_is_refused_like_in_the_tui(office, tmp_path):
    wrong = write_password(tmp_path, "bukan-sandinya")
    result = invoke("--user", "admin", "--password-file", wrong, "users", "list")
    assert_clean_exit(result, 2)
    assert result.stderr.startswith("Gagal masuk: nama pengguna atau kata sandi salah")
    prompted = invoke("--user", "admin", "users", "list", input=PASSWORD + "\n")
    assert_clean_exit(prompted, 0)
    assert "admin" in prompted.output


def test_roles_apply_on_the_command_line(office, tmp_path, password_file):
    as_admin("users", "add", "loket1", "--name", "Loket", "--role", "loket", "--password-file", str(password_file))
    loket = ("--user", "loket1", "--password-file", str(password_file))
    listing = invoke(*loket, "users", "list")
    assert_clean_exit(listing, 2)
    assert "Peran loket tidak berwenang untuk mengelola pengguna." in listing.stderr
    setting = invoke(*loket, "settings", "head_name", "X")
    assert_clean_exit(setting, 2)
    assert "Peran loket tidak berwenang" in setting.stderr
    named = invoke(*loket, "export", "belum-rekam")
    assert_clean_exit(named, 2)
    assert "Peran loket tidak berwenang" in named.stderr


def test_users_errors_are_readable(office, password_file, tmp_path):
    dup = as_admin("users", "add", "admin", "--name", "Lagi", "--role", "admin", "--password-file", str(password_file))
    assert_clean_exit(dup, 2)
    assert dup.stderr == "Data belum benar:\n  - Nama pengguna admin sudah dipakai.\n"
    short = as_admin("users", "add", "loket1", "--name", "Loket", "--role", "loket",
                   "--password-file", write_password(tmp_path, "pendek"))
    assert_clean_exit(short, 2)
    assert "Kata sandi minimal 10 karakter." in short.stderr
    bad_role = as_admin("users", "add", "x1x", "--name", "X", "--role", "raja", "--password-file", str(password_file))
    assert bad_role.exit_code == 2 and "raja" in bad_role.output
    last = as_admin("users", "disable", "admin")
    assert_clean_exit(last, 2)
    assert "Admin aktif terakhir tidak boleh dinonaktifkan." in last.stderr
    missing = as_admin("users", "enable", "hantu")
    assert_clean_exit(missing, 2)
    assert "Pengguna hantu tidak ditemukan." in missing.stderr


def test_users_without_a_database():
    result = as_admin("users", "list")
    assert_clean_exit(result, 2)
    assert "Belum ada basis data" in result.stderr


# --- check ----------------------------------------------------------------------------------

def test_check_passes_on_a_healthy_database(office):
    result = invoke("check")
    assert_clean_exit(result, 0)
    assert result.output.strip() == "Basis data sehat: tidak ada masalah ditemukan."


def _add_resident(office: Path, birth: date, nik: str) -> None:
    open_database(office)
    from dukcapil_tui.services import residents
    from dukcapil_tui.services.context import system_actor

    residents.create(system_actor("WS"), {
        "nik": nik, "name": "ANAK", "birth_date": birth.strftime("%d-%m-%Y"), "sex": "L",
        "desa_code": "52.02.04.2008", "marital_status": "belum_kawin", "recording_status": "belum",
    }, date.today())


def test_check_reports_a_broken_invariant(office):
    birth = date(date.today().year - 10, 1, 1)
    nik = nik_rules.compose("52.02.04", birth, "L", 1)
    _add_resident(office, birth, nik)
    database.execute_sql("UPDATE resident SET recording_status = 'sudah'")
    database.close()
    result = invoke("check")
    assert_clean_exit(result, 1)
    assert result.output.startswith("Ditemukan 1 masalah:\n")
    assert f"  - penduduk: 1 penduduk belum kawin sudah direkam sebelum umur 16 ({nik[:6]}…)" in result.output
    database.close()
    open_database(office)
    database.execute_sql("UPDATE resident SET marital_status = 'kawin'")  # married: wajib KTP at any age
    database.close()
    assert_clean_exit(invoke("check"), 0)


def test_check_reports_an_invalid_nik_and_a_missing_trigger(office):
    birth = date(1990, 5, 5)
    _add_resident(office, birth, nik_rules.compose("52.02.04", birth, "L", 1))
    database.execute_sql("UPDATE resident SET nik = '5202049999900001'")
    database.execute_sql("DROP TRIGGER audit_log_no_delete")
    database.close()
    result = invoke("check")
    assert_clean_exit(result, 1)
    assert "penduduk: 1 penduduk dengan NIK tidak valid, mis. berawalan 520204…" in result.output
    assert "skema: trigger audit_log_no_delete hilang" in result.output


# --- import ---------------------------------------------------------------------------------

HEADER = "NIK;NAMA_LGKP;TGL_LHR;JENIS_KLMIN;KODE_DESA;STAT_KWN;STATUS_REKAM"
GOOD = [
    "5202041708050001;LALU AHMAD;17-08-2005;LAKI-LAKI;52.02.04.2008;BELUM KAWIN;SUDAH REKAM",
    "5202045708050002;BAIQ NURUL;17-08-2005;PEREMPUAN;52.02.04.2008;KAWIN;BELUM REKAM",
]


def test_import_residents_good_file(office, tmp_path):
    path = tmp_path / "penduduk.csv"
    path.write_text("\n".join([HEADER, *GOOD]) + "\n", encoding="utf-8")
    result = as_admin("import", "residents", str(path))
    assert_clean_exit(result, 0)
    assert "2 baris dibaca: 2 baru, 0 diperbarui, 0 tidak berubah, 0 ditolak." in result.output
    again = as_admin("import", "residents", str(path))
    assert "2 baris dibaca: 0 baru, 0 diperbarui, 2 tidak berubah, 0 ditolak." in again.output
    open_database(office)
    from dukcapil_tui.models import Resident

    assert Resident.select().count() == 2


def test_import_residents_with_rejected_lines(office, tmp_path):
    path = tmp_path / "penduduk.csv"
    bad = "5202010101800001;MUHAMMAD;31-02-1980;L;52.02.01.1001;KAWIN;"
    path.write_text("\n".join([HEADER, GOOD[0], bad, GOOD[1]]) + "\n", encoding="utf-8")
    result = as_admin("import", "residents", str(path), "--report-dir", str(tmp_path / "laporan"))
    assert_clean_exit(result, 1)
    assert "3 baris dibaca: 2 baru, 0 diperbarui, 0 tidak berubah, 1 ditolak." in result.output
    assert "  baris 3: Tanggal lahir bukan tanggal yang benar (gunakan DD-MM-YYYY)." in result.output
    reports = list((tmp_path / "laporan").glob("*.csv"))
    assert len(reports) == 1 and f"Laporan baris yang ditolak: {reports[0]}" in result.output


def test_import_refusals_exit_2_without_a_traceback(office, tmp_path):
    missing = as_admin("import", "residents", str(tmp_path / "tidak-ada.csv"))
    assert_clean_exit(missing, 2)
    assert "tidak dapat dibaca" in missing.stderr
    columns = tmp_path / "kolom.csv"
    columns.write_text("NIK;NAMA\n5202041708050001;LALU\n", encoding="utf-8")
    result = as_admin("import", "residents", str(columns))
    assert_clean_exit(result, 2)
    assert "Kolom wajib tidak ada: TGL_LHR, JENIS_KLMIN, KODE_DESA, STAT_KWN." in result.stderr
    text = tmp_path / "penduduk.txt"
    text.write_text("x", encoding="utf-8")
    assert "Jenis berkas tidak didukung: .txt" in as_admin("import", "residents", str(text)).stderr


# --- backup and restore ---------------------------------------------------------------------

def _usernames(path: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT username FROM app_user ORDER BY username")]
    finally:
        conn.close()


def test_backup_writes_a_copy(office, tmp_path):
    result = as_admin("backup")
    assert_clean_exit(result, 0)
    copies = list(paths.backup_dir().glob("dukcapil_*_manual.sqlite3"))
    assert len(copies) == 1
    assert result.output.strip() == f"Cadangan tersimpan: {copies[0]}"
    assert _usernames(copies[0]) == ["admin"]
    elsewhere = as_admin("backup", "--to", str(tmp_path / "usb"))
    assert_clean_exit(elsewhere, 0)
    assert len(list((tmp_path / "usb").glob("*.sqlite3"))) == 1


def test_restore_yes_restores(office, password_file):
    as_admin("backup")
    copy = next(paths.backup_dir().glob("*_manual.sqlite3"))
    as_admin("users", "add", "loket1", "--name", "Loket", "--role", "loket", "--password-file", str(password_file))
    assert _usernames(office) == ["admin", "loket1"]

    result = as_admin("restore", "--yes", str(copy))
    assert_clean_exit(result, 0)
    assert f"{office} dipulihkan dari {copy}." in result.output
    assert _usernames(office) == ["admin"]
    # The database as it was before the restore was kept.
    saved = list(paths.kept_backup_dir().glob("*_pre-restore.sqlite3"))
    assert len(saved) == 1 and _usernames(saved[0]) == ["admin", "loket1"]
    assert f"Basis data sebelum pemulihan disimpan: {saved[0]}" in result.output
    assert_clean_exit(invoke("check"), 0)
    # Reading the backup left nothing beside it; the copy before the restore is kept apart.
    assert sorted(p.name for p in paths.backup_dir().iterdir()) == sorted([copy.name, "kept"])
    assert [p.name for p in paths.kept_backup_dir().iterdir()] == [saved[0].name]


def test_restore_asks_first(office):
    as_admin("backup")
    copy = next(paths.backup_dir().glob("*_manual.sqlite3"))
    result = as_admin("restore", str(copy), input="n\n")
    assert result.exit_code == 1 and "Dibatalkan." in result.output
    assert not list(paths.kept_backup_dir().glob("*_pre-restore.sqlite3"))


def test_restore_refuses_a_bad_backup_and_keeps_the_database(office, tmp_path):
    before = office.read_bytes()
    junk = tmp_path / "rusak.sqlite3"
    junk.write_bytes(b"bukan basis data " * 400)
    result = as_admin("restore", "--yes", str(junk))
    assert_clean_exit(result, 2)
    assert "Cadangan" in result.stderr and "rusak" in result.stderr
    import sqlite3

    foreign = tmp_path / "lain.sqlite3"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE x (y)")
    other.close()
    result = as_admin("restore", "--yes", str(foreign))
    assert_clean_exit(result, 2)
    assert "bukan cadangan basis data dukcapil-tui" in result.stderr
    assert office.read_bytes() == before
    assert not list(paths.kept_backup_dir().glob("*_pre-restore*.sqlite3"))


def test_restore_over_a_damaged_database(office):
    as_admin("backup")
    copy = next(paths.backup_dir().glob("*_manual.sqlite3"))
    office.write_bytes(b"rusak karena listrik padam " * 200)
    assert invoke("check").exit_code == 2
    result = as_admin("restore", "--yes", str(copy))
    assert_clean_exit(result, 0)
    damaged = list(paths.kept_backup_dir().glob("*_pre-restore-damaged.sqlite3"))
    assert len(damaged) == 1 and damaged[0].read_bytes().startswith(b"rusak karena")
    assert_clean_exit(invoke("check"), 0)
    assert _usernames(office) == ["admin"]


# --- demo -----------------------------------------------------------------------------------

def test_demo_build_only_builds_reuses_and_rebuilds():
    result = invoke("demo", "--build-only", "--residents", "500")
    assert_clean_exit(result, 0)
    demo = paths.demo_db_path()
    assert result.output.rstrip().splitlines()[-1] == str(demo)
    assert "loket1" in result.output and "dukcapil" in result.output
    open_database(demo)
    from dukcapil_tui.models import AppUser, Resident

    assert Resident.select().count() == 500
    assert sorted(u.username for u in AppUser.select()) == ["admin", "blangko1", "cetak1", "loket1", "loket2"]
    # Residents the demo's activity never touched: deleting them marks this copy as "reused".
    database.execute_sql("DELETE FROM resident WHERE id <= 100 AND id NOT IN (SELECT resident_id FROM ticket "
                         "WHERE resident_id IS NOT NULL UNION SELECT resident_id FROM card)")
    remaining = Resident.select().count()
    assert remaining < 500
    database.close()

    again = invoke("demo", "--build-only", "--residents", "500")
    assert_clean_exit(again, 0)
    assert "Memakai basis data contoh yang ada" in again.output
    open_database(demo)
    assert Resident.select().count() == remaining
    database.close()

    fresh = invoke("demo", "--build-only", "--residents", "500", "--fresh")
    assert_clean_exit(fresh, 0)
    assert "Memakai" not in fresh.output
    open_database(demo)
    assert Resident.select().count() == 500
    database.close()
    assert_clean_exit(invoke("--db", str(demo), "check"), 0)


def test_demo_never_overwrites_an_office_database(office, monkeypatch):
    before = office.read_bytes()
    for args in (("--db", str(office), "demo", "--build-only", "--residents", "100"),
                 ("--db", str(office), "demo", "--build-only", "--residents", "100", "--fresh")):
        result = invoke(*args)
        assert_clean_exit(result, 2)
        assert "bukan data contoh" in result.stderr
    monkeypatch.setenv("DUKCAPIL_DB", str(office))
    assert_clean_exit(invoke("demo", "--build-only", "--residents", "100"), 2)
    assert office.read_bytes() == before
    assert _usernames(office) == ["admin"]


def test_demo_at_an_explicit_path_is_built_and_reused(tmp_path):
    target = tmp_path / "latihan.sqlite3"
    assert_clean_exit(invoke("--db", str(target), "demo", "--build-only", "--residents", "100"), 0)
    again = invoke("--db", str(target), "demo", "--build-only", "--residents", "100")
    assert_clean_exit(again, 0)
    assert f"Memakai basis data contoh yang ada: {target}" in again.output
    assert not paths.demo_db_path().exists()


def test_another_programs_database_is_left_alone(tmp_path):
    import sqlite3

    foreign = tmp_path / "lain.sqlite3"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE setting (k, v)")
    other.close()
    before = foreign.read_bytes()
    result = invoke("--db", str(foreign), "check")
    assert_clean_exit(result, 2)
    assert "basis data program lain" in result.stderr
    assert foreign.read_bytes() == before


def test_a_database_from_a_newer_program_is_refused(office):
    import sqlite3

    with sqlite3.connect(office) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = invoke("check")
    assert_clean_exit(result, 2)
    from dukcapil_tui.migrations import LATEST_VERSION

    assert f"berversi skema 99, lebih baru dari program ini ({LATEST_VERSION})" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["day", "unlock", "21-11-2026"], "Galat: Opsi wajib belum diberikan: '--reason'."),
        (["backup", "--bogus"], "Galat: Opsi '--bogus' tidak ada."),
        (
            ["restore", "/tidak/ada.sqlite3"],
            "Galat: Nilai tidak sah untuk 'SOURCE': Berkas '/tidak/ada.sqlite3' tidak ada.",
        ),
        (["users", "list", "lebih"], "Galat: Argumen tambahan tidak dikenal (lebih)"),
        (["--lang", "en", "day", "unlock", "21-11-2026"], "Error: Missing option '--reason'."),
    ],
)
def test_click_own_messages_speak_the_users_language(office, args, message):
    result = as_admin(*args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_a_password_file_others_can_read_is_used_with_a_warning(office):
    args = login_args()
    secret = Path(args[-1])
    secret.chmod(0o644)
    result = invoke(*args, "backup")
    assert result.exit_code == 0
    assert result.stderr == (f"Peringatan: berkas kata sandi {secret} dapat dibaca akun lain (mode 0644); "
                             f"jalankan: chmod 600 {secret}\n")
    secret.chmod(0o600)
    assert invoke(*args, "backup").stderr == ""


@pytest.mark.parametrize("where", ["option", "environment"])
def test_a_database_url_is_never_taken_for_a_file_name(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    url = "postgresql://kantor:rahasia@127.0.0.1:9/dukcapil"  # nothing listens on port 9
    if where == "environment":
        monkeypatch.setenv("DUKCAPIL_DB", url)
        result = CliRunner().invoke(cli, ["status"], obj=State())
    else:
        result = CliRunner().invoke(cli, ["--db", url, "status"], obj=State())
    assert result.exit_code == 2
    assert result.stderr.startswith("Basis data postgresql://kantor:…@127.0.0.1:9/dukcapil tidak dapat dibuka: ")
    assert "rahasia" not in result.stderr
    assert not [p for p in tmp_path.rglob("*") if "postgres" in p.name]  # no folder called "postgresql:"


def test_a_url_of_another_kind_of_server_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", "mysql://kantor:rahasia@db.local/dukcapil", "status"], obj=State())
    assert result.exit_code == 2
    assert result.stderr.startswith("Basis data mysql://…@db.local/dukcapil adalah alamat server yang tidak dikenal")
    assert "rahasia" not in result.stderr
    assert not [p for p in tmp_path.rglob("*") if "mysql" in p.name]
