"""The blank ledger as people read it, the same on the Blangko screen and ``dukcapil blangko
ledger``: reason codes in words (quantities: ``formatting.format_signed``)."""

from __future__ import annotations

from dukcapil_tui.domain import cards as card_rules
from dukcapil_tui.i18n import t
from dukcapil_tui.models import BlangkoMovement

_REASONS = frozenset(card_rules.SPOIL_REASONS) | frozenset(card_rules.WITHDRAW_REASONS)


def reference(movement: BlangkoMovement, corrected: bool = False) -> str:
    """What the movement refers to: the receipt's document, a spoiled blank's reason in words, a
    correction's reason; marked when a later correction changed it."""
    text = t(f"blangko.spoil.{movement.reference}") if movement.reference in _REASONS else movement.reference
    if movement.kind == "correction":
        return f"{text}: {movement.note}"
    return f"{text} ({t('blangko.ui.corrected')})" if corrected else text
