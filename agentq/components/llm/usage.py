"""Cumulative usage counters of one llm component (thread-safe)."""

from __future__ import annotations

import threading

COUNTERS = (
    "calls",  # requests the server answered
    "cache_hits",  # replies served from the on-disk cache (no request)
    "prompt_tokens",
    "completion_tokens",
    "retries",  # extra attempts after a 429, 5xx, timeout or connection error
    "failed_requests",  # requests that failed for good (LLMRequestError)
    "failed_proposals",  # replies the component could not use (no action / ranking / verdict)
    "cost_usd",  # 0.0 without prices
)


class Usage:
    """Counters since construction; `snapshot()` is what a component's `usage()` returns."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, float] = {name: 0 for name in COUNTERS}
        self._values["cost_usd"] = 0.0

    def add(self, **amounts: float) -> None:
        """Add to named counters (unknown names are a programming error)."""
        with self._lock:
            for name, amount in amounts.items():
                if name not in self._values:
                    raise KeyError(f"unknown usage counter {name!r}")
                self._values[name] += amount

    def snapshot(self) -> dict[str, float]:
        """A copy of the counters."""
        with self._lock:
            return dict(self._values)
