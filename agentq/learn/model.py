"""The models: a candidate scorer (policy and critic) and an outcome model (judge), both small
wide-and-deep bags of hashed features that run in about a millisecond on one core.

`ActionScorer`: the state's features (mean of embeddings) and each candidate's features (sum of
embeddings) go through an MLP over ``[state, candidate, state * candidate]``; a linear ("wide")
weight per candidate feature is added. The policy is the softmax of these scores over the legal
actions; the critic squashes them with a sigmoid. `OutcomeModel`: the same over one bag of
outcome features, one logit.
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

ModelKind = Literal["policy", "critic", "judge"]


class ModelConfig(BaseModel):
    """Sizes of a model (part of every checkpoint's config)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dim: int = Field(32, ge=1)
    hidden: int = Field(64, ge=1)


class ActionScorer(nn.Module):
    """Scores candidate actions at states: one logit per candidate."""

    def __init__(self, buckets: int, config: ModelConfig) -> None:
        super().__init__()
        d = config.dim
        self.state_bag = nn.EmbeddingBag(buckets, d, mode="mean")
        self.cand_bag = nn.EmbeddingBag(buckets, d, mode="sum")
        self.wide = nn.EmbeddingBag(buckets, 1, mode="sum")
        self.mlp = nn.Sequential(nn.Linear(3 * d, config.hidden), nn.ReLU(), nn.Linear(config.hidden, 1))
        for bag in (self.state_bag, self.cand_bag):
            nn.init.normal_(bag.weight, std=0.1)
        nn.init.zeros_(self.wide.weight)

    def forward(
        self,
        state_ids: torch.Tensor,
        state_offsets: torch.Tensor,
        cand_ids: torch.Tensor,
        cand_offsets: torch.Tensor,
        cand_state: torch.Tensor,
    ) -> torch.Tensor:
        """Logits ``[n_candidates]``; `cand_state[i]` is the index of candidate i's state."""
        s = self.state_bag(state_ids, state_offsets)[cand_state]
        c = self.cand_bag(cand_ids, cand_offsets)
        deep = self.mlp(torch.cat([s, c, s * c], dim=1)).squeeze(1)
        return deep + self.wide(cand_ids, cand_offsets).squeeze(1)


class OutcomeModel(nn.Module):
    """One success logit per outcome (final page and trajectory)."""

    def __init__(self, buckets: int, config: ModelConfig) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(buckets, config.dim, mode="mean")
        self.wide = nn.EmbeddingBag(buckets, 1, mode="sum")
        self.mlp = nn.Sequential(nn.Linear(config.dim, config.hidden), nn.ReLU(), nn.Linear(config.hidden, 1))
        nn.init.normal_(self.bag.weight, std=0.1)
        nn.init.zeros_(self.wide.weight)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.bag(ids, offsets)).squeeze(1) + self.wide(ids, offsets).squeeze(1)


def make_model(kind: ModelKind, buckets: int, config: ModelConfig) -> nn.Module:
    """A fresh model of `kind` (policy and critic are candidate scorers, the judge an outcome model)."""
    return OutcomeModel(buckets, config) if kind == "judge" else ActionScorer(buckets, config)
