"""A rule broken by some input: a message key with parameters, translated when shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from dukcapil_tui.i18n import t


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)
    field_name: str | None = None

    @property
    def message(self) -> str:
        return t(self.code, **self.params)

    def __str__(self) -> str:
        return self.message


class ValidationError(Exception):
    """Input broke one or more rules. ``problems`` maps a field name to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))

    def __str__(self) -> str:
        return "\n".join(self.problems.values())
