"""General strings: app frame, navigation, generic validation, database, CLI."""

MESSAGES = {
    "app.title": ("Dukcapil TUI", "Dukcapil TUI"),
    "app.quit": ("Keluar", "Quit"),
    "app.help": ("Bantuan", "Help"),
    # Textual's own bindings, named in F1's list like ours (ui.base.translate_bindings)
    "textual.Quit": ("Keluar dari aplikasi", "Quit"),
    "textual.Copy selected text": ("Salin teks yang dipilih", "Copy selected text"),
    "textual.Focus Next": ("Isian berikutnya", "Next field"),
    "textual.Focus Previous": ("Isian sebelumnya", "Previous field"),
    "app.back": ("Kembali", "Back"),
    "app.logout": ("Keluar akun", "Log out"),
    "app.palette": ("Perintah", "Commands"),
    "app.focus_next": ("Kolom berikut", "Next field"),
    "app.focus_previous": ("Kolom sebelumnya", "Previous field"),
    "app.demo_hint": ("Untuk kantor demo: {command}", "For the demo office: {command}"),
    "app.no_database": (
        "Belum ada basis data di {path}.\n"
        "Buat kantor baru dengan `dukcapil init --office NAMA --region KODE`, "
        "atau coba data contoh dengan `dukcapil demo`.",
        "No database at {path}.\n"
        "Create an office with `dukcapil init --office NAME --region CODE`, "
        "or try demo data with `dukcapil demo`.",
    ),
    "app.error_title": ("Terjadi kesalahan", "Something went wrong"),
    "app.copy_hint": ("Pesan dapat disalin. Tekan Esc untuk menutup.", "The message can be copied. Press Esc to close."),
    "main.sections": ("Menu", "Menu"),
    "main.user": ("Pengguna: {name} ({role})", "User: {name} ({role})"),
    "main.workstation": ("Komputer: {code}", "Workstation: {code}"),
    "main.summary": ("Ringkasan kantor", "Office summary"),
    "main.residents_total": ("Penduduk", "Residents"),
    "main.wajib_total": ("Wajib KTP", "Must hold e-KTP"),
    "main.recorded_total": ("Sudah rekam", "Recorded"),
    "main.coverage": ("Capaian rekam", "Recording coverage"),
    "main.as_of": ("Keadaan {date}", "As of {date}"),
    "help.title": ("Bantuan — tombol yang aktif", "Help — active keys"),
    "help.key": ("Tombol", "Key"),
    "help.action": ("Fungsi", "Action"),
    "help.where": ("Berlaku di", "Applies to"),
    "help.close": ("Tekan Esc atau F1 untuk menutup.", "Press Esc or F1 to close."),
    "help.disabled": ("(tidak berlaku saat ini)", "(not available now)"),
    "form.saved": ("Tersimpan — {title}.", "Saved — {title}."),
    "field.required": ("{field} wajib diisi.", "{field} is required."),
    "field.too_long": ("{field} terlalu panjang (maksimal {max} karakter).", "{field} is too long (at most {max} characters)."),
    "field.bad_date": (
        "{field} bukan tanggal yang benar (gunakan DD-MM-YYYY).",
        "{field} is not a valid date (use DD-MM-YYYY).",
    ),
    "field.future_date": ("{field} tidak boleh di masa depan.", "{field} cannot be in the future."),
    "field.choose": ("{field} wajib dipilih: {choices}.", "{field} must be chosen: {choices}."),
    "field.bad_choice": ("{field}: nilai '{value}' tidak dikenal; pilih salah satu dari {choices}.", "{field}: unknown value '{value}'; choose one of {choices}."),
    "field.digits": ("{field} harus berupa angka 0–9 (maksimal {max} digit).", "{field} must be the digits 0–9 (at most {max})."),
    "error.validation": ("Data belum benar:", "Please correct the data:"),
    "error.permission": ("Peran {role} tidak berwenang untuk {action}.", "Role {role} may not {action}."),
    "error.not_found": ("{entity} tidak ditemukan.", "{entity} not found."),
    "error.conflict": ("Data telah diubah oleh pengguna lain; muat ulang lalu coba lagi.", "The record was changed by someone else; reload and try again."),
    "db.url_unsupported": ("Basis data {url} adalah alamat server yang tidak dikenal: yang dibuka hanya berkas "
                           "SQLite (mis. --db /srv/dukcapil/kantor.sqlite3) atau PostgreSQL "
                           "(postgresql://pengguna@host/nama_db). Tidak ada yang dibuat.",
                           "Database {url} is a server address of an unknown kind: only SQLite files "
                           "(e.g. --db /srv/dukcapil/office.sqlite3) or PostgreSQL "
                           "(postgresql://user@host/dbname) are opened. Nothing was created."),
    "db.not_found": ("Basis data tidak ditemukan: {path}", "Database not found: {path}"),
    "db.exists": (
        "Basis data sudah ada di {path}; init dibatalkan agar data tidak tertimpa. "
        "Gunakan --db untuk lokasi lain.",
        "A database already exists at {path}; init refused so no data is overwritten. "
        "Use --db for another location.",
    ),
    "db.unreadable": (
        "Berkas {path} tidak dapat dibuka sebagai basis data: {reason}",
        "{path} cannot be opened as a database: {reason}",
    ),
    "db.no_postgres_driver": ("Basis data {path} ada di server PostgreSQL, tetapi pustaka psycopg belum terpasang: "
                              "pasang dengan `pip install 'dukcapil-tui[postgres]'`.",
                              "Database {path} is on a PostgreSQL server, but the psycopg library is not installed: "
                              "install it with `pip install 'dukcapil-tui[postgres]'`."),
    "db.server_unreadable": ("Basis data {path} tidak dapat dibuka: {reason}", "Database {path} cannot be opened: {reason}"),
    "db.pg_empty": ("Basis data {path} belum berisi kantor dukcapil-tui: buat dengan `dukcapil --db URL init` "
                    "atau pindahkan kantor dengan `dukcapil db copy`.",
                    "Database {path} holds no dukcapil-tui office yet: make one with `dukcapil --db URL init` "
                    "or move an office there with `dukcapil db copy`."),
    "db.migration_broke_keys": ("Pembaruan skema {number} dibatalkan: {rows} baris kehilangan rujukannya. Basis data tidak diubah; hubungi pengembang.", "Schema upgrade {number} was undone: {rows} rows lost their reference. The database is unchanged; contact the developers."),
    "db.too_new": (
        "Basis data {path} berversi skema {version}, lebih baru dari program ini ({latest}). Perbarui dukcapil-tui.",
        "Database {path} has schema version {version}, newer than this program ({latest}). Update dukcapil-tui.",
    ),
    "db.foreign": ("{path} adalah basis data program lain, bukan basis data dukcapil-tui.", "{path} is another program's database, not a dukcapil-tui one."),
    "db.backup_damaged": ("Cadangan {path} rusak atau bukan basis data: {reason}", "Backup {path} is damaged or not a database: {reason}"),
    "db.backup_foreign": ("{path} bukan cadangan basis data dukcapil-tui.", "{path} is not a dukcapil-tui database backup."),
    "db.not_initialised": ("Basis data {path} belum diinisialisasi (jalankan `dukcapil init`).", "Database {path} is not initialised (run `dukcapil init`)."),
    "check.ok": ("Basis data sehat: tidak ada masalah ditemukan.", "Database healthy: no problems found."),
    "check.problems": ("Ditemukan {count} masalah:", "Found {count} problem(s):"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "role.admin": ("Kepala/Admin", "Head/Admin"),
    "role.loket": ("Petugas loket", "Counter staff"),
    "role.cetak": ("Operator cetak", "Printing operator"),
    "role.blangko": ("Pengelola blangko", "Stock keeper"),
    "action.manage_users": ("mengelola pengguna", "manage users"),
    "action.edit_residents": ("mengubah data penduduk", "edit residents"),
    "action.import_residents": ("mengimpor data penduduk", "import residents"),
    "action.change_settings": ("mengubah pengaturan kantor", "change office settings"),
}

MESSAGES.update({
    "settings.bad_timezone": ("Zona waktu '{zone}' tidak dikenal; gunakan misalnya {zones}.", "Unknown time zone '{zone}'; use e.g. {zones}."),
    "settings.office_name": ("Nama kantor", "Office name"),
    "init.done": (
        "Basis data kantor dibuat: {path}\n{office}, {region}: {kecamatan} kecamatan, {desa} desa/kelurahan. Admin: {admin}.",
        "Office database created: {path}\n{office}, {region}: {kecamatan} districts, {desa} villages. Admin: {admin}.",
    ),
    "demo.building": ("Membangun basis data contoh {path}", "Building demo database {path}"),
    "demo.reusing": ("Memakai basis data contoh yang ada: {path} (--fresh untuk membangun ulang)", "Reusing the demo database: {path} (--fresh to rebuild)"),
    "demo.not_on_postgres": (
        "Kantor contoh dibuat sebagai berkas SQLite, bukan di {url}. Jalankan `dukcapil demo` tanpa --db/DUKCAPIL_DB; "
        "untuk mencobanya di PostgreSQL, salin berkasnya ke sana dengan `dukcapil db copy`.",
        "The demo office is built as an SQLite file, not at {url}. Run `dukcapil demo` without --db/DUKCAPIL_DB; "
        "to try it on PostgreSQL, copy its file there with `dukcapil db copy`."),
    "demo.not_demo": (
        "{path} berisi basis data yang bukan data contoh; `dukcapil demo` tidak akan menimpanya. "
        "Pilih berkas lain dengan --db.",
        "{path} holds a database that is not a demo; `dukcapil demo` will not overwrite it. "
        "Choose another file with --db.",
    ),
    "demo.logins": ("Akun contoh (nama pengguna, kata sandi, peran):", "Demo logins (username, password, role):"),
    "backup.done": ("Cadangan tersimpan: {path}", "Backup written: {path}"),
    "backup.on_postgres": (
        "Kantor ini berada di server PostgreSQL: cadangannya dibuat di server (pg_dump), atau salinan berkas "
        "dengan `dukcapil db copy URL berkas.sqlite3`.",
        "This office is on a PostgreSQL server: back it up on the server (pg_dump), or make a file copy "
        "with `dukcapil db copy URL file.sqlite3`."),
    "backup.restore_postgres": (
        "Kantor ini berada di server PostgreSQL: pulihkan di server (pg_restore), atau salin berkas cadangan ke "
        "sana dengan `dukcapil db copy berkas.sqlite3 URL` ke basis data kosong.",
        "This office is on a PostgreSQL server: restore it on the server (pg_restore), or copy a backup file "
        "there with `dukcapil db copy file.sqlite3 URL` into an empty database."),
    "backup.server_side": ("Cadangan harian kantor di PostgreSQL dibuat di server.",
                           "The daily backup of an office on PostgreSQL is made on the server."),
    "restore.confirm": ("Ganti {target} dengan cadangan {source}?", "Replace {target} with backup {source}?"),
    "restore.done": ("{target} dipulihkan dari {source}.", "{target} restored from {source}."),
})

MESSAGES.update({
    "help.everywhere": ("di mana saja", "everywhere"),
    "help.this_screen": ("layar ini", "this screen"),
    "help.this_field": ("kolom yang aktif", "the focused field"),
    "section.residents_help": ("Cari, lihat, tambah dan ubah data penduduk", "Search, view, add and edit residents"),
    "palette.open_section": ("Buka {section}", "Open {section}"),
    "palette.placeholder": ("Cari perintah…", "Search for commands…"),
    "palette.no_matches": ("Tidak ada perintah yang cocok", "No matches found"),
    "palette.help": ("Tampilkan tombol yang aktif (F1)", "Show the active keys (F1)"),
    "palette.logout": ("Keluar dari akun ini dan kembali ke layar masuk", "Log out and return to the login screen"),
    "palette.language": ("Bahasa: English", "Language: Bahasa Indonesia"),
    "palette.language_help": ("Ganti bahasa tampilan (disimpan untuk komputer ini)", "Switch the interface language (saved for this workstation)"),
    "palette.main": ("Menu utama", "Main menu"),
    "palette.main_help": ("Kembali ke menu utama", "Back to the main menu"),
    "palette.quit_help": ("Tutup aplikasi", "Close the application"),
    "main.open": ("Buka", "Open"),
    "main.loading": ("Menghitung…", "Counting…"),
    "main.no_office": ("(kantor belum diatur)", "(office not set)"),
})

# Textual's own binding descriptions, so that the F1 help reads in one language.
MESSAGES.update({
    "Focus Next": ("Kolom berikut", "Next field"),
    "Focus Previous": ("Kolom sebelumnya", "Previous field"),
})

MESSAGES.update({
    "form.problems": ("Data belum benar: {count} kolom perlu diperbaiki (lihat pesan merah).", "Please correct {count} field(s) (see the messages in red)."),
})

MESSAGES.update({
    "form.submit": ("Simpan", "Save"),
    "form.confirm_unusual": ("Angka tidak wajar — yakin?", "An unusual number — are you sure?"),
    "form.confirm_unusual_hint": ("Enter: ya, catat angka ini · Esc: kembali dan perbaiki", "Enter: yes, record this number · Esc: go back and correct it"),
    "cli.confirm_hint": ("Bila angka ini memang benar, ulangi perintah dengan {flag}.", "If this number is right, run the command again with {flag}."),
})

MESSAGES.update({
    "settings.required": ("wajib diisi.", "is required."),
    "settings.bad_number": ("harus angka bulat {low} sampai {high}.", "must be a whole number from {low} to {high}."),
    "settings.bad_nip": ("harus 18 angka (atau kosong).", "must be 18 digits (or empty)."),
    "settings.bad_zone_value": ("'{zone}' tidak dikenal; gunakan misalnya {zones}.", "'{zone}' is unknown; use e.g. {zones}."),
    "settings.bad_yes_no": ("isi ya atau tidak.", "answer yes or no."),
    "settings.bad_pattern": ("pola tidak bisa dipakai; gunakan {seq:04d}, {month_roman}, {month}, {year}, {day}.", "the pattern cannot be used; use {seq:04d}, {month_roman}, {month}, {year}, {day}."),
    "settings.pattern_needs_seq": ("pola harus memuat nomor urut {seq}.", "the pattern must contain the sequence {seq}."),
    "settings.unknown": ("Pengaturan '{name}' tidak dikenal; yang bisa diubah: {keys}.", "Unknown setting '{name}'; these can be changed: {keys}."),
    "settings.key.office_name": ("Nama kantor", "Office name"),
    "settings.key.timezone": ("Zona waktu", "Time zone"),
    "settings.key.head_name": ("Nama Kepala Dinas", "Head of office's name"),
    "settings.key.head_nip": ("NIP Kepala Dinas", "Head of office's NIP"),
    "settings.key.report_place": ("Tempat penandatanganan laporan", "Place in the report signature"),
    "settings.key.reorder_threshold": ("Batas pesan ulang blangko", "Blank reorder threshold"),
    "settings.key.blangko_receipt_max": ("Batas wajar satu mutasi blangko (lot terbesar)", "Largest plausible blank movement (the largest lot)"),
    "settings.key.blangko_count_variance_max": ("Batas wajar selisih opname", "Largest plausible stock-count variance"),
    "settings.key.suket_number_pattern": ("Pola nomor Suket", "Suket number pattern"),
    "settings.key.suket_forbid_when_stock": ("Larang Suket baru bila blangko ada (ya/tidak)", "Forbid new Suket while blanks are in stock (yes/no)"),
    "settings.key.noshow_after_recalls": ("Panggil ulang sebelum tidak hadir", "Recalls before no-show"),
    "settings.key.noshow_min_minutes": ("Menit sejak dipanggil sebelum tidak hadir", "Minutes since the call before a no-show"),
    "settings.key.slip_printer_command": ("Perintah printer karcis (kosong: simpan ke berkas)", "Slip printer command (empty: save to a file)"),
    "settings.saved": ("{label} = {value}", "{label} = {value}"),
    "settings.title": ("Pengaturan kantor", "Office settings"),
    "settings.help": ("Nama kantor, Kepala Dinas, batas blangko, pola Suket, printer karcis", "Office name, head of office, blank threshold, Suket pattern, slip printer"),
    "settings.edit": ("Ubah", "Edit"),
    "settings.col.name": ("Pengaturan", "Setting"),
    "action.change_settings_ui": ("Pengaturan", "Settings"),
})
