"""General strings: app frame, navigation, generic validation, database, CLI."""

MESSAGES = {
    "app.title": ("Dukcapil TUI", "Dukcapil TUI"),
    "app.quit": ("Keluar", "Quit"),
    "app.help": ("Bantuan", "Help"),
    "app.back": ("Kembali", "Back"),
    "app.logout": ("Keluar akun", "Log out"),
    "app.palette": ("Perintah", "Commands"),
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
    "field.required": ("{field} wajib diisi.", "{field} is required."),
    "field.too_long": ("{field} terlalu panjang (maksimal {max} karakter).", "{field} is too long (at most {max} characters)."),
    "field.bad_date": (
        "{field} bukan tanggal yang benar (gunakan DD-MM-YYYY).",
        "{field} is not a valid date (use DD-MM-YYYY).",
    ),
    "field.future_date": ("{field} tidak boleh di masa depan.", "{field} cannot be in the future."),
    "field.bad_choice": ("{field}: nilai '{value}' tidak dikenal; pilih salah satu dari {choices}.", "{field}: unknown value '{value}'; choose one of {choices}."),
    "field.digits": ("{field} harus berupa angka (maksimal {max} digit).", "{field} must be digits (at most {max})."),
    "error.validation": ("Data belum benar:", "Please correct the data:"),
    "error.permission": ("Peran {role} tidak berwenang untuk {action}.", "Role {role} may not {action}."),
    "error.not_found": ("{entity} tidak ditemukan.", "{entity} not found."),
    "error.conflict": ("Data telah diubah oleh pengguna lain; muat ulang lalu coba lagi.", "The record was changed by someone else; reload and try again."),
    "db.not_found": ("Basis data tidak ditemukan: {path}", "Database not found: {path}"),
    "db.exists": (
        "Basis data sudah ada di {path}; init dibatalkan agar data tidak tertimpa. "
        "Gunakan --db untuk lokasi lain.",
        "A database already exists at {path}; init refused so no data is overwritten. "
        "Use --db for another location.",
    ),
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
        "Basis data kantor dibuat: {path}\n{office}: {kecamatan} kecamatan, {desa} desa/kelurahan. Admin: {admin}.",
        "Office database created: {path}\n{office}: {kecamatan} districts, {desa} villages. Admin: {admin}.",
    ),
    "demo.building": ("Membangun basis data contoh {path}", "Building demo database {path}"),
    "demo.reusing": ("Memakai basis data contoh yang ada: {path} (--fresh untuk membangun ulang)", "Reusing the demo database: {path} (--fresh to rebuild)"),
    "demo.logins": ("Akun contoh (nama pengguna, kata sandi, peran):", "Demo logins (username, password, role):"),
    "backup.done": ("Cadangan tersimpan: {path}", "Backup written: {path}"),
    "restore.confirm": ("Ganti {target} dengan cadangan {source}?", "Replace {target} with backup {source}?"),
    "restore.done": ("{target} dipulihkan dari {source}.", "{target} restored from {source}."),
})
