"""Running a trained model on one observation: candidate logits, action distributions, outcome probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from .features import FeatureConfig, Featuriser
from .model import ActionScorer, OutcomeModel

Obs = dict[str, Any]


def _flat(bags: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = [len(b) for b in bags]
    offsets = np.zeros(len(bags), dtype=np.int64)
    if len(bags) > 1:
        np.cumsum(lengths[:-1], out=offsets[1:])
    flat = np.fromiter((i for b in bags for i in b), dtype=np.int64, count=sum(lengths))
    return torch.from_numpy(flat), torch.from_numpy(offsets)


class CandidateModel:
    """An `ActionScorer` with its featuriser: logits and log-probabilities over candidate actions."""

    def __init__(self, model: ActionScorer, features: FeatureConfig) -> None:
        self.model = model.eval()
        self.featuriser = Featuriser(features)

    def logits(self, obs: Obs, actions: Sequence[str]) -> np.ndarray:
        """One logit per action (``[]`` for no actions)."""
        if not actions:
            return np.zeros(0)
        state, cands = self.featuriser.decision(obs, actions)
        state_ids, state_offsets = _flat([state])
        cand_ids, cand_offsets = _flat(cands)
        with torch.inference_mode():
            out = self.model(state_ids, state_offsets, cand_ids, cand_offsets, torch.zeros(len(cands), dtype=torch.long))
        return out.numpy().astype(np.float64)

    def log_probs(self, obs: Obs, actions: Sequence[str], temperature: float = 1.0) -> np.ndarray:
        """Log-probabilities of the softmax over `actions` at `temperature`."""
        z = self.logits(obs, actions) / temperature
        if z.size == 0:
            return z
        z = z - z.max()
        return z - np.log(np.exp(z).sum())


class OutcomeScorer:
    """An `OutcomeModel` with its featuriser: the probability that a trajectory succeeded."""

    def __init__(self, model: OutcomeModel, features: FeatureConfig) -> None:
        self.model = model.eval()
        self.featuriser = Featuriser(features)

    def probability(self, goal: str, actions: Sequence[str], final_obs: Obs, pages: Sequence[str] = ()) -> float:
        """`pages`: the text trees the actions were taken at (the pages on the way)."""
        ids, offsets = _flat([self.featuriser.outcome_ids(goal, actions, final_obs, pages)])
        with torch.inference_mode():
            logit = float(self.model(ids, offsets)[0])
        return 1.0 / (1.0 + np.exp(-max(-60.0, min(60.0, logit))))
