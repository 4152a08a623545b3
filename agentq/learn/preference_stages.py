"""One iteration of the preference stages: ``agentq`` (MCTS trees -> step-level pairs -> DPO) and
``outcome_dpo`` (sampled episodes -> successful vs failed trajectories of a task -> DPO).

Both start from the previous iteration's (or the `init` stage's) three models, collect data for
exactly `env_steps` env steps on train tasks, and return the new models. The DPO reference is
the collecting policy: its log-probabilities were logged with the data.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from .checkpoint import load
from .collect import TrainEnv, Trajectory
from .config import AgentQStage, OutcomeDPOStage, TrainConfig
from .dpo import PreferenceExample, fit_dpo
from .features import Featuriser
from .fitting import fit_critic, fit_critic_values, fit_judge
from .inference import CandidateModel
from .search import collect_with_search
from .stages import Phase, StageResult, _quiet, _rate, derive_seed, sample_episodes, task_order


def iteration_tasks(cfg: TrainConfig, env: TrainEnv, stage: str, iteration: int) -> list[str]:
    """The train tasks in an order of their own for this stage and iteration (collection cycles it)."""
    order = task_order(cfg, env)
    rng = np.random.default_rng(derive_seed(cfg.seed, stage, iteration, "tasks"))
    return [order[i] for i in rng.permutation(len(order))]


def _models(init_dir: Path) -> dict[str, nn.Module]:
    return {kind: load(init_dir, kind)[0] for kind in ("policy", "critic", "judge")}


def _fit(kind: str, trainer: Any, model: nn.Module, data: list[Any], stage: AgentQStage | OutcomeDPOStage,
         seed: int, phase: Phase) -> dict[str, Any]:  # fmt: skip
    """Train `model` with `trainer(model, data, fit, seed, advance)` and the stage's fit settings."""
    fit = getattr(stage.fit, kind)
    advance = phase(f"train {kind} ({len(data)} examples)", fit.epochs * len(data))
    return trainer(model, data, fit, seed, advance).as_dict()


def _dpo(stage: AgentQStage | OutcomeDPOStage) -> Any:
    """`fit_dpo` with the stage's beta and sft_weight, as a `_fit` trainer."""
    return lambda model, data, fit, seed, advance: fit_dpo(model, data, fit, stage.beta, seed, advance, stage.sft_weight)


def run_agentq_iteration(cfg: TrainConfig, stage: AgentQStage, iteration: int, init_dir: Path, env: TrainEnv,
                         phase: Phase = _quiet) -> StageResult:  # fmt: skip
    """Collect MCTS trees with the init models, then DPO the policy, refit the critic and the judge."""
    models = _models(init_dir)
    featuriser = Featuriser(cfg.features)
    tasks = iteration_tasks(cfg, env, stage.name, iteration)
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
    notes = {
        "iteration": iteration, "init": str(init_dir.name), "collection": data.summary(),
        "collection_env_steps": data.env_steps,
        "policy": _fit("policy", _dpo(stage), models["policy"], data.step_pairs, stage, seed, phase),
        "critic": _fit("critic", fit_critic_values, models["critic"], data.values, stage, seed + 1, phase),
        "judge": _fit("judge", fit_judge, models["judge"], data.outcomes, stage, seed + 2, phase),
    }  # fmt: skip
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
    notes = {
        "iteration": iteration, "init": str(init_dir.name), "collection_env_steps": env.steps - start,
        "collection": {**_rate(trajectories), "env_steps": env.steps - start, "pairs": len(pairs)},
        "policy": _fit("policy", _dpo(stage), models["policy"], pairs, stage, seed, phase),
        "critic": _fit("critic", fit_critic, models["critic"], good, stage, seed + 1, phase),
        "judge": _fit("judge", fit_judge, models["judge"], [o for t in trajectories for o in t.outcomes], stage,
                      seed + 2, phase),
    }  # fmt: skip
    return StageResult(models, notes, pairs=[_trajectory_record(w, lose) for w, lose in matched])
