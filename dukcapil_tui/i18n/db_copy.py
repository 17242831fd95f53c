"""Strings of ``dukcapil db copy``: moving an office between SQLite and PostgreSQL."""

MESSAGES = {
    "dbcopy.unfinished": (
        "Basis data {place} adalah salinan kantor yang belum selesai (dari {source}): jalankan lagi "
        "`dukcapil db copy` dengan SUMBER dan TUJUAN yang sama untuk menyelesaikannya, sebelum dipakai.",
        "Database {place} is an unfinished copy of an office (from {source}): run `dukcapil db copy` again "
        "with the same SOURCE and TARGET to finish it before it is used."),
    "action.db_copy": ("menyalin basis data kantor", "copy the office database"),
    "dbcopy.same": ("SUMBER dan TUJUAN sama ({place}): salin ke basis data lain.",
                    "SOURCE and TARGET are the same ({place}): copy to another database."),
    "dbcopy.bad_batch": ("--batch harus bilangan bulat 1 atau lebih, bukan {value}.",
                         "--batch must be a whole number of 1 or more, not {value}."),
    "dbcopy.source_missing": ("Basis data sumber {place} tidak ada (atau kosong).",
                              "The source database {place} does not exist (or is empty)."),
    "dbcopy.unreadable": ("Basis data {place} tidak bisa dibuka: {reason}", "The database {place} cannot be opened: {reason}"),
    "dbcopy.source_not_office": ("Sumber {place} bukan basis data kantor aplikasi ini.",
                                 "The source {place} is not an office database of this app."),
    "dbcopy.source_older": (
        "Skema sumber {place} versi {version}, aplikasi ini versi {latest}: buka sumber dengan aplikasi ini "
        "dulu (mis. dukcapil --db SUMBER check) agar diperbarui, lalu salin.",
        "The source {place} is at schema version {version}, this app at {latest}: open the source with this app "
        "first (e.g. dukcapil --db SOURCE check) to upgrade it, then copy."),
    "dbcopy.source_newer": (
        "Skema sumber {place} versi {version}, lebih baru dari aplikasi ini (versi {latest}): perbarui aplikasi dulu.",
        "The source {place} is at schema version {version}, newer than this app ({latest}): update the app first."),
    "dbcopy.no_key": (
        "Komputer ini tidak memegang kunci rantai log audit kantor ini: jalankan salinan di komputer kerja "
        "kantor yang terdaftar.",
        "This workstation holds no key to the office's audit chain: run the copy on a registered workstation "
        "of the office."),
    "dbcopy.target_foreign": ("Tujuan {place} berisi tabel yang bukan milik aplikasi ini: pilih basis data kosong.",
                              "The target {place} holds tables that are not this app's: choose an empty database."),
    "dbcopy.target_version": (
        "Tujuan {place} berisi data pada skema versi {version} (aplikasi ini versi {latest}): pilih basis data kosong.",
        "The target {place} holds data at schema version {version} (this app: {latest}): choose an empty database."),
    "dbcopy.target_other_copy": (
        "Tujuan {place} berisi salinan yang belum selesai dari kantor lain: pilih basis data kosong.",
        "The target {place} holds an unfinished copy of another office: choose an empty database."),
    "dbcopy.target_done": (
        "Tujuan {place} sudah berisi kantor ini (salinan yang selesai atau basis data yang dipakai): tidak ada "
        "yang disalin. Periksa dengan: dukcapil --db TUJUAN check",
        "The target {place} already holds this office (a finished copy or a database in use): nothing copied. "
        "Check it with: dukcapil --db TARGET check"),
    "dbcopy.target_other_office": (
        "Tujuan {place} sudah berisi kantor lain: salinan hanya ditulis ke basis data kosong.",
        "The target {place} already holds another office: a copy is written only into an empty database."),
    "dbcopy.target_has_data": (
        "Tujuan {place} sudah berisi data (tabel {table}): salinan hanya ditulis ke basis data kosong.",
        "The target {place} already holds data (table {table}): a copy is written only into an empty database."),
    "dbcopy.diverged": (
        "Tabel {table} di tujuan tidak lagi sama dengan awal tabel sumber (diubah sejak salinan terhenti?): "
        "salin ulang ke basis data kosong.",
        "Table {table} on the target no longer matches the start of the source table (changed since the copy "
        "stopped?): copy again into an empty database."),
    "dbcopy.row_refused": ("Tujuan menolak baris tabel {table}: {reason}", "The target refused a row of table {table}: {reason}"),
    "dbcopy.no_primary_key": ("Tabel {table} tidak punya kunci primer satu kolom: tidak bisa disalin per bagian.",
                              "Table {table} has no one-column primary key: it cannot be copied in batches."),
    "dbcopy.cycle": ("Urutan salin tabel tidak bisa ditentukan (saling merujuk): {tables}.",
                     "No copy order for these tables (they refer to each other): {tables}."),
    "dbcopy.extra_tables": (
        "Sumber berisi tabel di luar aplikasi ini ({tables}): tidak disalin diam-diam; hapus atau pindahkan dulu.",
        "The source holds tables outside this app ({tables}): not left behind silently; remove or move them first."),
    "dbcopy.missing_tables": ("Sumber tidak memiliki tabel aplikasi: {tables}.", "The source lacks the app's tables: {tables}."),
    "dbcopy.columns_differ": ("Kolom tabel {table} di sumber dan tujuan berbeda.",
                              "The columns of table {table} differ between source and target."),
    "dbcopy.stopped": (
        "Salinan terhenti: {reason}. Yang sudah disalin tetap tersimpan; jalankan perintah yang sama lagi untuk "
        "melanjutkan.",
        "The copy stopped: {reason}. What was copied is kept; run the same command again to go on."),
    "dbcopy.progress": ("  {table}: {done}/{total} baris", "  {table}: {done}/{total} rows"),
    "dbcopy.starting": ("Menyalin kantor dari {source} ke {target}…", "Copying the office from {source} to {target}…"),
    "dbcopy.resuming": ("Melanjutkan salinan yang terhenti dari {source} ke {target}…",
                        "Resuming the interrupted copy from {source} to {target}…"),
    "dbcopy.report.done": ("Salinan selesai: {tables} tabel, {rows} baris ({copied} disalin pada jalan ini).",
                           "Copy finished: {tables} tables, {rows} rows ({copied} copied in this run)."),
    "dbcopy.report.counts_ok": ("Jumlah baris dan isi tiap tabel sama dengan sumber.",
                                "Every table's row count and content equal the source's."),
    "dbcopy.report.chains_ok": (
        "Rantai log audit ({audit} entri) dan buku blangko ({ledger} mutasi) utuh di tujuan.",
        "The audit log chain ({audit} entries) and the blank ledger chain ({ledger} movements) verify on the target."),
    "dbcopy.report.audited": ("Salinan dicatat di log audit tujuan.", "The copy is recorded in the target's audit log."),
    "dbcopy.report.failed": (
        "Salinan BELUM selesai: tujuan berbeda dari sumber. Hentikan kerja di loket lalu jalankan perintah yang sama "
        "lagi (melanjutkan).",
        "The copy is NOT finished: the target differs from the source. Stop work at the counters, then run the same "
        "command again (it resumes)."),
    "dbcopy.report.mismatch": ("  tabel {table}: sumber {source} baris, tujuan {target} baris",
                               "  table {table}: source {source} rows, target {target} rows"),
    "dbcopy.report.content": ("  tabel {table}: {rows} baris berbeda isinya dari sumber",
                              "  table {table}: {rows} rows differ from the source"),
    "dbcopy.report.chain": ("  rantai: {problem}", "  chain: {problem}"),
}
