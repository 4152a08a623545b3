"""Judges: estimate in [0, 1] whether a trajectory achieved the goal (the outcome judge inside search)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentq.components.noise import unit
from agentq.components.privileged import require_oracle, success

Obs = dict[str, Any]


def _action_of(step: Any) -> str:
    return str(getattr(step, "action", "") if not isinstance(step, dict) else step.get("action", ""))


class EnvJudge:
    """The evaluator's verdict: 1.0 for success, 0.0 otherwise (privileged)."""

    name = "env"
    privileged = True

    def __init__(self, oracle: Any) -> None:
        self.oracle = require_oracle(oracle)

    def judge(self, goal: str, trajectory: Sequence[Any], final_obs: Obs) -> float:
        return 1.0 if success(self.oracle) else 0.0


class NoisyJudge:
    """Another judge's verdict, flipped (v -> 1 - v) with probability `flip`; sha256-deterministic."""

    name = "noisy"

    def __init__(self, base: Any, flip: float, seed: int = 0) -> None:
        self.base = base
        self.flip = flip
        self.seed = seed
        self.privileged = bool(getattr(base, "privileged", True))

    def judge(self, goal: str, trajectory: Sequence[Any], final_obs: Obs) -> float:
        value = float(self.base.judge(goal, trajectory, final_obs))
        key = (
            self.seed, "judge", goal, final_obs.get("text", ""), final_obs.get("url", ""),
            final_obs.get("last_action", ""), *(_action_of(s) for s in trajectory),
        )
        return 1.0 - value if unit(*key) < self.flip else value
