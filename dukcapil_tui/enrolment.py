"""This workstation's enrolment: for each office database it works on, the workstation code the
admin registered, the token that proves it, the key of the audit chain, and the last chain
heads it saw (anchors).

The file (``paths.enrolment_file()``) lives beside the settings file, outside the database,
mode 0600. Whoever can write the database but not this file can neither sign audit entries nor
pass for a registered workstation. No database access here: services/workstations.py and
services/chain.py use it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dukcapil_tui import paths, private
from dukcapil_tui.domain.problems import Refusal

FORMAT = "dukcapil-tui enrolment 1"


class EnrolmentError(Refusal):
    """An enrolment file that cannot be read; the message is for the user."""


@dataclass
class Entry:
    office_uid: str
    region_code: str
    workstation: str
    token: str
    chain_key: str  # hex
    anchors: dict[str, dict] = field(default_factory=dict)  # "audit"/"ledger" -> {"id", "chain", "at"}

    @property
    def key(self) -> bytes:
        return bytes.fromhex(self.chain_key)


_lock = threading.Lock()
_cache: tuple[tuple, dict[str, Entry]] | None = None


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino)


def _parse(text: str, source: Path) -> dict[str, Entry]:
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError("format")
        return {uid: Entry(**value) for uid, value in data.get("offices", {}).items()}
    except (ValueError, TypeError, AttributeError):
        from dukcapil_tui.i18n import t

        raise EnrolmentError(t("enrol.unreadable", path=source, reason=t("enrol.not_an_enrolment"))) from None


def load(path: Path | None = None) -> dict[str, Entry]:
    """Every office this workstation is enrolled for (empty when the file does not exist)."""
    global _cache
    path = path or paths.enrolment_file()
    stamp = _stamp(path)
    with _lock:
        if _cache is not None and _cache[0] == stamp:
            return _cache[1]
        if stamp[1] is None:
            entries: dict[str, Entry] = {}
        else:
            entries = _parse(path.read_text(encoding="utf-8"), path)
        _cache = (stamp, entries)
        return entries


def get(office_uid: str) -> Entry | None:
    try:
        return load().get(office_uid)
    except EnrolmentError:
        return None


def _write(entries: dict[str, Entry], path: Path) -> None:
    private.ensure_dir(path.parent)
    text = json.dumps({"format": FORMAT, "offices": {uid: asdict(e) for uid, e in entries.items()}},
                      indent=1, sort_keys=True)
    private.write_text(path, text + "\n")


def put(entry: Entry, path: Path | None = None) -> None:
    """Add or replace the entry of ``entry.office_uid``."""
    path = path or paths.enrolment_file()
    with _lock:
        entries = dict(_read_fresh(path))
        entries[entry.office_uid] = entry
        _write(entries, path)


def remove(office_uid: str, path: Path | None = None) -> None:
    path = path or paths.enrolment_file()
    with _lock:
        entries = dict(_read_fresh(path))
        if entries.pop(office_uid, None) is not None:
            _write(entries, path)


def set_anchor(office_uid: str, name: str, row_id: int, chain: str, at: str) -> None:
    """Remember the newest chain head this workstation saw (only ever moved forward, except by
    ``reset``)."""
    path = paths.enrolment_file()
    with _lock:
        entries = dict(_read_fresh(path))
        entry = entries.get(office_uid)
        if entry is None:
            return
        current = entry.anchors.get(name)
        if current and current.get("id", 0) >= row_id:
            return
        entry.anchors[name] = {"id": row_id, "chain": chain, "at": at}
        _write(entries, path)


def reset_anchors(office_uid: str, anchors: dict[str, dict]) -> None:
    """After a restore: the heads of the restored database replace what was seen before."""
    path = paths.enrolment_file()
    with _lock:
        entries = dict(_read_fresh(path))
        entry = entries.get(office_uid)
        if entry is None:
            return
        entry.anchors = dict(anchors)
        _write(entries, path)


def _read_fresh(path: Path) -> dict[str, Entry]:
    if not path.exists():
        return {}
    return _parse(path.read_text(encoding="utf-8"), path)


def write_transfer_file(entry: Entry, target: Path, office_name: str) -> Path:
    """The enrolment of another workstation, to carry to it (``dukcapil workstations enrol``)."""
    data = {"format": FORMAT, "office_name": office_name, "entry": asdict(entry)}
    data["entry"]["anchors"] = {}
    target = Path(target)
    private.ensure_dir(target.parent, own=False)
    private.write_text(target, json.dumps(data, indent=1) + "\n")
    return target


def read_transfer_file(source: Path) -> tuple[Entry, str]:
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("format")
        return Entry(**data["entry"]), str(data.get("office_name", ""))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        from dukcapil_tui.i18n import t

        raise EnrolmentError(t("enrol.unreadable", path=source, reason=type(exc).__name__)) from None


def forget_cache() -> None:
    global _cache
    with _lock:
        _cache = None

