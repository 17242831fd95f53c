"""Strings for the protected record: passwords, workstations, the audit chain, backups, the
command-line login, file modes and the idle lock."""

MESSAGES = {
    # --- passwords ------------------------------------------------------------------------------
    "user.password_is_username": ("Kata sandi tidak boleh (hampir) sama dengan nama pengguna: tambahkan paling sedikit 4 "
                                  "karakter lain.", "The password must not be (nearly) the username: add at least 4 "
                                  "other characters."),
    "user.password_common": (
        "Kata sandi ini termasuk daftar kata sandi yang umum dipakai; pilih yang lain (misalnya beberapa kata acak).",
        "This password is on the list of common passwords; choose another (a few random words, for example).",
    ),
    # --- workstations ---------------------------------------------------------------------------
    "action.manage_workstations": ("mengelola workstation", "manage workstations"),
    "workstation.name": ("Nama workstation", "Workstation name"),
    "workstation.bad_code": (
        "Kode workstation: 2–32 karakter huruf besar, angka, titik, garis bawah atau tanda hubung (mis. LOKET-02).",
        "Workstation code: 2–32 characters of capital letters, digits, dot, underscore or hyphen (e.g. LOKET-02).",
    ),
    "workstation.code_taken": ("Kode workstation {code} sudah terdaftar.", "Workstation code {code} is already registered."),
    "workstation.not_found": ("Workstation {code} tidak terdaftar.", "Workstation {code} is not registered."),
    "workstation.disabled": (
        "Workstation {code} dinonaktifkan oleh admin; tidak ada yang dapat masuk dari sini.",
        "Workstation {code} was disabled by the admin; nobody can log in from here.",
    ),
    "workstation.not_registered": (
        "Workstation ini belum terdaftar untuk basis data kantor ini. Admin mendaftarkannya di workstation "
        "yang sudah terdaftar: `dukcapil --user ADMIN workstations add KODE --enrol-file BERKAS`, lalu di sini: "
        "`dukcapil workstations enrol BERKAS`.",
        "This workstation is not registered for this office database. The admin registers it on a registered "
        "workstation: `dukcapil --user ADMIN workstations add CODE --enrol-file FILE`, then here: "
        "`dukcapil workstations enrol FILE`.",
    ),
    "workstation.bootstrap_admin": (
        "Basis data baru saja ditingkatkan: admin kantor harus masuk lebih dulu di workstation ini untuk mendaftarkannya.",
        "The database was just upgraded: the office admin must log in first on this workstation to register it.",
    ),
    "workstation.not_yourself": ("Workstation yang sedang dipakai tidak dapat dinonaktifkan dari dirinya sendiri.", "The workstation in use cannot disable itself."),
    "workstation.added": ("Workstation {code} terdaftar. Berkas pendaftaran: {path}", "Workstation {code} registered. Enrolment file: {path}"),
    "workstation.added_hint": (
        "Bawa berkas itu ke workstation {code} (mis. dengan flashdisk), jalankan `dukcapil workstations enrol BERKAS` "
        "di sana, lalu hapus berkasnya: berkas itu berisi kunci log audit.",
        "Carry that file to workstation {code} (e.g. on a USB stick), run `dukcapil workstations enrol FILE` there, "
        "then delete the file: it holds the audit log's key.",
    ),
    "workstation.enrolled": ("Workstation ini terdaftar sebagai {code}.", "This workstation is registered as {code}."),
    "workstation.enabled": ("Workstation {code} diaktifkan kembali.", "Workstation {code} enabled again."),
    "workstation.disabled_done": ("Workstation {code} dinonaktifkan.", "Workstation {code} disabled."),
    "cli.password_file_open": ("Peringatan: berkas kata sandi {path} dapat dibaca akun lain (mode {mode}); "
                               "jalankan: chmod 600 {path}", "Warning: password file {path} is readable by other "
                               "accounts (mode {mode}); run: chmod 600 {path}"),
    "workstation.list_header": ("KODE", "CODE"),
    "workstation.col.status": ("STATUS", "STATUS"),
    "workstation.col.name": ("NAMA", "NAME"),
    "workstation.here": ("(workstation ini)", "(this workstation)"),
    "enrol.unreadable": ("Berkas pendaftaran {path} tidak dapat dibaca ({reason}).", "Enrolment file {path} cannot be read ({reason})."),
    "enrol.not_an_enrolment": ("isinya bukan berkas pendaftaran dukcapil-tui", "it is not a dukcapil-tui enrolment file"),
    "enrol.file_exists": ("{path} sudah ada; pilih nama berkas lain.", "{path} already exists; choose another file name."),
    "enrol.other_office": (
        "Berkas pendaftaran ini untuk basis data kantor lain (wilayah {region}).",
        "This enrolment file is for another office database (region {region}).",
    ),
    "enrol.bad_token": (
        "Berkas pendaftaran untuk {code} tidak cocok dengan pendaftaran di basis data (dibuat ulang atau dicabut?).",
        "The enrolment file for {code} does not match the registration in the database (made again or revoked?).",
    ),
    "enrol.bad_key": (
        "Kunci dalam berkas pendaftaran tidak cocok dengan log audit basis data ini.",
        "The key in the enrolment file does not match this database's audit log.",
    ),
    # --- the chain ------------------------------------------------------------------------------
    "chain.no_key": (
        "Workstation ini tidak memegang kunci log audit untuk basis data ini, jadi tidak dapat menulis. "
        "Admin mendaftarkannya: `dukcapil workstations enrol BERKAS`.",
        "This workstation holds no audit-log key for this database, so it cannot write. "
        "The admin registers it: `dukcapil workstations enrol FILE`.",
    ),
    "chain.not_started": (
        "Rantai log audit belum dimulai: admin masuk sekali di workstation ini untuk memulainya.",
        "The audit chain has not started: the admin logs in once on this workstation to start it.",
    ),
    "chain.no_key_check": (
        "Rantai log audit tidak dapat diperiksa: workstation ini tidak memegang kuncinya (tidak terdaftar).",
        "The audit chain cannot be verified: this workstation holds no key for it (not registered).",
    ),
    "chain.table.audit": ("log audit", "audit log"),
    "chain.table.ledger": ("buku blangko", "blank-card ledger"),
    "chain.broken": ("{table} rusak mulai entri #{id}: {reason}", "{table} broken from entry #{id}: {reason}"),
    "chain.reason.changed": (
        "isinya, atau entri sebelumnya, diubah, dihapus atau disisipkan",
        "its content, or the entry before it, was changed, removed or inserted",
    ),
    "chain.reason.unlinked": ("entri tanpa tautan rantai ditulis di luar aplikasi", "an entry without a chain link was written outside the app"),
    "chain.reason.gap": ("entri #{first}–#{last} hilang", "entries #{first}–#{last} are missing"),
    "chain.reason.no_seal": ("{rows} entri lama tanpa segel pembuka rantai", "{rows} older entries without the chain's opening seal"),
    "chain.reason.seal": (
        "{rows} entri dari sebelum rantai dimulai tidak cocok lagi dengan segelnya",
        "{rows} entries from before the chain started no longer match their seal",
    ),
    "chain.reason.not_started": (
        "rantai belum dimulai (admin belum masuk sejak peningkatan basis data)",
        "the chain has not started (no admin login since the database upgrade)",
    ),
    "chain.anchor_lost": (
        "{table}: entri #{id} yang dilihat workstation ini pada {at} hilang atau berubah (entri terakhir dihapus?)",
        "{table}: entry #{id} this workstation saw on {at} is gone or different (newest entries removed?)",
    ),
}

MESSAGES.update({
    # --- the command line's login ---------------------------------------------------------------
    "cli.login_needed": (
        "Perintah ini mengubah data atau mengekspor data pribadi, jadi dijalankan sebagai pengguna aplikasi: "
        "`dukcapil --user NAMA <perintah> …` (kata sandi ditanyakan), atau untuk skrip "
        "`dukcapil --user NAMA --password-file BERKAS <perintah> …` (berkas bermode 0600).",
        "This command changes data or exports personal data, so it runs as an app user: "
        "`dukcapil --user NAME <command> …` (the password is asked), or for scripts "
        "`dukcapil --user NAME --password-file FILE <command> …` (a file with mode 0600).",
    ),
    "cli.password_file_unreadable": ("Berkas kata sandi {path} tidak dapat dibaca: {reason}", "Password file {path} cannot be read: {reason}"),
})

MESSAGES.update({
    # --- check ----------------------------------------------------------------------------------
    "check.warnings": ("Peringatan ({count}): berkas yang dapat dibaca akun lain di komputer ini:", "Warnings ({count}): files other accounts on this computer may read:"),
    "check.loose_mode": ("{path} bermode {mode}; perbaiki: {fix}", "{path} has mode {mode}; fix: {fix}"),
    "check.stock_negative": ("stok blangko di bawah nol pada {day} ({stock})", "blank stock below zero on {day} ({stock})"),
    "check.movement_unaudited": ("{count} mutasi blangko tanpa entri audit ({ids})", "{count} ledger movement(s) without an audit entry ({ids})"),
    "check.event_unaudited": ("{count} peristiwa kartu tanpa entri audit ({ids})", "{count} card event(s) without an audit entry ({ids})"),
    "check.trigger_missing": ("trigger {name} hilang", "trigger {name} is missing"),
    # --- backups and restore --------------------------------------------------------------------
    "action.backup": ("membuat dan memulihkan cadangan", "make and restore backups"),
    "backup.too_new": (
        "{path} berversi skema {version}, lebih baru dari program ini ({latest}); perbarui dukcapil-tui dulu.",
        "{path} has schema version {version}, newer than this program ({latest}); update dukcapil-tui first.",
    ),
    "backup.other_office": (
        "{path} adalah basis data kantor lain (wilayah {found}, kantor ini {expected}); pemulihan ditolak.",
        "{path} is another office's database (region {found}, this office {expected}); restore refused.",
    ),
    "backup.other_database": (
        "{path} berasal dari basis data lain (dibuat dengan init tersendiri), bukan cadangan basis data ini; pemulihan ditolak.",
        "{path} comes from another database (made by its own init), not a backup of this one; restore refused.",
    ),
    "backup.bad_folder": ("Folder cadangan {path} tidak dapat dipakai: {reason}", "Backup folder {path} cannot be used: {reason}"),
    "backup.verify_failed": ("Salinan {path} gagal diperiksa ({reason}); tidak disimpan.", "The copy {path} failed its check ({reason}); not kept."),
    "backup.wrong_version": ("versi skema {found}, seharusnya {expected}", "schema version {found}, expected {expected}"),
    "backup.wrong_office": ("kode wilayah {found}, seharusnya {expected}", "region code {found}, expected {expected}"),
    "restore.in_progress": (
        "Basis data sedang dipulihkan dari cadangan di workstation lain; tunggu sampai selesai, lalu buka lagi.",
        "The database is being restored from a backup on another workstation; wait until it is done, then open it again.",
    ),
    "restore.busy": (
        "Pemulihan ditolak: aplikasi masih terbuka di workstation lain (termasuk layar antrean `dukcapil board`). "
        "Tutup aplikasi di setiap workstation, lalu ulangi.",
        "Restore refused: the app is still open on another workstation (the `dukcapil board` display included). "
        "Close the app on every workstation, then try again.",
    ),
    "restore.saved_before": ("Basis data sebelum pemulihan disimpan: {path}", "The database before the restore was kept: {path}"),
    "restore.login_failed": (
        "Basis data saat ini rusak, jadi login diperiksa pada cadangan: perlu admin aktif dari cadangan itu dengan kata sandinya.",
        "The current database is damaged, so the login is checked against the backup: an active admin of that backup with their password is needed.",
    ),
})

MESSAGES.update({
    # --- the idle lock --------------------------------------------------------------------------
    "settings.key.idle_lock_minutes": ("Kunci layar setelah menganggur (menit)", "Lock the screen after idle (minutes)"),
    "idle.warning_title": ("Layar akan dikunci", "The screen will lock"),
    "idle.warning": (
        "Tidak ada kegiatan. Layar dikunci dalam {seconds} detik; tekan tombol apa saja untuk tetap bekerja.",
        "No activity. The screen locks in {seconds} seconds; press any key to keep working.",
    ),
    "idle.locked_title": ("Layar terkunci", "Screen locked"),
    "idle.locked": (
        "{name} ({username}) sedang masuk. Pekerjaan yang terbuka tetap tersimpan di balik layar ini.",
        "{name} ({username}) is logged in. Work in progress stays open behind this screen.",
    ),
    "idle.password": ("Kata sandi {username} untuk membuka", "Password of {username} to unlock"),
    "idle.checking": ("Memeriksa…", "Checking…"),
    "idle.key.unlock": ("Buka", "Unlock"),
    "idle.key.logout": ("Keluar akun (pekerjaan terbuka hilang)", "Log out (open work is lost)"),
    "idle.unlocked": ("Layar dibuka kembali.", "Screen unlocked."),
    # --- backups from the TUI -------------------------------------------------------------------
    "backup.auto_done": ("Cadangan otomatis ({kind}) tersimpan: {name}", "Automatic backup ({kind}) written: {name}"),
    "backup.auto_failed": ("Cadangan otomatis gagal: {reason}", "Automatic backup failed: {reason}"),
})
