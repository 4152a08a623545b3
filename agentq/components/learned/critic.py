"""The learned critic: a trained classifier of "a successful trajectory took this action here"."""

from __future__ import annotations

from typing import Any

import numpy as np

from agentq.learn.inference import CandidateModel

from .loading import cached_load

Obs = dict[str, Any]


class LearnedCritic:
    """Scores each candidate in (0, 1): the sigmoid of its logit (candidates scored independently)."""

    name = "learned"
    privileged = False

    def __init__(self, model: CandidateModel, sha256: str = "") -> None:
        self.model = model
        self.sha256 = sha256

    @classmethod
    def load(cls, checkpoint: str) -> LearnedCritic:
        """The critic stored at `checkpoint`."""
        model, meta = cached_load(checkpoint, "critic")
        return cls(CandidateModel(model, meta.features), meta.sha256)

    def score(self, obs: Obs, candidates: list[str]) -> list[float]:
        logits = np.clip(self.model.logits(obs, candidates), -60.0, 60.0)
        return [float(v) for v in 1.0 / (1.0 + np.exp(-logits))]
