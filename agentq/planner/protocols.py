"""Contracts between the planner and its components (policy, critic, judge)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

Obs = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One trajectory step: the observation the action was taken at, then the action."""

    obs: Obs
    action: str


@runtime_checkable
class Policy(Protocol):
    """Proposes actions (the "LLM" in pure mode)."""

    name: str
    privileged: bool

    def propose(self, obs: Obs, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        """Return up to k distinct actions with their probabilities."""
        ...


@runtime_checkable
class Critic(Protocol):
    """Self-critique: scores candidate actions at expansion."""

    name: str
    privileged: bool

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        """Return one score in [0, 1] per candidate, higher is better."""
        ...


@runtime_checkable
class Judge(Protocol):
    """Outcome judge used inside search."""

    name: str
    privileged: bool

    def judge(self, goal: str, trajectory: list[Step], final_obs: Obs) -> float:
        """Return the estimated success of the trajectory in [0, 1]."""
        ...
