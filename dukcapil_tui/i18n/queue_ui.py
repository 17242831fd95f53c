"""Strings of the queue screens: registration desk, counter, day summary, services, board."""

MESSAGES: dict[str, tuple[str, str]] = {}
