"""Deterministic hashed randomness: the same parts always give the same number (sha256, never `hash()`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

_SEP = "\x1f"


def unit(*parts: object) -> float:
    """A uniform number in [0, 1) derived from sha256 of the parts."""
    digest = hashlib.sha256(_SEP.join(str(p) for p in parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def weighted_index(weights: Sequence[float], u: float) -> int:
    """The index that a uniform `u` in [0, 1) picks from non-negative `weights` (uniform if all zero)."""
    total = float(sum(w for w in weights if w > 0))
    if total <= 0.0:
        return min(int(u * len(weights)), len(weights) - 1)
    target = u * total
    acc = 0.0
    last = 0
    for i, w in enumerate(weights):
        if w > 0:
            acc += w
            last = i
            if target < acc:
                return i
    return last
