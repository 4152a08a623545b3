"""The heuristic policy and critic: the solver's action scores (`scoring`) as a softmax to sample
from and squashed into (0, 1)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from agentq.components.policies import DEFAULT_TEMPERATURE, SampledPolicy, legal_actions, softmax
from mock_sites.restaurant.heuristics.scoring import score_actions

Obs = dict[str, Any]
DEFAULT_SCALE = 2.5


class HeuristicPolicy(SampledPolicy):
    """A hand-written solver for this site (:mod:`mock_sites.restaurant.heuristics.scoring`), sampled at a temperature.

    It reads only public text, but it was written for this site: at a low temperature it solves
    nearly every task (docs/results.md publishes the temperature sweep), so its success rate is set
    by `temperature`, not learned. Use it as a baseline, not as a model of an LLM.
    """

    name = "heuristic"
    privileged = False

    def __init__(self, temperature: float = DEFAULT_TEMPERATURE) -> None:
        self.temperature = temperature

    def distribution(self, obs: Obs) -> tuple[list[str], np.ndarray]:
        actions = legal_actions(obs)
        return actions, softmax(score_actions(obs, actions), self.temperature)


def squash(scores: Sequence[float], scale: float) -> list[float]:
    """Logistic map of heuristic scores into (0, 1)."""
    out = []
    for s in scores:
        z = max(-60.0, min(60.0, s / scale))
        out.append(1.0 / (1.0 + math.exp(-z)))
    return out


class HeuristicCritic:
    """The hand-written solver's scores (:mod:`mock_sites.restaurant.heuristics.scoring`) squashed into (0, 1).

    Public text only, but written for this site: its top pick alone (critic_greedy with this
    critic) solves nearly every task, so it measures the solver, not a learned self-critique.
    """

    name = "heuristic"
    privileged = False

    def __init__(self, scale: float = DEFAULT_SCALE) -> None:
        self.scale = scale

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        return squash(score_actions(obs, candidates), self.scale)
