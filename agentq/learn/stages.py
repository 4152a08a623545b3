"""The training stages: ``base`` (behaviour cloning from expert demonstrations) and ``rft``
(rejection fine-tuning on the policy's own successful rollouts). Each returns its three models.

Policy: cross-entropy of the taken action over the legal ones. Critic: a classifier of "the
action a successful trajectory took here" against the other legal actions (same decisions as
the policy). Judge: an outcome model of the evaluator's verdict, from the ends (and every few
intermediate states) of demonstrations and of the stage's own policy rollouts on train tasks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .batches import DecisionExample, OutcomeExample
from .checkpoint import load
from .collect import Sampler, TrainEnv, Trajectory, UniformChoice, require_train
from .config import BaseStage, RFTStage, TrainConfig
from .features import Featuriser
from .fitting import FitReport, fit_critic, fit_judge, fit_policy, judge_quality
from .inference import CandidateModel
from .model import make_model

Phase = Callable[[str, int], Callable[[int], None]]  # (description, total) -> advance(n)


def derive_seed(seed: int, *parts: Any) -> int:
    """A 31-bit seed from the run seed and a purpose (stage name, round, task, ...)."""
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _quiet(description: str, total: int) -> Callable[[int], None]:
    return lambda n: None


@dataclass
class StageResult:
    """The models a stage trained and what it measured on the way."""

    models: dict[str, nn.Module]
    notes: dict[str, Any] = field(default_factory=dict)
    pairs: list[dict[str, Any]] = field(default_factory=list)  # the preference data, for DIR/data/<stage>/


def task_order(cfg: TrainConfig, env: TrainEnv) -> list[str]:
    """The train tasks in the run's seeded order (explicit ids keep theirs); the first `tasks.n`."""
    ids = list(cfg.tasks.ids) if cfg.tasks.ids is not None else env.task_ids(cfg.tasks.split)
    if cfg.tasks.ids is None:
        rng = np.random.default_rng(derive_seed(cfg.seed, "task-order"))
        ids = [ids[i] for i in rng.permutation(len(ids))]
    ids = ids[: cfg.tasks.n] if cfg.tasks.n is not None else ids
    require_train(ids)
    return ids


SEARCH_DEMO_TRIES = 20  # random rollouts per task when demonstrations come from search


def collect_demos(cfg: TrainConfig, env: TrainEnv, order: list[str], n: int, featuriser: Featuriser,
                  prefix_every: int, phase: Phase = _quiet) -> list[Trajectory]:  # fmt: skip
    """The expert's demonstrations on the first `n` tasks of the order (one episode each).

    A site without an expert is bootstrapped from search, as Agent Q bootstraps its base policy:
    up to `SEARCH_DEMO_TRIES` random rollouts per task, and the first the evaluator accepts is the
    task's demonstration (tasks none of them solves give none; train tasks only, as always).
    """
    if n > len(order):
        raise ValueError(f"{n} demonstrations asked for, but only {len(order)} train tasks are selected")
    if not env.has_expert:
        return _search_demos(cfg, env, order[:n], featuriser, prefix_every, phase)
    advance = phase(f"expert demonstrations ({n})", n)
    out = []
    for i, task_id in enumerate(order[:n]):
        out.append(env.run(task_id, derive_seed(cfg.seed, "demo", i), env.expert_choice, featuriser, prefix_every))
        advance(1)
    return out


def _search_demos(cfg: TrainConfig, env: TrainEnv, tasks: list[str], featuriser: Featuriser, prefix_every: int,
                  phase: Phase) -> list[Trajectory]:  # fmt: skip
    advance = phase(f"demonstrations from search ({len(tasks)} tasks x <= {SEARCH_DEMO_TRIES} random rollouts)", len(tasks))
    out = []
    for i, task_id in enumerate(tasks):
        for attempt in range(SEARCH_DEMO_TRIES):
            choose = UniformChoice(np.random.default_rng(derive_seed(cfg.seed, "demo", i, "search", attempt)))
            trajectory = env.run(task_id, derive_seed(cfg.seed, "demo", i), choose, featuriser, prefix_every)
            if trajectory.success:
                out.append(trajectory)
                break
        advance(1)
    return out


def _fresh(kind: str, cfg: TrainConfig, stage: str) -> nn.Module:
    torch.manual_seed(derive_seed(cfg.seed, stage, kind, "init"))
    return make_model(kind, cfg.features.buckets, cfg.model)  # type: ignore[arg-type]


def _fit(kind: str, model: nn.Module, data: list[Any], cfg: TrainConfig, stage: BaseStage | RFTStage,
         phase: Phase, label: str = "") -> FitReport:  # fmt: skip
    fit = getattr(stage.fit, kind)
    advance = phase(f"train {kind}{label} ({len(data)} examples)", fit.epochs * len(data))
    trainer = {"policy": fit_policy, "critic": fit_critic, "judge": fit_judge}[kind]
    return trainer(model, data, fit, derive_seed(cfg.seed, stage.name, kind, label, "fit"), advance)  # type: ignore[operator]


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


def _judge(cfg: TrainConfig, stage: BaseStage | RFTStage, outcomes: list[OutcomeExample], phase: Phase) -> tuple[nn.Module, dict[str, Any]]:
    judge = _fresh("judge", cfg, stage.name)
    report = _fit("judge", judge, outcomes, cfg, stage, phase)
    return judge, {"fit": report.as_dict(), "train_quality": judge_quality(judge, outcomes)}  # type: ignore[arg-type]


def run_base(cfg: TrainConfig, stage: BaseStage, env: TrainEnv, phase: Phase = _quiet) -> StageResult:
    """Behaviour cloning: policy and critic from the demonstrations, then the judge."""
    featuriser = Featuriser(cfg.features)
    order = task_order(cfg, env)
    demos = collect_demos(cfg, env, order, stage.demos, featuriser, stage.prefix_every, phase)
    decisions = _decisions(demos)
    policy = _fresh("policy", cfg, stage.name)
    policy_report = _fit("policy", policy, decisions, cfg, stage, phase)
    critic = _fresh("critic", cfg, stage.name)
    critic_report = _fit("critic", critic, decisions, cfg, stage, phase)
    scorer = CandidateModel(policy, cfg.features)  # type: ignore[arg-type]
    tasks = [order[i % len(order)] for i in range(stage.judge_rollouts)]
    rollouts = _rollouts(cfg, env, scorer, tasks, 1, 1.0, featuriser, stage.prefix_every, (stage.name, "judge"),
                         phase, f"policy rollouts for the judge ({len(tasks)})")  # fmt: skip
    judge, judge_notes = _judge(cfg, stage, _outcomes(demos) + _outcomes(rollouts), phase)
    notes = {
        "demos": len(demos), "demo_success": sum(t.success for t in demos), "decisions": len(decisions),
        "missed_expert_actions": sum(t.missed for t in demos), "policy": policy_report.as_dict(),
        "critic": critic_report.as_dict(), "judge": judge_notes,
        "rollout_success": _rate(rollouts),
    }  # fmt: skip
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
        report = _fit("policy", policy, data, cfg, stage, phase, f" round {r + 1}")
        rounds.append({"explore": _rate(batch), "env_steps": env.steps - before, "successes_kept": len(successes), "policy": report.as_dict()})
    good = demos + successes
    critic = _fresh("critic", cfg, stage.name)
    critic_report = _fit("critic", critic, _decisions(good), cfg, stage, phase)
    judge, judge_notes = _judge(cfg, stage, _outcomes(demos) + _outcomes(explored), phase)
    notes = {"init": stage.init, "demos": len(demos), "rounds": rounds, "critic": critic_report.as_dict(),
             "judge": judge_notes, "collection_env_steps": collection_steps}  # fmt: skip
    return StageResult({"policy": policy, "critic": critic, "judge": judge}, notes)
