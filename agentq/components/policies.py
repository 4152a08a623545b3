"""Policies: propose k distinct actions with their probabilities (the "LLM" of pure mode)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agentq.components.heuristics import score_actions
from agentq.components.privileged import expert_action, require_oracle

Obs = dict[str, Any]
DEFAULT_TEMPERATURE = 3.4


def legal_actions(obs: Obs) -> list[str]:
    """The candidate actions the planner/runner put in the observation."""
    actions = obs.get("legal_actions")
    if actions is None:
        raise KeyError("the observation has no 'legal_actions'; the planner/runner must add env.unwrapped.legal_actions()")
    return list(dict.fromkeys(actions))


def softmax(scores: Sequence[float], temperature: float) -> np.ndarray:
    """Probabilities proportional to exp(score / temperature)."""
    values = np.asarray(scores, dtype=float)
    if values.size == 0:
        return values
    z = (values - values.max()) / temperature
    weights = np.exp(z)
    return weights / weights.sum()


def sample_distinct(actions: Sequence[str], probs: Sequence[float], k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
    """k distinct actions drawn without replacement (Gumbel top-k), each with its probability.

    Actions of probability 0 are never drawn, so fewer than k may come back.
    """
    p = np.asarray(probs, dtype=float)
    idx = np.flatnonzero(p > 0)
    if k <= 0 or idx.size == 0:
        return []
    keys = np.log(p[idx]) + rng.gumbel(size=idx.size)
    order = np.argsort(-keys, kind="stable")[:k]
    return [(actions[int(idx[i])], float(p[idx[i]])) for i in order]


class SampledPolicy:
    """A policy defined by a distribution over the legal actions; proposals are samples from it."""

    def distribution(self, obs: Obs) -> tuple[list[str], np.ndarray]:
        raise NotImplementedError

    def propose(self, obs: Obs, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        actions, probs = self.distribution(obs)
        return sample_distinct(actions, probs, k, rng)


class RandomPolicy(SampledPolicy):
    """Uniform over the legal actions."""

    name = "random"
    privileged = False

    def distribution(self, obs: Obs) -> tuple[list[str], np.ndarray]:
        actions = legal_actions(obs)
        return actions, np.full(len(actions), 1.0 / len(actions)) if actions else np.zeros(0)


class HeuristicPolicy(SampledPolicy):
    """Softmax over the heuristic scores of the legal actions (public text only)."""

    name = "heuristic"
    privileged = False

    def __init__(self, temperature: float = DEFAULT_TEMPERATURE) -> None:
        self.temperature = temperature

    def distribution(self, obs: Obs) -> tuple[list[str], np.ndarray]:
        actions = legal_actions(obs)
        return actions, softmax(score_actions(obs, actions), self.temperature)


class NoisyExpertPolicy(SampledPolicy):
    """The expert's action with probability p, otherwise a heuristic pick among the other actions (privileged)."""

    name = "noisy_expert"
    privileged = True

    def __init__(self, oracle: Any, p: float, temperature: float = DEFAULT_TEMPERATURE) -> None:
        self.oracle = require_oracle(oracle)
        self.p = p
        self.temperature = temperature

    def distribution(self, obs: Obs) -> tuple[list[str], np.ndarray]:
        actions = legal_actions(obs)
        expert = expert_action(self.oracle, actions)
        others = [a for a in actions if a != expert]
        if not others:
            return [expert], np.ones(1)
        rest = softmax(score_actions(obs, others), self.temperature) * (1.0 - self.p)
        return [expert, *others], np.concatenate(([self.p], rest))
