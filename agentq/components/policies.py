"""Policies: propose k distinct actions with their probabilities (the "LLM" of pure mode)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agentq.components.privileged import expert_action, require_oracle

Obs = dict[str, Any]
DEFAULT_TEMPERATURE = 3.4  # of noisy_expert's heuristic mistakes (the sites' heuristic policies take it too)


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


class NoisyExpertPolicy:
    """Each proposal is correct with probability `p` (privileged: it asks the oracle).

    Correct means the action makes progress (the expert needs fewer steps after it). With
    ``mistakes="uniform"`` (the default) each of the k distinct proposals is drawn in turn: with
    probability p a correct action (the expert's own first, then other correct ones), otherwise a
    legal action chosen uniformly among the incorrect ones (found by rejection: a uniformly drawn
    action that turns out correct is put aside). When one kind runs out the other is taken.
    Reported probabilities are the nominal ones: p for the expert's action and (1 - p) / (n - 1)
    for each of the other n - 1 legal actions (exact when no other action makes progress).

    ``mistakes="heuristic"`` keeps the older model: the expert's action with probability p, else
    another action drawn from `mistake_policy`'s distribution over the other legal actions (the
    site's `heuristic` policy at `temperature`, which the registry builds); many of those
    "mistakes" are correct actions, so p then understates its accuracy.
    """

    name = "noisy_expert"
    privileged = True

    def __init__(self, oracle: Any, p: float, mistakes: str = "uniform", temperature: float = DEFAULT_TEMPERATURE,
                 mistake_policy: SampledPolicy | None = None) -> None:  # fmt: skip
        self.oracle = require_oracle(oracle)
        self.p = p
        self.mistakes = mistakes
        self.temperature = temperature
        if mistakes == "heuristic" and mistake_policy is None:
            raise ValueError('mistakes="heuristic" needs the mistake_policy to draw the mistakes from')
        self.mistake_policy = mistake_policy

    def _heuristic_distribution(self, obs: Obs) -> tuple[list[str], np.ndarray]:
        actions = legal_actions(obs)
        expert = expert_action(self.oracle, actions)
        others = [a for a in actions if a != expert]
        if not others:
            return [expert], np.ones(1)
        assert self.mistake_policy is not None
        rest = self.mistake_policy.distribution({**obs, "legal_actions": others})[1] * (1.0 - self.p)
        return [expert, *others], np.concatenate(([self.p], rest))

    def propose(self, obs: Obs, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        if self.mistakes == "heuristic":
            actions, probs = self._heuristic_distribution(obs)
            return sample_distinct(actions, probs, k, rng)
        actions = legal_actions(obs)
        if not actions or k <= 0:
            return []
        state = self.oracle.env.snapshot()  # one snapshot serves the expert and every progress check
        expert = self.oracle.expert_action(actions, state=state)
        others = [a for a in actions if a != expert]
        nominal = {a: (1.0 - self.p) / len(others) for a in others}
        nominal[expert] = self.p if others else 1.0
        order = [others[int(i)] for i in rng.permutation(len(others))]  # one uniform order, drawn once
        progress: dict[str, bool] = {}  # the actions checked so far

        def first(correct: bool, taken: list[str]) -> str | None:
            for action in order:
                if action in taken:
                    continue
                if action not in progress:
                    progress[action] = self.oracle.makes_progress([action], state=state)[0]
                if progress[action] == correct:
                    return action
            return None

        chosen: list[str] = []
        while len(chosen) < min(k, len(actions)):
            want_correct = bool(rng.random() < self.p)
            pick = None
            for correct in (want_correct, not want_correct):  # when one kind runs out, the other
                if correct and expert not in chosen:
                    pick = expert
                else:
                    pick = first(correct, chosen)
                if pick is not None:
                    break
            if pick is None:
                break
            chosen.append(pick)
        return [(a, nominal[a]) for a in chosen]
