"""One iteration of the preference stages: ``agentq`` (MCTS trees -> step-level pairs -> DPO) and
``outcome_dpo`` (sampled episodes -> successful vs failed trajectories of a task -> DPO).

Both start from the previous iteration's (or the `init` stage's) three models, collect data for
exactly `env_steps` env steps on train tasks, and return the new models. The DPO reference is
the collecting policy: its log-probabilities were logged with the data.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from .batches import DecisionExample, OutcomeExample
from .checkpoint import load
from .collect import TrainEnv, Trajectory
from .config import AgentQStage, BaseStage, OutcomeDPOStage, TrainConfig
from .dpo import PreferenceExample, fit_dpo
from .features import Featuriser
from .fitting import fit_critic, fit_critic_values, fit_judge, judge_quality
from .hardening import harden_judge, validation_demos
from .inference import CandidateModel
from .search import collect_with_search
from .stages import Phase, StageResult, _quiet, _rate, held_out_notes, sample_episodes
from .tasks import collect_demos, derive_seed, task_order


def iteration_tasks(cfg: TrainConfig, env: TrainEnv, stage: str, iteration: int, limit: int | None = None) -> list[str]:
    """The fitted train tasks in an order of their own for this stage and iteration (collection
    cycles it), the first `limit` of them when given."""
    order = task_order(cfg, env)
    rng = np.random.default_rng(derive_seed(cfg.seed, stage, iteration, "tasks"))
    return [order[i] for i in rng.permutation(len(order))][:limit]


def split_by_task(pairs: Sequence[PreferenceExample], share: float, seed: int) -> tuple[list[PreferenceExample], list[PreferenceExample]]:
    """(fitted, validation) pairs: the pairs of a seeded `share` of the tasks validate only."""
    tasks = sorted({p.task_id for p in pairs})
    n = math.ceil(share * len(tasks)) if share > 0 and len(tasks) > 1 else 0
    rng = np.random.default_rng(seed)
    held = {tasks[i] for i in rng.permutation(len(tasks))[:n]}
    return [p for p in pairs if p.task_id not in held], [p for p in pairs if p.task_id in held]


def base_demos(cfg: TrainConfig, env: TrainEnv, featuriser: Featuriser, phase: Phase) -> list[DecisionExample]:
    """The base stage's demonstrations again (same tasks and seeds: the same episodes), the DPO anchor."""
    base = next((s for s in cfg.stages if isinstance(s, BaseStage)), None)
    if base is None:
        return []
    demos = collect_demos(cfg, env, task_order(cfg, env), base.demos, featuriser, 0, phase)
    return [d for t in demos for d in t.decisions]


def _harden(cfg: TrainConfig, unit: str, env: TrainEnv, models: dict[str, nn.Module], outcomes: list[OutcomeExample],
            stage: AgentQStage | OutcomeDPOStage, seed: int, phase: Phase) -> dict[str, Any]:  # fmt: skip
    """Fine-tune the init judge on the iteration's judged outcomes, hardened against search with
    the new policy and critic; the judge in `models` is replaced by the hardened one."""
    start = copy.deepcopy(models["judge"])
    reports: list[dict[str, Any]] = []

    def refit(data: list[OutcomeExample]) -> nn.Module:
        judge = copy.deepcopy(start)
        report = _fit("judge", fit_judge, judge, data, stage, seed, phase)
        reports.append({**report, "train_quality": judge_quality(judge, data)})  # type: ignore[arg-type]
        return judge

    models["judge"], hardening = harden_judge(cfg, unit, env, models["policy"], models["critic"], outcomes, refit, phase)
    return {"fit": reports[-1], "hardening": hardening}


def _dpo_fit(cfg: TrainConfig, stage: AgentQStage | OutcomeDPOStage, unit: str, env: TrainEnv, policy: nn.Module,
             pairs: list[PreferenceExample], seed: int, phase: Phase) -> dict[str, Any]:  # fmt: skip
    """DPO on the fitted tasks' pairs, anchored and early-stopped as the stage says; the policy on
    held-out expert states before and after."""
    featuriser = Featuriser(cfg.features)
    fitted, validation = split_by_task(pairs, stage.validation_share, derive_seed(cfg.seed, unit, "pair-split"))
    anchor = base_demos(cfg, env, featuriser, phase) if stage.anchor_weight > 0 else []
    held = validation_demos(cfg, env, featuriser, phase)
    before = held_out_notes(policy, held)
    fit = stage.fit.policy
    advance = phase(f"train policy ({len(fitted)} pairs)", fit.epochs * len(fitted))
    report = fit_dpo(policy, fitted, fit, stage.beta, seed, advance, stage.sft_weight, anchor, stage.anchor_weight,  # type: ignore[arg-type]
                     validation)  # fmt: skip
    return {**report.as_dict(), "pairs_fitted": len(fitted), "pairs_validation": len(validation),
            "anchor_decisions": len(anchor), "held_out_expert_states": {"before": before, "after": held_out_notes(policy, held)}}  # fmt: skip


def _models(init_dir: Path) -> dict[str, nn.Module]:
    return {kind: load(init_dir, kind)[0] for kind in ("policy", "critic", "judge")}


def _fit(kind: str, trainer: Any, model: nn.Module, data: list[Any], stage: AgentQStage | OutcomeDPOStage,
         seed: int, phase: Phase, **extra: Any) -> dict[str, Any]:  # fmt: skip
    """Train `model` with `trainer(model, data, fit, seed, advance, **extra)` and the stage's fit settings."""
    fit = getattr(stage.fit, kind)
    advance = phase(f"train {kind} ({len(data)} examples)", fit.epochs * len(data))
    return trainer(model, data, fit, seed, advance, **extra).as_dict()


def run_agentq_iteration(cfg: TrainConfig, stage: AgentQStage, iteration: int, init_dir: Path, env: TrainEnv,
                         phase: Phase = _quiet) -> StageResult:  # fmt: skip
    """Collect MCTS trees with the init models, then DPO the policy, refit the critic and the judge."""
    models = _models(init_dir)
    featuriser = Featuriser(cfg.features)
    tasks = iteration_tasks(cfg, env, stage.name, iteration, stage.tasks_per_iteration)
    advance = phase(f"iteration {iteration}: MCTS collection ({stage.env_steps} env steps)", stage.env_steps)
    data = collect_with_search(
        env, CandidateModel(models["policy"], cfg.features), CandidateModel(models["critic"], cfg.features),  # type: ignore[arg-type]
        stage.planner, tasks, stage.env_steps, lambda *p: derive_seed(cfg.seed, stage.name, iteration, *p),
        featuriser, advance, stage.episode_env_steps,
    )  # fmt: skip
    seed = derive_seed(cfg.seed, stage.name, iteration, "fit")
    if not data.step_pairs:
        raise ValueError(f"stage {stage.name!r} iteration {iteration}: the search produced no preference pairs "
                         f"(theta {stage.planner.theta} too high, or too few env steps: {stage.env_steps})")  # fmt: skip
    unit = f"{stage.name}_iter{iteration}"
    notes = {
        "iteration": iteration, "init": str(init_dir.name), "collection": data.summary(),
        "collection_env_steps": data.env_steps,
        "policy": _dpo_fit(cfg, stage, unit, env, models["policy"], data.step_pairs, seed, phase),
        "critic": _fit("critic", fit_critic_values, models["critic"], data.values, stage, seed + 1, phase,
                       validation=[d for t in validation_demos(cfg, env, featuriser, phase) for d in t.decisions]),
    }  # fmt: skip
    notes["judge"] = _harden(cfg, unit, env, models, data.outcomes, stage, seed + 2, phase)
    return StageResult(models, notes, pairs=data.pair_records)


def _winner_loser(trajectories: list[Trajectory], cap: int) -> list[tuple[Trajectory, Trajectory]]:
    """Every (successful, failed) trajectory pair of the same task, at most `cap` per task, in order;
    only trajectories whose every decision has its logged log-probability."""
    by_task: dict[str, list[Trajectory]] = {}
    for t in trajectories:
        if t.decisions and all(lp is not None for lp in t.logprobs):
            by_task.setdefault(t.task_id, []).append(t)
    out = []
    for runs in by_task.values():
        out += list(product([t for t in runs if t.success], [t for t in runs if not t.success]))[:cap]
    return out


def _trajectory_example(w: Trajectory, lose: Trajectory) -> PreferenceExample:
    return PreferenceExample(tuple(w.decisions), tuple(lose.decisions), float(sum(w.logprobs)),  # type: ignore[arg-type]
                             float(sum(lose.logprobs)), w.task_id)  # type: ignore[arg-type]  # fmt: skip


def _trajectory_record(w: Trajectory, lose: Trajectory) -> dict[str, Any]:
    """A trajectory pair as a line of the data folder (actions; the prompt is the task)."""
    return {"task_id": w.task_id, "chosen_actions": w.actions, "rejected_actions": lose.actions,
            "chosen_logprob": float(sum(w.logprobs)), "rejected_logprob": float(sum(lose.logprobs))}  # type: ignore[arg-type]  # fmt: skip


def run_outcome_dpo_iteration(cfg: TrainConfig, stage: OutcomeDPOStage, iteration: int, init_dir: Path,
                              env: TrainEnv, phase: Phase = _quiet) -> StageResult:  # fmt: skip
    """Sample episodes with the init policy, pair successes with failures per task, DPO on whole trajectories."""
    models = _models(init_dir)
    featuriser = Featuriser(cfg.features)
    tasks = iteration_tasks(cfg, env, stage.name, iteration)
    scorer = CandidateModel(models["policy"], cfg.features)  # type: ignore[arg-type]
    start = env.steps
    trajectories = sample_episodes(cfg, env, scorer, tasks, stage.samples, stage.temperature, featuriser, 0,
                                   stage.env_steps, (stage.name, iteration, "episode"), phase,
                                   f"iteration {iteration}: episodes")  # fmt: skip
    matched = _winner_loser(trajectories, stage.max_pairs_per_task)
    pairs = [_trajectory_example(w, lose) for w, lose in matched]
    if not pairs:
        raise ValueError(f"stage {stage.name!r} iteration {iteration}: no task had both a success and a failure "
                         f"in {len(trajectories)} episodes; raise env_steps or samples")  # fmt: skip
    good = [d for t in trajectories if t.success for d in t.decisions]
    seed = derive_seed(cfg.seed, stage.name, iteration, "fit")
    unit = f"{stage.name}_iter{iteration}"
    collected = env.steps - start
    notes = {
        "iteration": iteration, "init": str(init_dir.name), "collection_env_steps": collected,
        "collection": {**_rate(trajectories), "env_steps": collected, "pairs": len(pairs)},
        "policy": _dpo_fit(cfg, stage, unit, env, models["policy"], pairs, seed, phase),
        "critic": _fit("critic", fit_critic, models["critic"], good, stage, seed + 1, phase, keep_start=True,
                       validation=[d for t in validation_demos(cfg, env, featuriser, phase) for d in t.decisions]),
    }  # fmt: skip
    notes["judge"] = _harden(cfg, unit, env, models, [o for t in trajectories for o in t.outcomes], stage, seed + 2, phase)
    return StageResult(models, notes, pairs=[_trajectory_record(w, lose) for w, lose in matched])
