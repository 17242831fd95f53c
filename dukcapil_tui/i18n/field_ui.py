"""Strings of the field screen (perekaman keliling): packages and results at the office, the
recordings on a field laptop."""

MESSAGES = {
    "section.field": ("Perekaman keliling", "Field recording"),
    "section.field_help": ("Paket desa untuk laptop keliling, gabungkan hasilnya; di laptop: rekam dan buat hasil",
                           "Desa packages for field laptops and merging their results; on a laptop: record, seal the result"),
    "field_ui.ui.title": ("Perekaman keliling", "Field recording"),
    "field_ui.ui.laptop_title": ("Perekaman keliling — laptop", "Field recording — laptop"),
    "field_ui.ui.hint": ("F3 paket baru untuk laptop keliling, M gabungkan hasil yang dibawa kembali, Esc kembali.",
                         "F3 new package for a field laptop, M merge a result brought back, Esc back."),
    "field_ui.ui.staff_hint": ("Paket yang disiapkan dan hasilnya; kepala dinas menyiapkan paket dan menggabungkan "
                               "hasil. Esc kembali.",
                               "The packages prepared and their results; the head prepares packages and merges "
                               "results. Esc back."),
    "field_ui.ui.laptop_hint": ("R rekam NIK, H buat hasil untuk kantor; penduduk baru: Penduduk (F2, lalu F3).",
                                "R record a NIK, H seal the result for the office; newcomers: Penduduk (F2, then F3)."),
    "field_ui.ui.laptop_heading": ("Laptop {laptop}: {residents} penduduk ({newcomers} baru), {recorded} direkam, "
                                   "{belum} wajib KTP belum rekam",
                                   "Laptop {laptop}: {residents} residents ({newcomers} new), {recorded} recorded, "
                                   "{belum} wajib KTP not recorded"),
    "field_ui.ui.heading": ("{count} paket disiapkan, {results} hasil digabungkan",
                            "{count} packages prepared, {results} results merged"),
    "field_ui.ui.prepare": ("Paket baru", "New package"),
    "field_ui.ui.merge": ("Gabungkan hasil", "Merge a result"),
    "field_ui.ui.record": ("Rekam", "Record"),
    "field_ui.ui.result": ("Buat hasil", "Seal the result"),
    "field_ui.ui.saved": ("Tersimpan.", "Saved."),
    "field_ui.col.created": ("Disiapkan", "Prepared"),
    "field_ui.col.laptop": ("Laptop", "Laptop"),
    "field_ui.col.site": ("Lokasi", "Site"),
    "field_ui.col.desa": ("Desa", "Desa"),
    "field_ui.col.residents": ("Penduduk", "Residents"),
    "field_ui.col.results": ("Hasil", "Results"),
    "field_ui.col.recorded": ("Direkam", "Recorded"),
    "field_ui.col.newcomers": ("Baru", "New"),
    "field_ui.col.conflicts": ("Konflik", "Conflicts"),
    "field_ui.col.recorded_at": ("Waktu rekam", "Recorded at"),
    "field_ui.col.nik": ("NIK", "NIK"),
    "field_ui.col.name": ("Nama", "Name"),
    "field_ui.field.desa": ("Desa", "Desa"),
    "field_ui.field.laptop": ("Laptop", "Laptop"),
    "field_ui.field.site": ("Lokasi perekaman", "Recording site"),
    "field_ui.field.package_file": ("Berkas paket", "Package file"),
    "field_ui.field.result_file": ("Berkas hasil", "Result file"),
    "field_ui.field.result_out": ("Simpan hasil ke", "Save the result to"),
    "field_ui.field.note": ("Catatan", "Note"),
    "field_ui.desa_hint": ("Kode desa/kelurahan Kemendagri, beberapa dipisah koma.",
                           "Kemendagri desa/kelurahan codes, several separated by commas."),
    "field_ui.laptop_hint": ("Kode stasiun kerja laptop: rekamannya membawa kode ini.",
                             "The laptop's workstation code: its recordings carry it."),
    "field_ui.site_default": ("(lokasi laptop itu, atau Dinas)", "(that laptop's site, or the Dinas)"),
    "field_ui.default_file": ("(kosong: folder ekspor)", "(empty: the exports folder)"),
    "field_ui.prepare_intro": ("Paket berisi data penduduk hidup desa terpilih dan daftar belum rekamnya, tersegel. "
                               "Kuncinya ditulis ke berkas .kunci di sebelahnya: bawa terpisah dari paket.",
                               "The package carries the chosen desa's living residents and their belum-rekam list, "
                               "sealed. Its key goes to a .kunci file beside it: carry it apart from the package."),
    "field_ui.merge_hint": ("Berkas .dkf dari laptop (dukcapil field result atau H di laptop).",
                            "The .dkf file from the laptop (dukcapil field result, or H on the laptop)."),
    "field_ui.record_intro": ("Aturan sama dengan loket kantor: bukan yang meninggal atau pindah, usia 16 atau "
                              "sudah kawin, tidak sedang ada kartu dalam proses.",
                              "The office counter's rules: not the dead or moved away, from 16 or married, not "
                              "while a card is on its way."),
    "field_ui.result_intro": ("Menyegel semua perekaman, penduduk baru dan perubahan data di laptop ini untuk "
                              "digabungkan di kantor. Hasil berikutnya membawa semuanya lagi; kantor hanya "
                              "menambahkan yang baru.",
                              "Seals every recording, newcomer and edit made on this laptop for the office to "
                              "merge. A later result carries everything again; the office adds only what is new."),
    "field_ui.recorded": ("Perekaman tersimpan.", "Recording saved."),
    "field_ui.sealed": ("Hasil {path} dibuat: {recordings} perekaman, {newcomers} penduduk baru, {edits} perubahan "
                        "data. Bawa ke kantor dan gabungkan di Perekaman keliling (M).",
                        "Result {path} written: {recordings} recordings, {newcomers} newcomers, {edits} edits. Take "
                        "it to the office and merge it in Field recording (M)."),
}
