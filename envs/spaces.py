"""Gymnasium spaces for free text."""

from __future__ import annotations

import string
from typing import Any

import numpy as np
from gymnasium import spaces

PRINTABLE = string.printable


class FreeText(spaces.Text):
    """Any `str` up to `max_length` characters (unicode included); samples printable ASCII."""

    def __init__(self, max_length: int, seed: int | np.random.Generator | None = None) -> None:
        super().__init__(max_length=max_length, min_length=0, charset=PRINTABLE, seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"FreeText(max_length={self.max_length})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, FreeText) and other.max_length == self.max_length


def observation_space() -> spaces.Dict:
    """The observation space shared by every web env."""
    return spaces.Dict(
        {
            "text": FreeText(200_000),
            "url": FreeText(4_096),
            "goal": FreeText(8_000),
            "last_action": FreeText(8_000),
            "last_action_error": FreeText(8_000),
        }
    )
