"""Texts kept in the database for later readers (an import's problems, an alert's detail).

What is stored is the message's catalogue id and its parameters, never the words: they are
put into words when shown, in the language of whoever reads them. ``N_`` marks the message
for the catalogue (the extractor knows the name) and defers the translation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, get_locale, gettext


@dataclass(frozen=True)
class StoredText:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return gettext(self.msgid, **self.params) if self.params else gettext(self.msgid)

    def to_data(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": dict(self.params)}


def N_(msgid: str, **params: Any) -> StoredText:
    return StoredText(msgid, params)


@dataclass(frozen=True)
class Bilingual:
    """Words that come in both languages already (the VietQR codec's messages)."""

    vi: str
    en: str

    def __str__(self) -> str:
        return self.en if str(get_locale()) == "en" else self.vi

    def to_data(self) -> dict[str, Any]:
        return {"vi": self.vi, "en": self.en}


def stored(message: object) -> dict[str, Any]:
    """What to store for ``message``: its id and parameters (a ``StoredText``, or a lazy
    ``gettext`` string as the registry's services raise), or its words in each language."""
    if isinstance(message, LazyString) and message._func is gettext and len(message._args) == 1:
        return N_(message._args[0], **{name: _plain(value) for name, value in message._kwargs.items()}
                  ).to_data()
    if isinstance(message, StoredText | Bilingual):
        return message.to_data()
    return {"text": str(message)}


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)


def render(data: Any, locale: str = "vi") -> str:
    """A stored text in ``locale``; text written before codes were stored is shown as it is."""
    if isinstance(data, dict):
        if "msgid" in data:
            return str(StoredText(data["msgid"], data.get("params") or {}))
        if "vi" in data:
            return data.get(locale) or data["vi"]
        return str(data.get("text", ""))
    return "" if data is None else str(data)
