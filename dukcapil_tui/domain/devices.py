"""The device register with no database: kinds of device, their states, and which event moves a
device from which state to which."""

from __future__ import annotations

# A recording set (perangkat rekam KTP-el) and its parts, and the card printers.
KINDS = ("recording_set", "camera", "fingerprint", "iris", "signature_pad", "pc", "card_printer")
PARTS = ("camera", "fingerprint", "iris", "signature_pad", "pc")
STATUSES = ("in_service", "broken", "in_repair")
MAX_SERIAL = 60
MAX_NAME = 80
MAX_TEXT = 300

# event -> (the states it may follow, the state it leaves)
MOVES = {
    "broken": (("in_service",), "broken"),
    "sent_for_repair": (("broken",), "in_repair"),
    "repaired": (("broken", "in_repair"), "in_service"),
}


def out_of_service(status: str) -> bool:
    return status != "in_service"
