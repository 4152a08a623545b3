"""The learned judge: an outcome reward model of the evaluator's verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentq.learn.features import pages_of
from agentq.learn.inference import OutcomeScorer

from .loading import cached_load

Obs = dict[str, Any]


def _action_of(step: Any) -> str:
    return str(step.get("action", "") if isinstance(step, dict) else getattr(step, "action", ""))


class LearnedJudge:
    """The probability that the trajectory succeeded, from the final page, the actions taken and
    the pages they were taken at."""

    name = "learned"
    privileged = False

    def __init__(self, model: OutcomeScorer, sha256: str = "") -> None:
        self.model = model
        self.sha256 = sha256

    @classmethod
    def load(cls, checkpoint: str) -> LearnedJudge:
        """The judge stored at `checkpoint`."""
        model, meta = cached_load(checkpoint, "judge")
        return cls(OutcomeScorer(model, meta.features), meta.sha256)

    def judge(self, goal: str, trajectory: Sequence[Any], final_obs: Obs) -> float:
        actions = [_action_of(s) for s in trajectory]
        return self.model.probability(goal, actions, final_obs, pages_of(trajectory))
