"""The learned policy: a softmax over the legal actions of a trained candidate scorer."""

from __future__ import annotations

from typing import Any

import numpy as np

from agentq.learn.inference import CandidateModel

from .loading import cached_load

Obs = dict[str, Any]


def legal_actions(obs: Obs) -> list[str]:
    """The observation's legal actions, deduplicated in order."""
    actions = obs.get("legal_actions")
    if actions is None:
        raise KeyError("the observation has no 'legal_actions'; the planner/runner must add env.unwrapped.legal_actions()")
    return list(dict.fromkeys(actions))


def sample_distinct(actions: list[str], probs: np.ndarray, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
    """k distinct actions without replacement (Gumbel top-k over the log-probabilities)."""
    idx = np.flatnonzero(probs > 0)
    if k <= 0 or idx.size == 0:
        return []
    keys = np.log(probs[idx]) + rng.gumbel(size=idx.size)
    order = np.argsort(-keys, kind="stable")[:k]
    return [(actions[int(idx[i])], float(probs[idx[i]])) for i in order]


class LearnedPolicy:
    """Samples from its distribution over the legal actions (``propose``); ``distribution`` and
    ``log_probs`` expose it (for preference training)."""

    name = "learned"
    privileged = False

    def __init__(self, model: CandidateModel, temperature: float = 1.0, sha256: str = "") -> None:
        self.model = model
        self.sha256 = sha256
        self.temperature = temperature

    @classmethod
    def load(cls, checkpoint: str, temperature: float = 1.0) -> LearnedPolicy:
        """The policy stored at `checkpoint` (a stage folder or a ``.safetensors`` file)."""
        model, meta = cached_load(checkpoint, "policy")
        return cls(CandidateModel(model, meta.features), temperature, meta.sha256)

    def log_probs(self, obs: Obs, actions: list[str]) -> np.ndarray:
        """Log-probabilities of `actions` under the softmax over exactly those actions."""
        return self.model.log_probs(obs, actions, self.temperature)

    def distribution(self, obs: Obs) -> tuple[list[str], np.ndarray]:
        """The legal actions and their probabilities."""
        actions = legal_actions(obs)
        return actions, np.exp(self.log_probs(obs, actions))

    def propose(self, obs: Obs, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        actions, probs = self.distribution(obs)
        return sample_distinct(actions, probs, k, rng)
