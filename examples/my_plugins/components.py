"""A policy, two critics and a judge that read only the observation (and one privileged critic that
is handed the oracle), written against the protocols of `agentq.planner.protocols`."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

Obs = dict[str, Any]
_ELEMENT = re.compile(r"\[(\d+)\]\s+\S+\s+\"([^\"]*)\"")  # `[12] link "Jaipur Palace"` in the page text
_ID = re.compile(r"^\w+\((\d+)")  # `click(12)`, `fill(7, "...")`
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    """Lower-case words of three letters or more (numbers of any length)."""
    return {w for w in _WORD.findall(text.casefold()) if len(w) >= 3 or w.isdigit()}


def overlap(obs: Obs, action: str) -> int:
    """How many goal words the action's element label (or its typed text) shares with the goal."""
    labels = dict(_ELEMENT.findall(obs["text"]))
    found = _ID.match(action)
    label = labels.get(found.group(1), "") if found else ""
    typed = action.split(",", 1)[1] if "," in action else ""
    return len(words(obs["goal"]) & words(f"{label} {typed}"))


class GoalWordsPolicy:
    """Prefers actions on elements whose label shares words with the goal (softmax at `temperature`).

    It declares no `name`, so runs call it by its import path; it declares `privileged = False`,
    so it is never handed the oracle.
    """

    privileged = False

    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        temperature: float = Field(1.0, gt=0, description="softmax temperature over the overlap counts")

    def __init__(self, temperature: float = 1.0) -> None:
        self.temperature = temperature

    def propose(self, obs: Obs, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        legal = list(dict.fromkeys(obs["legal_actions"]))
        if not legal:
            return []
        ending = ("stop(", "ask_user(")  # ending or asking early rarely helps: a fixed penalty
        logits = np.array([overlap(obs, a) - 2.0 * a.startswith(ending) for a in legal]) / self.temperature
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        picked = rng.choice(len(legal), size=min(k, len(legal)), replace=False, p=probs)
        return [(legal[i], float(probs[i])) for i in picked]


class OverlapCritic:
    """Scores a candidate by its goal-word overlap, squashed into [0, 1)."""

    name = "overlap"  # the name rows and reports show
    privileged = False

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        return [1.0 - 1.0 / (1.0 + overlap(obs, c)) for c in candidates]


class ExpertHintCritic:
    """A privileged critic: it declares nothing about privilege, so it counts as privileged and is
    built with the oracle (`envs.oracle.Oracle`), which knows the expert's next action."""

    name = "expert_hint"

    def __init__(self, oracle: Any, other: float = 0.1) -> None:
        self.oracle = oracle
        self.other = other

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        best = self.oracle.expert_action(candidates)
        return [1.0 if c == best else self.other for c in candidates]


class GoalCoverageJudge:
    """Estimated success: the share of the goal's words the final page shows."""

    name = "goal_coverage"
    privileged = False

    def judge(self, goal: str, trajectory: list[Any], final_obs: Obs) -> float:
        wanted = words(goal)
        return len(wanted & words(final_obs["text"])) / len(wanted) if wanted else 0.0
