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


def shown(value: object, limit: int = 40) -> str:
    """A value someone typed or a file holds, inside a message: never ``None`` (it says
    "(kosong)"), never a whole megabyte, no control characters."""
    if value is None:
        return t("tabular.empty_value")
    text = " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())
    if not text:
        return t("tabular.empty_value")
    return text if len(text) <= limit else text[:limit] + "…"


class ValidationError(Exception):
    """Input broke one or more rules. ``problems`` maps a field name to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))

    def __str__(self) -> str:
        return "\n".join(self.problems.values())
