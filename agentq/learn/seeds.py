"""Seeds by purpose: every random choice of a training run derives from the run seed and a name."""

from __future__ import annotations

import hashlib
from typing import Any


def derive_seed(seed: int, *parts: Any) -> int:
    """A 31-bit seed from the run seed and a purpose (stage name, round, task, ...)."""
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
