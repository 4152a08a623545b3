"""Critics: score candidate actions in [0, 1] (the self-critique that orders a node's children)."""

from __future__ import annotations

from typing import Any

from agentq.components.noise import unit
from agentq.components.privileged import expert_action, require_oracle

Obs = dict[str, Any]


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
    """Its top pick is correct with probability `accuracy` whenever a correct candidate is among
    those it scores (privileged: it asks the oracle which candidates make progress).

    The ranking is built the way Agent Q asks its model (pick the best, remove it, ask again): at
    every position, if both correct and incorrect candidates remain, a correct one comes next with
    probability `accuracy`, otherwise an incorrect one; the candidate within the chosen group is
    uniform. Scores fall linearly with the position, from 1.0 for the top pick. The draws are a
    sha256 of (seed, page, candidates), so the same page and candidates always rank the same way.
    """

    name = "noisy_expert"
    privileged = True

    def __init__(self, oracle: Any, accuracy: float, seed: int = 0) -> None:
        self.oracle = require_oracle(oracle)
        self.accuracy = accuracy
        self.seed = seed

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        if not candidates:
            return []
        correct = dict(zip(candidates, self.oracle.makes_progress(candidates)))
        key = (self.seed, "critic", obs.get("text", ""), obs.get("url", ""), obs.get("goal", ""), *sorted(candidates))
        left = sorted(candidates)  # order-independent draws
        ranking: list[str] = []
        while left:
            good = [c for c in left if correct[c]]
            bad = [c for c in left if not correct[c]]
            position = len(ranking)
            group = good if not bad or (good and unit(*key, position) < self.accuracy) else bad
            pick = group[min(int(unit(*key, position, "pick") * len(group)), len(group) - 1)]
            ranking.append(pick)
            left.remove(pick)
        n = len(candidates)
        place = {c: i for i, c in enumerate(ranking)}
        return [1.0 - place[c] / n for c in candidates]


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
