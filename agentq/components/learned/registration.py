"""Adds the learned policy, critic and judge to the component registry (called at the end of registry.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .critic import LearnedCritic
from .judge import LearnedJudge
from .policy import LearnedPolicy


class LearnedParams(BaseModel):
    """A learned component's checkpoint: a stage folder (``runs/train/checkpoints/base``) or a file."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    checkpoint: str = Field(min_length=1)


class LearnedPolicyParams(LearnedParams):
    temperature: float = Field(1.0, gt=0)


def register_learned(registry: dict[str, dict[str, Any]], entry: Any) -> None:
    """Put the `learned` entries into a registry table; `entry` is the registry's Entry class."""
    registry["policy"]["learned"] = entry(
        "policy", "learned", LearnedPolicyParams, False,
        lambda s, o, seed: LearnedPolicy.load(s["checkpoint"], s["temperature"]),
        "a trained model's softmax over the legal actions (python -m agentq.train)",
    )  # fmt: skip
    registry["critic"]["learned"] = entry(
        "critic", "learned", LearnedParams, False, lambda s, o, seed: LearnedCritic.load(s["checkpoint"]),
        "a trained classifier of actions successful trajectories took, squashed into (0, 1)",
    )  # fmt: skip
    registry["judge"]["learned"] = entry(
        "judge", "learned", LearnedParams, False, lambda s, o, seed: LearnedJudge.load(s["checkpoint"]),
        "a trained outcome model: the probability the evaluator accepts the final state",
    )  # fmt: skip
