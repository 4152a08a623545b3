"""Training loops: cross-entropy over the legal actions (policy), per-candidate logistic loss
(critic) and class-balanced logistic loss (judge). Deterministic given the seed on one thread.

With validation data (held-out train tasks, grouped by task) and `patience`, a loop trains up to
`epochs`, scores the validation set after each epoch and keeps the best epoch's weights: it stops
once `patience` epochs in a row did not improve it (convergence, not a guessed epoch count).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from .batches import DecisionExample, OutcomeExample, ValueExample, decision_batch, outcome_batch, padded
from .model import ActionScorer, OutcomeModel

T = TypeVar("T")
Progress = Callable[[int], None]  # called with the number of examples just trained on


class FitConfig(BaseModel):
    """Optimiser settings for one model."""

    model_config = ConfigDict(extra="forbid", strict=True)

    epochs: int = Field(8, ge=0, description="the most epochs (with patience: early stopping may end sooner)")
    batch_size: int = Field(32, ge=1)
    lr: float = Field(0.01, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    patience: int | None = Field(None, ge=1, description="stop after this many epochs without a better validation score")


@dataclass
class FitReport:
    """What a training run did: examples seen, final epoch's mean loss and accuracy, throughput."""

    examples: int = 0
    loss: float = 0.0
    accuracy: float = 0.0
    seconds: float = 0.0
    epochs: int = 0
    best_epoch: int | None = None  # with validation: the epoch whose weights were kept
    validation: list[float] | None = None  # with validation: the score after each epoch (higher is better)

    @property
    def examples_per_s(self) -> float:
        return self.examples / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"examples": self.examples, "loss": round(self.loss, 6), "accuracy": round(self.accuracy, 6),
                               "seconds": round(self.seconds, 3), "examples_per_s": round(self.examples_per_s, 1),
                               "epochs": self.epochs}  # fmt: skip
        if self.validation is not None:
            out["best_epoch"] = self.best_epoch
            out["validation"] = [round(v, 6) for v in self.validation]
        return out


def _batches(items: Sequence[T], size: int, generator: torch.Generator) -> list[list[T]]:
    order = torch.randperm(len(items), generator=generator).tolist()
    return [[items[i] for i in order[k:k + size]] for k in range(0, len(order), size)]


Validate = Callable[[], float]  # the model's score on held-out data (higher is better)


def _loop(model: nn.Module, items: Sequence[T], cfg: FitConfig, seed: int,
          step: Callable[[list[T]], tuple[torch.Tensor, int]], progress: Progress | None,
          validate: Validate | None = None, keep_start: bool = False) -> FitReport:  # fmt: skip
    """Train for `cfg.epochs` (early-stopped on `validate` with `cfg.patience`, keeping the best
    epoch); with `keep_start`, the model as it came in competes as epoch 0 (a refit that only
    validates worse leaves the model as it was)."""
    report = FitReport()
    if not items or cfg.epochs == 0:
        return report
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    model.train()
    started = time.perf_counter()
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    if validate is not None:
        report.validation = []
        if keep_start:
            model.eval()
            with torch.inference_mode():
                best = (float(validate()), 0, copy.deepcopy(model.state_dict()))
            model.train()
            report.validation.append(best[0])
    for epoch in range(1, cfg.epochs + 1):
        total, right, seen = 0.0, 0, 0
        for chunk in _batches(items, cfg.batch_size, generator):
            optimiser.zero_grad()
            loss, correct = step(chunk)
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(chunk)
            right += correct
            seen += len(chunk)
            report.examples += len(chunk)
            if progress is not None:
                progress(len(chunk))
        report.loss, report.accuracy = total / seen, right / seen
        report.epochs = epoch
        if validate is not None and report.validation is not None:
            model.eval()
            with torch.inference_mode():
                score = float(validate())
            model.train()
            report.validation.append(score)
            if best is None or score > best[0]:
                best = (score, epoch, copy.deepcopy(model.state_dict()))
            elif cfg.patience is not None and epoch - best[1] >= cfg.patience:
                break
    if best is not None:
        model.load_state_dict(best[2])
        report.best_epoch = best[1]
    report.seconds = time.perf_counter() - started
    model.eval()
    return report


def policy_log_likelihood(model: ActionScorer, examples: Sequence[DecisionExample]) -> float:
    """Mean log-probability of the taken action over the legal ones (a validation score)."""
    if not examples:
        return 0.0
    batch = decision_batch(examples)
    grid = padded(model(*batch.inputs()), batch)
    return float(-F.cross_entropy(grid, batch.targets))


def policy_diagnostics(model: ActionScorer, examples: Sequence[DecisionExample]) -> dict[str, float]:
    """On expert states: mean entropy of the policy (nats), mean pi(expert action), top-1 agreement."""
    if not examples:
        return {"states": 0}
    with torch.inference_mode():
        batch = decision_batch(examples)
        logp = torch.log_softmax(padded(model(*batch.inputs()), batch), dim=1)
        p = logp.exp()
        entropy = -(torch.where(p > 0, p * logp, torch.zeros_like(p))).sum(1)
        taken = logp.gather(1, batch.targets[:, None]).squeeze(1).exp()
        top = (logp.argmax(1) == batch.targets).float()
    return {"states": len(examples), "entropy": round(float(entropy.mean()), 4),
            "p_expert": round(float(taken.mean()), 4), "top1_expert": round(float(top.mean()), 4)}  # fmt: skip


def fit_policy(model: ActionScorer, examples: Sequence[DecisionExample], cfg: FitConfig, seed: int,
               progress: Progress | None = None, validation: Sequence[DecisionExample] = ()) -> FitReport:  # fmt: skip
    """Behaviour cloning: maximise the log-probability of the taken action among the legal ones
    (with `validation`, keep the epoch with the best held-out log-likelihood)."""

    def step(chunk: list[DecisionExample]) -> tuple[torch.Tensor, int]:
        batch = decision_batch(chunk)
        grid = padded(model(*batch.inputs()), batch)
        loss = F.cross_entropy(grid, batch.targets)
        return loss, int((grid.argmax(1) == batch.targets).sum())

    validate = (lambda: policy_log_likelihood(model, validation)) if validation else None
    return _loop(model, examples, cfg, seed, step, progress, validate)


def fit_critic(model: ActionScorer, examples: Sequence[DecisionExample], cfg: FitConfig, seed: int,
               progress: Progress | None = None, validation: Sequence[DecisionExample] = (),
               keep_start: bool = False) -> FitReport:  # fmt: skip
    """A per-candidate classifier: the taken action (1) against each other legal action (0), the
    positive and the negatives of a decision weighted half and half (with `validation`, keep the
    epoch whose top pick agrees most with the held-out expert; with `keep_start` too, the critic as
    it came in competes as epoch 0)."""

    def step(chunk: list[DecisionExample]) -> tuple[torch.Tensor, int]:
        batch = decision_batch(chunk)
        logits = model(*batch.inputs())
        positive = batch.cand_col == batch.targets[batch.cand_state]
        counts = torch.tensor([len(e.candidates) for e in chunk], dtype=torch.float32)[batch.cand_state]
        weights = torch.where(positive, torch.full_like(counts, 0.5), 0.5 / (counts - 1).clamp(min=1))
        loss = (F.binary_cross_entropy_with_logits(logits, positive.float(), reduction="none") * weights).sum() / len(chunk)
        grid = padded(logits.detach(), batch)
        return loss, int((grid.argmax(1) == batch.targets).sum())

    agreement = _top_pick_agreement(model, validation)

    def validate() -> float:  # top-pick agreement, ties broken by the held-out log-likelihood
        return agreement() + policy_log_likelihood(model, validation) * 1e-3

    return _loop(model, examples, cfg, seed, step, progress, validate if validation else None, keep_start)


def fit_critic_values(model: ActionScorer, examples: Sequence[ValueExample], cfg: FitConfig, seed: int,
                      progress: Progress | None = None, validation: Sequence[DecisionExample] = ()) -> FitReport:  # fmt: skip
    """The critic as a value model: each explored candidate's sigmoid regressed on the search's value
    of it (cross-entropy with soft targets, averaged per state). Accuracy: the state's best-valued
    candidate is the critic's top pick. With `validation` (held-out expert decisions), the epoch
    whose top pick agrees most with the expert is kept, the critic as it came in (epoch 0) included."""

    def step(chunk: list[ValueExample]) -> tuple[torch.Tensor, int]:
        batch = decision_batch([DecisionExample(e.state, e.candidates, 0) for e in chunk])
        logits = model(*batch.inputs())
        targets = torch.tensor([v for e in chunk for v in e.values], dtype=torch.float32)
        counts = torch.tensor([len(e.candidates) for e in chunk], dtype=torch.float32)[batch.cand_state]
        loss = (F.binary_cross_entropy_with_logits(logits, targets, reduction="none") / counts).sum() / len(chunk)
        grid, truth = padded(logits.detach(), batch), padded(targets, batch)
        return loss, int((grid.argmax(1) == truth.argmax(1)).sum())

    return _loop(model, examples, cfg, seed, step, progress, _top_pick_agreement(model, validation) if validation else None,
                 keep_start=True)  # fmt: skip


def _top_pick_agreement(model: ActionScorer, validation: Sequence[DecisionExample]) -> Validate:
    """The share of held-out decisions whose top-scored candidate is the expert's action."""

    def validate() -> float:
        batch = decision_batch(validation)
        grid = padded(model(*batch.inputs()), batch)
        return float((grid.argmax(1) == batch.targets).float().mean())

    return validate


def fit_judge(model: OutcomeModel, examples: Sequence[OutcomeExample], cfg: FitConfig, seed: int,
              progress: Progress | None = None) -> FitReport:  # fmt: skip
    """An outcome reward model: logistic loss with the classes weighted to equal total weight."""
    positives = sum(e.label >= 0.5 for e in examples)
    negatives = len(examples) - positives
    pos_weight = torch.tensor(negatives / positives if positives and negatives else 1.0)

    def step(chunk: list[OutcomeExample]) -> tuple[torch.Tensor, int]:
        ids, offsets, labels = outcome_batch(chunk)
        logits = model(ids, offsets)
        loss = F.binary_cross_entropy_with_logits(logits, labels, pos_weight=pos_weight)
        return loss, int(((logits > 0).float() == labels).sum())

    return _loop(model, examples, cfg, seed, step, progress)


def judge_quality(model: OutcomeModel, examples: Sequence[OutcomeExample]) -> dict[str, float]:
    """Precision and recall of ``p >= 0.5`` against the labels."""
    if not examples:
        return {"n": 0, "precision": 0.0, "recall": 0.0}
    with torch.inference_mode():
        ids, offsets, labels = outcome_batch(examples)
        verdict = model(ids, offsets) > 0
    truth = labels >= 0.5
    tp = int((verdict & truth).sum())
    fp = int((verdict & ~truth).sum())
    fn = int((~verdict & truth).sum())
    return {"n": len(examples), "positives": int(truth.sum()), "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0}  # fmt: skip
