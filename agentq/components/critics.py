"""Critics: score candidate actions in [0, 1] (the self-critique that orders a node's children)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from agentq.components.heuristics import score_actions
from agentq.components.noise import unit, weighted_index
from agentq.components.privileged import expert_action, require_oracle

Obs = dict[str, Any]
DEFAULT_SCALE = 2.5
RUNNER_UP_CAP = 0.8  # non-chosen candidates of the noisy critic score at most this


def squash(scores: Sequence[float], scale: float) -> list[float]:
    """Logistic map of heuristic scores into (0, 1)."""
    out = []
    for s in scores:
        z = max(-60.0, min(60.0, s / scale))
        out.append(1.0 / (1.0 + math.exp(-z)))
    return out


class HeuristicCritic:
    """The heuristic scores squashed into (0, 1) (public text only)."""

    name = "heuristic"
    privileged = False

    def __init__(self, scale: float = DEFAULT_SCALE) -> None:
        self.scale = scale

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        return squash(score_actions(obs, candidates), self.scale)


class ExpertCritic:
    """1.0 for the expert's action, `other` for every other candidate (privileged)."""

    name = "expert"
    privileged = True

    def __init__(self, oracle: Any, other: float = 0.05) -> None:
        self.oracle = require_oracle(oracle)
        self.other = other

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        if not candidates:
            return []
        expert = expert_action(self.oracle, candidates)
        return [1.0 if c == expert else self.other for c in candidates]


class NoisyExpertCritic:
    """Ranks the expert's action first with probability `accuracy`, else some other candidate (privileged).

    The draw is a sha256 of (seed, page state, sorted candidates), so the same state and candidates
    always rank the same way. Candidates that are not ranked first get heuristic scores scaled into
    [0, 0.8]; the wrong pick is drawn in proportion to those scores (a plausible mistake).
    """

    name = "noisy_expert"
    privileged = True

    def __init__(self, oracle: Any, accuracy: float, seed: int = 0, scale: float = DEFAULT_SCALE) -> None:
        self.oracle = require_oracle(oracle)
        self.accuracy = accuracy
        self.seed = seed
        self.scale = scale

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        if not candidates:
            return []
        base = [RUNNER_UP_CAP * s for s in squash(score_actions(obs, candidates), self.scale)]
        expert = expert_action(self.oracle, candidates)
        if expert not in candidates:
            return base
        key = (self.seed, "critic", obs.get("text", ""), obs.get("url", ""), obs.get("goal", ""), *sorted(candidates))
        index = candidates.index(expert)
        others = [i for i in range(len(candidates)) if i != index]
        if not others or unit(*key) < self.accuracy:
            base[index] = 1.0
            return base
        ordered = sorted(others, key=lambda i: candidates[i])  # order-independent pick
        wrong = ordered[weighted_index([base[i] for i in ordered], unit(*key, "wrong"))]
        base[wrong] = 1.0
        return base


class EnsembleCritic:
    """The (weighted) mean of its members' scores; privileged if any member is."""

    name = "ensemble"

    def __init__(self, members: list[Any], weights: list[float] | None = None) -> None:
        if not members:
            raise ValueError("an ensemble critic needs at least one member")
        self.members = members
        total = float(sum(weights)) if weights else float(len(members))
        self.weights = [w / total for w in weights] if weights else [1.0 / len(members)] * len(members)
        self.privileged = any(bool(getattr(m, "privileged", True)) for m in members)

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        totals = [0.0] * len(candidates)
        for member, weight in zip(self.members, self.weights):
            for i, score in enumerate(member.score(obs, candidates)):
                totals[i] += weight * score
        return totals
