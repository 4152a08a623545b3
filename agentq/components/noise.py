"""Deterministic hashed randomness: the same parts always give the same number (sha256, never `hash()`)."""

from __future__ import annotations

import hashlib

_SEP = "\x1f"


def unit(*parts: object) -> float:
    """A uniform number in [0, 1) derived from sha256 of the parts."""
    digest = hashlib.sha256(_SEP.join(str(p) for p in parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
