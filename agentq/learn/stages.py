"""The training stages: ``base`` (behaviour cloning from expert demonstrations) and ``rft``
(rejection fine-tuning on the policy's own successful rollouts). Each returns its three models.

Policy: cross-entropy of the taken action over the legal ones. Critic: a classifier of "the
action a successful trajectory took here" against the other legal actions (same decisions as
the policy). Judge: an outcome model of the evaluator's verdict, from the ends (and every few
intermediate states) of demonstrations and of the stage's own policy rollouts on train tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .batches import DecisionExample, OutcomeExample
from .bootstrap import searched_env_steps
from .checkpoint import load
from .collect import Sampler, TrainEnv, Trajectory
from .config import BaseStage, RFTStage, TrainConfig
from .features import Featuriser
from .fitting import FitReport, fit_critic, fit_judge, fit_policy, judge_quality, policy_diagnostics
from .hardening import harden_judge, validation_demos
from .inference import CandidateModel
from .model import make_model
from .tasks import Phase, _quiet, collect_demos, derive_seed, holdout_order, task_order

__all__ = ["Phase", "StageResult", "_quiet", "derive_seed", "holdout_order", "run_base", "run_rft", "task_order"]


@dataclass
class StageResult:
    """The models a stage trained and what it measured on the way."""

    models: dict[str, nn.Module]
    notes: dict[str, Any] = field(default_factory=dict)
    pairs: list[dict[str, Any]] = field(default_factory=list)  # the preference data, for DIR/data/<stage>/


def _fresh(kind: str, cfg: TrainConfig, stage: str) -> nn.Module:
    torch.manual_seed(derive_seed(cfg.seed, stage, kind, "init"))
    return make_model(kind, cfg.features.buckets, cfg.model)  # type: ignore[arg-type]


def _fit(kind: str, model: nn.Module, data: list[Any], cfg: TrainConfig, stage: BaseStage | RFTStage,
         phase: Phase, label: str = "", validation: list[DecisionExample] | None = None) -> FitReport:  # fmt: skip
    """Train `model` with the stage's fit settings; policy and critic keep the best epoch on
    `validation` (held-out decisions) when given."""
    fit = getattr(stage.fit, kind)
    advance = phase(f"train {kind}{label} ({len(data)} examples)", fit.epochs * len(data))
    seed = derive_seed(cfg.seed, stage.name, kind, label, "fit")
    if kind == "judge":
        return fit_judge(model, data, fit, seed, advance)  # type: ignore[arg-type]
    trainer = fit_policy if kind == "policy" else fit_critic
    return trainer(model, data, fit, seed, advance, validation or ())  # type: ignore[arg-type]


def _decisions(trajectories: list[Trajectory]) -> list[DecisionExample]:
    return [d for t in trajectories for d in t.decisions]


def _outcomes(trajectories: list[Trajectory]) -> list[OutcomeExample]:
    return [o for t in trajectories for o in t.outcomes]


def _rollouts(cfg: TrainConfig, env: TrainEnv, model: CandidateModel, tasks: list[str], samples: int,
              temperature: float, featuriser: Featuriser, prefix_every: int, key: tuple[Any, ...],
              phase: Phase, description: str) -> list[Trajectory]:  # fmt: skip
    advance = phase(description, len(tasks) * samples)
    out = []
    for i, task_id in enumerate(tasks):
        for s in range(samples):
            seed = derive_seed(cfg.seed, *key, task_id, s)
            choose = Sampler(model, np.random.default_rng(seed), temperature)
            out.append(env.run(task_id, seed, choose, featuriser, prefix_every))
            advance(1)
    return out


def sample_episodes(cfg: TrainConfig, env: TrainEnv, model: CandidateModel, tasks: list[str], samples: int,
                    temperature: float, featuriser: Featuriser, prefix_every: int, budget: int, key: tuple[Any, ...],
                    phase: Phase, description: str) -> list[Trajectory]:  # fmt: skip
    """`samples` episodes per task, tasks cycled, until exactly `budget` env steps are spent (the
    last episode is cut where the budget ends; stop probes count and may overrun it by a few).
    Each decision logs the sampling model's log-probability of its action."""
    advance = phase(f"{description} ({budget} env steps)", budget)
    start, out, n, idle = env.steps, [], 0, 0
    while env.steps - start < budget and tasks:
        task_id = tasks[(n // samples) % len(tasks)]
        seed = derive_seed(cfg.seed, *key, n)
        before = env.steps
        choose = Sampler(model, np.random.default_rng(seed), temperature)
        out.append(env.run(task_id, seed, choose, featuriser, prefix_every, budget - (env.steps - start)))
        advance(env.steps - before)
        idle = idle + 1 if env.steps == before else 0
        if idle >= len(tasks):
            raise RuntimeError(f"{description}: no env step on any of {len(tasks)} tasks in a row; nothing to sample")
        n += 1
    return out


def _judge(cfg: TrainConfig, stage: BaseStage | RFTStage, outcomes: list[OutcomeExample], env: TrainEnv,
           policy: nn.Module, critic: nn.Module, phase: Phase) -> tuple[nn.Module, dict[str, Any]]:  # fmt: skip
    """A fresh judge fitted on `outcomes`, then hardened against search with `policy` and `critic`."""
    reports: list[dict[str, Any]] = []

    def refit(data: list[OutcomeExample]) -> nn.Module:
        judge = _fresh("judge", cfg, stage.name)
        reports.append({**_fit("judge", judge, data, cfg, stage, phase).as_dict(), "train_quality": judge_quality(judge, data)})  # type: ignore[arg-type]
        return judge

    judge, hardening = harden_judge(cfg, stage.name, env, policy, critic, outcomes, refit, phase)
    return judge, {"fit": reports[-1], "hardening": hardening}


def held_out_notes(policy: nn.Module, held: list[Trajectory]) -> dict[str, Any]:
    """The policy on the held-out tasks' expert states: entropy, pi(expert action), top-1 agreement."""
    return policy_diagnostics(policy, _decisions(held))  # type: ignore[arg-type]


def run_base(cfg: TrainConfig, stage: BaseStage, env: TrainEnv, phase: Phase = _quiet) -> StageResult:
    """Behaviour cloning: policy and critic from the demonstrations, then the judge."""
    featuriser = Featuriser(cfg.features)
    order = task_order(cfg, env)
    demos = collect_demos(cfg, env, order, stage.demos, featuriser, stage.prefix_every, phase)
    held = validation_demos(cfg, env, featuriser, phase)
    decisions, validation = _decisions(demos), _decisions(held)
    policy = _fresh("policy", cfg, stage.name)
    policy_report = _fit("policy", policy, decisions, cfg, stage, phase, validation=validation)
    critic = _fresh("critic", cfg, stage.name)
    critic_report = _fit("critic", critic, decisions, cfg, stage, phase, validation=validation)
    scorer = CandidateModel(policy, cfg.features)  # type: ignore[arg-type]
    tasks = [order[i % len(order)] for i in range(stage.judge_rollouts)]
    rollouts = _rollouts(cfg, env, scorer, tasks, 1, 1.0, featuriser, stage.prefix_every, (stage.name, "judge"),
                         phase, f"policy rollouts for the judge ({len(tasks)})")  # fmt: skip
    judge, judge_notes = _judge(cfg, stage, _outcomes(demos) + _outcomes(rollouts), env, policy, critic, phase)
    notes = {
        "demos": len(demos), "demo_success": sum(t.success for t in demos), "decisions": len(decisions),
        "missed_expert_actions": sum(t.missed for t in demos), "policy": policy_report.as_dict(),
        "critic": critic_report.as_dict(), "judge": judge_notes,
        "rollout_success": _rate(rollouts), "held_out_tasks": len(held),
        "held_out_expert_states": held_out_notes(policy, held),
    }  # fmt: skip
    if not env.has_expert:  # the demonstrations' search is the stage's data collection (and the held-out ones' its validation's)
        notes["collection_env_steps"] = searched_env_steps(env, "demo", stage.demos)
        notes["validation_env_steps"] = searched_env_steps(env, "holdout", cfg.tasks.holdout)
    return StageResult({"policy": policy, "critic": critic, "judge": judge}, notes)


def _rate(trajectories: list[Trajectory]) -> dict[str, float]:
    n = len(trajectories)
    return {"episodes": n, "success": round(sum(t.success for t in trajectories) / n, 4) if n else 0.0}


def _dedupe(trajectories: list[Trajectory]) -> list[Trajectory]:
    seen: set[tuple[str, tuple[str, ...]]] = set()
    out = []
    for t in trajectories:
        key = (t.task_id, tuple(t.actions))
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def run_rft(cfg: TrainConfig, stage: RFTStage, init_dir: Path, env: TrainEnv, phase: Phase = _quiet) -> StageResult:
    """Rejection fine-tuning from the `init` stage's policy, then a critic and a judge on the stage's data."""
    featuriser = Featuriser(cfg.features)
    order = task_order(cfg, env)
    policy, _ = load(init_dir, "policy")
    held = validation_demos(cfg, env, featuriser, phase)
    before_notes = held_out_notes(policy, held)
    demos: list[Trajectory] = []
    init_stage = cfg.stage(stage.init)
    if stage.keep_demos and isinstance(init_stage, BaseStage):
        demos = collect_demos(cfg, env, order, init_stage.demos, featuriser, stage.prefix_every, phase)
    per_round = stage.tasks_per_round or len(order)
    successes: list[Trajectory] = []
    explored: list[Trajectory] = []
    rounds = []
    collection_steps = 0
    for r in range(stage.rounds):
        scorer = CandidateModel(policy, cfg.features)  # type: ignore[arg-type]
        before = env.steps
        if stage.env_steps is not None:
            rng = np.random.default_rng(derive_seed(cfg.seed, stage.name, r, "tasks"))
            tasks = [order[i] for i in rng.permutation(len(order))]
            batch = sample_episodes(cfg, env, scorer, tasks, stage.samples, stage.temperature, featuriser,
                                    stage.prefix_every, stage.env_steps, (stage.name, "explore", r), phase,
                                    f"round {r + 1}: exploration")  # fmt: skip
        else:
            tasks = [order[(r * per_round + i) % len(order)] for i in range(per_round)]
            batch = _rollouts(cfg, env, scorer, tasks, stage.samples, stage.temperature, featuriser, stage.prefix_every,
                              (stage.name, "explore", r), phase, f"round {r + 1}: exploration ({len(tasks)} x {stage.samples})")  # fmt: skip
        collection_steps += env.steps - before
        explored += batch
        successes = _dedupe(successes + [t for t in batch if t.success])
        data = _decisions(demos) + _decisions(successes)
        report = _fit("policy", policy, data, cfg, stage, phase, f" round {r + 1}", _decisions(held))
        rounds.append({"explore": _rate(batch), "env_steps": env.steps - before, "successes_kept": len(successes), "policy": report.as_dict()})
    good = demos + successes
    critic = _fresh("critic", cfg, stage.name)
    critic_report = _fit("critic", critic, _decisions(good), cfg, stage, phase, validation=_decisions(held))
    judge, judge_notes = _judge(cfg, stage, _outcomes(demos) + _outcomes(explored), env, policy, critic, phase)
    notes = {"init": stage.init, "demos": len(demos), "rounds": rounds, "critic": critic_report.as_dict(),
             "judge": judge_notes, "collection_env_steps": collection_steps,
             "held_out_expert_states": {"before": before_notes, "after": held_out_notes(policy, held)}}  # fmt: skip
    return StageResult({"policy": policy, "critic": critic, "judge": judge}, notes)
