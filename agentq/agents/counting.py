"""Counting the model calls an agent makes: the cost a real LLM would bill, the same way for every kind.

`ModelCalls.wrap(components)` wraps each component in a thin proxy that counts every call and the
seconds spent inside it; everything else (name, privileged, usage, ...) passes through to the
component itself.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

MODEL_CALLS = ("policy_calls", "policy_samples", "critic_calls", "critic_scored", "judge_calls")


class ModelCalls:
    """The counts (keys: MODEL_CALLS) and the seconds inside the components of one episode."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(MODEL_CALLS, 0)
        self.seconds = 0.0

    def wrap(self, components: dict[str, Any]) -> dict[str, Any]:
        """The components, each wrapped so that its calls are counted here."""
        return {name: _PROXIES[name](c, self) if name in _PROXIES else c for name, c in components.items()}


class _Counted:
    def __init__(self, inner: Any, calls: ModelCalls) -> None:
        self._inner = inner
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _timed(self, method: str, *args: Any) -> Any:
        started = perf_counter()
        try:
            return getattr(self._inner, method)(*args)
        finally:
            self._calls.seconds += perf_counter() - started


class CountedPolicy(_Counted):
    def propose(self, obs: Any, k: int, rng: Any) -> list[tuple[str, float]]:
        out = self._timed("propose", obs, k, rng)
        self._calls.counts["policy_calls"] += 1
        self._calls.counts["policy_samples"] += len(out)
        return out


class CountedCritic(_Counted):
    def score(self, obs: Any, candidates: list[str]) -> list[float]:
        self._calls.counts["critic_calls"] += 1
        self._calls.counts["critic_scored"] += len(candidates)
        return self._timed("score", obs, candidates)


class CountedJudge(_Counted):
    def judge(self, goal: str, trajectory: Any, final_obs: Any) -> float:
        self._calls.counts["judge_calls"] += 1
        return self._timed("judge", goal, trajectory, final_obs)


_PROXIES = {"policy": CountedPolicy, "critic": CountedCritic, "judge": CountedJudge}
