"""Direct preference optimisation of the candidate-scoring policy, step-level or trajectory-level.

A preference compares two action sequences from the same state (one action each for a step
pair of a search tree, whole episodes for outcome DPO). The policy's log-probability of a
sequence is the sum over its decisions of ``log softmax`` over that decision's legal actions;
the reference's was logged when the data was collected (off-policy), so the reference is the
policy that collected. The loss (Rafailov et al. 2023; Agent Q's step-level use of it) is

    -log sigmoid(beta * ((log pi(w) - log ref(w)) - (log pi(l) - log ref(l))))

Kept from collapsing the policy by an anchor: `anchor_weight` times the behaviour-cloning loss
on the demonstrations (a batch of them beside every batch of pairs), and by early stopping on the
pair accuracy of held-out tasks' pairs (the epoch with the best one is kept).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .batches import DecisionExample, decision_batch, padded
from .fitting import FitConfig, FitReport, Progress, _loop
from .model import ActionScorer


@dataclass(frozen=True)
class PreferenceExample:
    """Two decision sequences from one state and their reference log-probabilities (summed)."""

    chosen: tuple[DecisionExample, ...]
    rejected: tuple[DecisionExample, ...]
    ref_chosen: float
    ref_rejected: float
    task_id: str = ""

    def __post_init__(self) -> None:
        for name in ("ref_chosen", "ref_rejected"):
            value = getattr(self, name)
            if value is None or not math.isfinite(value):
                raise ValueError(f"preference on {self.task_id!r}: {name} must be a finite log-probability, got {value!r}")
        if not self.chosen or not self.rejected:
            raise ValueError(f"preference on {self.task_id!r}: both sides need at least one decision")


def dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, ref_chosen: torch.Tensor,
             ref_rejected: torch.Tensor, beta: float) -> torch.Tensor:  # fmt: skip
    """Per-pair DPO loss (the formula in the module docstring); inputs are log-probabilities."""
    margin = (policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)
    return -F.logsigmoid(beta * margin)


def sequence_log_probs(model: ActionScorer, examples: Sequence[PreferenceExample]) -> tuple[torch.Tensor, torch.Tensor]:
    """The policy's summed log-probabilities of each example's chosen and rejected sequences."""
    if not examples:
        return torch.zeros(0), torch.zeros(0)
    decisions: list[DecisionExample] = []
    owner: list[int] = []  # 2*i for example i's chosen side, 2*i+1 for its rejected side
    for i, ex in enumerate(examples):
        for side, steps in ((0, ex.chosen), (1, ex.rejected)):
            decisions.extend(steps)
            owner.extend([2 * i + side] * len(steps))
    batch = decision_batch(decisions)
    grid = padded(model(*batch.inputs()), batch)
    taken = torch.log_softmax(grid, dim=1).gather(1, batch.targets[:, None]).squeeze(1)
    sums = torch.zeros(2 * len(examples), dtype=taken.dtype).index_add(0, torch.tensor(owner), taken)
    return sums[0::2], sums[1::2]


def pair_accuracy(model: ActionScorer, examples: Sequence[PreferenceExample]) -> float:
    """Share of pairs whose DPO margin is positive (the policy moved towards the chosen side)."""
    if not examples:
        return 0.0
    chosen, rejected = sequence_log_probs(model, examples)
    ref_c = torch.tensor([e.ref_chosen for e in examples], dtype=chosen.dtype)
    ref_r = torch.tensor([e.ref_rejected for e in examples], dtype=chosen.dtype)
    return float((((chosen - ref_c) - (rejected - ref_r)) > 0).float().mean())


def fit_dpo(model: ActionScorer, examples: Sequence[PreferenceExample], cfg: FitConfig, beta: float, seed: int,
            progress: Progress | None = None, sft_weight: float = 0.0, anchor: Sequence[DecisionExample] = (),
            anchor_weight: float = 0.0, validation: Sequence[PreferenceExample] = ()) -> FitReport:  # fmt: skip
    """Minimise the mean DPO loss over `examples`, plus `sft_weight` times the chosen side's negative
    log-likelihood and `anchor_weight` times the cross-entropy of `anchor` decisions (the
    demonstrations; a batch per step, drawn in a seeded order); accuracy is the share of pairs with
    a positive margin. With `validation` pairs the epoch with the best held-out accuracy is kept."""
    generator = torch.Generator().manual_seed(seed + 7)
    anchors = list(anchor) if anchor_weight > 0 else []

    def step(chunk: list[PreferenceExample]) -> tuple[torch.Tensor, int]:
        chosen, rejected = sequence_log_probs(model, chunk)
        ref_c = torch.tensor([e.ref_chosen for e in chunk], dtype=chosen.dtype)
        ref_r = torch.tensor([e.ref_rejected for e in chunk], dtype=chosen.dtype)
        losses = dpo_loss(chosen, rejected, ref_c, ref_r, beta)
        if sft_weight:
            losses = losses - sft_weight * chosen
        loss = losses.mean()
        if anchors:
            pick = torch.randint(len(anchors), (min(len(chunk), len(anchors)),), generator=generator).tolist()
            batch = decision_batch([anchors[i] for i in pick])
            loss = loss + anchor_weight * F.cross_entropy(padded(model(*batch.inputs()), batch), batch.targets)
        right = int((((chosen - ref_c) - (rejected - ref_r)) > 0).sum())
        return loss, right

    validate = (lambda: pair_accuracy(model, validation)) if validation else None
    return _loop(model, examples, cfg, seed, step, progress, validate)
