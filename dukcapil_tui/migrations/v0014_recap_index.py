"""Migration 14: an index that covers the recording recaps' count of wajib KTP residents.

``resident_capaian`` holds, per desa, every column the wajib KTP condition and the capaian
recap's sums read (``reports.common.wajib_condition``): the recap counts 1,000,000 residents
from this index (about a tenth of the table's size) in desa order, without reading the table
or sorting the groups — 0.6 s for a scan of the table, 0.13 s from the index
(docs/performance.md). Per-desa counts kept by the services cannot replace it: being wajib KTP
depends on the day asked about (the 17th birthday, a death or move after that day).
"""

DESCRIPTION = "resident index covering the capaian recap's wajib KTP counts"

STATEMENTS = [
    "CREATE INDEX resident_capaian ON resident "
    "(desa_code, sex, recording_status, life_status, birth_date, marital_status, life_status_on)",
]
