"""Counting the model calls an agent makes: the cost a real LLM would bill, the same way for every kind.

`counted(components, counts)` wraps each component in a thin proxy that adds to `counts` at every
call; everything else (name, privileged, usage, ...) passes through to the component itself.
"""

from __future__ import annotations

from typing import Any

MODEL_CALLS = ("policy_calls", "policy_samples", "critic_calls", "critic_scored", "judge_calls")


class _Counted:
    def __init__(self, inner: Any, counts: dict[str, int]) -> None:
        self._inner = inner
        self._counts = counts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class CountedPolicy(_Counted):
    def propose(self, obs: Any, k: int, rng: Any) -> list[tuple[str, float]]:
        out = self._inner.propose(obs, k, rng)
        self._counts["policy_calls"] += 1
        self._counts["policy_samples"] += len(out)
        return out


class CountedCritic(_Counted):
    def score(self, obs: Any, candidates: list[str]) -> list[float]:
        self._counts["critic_calls"] += 1
        self._counts["critic_scored"] += len(candidates)
        return self._inner.score(obs, candidates)


class CountedJudge(_Counted):
    def judge(self, goal: str, trajectory: Any, final_obs: Any) -> float:
        self._counts["judge_calls"] += 1
        return self._inner.judge(goal, trajectory, final_obs)


_PROXIES = {"policy": CountedPolicy, "critic": CountedCritic, "judge": CountedJudge}


def counted(components: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    """The components wrapped so that every call is counted into `counts` (keys: MODEL_CALLS)."""
    for key in MODEL_CALLS:
        counts.setdefault(key, 0)
    return {name: _PROXIES[name](c, counts) if name in _PROXIES else c for name, c in components.items()}
