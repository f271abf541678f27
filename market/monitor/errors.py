"""Errors the monitor's services raise for bad input: a field and a message for the user."""
from __future__ import annotations


class EvidenceError(ValueError):
    """Input that cannot be recorded; ``field`` names the form field or the CSV column."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
