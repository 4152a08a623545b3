"""Training examples and how they become tensors (flat ids with offsets, for the embedding bags)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DecisionExample:
    """One decision: the state's feature ids, each legal candidate's ids, and the index taken."""

    state: list[int]
    candidates: list[list[int]]
    target: int
    task_id: str = ""


@dataclass(frozen=True)
class ValueExample:
    """Explored candidates at a state and the value the search gave each (its mean outcome, in [0, 1])."""

    state: list[int]
    candidates: list[list[int]]
    values: list[float]
    task_id: str = ""


@dataclass(frozen=True)
class OutcomeExample:
    """One trajectory end: the outcome feature ids and the evaluator's verdict (1.0 success)."""

    ids: list[int]
    label: float
    task_id: str = ""


@dataclass
class DecisionBatch:
    """Tensors for `ActionScorer.forward`, plus where each candidate sits in a padded [B, C] grid."""

    state_ids: torch.Tensor
    state_offsets: torch.Tensor
    cand_ids: torch.Tensor
    cand_offsets: torch.Tensor
    cand_state: torch.Tensor
    cand_col: torch.Tensor
    targets: torch.Tensor
    width: int

    def inputs(self) -> tuple[torch.Tensor, ...]:
        return self.state_ids, self.state_offsets, self.cand_ids, self.cand_offsets, self.cand_state


def _flat(bags: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    offsets, flat, n = [], [], 0
    for bag in bags:
        offsets.append(n)
        flat.extend(bag)
        n += len(bag)
    return torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


def decision_batch(examples: Sequence[DecisionExample]) -> DecisionBatch:
    """Collate decisions into one batch."""
    state_ids, state_offsets = _flat([e.state for e in examples])
    cands = [c for e in examples for c in e.candidates]
    cand_ids, cand_offsets = _flat(cands)
    cand_state = torch.tensor([i for i, e in enumerate(examples) for _ in e.candidates], dtype=torch.long)
    cand_col = torch.tensor([j for e in examples for j in range(len(e.candidates))], dtype=torch.long)
    targets = torch.tensor([e.target for e in examples], dtype=torch.long)
    width = max(len(e.candidates) for e in examples)
    return DecisionBatch(state_ids, state_offsets, cand_ids, cand_offsets, cand_state, cand_col, targets, width)


def padded(logits: torch.Tensor, batch: DecisionBatch, fill: float = float("-inf")) -> torch.Tensor:
    """Candidate logits laid out as ``[B, C]``, `fill` where a state has fewer candidates."""
    grid = torch.full((len(batch.targets), batch.width), fill, dtype=logits.dtype)
    return grid.index_put((batch.cand_state, batch.cand_col), logits)


def outcome_batch(examples: Sequence[OutcomeExample]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ids, offsets, labels) for `OutcomeModel`."""
    ids, offsets = _flat([e.ids for e in examples])
    return ids, offsets, torch.tensor([e.label for e in examples], dtype=torch.float32)
