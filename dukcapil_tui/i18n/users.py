"""Strings for login, users and roles."""

MESSAGES = {
    "login.title": ("Masuk", "Log in"),
    "login.username": ("Nama pengguna", "Username"),
    "login.password": ("Kata sandi", "Password"),
    "login.submit": ("Masuk", "Log in"),
    "login.failed": (
        "Gagal masuk: nama pengguna atau kata sandi salah, atau akun nonaktif atau terkunci "
        "(5 kali salah mengunci akun 15 menit; admin dapat membukanya).",
        "Login failed: wrong username or password, or the account is disabled or locked "
        "(5 wrong passwords lock it for 15 minutes; the admin can unlock it).",
    ),
    "login.empty": ("Isi nama pengguna dan kata sandi.", "Enter username and password."),
    "login.welcome": ("Selamat datang, {name}.", "Welcome, {name}."),
    "user.entity": ("Pengguna", "User"),
    "user.username_bad": ("Nama pengguna: 3–32 karakter huruf kecil, angka, titik, garis bawah atau tanda hubung.", "Username: 3–32 characters of lowercase letters, digits, dot, underscore or hyphen."),
    "user.username_taken": ("Nama pengguna {username} sudah dipakai.", "Username {username} is taken."),
    "user.password_short": ("Kata sandi minimal {min} karakter.", "The password needs at least {min} characters."),
    "user.password_mismatch": ("Kedua kata sandi tidak sama.", "The two passwords differ."),
    "user.role_bad": ("Peran '{role}' tidak dikenal; pilih admin, loket, cetak atau blangko.", "Unknown role '{role}'; choose admin, loket, cetak or blangko."),
    "user.full_name_required": ("Nama lengkap pengguna wajib diisi.", "The user's full name is required."),
    "user.created": ("Pengguna {username} ({role}) dibuat.", "User {username} ({role}) created."),
    "user.disabled": ("Pengguna {username} dinonaktifkan.", "User {username} disabled."),
    "user.enabled": ("Pengguna {username} diaktifkan kembali.", "User {username} enabled again."),
    "user.password_changed": ("Kata sandi {username} diganti; kunci akun dibuka.", "Password of {username} changed; account unlocked."),
    "user.last_admin": ("Admin aktif terakhir tidak boleh dinonaktifkan.", "The last active admin cannot be disabled."),
    "user.not_found": ("Pengguna {username} tidak ditemukan.", "User {username} not found."),
    "user.list_header": ("NAMA PENGGUNA", "USERNAME"),
    "user.col.role": ("PERAN", "ROLE"),
    "user.col.status": ("STATUS", "STATUS"),
    "user.col.name": ("NAMA LENGKAP", "FULL NAME"),
    "user.status_active": ("aktif", "active"),
    "user.status_disabled": ("nonaktif", "disabled"),
    "user.status_locked": ("terkunci s.d. {until}", "locked until {until}"),
}
