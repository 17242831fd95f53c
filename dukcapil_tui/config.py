"""The workstation's own settings file (TOML).

Office-wide settings (office name, region, time zone, thresholds) live in the database so
that every workstation sharing it agrees; this file holds what belongs to one machine: the
interface language, the workstation code stamped on records it creates, the database
it opens by default, and the queue counter (loket) it usually serves.
"""

from __future__ import annotations

import socket
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from dukcapil_tui import paths, private

LANGUAGES = ("id", "en")


@dataclass
class Config:
    language: str = "id"
    workstation: str = ""
    database: str = ""
    counter: str = ""  # the counter (loket) number this workstation usually serves

    @property
    def workstation_code(self) -> str:
        return self.workstation or default_workstation()


def default_workstation() -> str:
    name = socket.gethostname().split(".")[0] or "WS"
    return name[:32].upper()


def load(path: Path | None = None) -> Config:
    path = path or paths.config_file()
    config = Config()
    if not path.exists():
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return config
    known = {f.name for f in fields(Config)}
    for key, value in data.items():
        if key in known and isinstance(value, str):
            setattr(config, key, value)
    if config.language not in LANGUAGES:
        config.language = "id"
    return config


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save(config: Config, path: Path | None = None) -> Path:
    path = path or paths.config_file()
    private.ensure_dir(path.parent)
    lines = ["# dukcapil-tui workstation settings"]
    lines += [f"{key} = {_quote(str(value))}" for key, value in asdict(config).items()]
    return private.write_text(path, "\n".join(lines) + "\n")
