"""Personal data stays in files only the app's account can read: folders 0700 and files 0600
whatever the umask; openpyxl's spool files in the app's private folder; ``check`` warns."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from dukcapil_tui import config as configmod
from dukcapil_tui import logs, paths, private, spool
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.db import database

from conftest import login_args


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def invoke(*args: str):
    if database.obj is not None:
        database.close()
    result = CliRunner().invoke(cli, list(args), obj=State())
    if database.obj is not None:
        database.close()
    return result


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_every_file_the_app_writes_is_private_under_umask_022(umask_022, tmp_path, isolated_home):
    assert invoke("init", "--office", "Disdukcapil Lombok Tengah", "--region", "52.02",
                  "--admin-password-file", login_args()[-1]).exit_code == 0
    db = paths.default_db_path()
    listing = tmp_path / "penduduk.csv"
    listing.write_text("NIK;NAMA_LGKP;TGL_LHR;JENIS_KLMIN;KODE_DESA;STAT_KWN;STATUS_REKAM\n"
                       "5202041708050001;LALU;31-02-2005;L;52.02.04.2008;BELUM KAWIN;SUDAH REKAM\n", encoding="utf-8")
    assert invoke(*login_args(), "import", "residents", str(listing)).exit_code == 1  # a rejected row: a report
    assert invoke(*login_args(), "export", "capaian").exit_code == 0
    assert invoke(*login_args(), "export", "belum-rekam").exit_code == 0
    assert invoke(*login_args(), "backup").exit_code == 0
    configmod.save(configmod.Config(workstation="LOKET-01"))
    private.ensure_dir(paths.log_dir())
    handler = logs.PrivateRotatingFileHandler(paths.log_file(), maxBytes=200, backupCount=2)
    logger = logging.getLogger("dukcapil.test-private")
    logger.addHandler(handler)
    try:
        for n in range(20):  # rolls over: the rolled files are private too
            logger.warning("baris log nomor %d yang cukup panjang", n)
    finally:
        logger.removeHandler(handler)
        handler.close()

    from dukcapil_tui.db import open_database

    open_database(db)  # while it is open SQLite keeps its -wal and -shm files beside it
    database.execute_sql("SELECT count(*) FROM resident").fetchone()
    files = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), paths.config_file(), paths.enrolment_file(),
             *paths.export_dir().iterdir(), *paths.backup_dir().glob("*.sqlite3"), *paths.log_dir().iterdir()]
    folders = [paths.data_dir(), paths.export_dir(), paths.backup_dir(), paths.config_dir(), paths.log_dir()]
    exported = [p.name for p in paths.export_dir().iterdir()]
    assert any(n.endswith("_ditolak.csv") for n in exported) and any("belum-rekam" in n for n in exported)
    assert len(list(paths.log_dir().iterdir())) == 3
    assert {p.name: oct(mode(p)) for p in files if p.exists()} == {p.name: "0o600" for p in files if p.exists()}
    assert Path(f"{db}-wal").exists()
    assert {str(p): oct(mode(p)) for p in folders} == {str(p): "0o700" for p in folders}
    # And check sees nothing to warn about.
    result = invoke("check")
    assert result.exit_code == 0 and "Peringatan" not in result.output


@pytest.mark.sqlite_only("modes of the database file and its backups")
def test_check_warns_about_files_others_may_read(office_db, admin, umask_022):
    from dukcapil_tui.services import backups

    copy = backups.create(admin)
    database.close()
    os.chmod(copy, 0o644)
    os.chmod(paths.backup_dir(), 0o755)
    os.chmod(office_db, 0o644)
    result = invoke("--db", str(office_db), "check")
    assert result.exit_code == 0, result.output
    assert "Peringatan (2): berkas yang dapat dibaca akun lain di komputer ini:" in result.output
    assert f"{paths.backup_dir()} bermode 0755; perbaiki: chmod 700 {paths.backup_dir()}" in result.output
    assert f"{copy} bermode 0644; perbaiki: chmod 600 {copy}" in result.output
    # The database itself is made private again whenever the app opens it.
    assert mode(office_db) == 0o600 and str(office_db) + " bermode" not in result.output


def test_openpyxl_spools_into_the_apps_private_folder():
    from openpyxl.worksheet import _writer

    spool.install()
    name = Path(_writer.create_temporary_file())
    try:
        assert name.parent == paths.spool_dir() / str(os.getpid())
        assert mode(name) == 0o600 and mode(name.parent) == 0o700 and mode(paths.spool_dir()) == 0o700
    finally:
        name.unlink()
        _writer.ALL_TEMP_FILES.remove(str(name))


def test_a_folder_the_user_chose_is_not_changed(tmp_path, umask_022):
    chosen = tmp_path / "usb"
    chosen.mkdir(mode=0o755)
    private.ensure_dir(chosen, own=False)
    assert mode(chosen) == 0o755
    made = private.ensure_dir(chosen / "baru" / "sub", own=False, parents=True)
    assert mode(made) == 0o700 and mode(made.parent) == 0o700
    with pytest.raises(private.MissingParent) as caught:  # the user's folder: its parent must exist
        private.ensure_dir(chosen / "lain" / "sub", own=False)
    assert caught.value.parent == chosen / "lain" and not (chosen / "lain").exists()
    assert mode(private.ensure_dir(chosen / "lain", own=False)) == 0o700
