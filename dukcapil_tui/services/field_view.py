"""What the field screen reads: at the office, the packages prepared for laptops and what their
results brought back; on the laptop, the recordings made there. Reads only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from dukcapil_tui.models import Card, FieldMerge, FieldPackage, Resident
from dukcapil_tui.services import regions


@dataclass(frozen=True)
class Drive:
    """A package prepared here and the results of it merged back."""

    package: str
    created_at: datetime
    username: str
    laptop: str
    site_code: str | None
    desa: tuple[str, ...]  # names
    residents: int
    results: int  # results merged
    recorded: int  # recordings those results added
    newcomers: int
    conflicts: int
    last_merged_at: datetime | None


def drives(limit: int = 200) -> list[Drive]:
    """The newest ``limit`` packages, newest first, each with the sums of its merged results."""
    index = regions.index()
    merges: dict[str, list[FieldMerge]] = {}
    packages = list(FieldPackage.select().order_by(FieldPackage.created_at.desc()).limit(limit))
    wanted = [p.uuid for p in packages]
    for start in range(0, len(wanted), 500):
        for row in FieldMerge.select().where(FieldMerge.package_uuid.in_(wanted[start:start + 500])):
            merges.setdefault(row.package_uuid, []).append(row)
    found = []
    for package in packages:
        done = merges.get(package.uuid, [])
        sums = [json.loads(m.summary or "{}") for m in done]
        found.append(Drive(
            package.uuid, package.created_at, package.username, package.laptop, package.site_code,
            tuple(index.name(code) for code in package.desa_codes.split(",") if code),
            package.residents, len(done), sum(s.get("recorded", 0) for s in sums),
            sum(s.get("newcomers", 0) for s in sums), sum(s.get("conflicts", 0) for s in sums),
            max((m.merged_at for m in done), default=None)))
    return found


@dataclass(frozen=True)
class FieldRecording:
    card_id: int
    recorded_at: datetime
    nik: str
    name: str
    name_protected: bool
    desa: str  # name


def recordings(limit: int = 500) -> list[FieldRecording]:
    """On the laptop: the newest ``limit`` recordings made here, newest first."""
    index = regions.index()
    rows = (Card.select(Card.id, Card.recorded_at, Resident.nik, Resident.name, Resident.name_protected,
                        Resident.desa_code)
            .join(Resident).order_by(Card.id.desc()).limit(limit).tuples())
    return [FieldRecording(card_id, recorded_at, nik, name, bool(protected), index.name(desa))
            for card_id, recorded_at, nik, name, protected, desa in rows]
