"""The base of bpsim's enums of words (a stop reason, a change's kind)."""
from __future__ import annotations

from enum import Enum


class Word(str, Enum):
    """An enum whose members are the strings they stand for: equal to them,
    written as them in JSON, text and f-strings, on every Python."""

    def __str__(self) -> str:
        return self.value
