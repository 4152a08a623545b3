"""A per-endpoint limit on requests in flight, shared by all components of a process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class EndpointLimiter:
    """At most `limit` holders at once; the limit only ever goes down (the strictest setting wins)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self._cond = threading.Condition()

    def lower_to(self, limit: int) -> None:
        """Tighten the limit (a component with a smaller max_concurrency joined this endpoint)."""
        with self._cond:
            self.limit = min(self.limit, limit)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the duration of the block."""
        with self._cond:
            self._cond.wait_for(lambda: self.active < self.limit)
            self.active += 1
        try:
            yield
        finally:
            with self._cond:
                self.active -= 1
                self._cond.notify()


_LIMITERS: dict[str, EndpointLimiter] = {}
_LOCK = threading.Lock()


def limiter_for(base_url: str, limit: int) -> EndpointLimiter:
    """The process-wide limiter of an endpoint, tightened to `limit`."""
    with _LOCK:
        limiter = _LIMITERS.get(base_url)
        if limiter is None:
            limiter = _LIMITERS[base_url] = EndpointLimiter(limit)
        else:
            limiter.lower_to(limit)
        return limiter
