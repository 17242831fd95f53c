"""Why the operating system refused a file or folder, in words (not the system's English)."""

MESSAGES = {
    "os.no_parent": ("folder {parent} tidak ada (flashdisk atau folder jaringan belum terpasang?); "
                     "pasang atau buat dulu folder itu", "folder {parent} does not exist (flash drive or network "
                     "share not mounted?); mount or create it first"),
    "os.no_such": ("folder atau berkas itu (atau induknya) tidak ada", "that folder or file (or its parent) does not exist"),
    "os.no_permission": ("tidak ada izin", "no permission"),
    "os.read_only": ("disk hanya bisa dibaca", "the disk is read-only"),
    "os.disk_full": ("disk penuh", "the disk is full"),
    "os.not_a_folder": ("salah satu bagian jalurnya berkas, bukan folder", "part of the path is a file, not a folder"),
    "os.is_a_folder": ("itu sebuah folder, bukan berkas", "that is a folder, not a file"),
    "os.exists": ("sudah ada", "already exists"),
    "os.unknown": ("sebab tidak diketahui", "unknown reason"),
}
