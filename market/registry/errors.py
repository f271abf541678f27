"""The one error the registry services raise: which field is wrong, and why (in Vietnamese)."""
from __future__ import annotations


class RegistryError(ValueError):
    """Input a registry service refuses; raised before anything is written.

    ``field`` is the name of the argument (and of the form field) at fault; ``message`` is a
    lazy Vietnamese string, translated when shown.
    """

    def __init__(self, field: str, message: object) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
