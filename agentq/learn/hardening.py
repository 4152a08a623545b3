"""Held-out validation and judge hardening, shared by every stage.

`validation_demos`: demonstrations on the held-out train tasks (never fitted on), the fits'
early-stopping data and the states the policy's entropy and pi(expert action) are measured on.

`harden_judge`: measure the judge where it is used (search with the stage's own learned
components on held-out train tasks, each judged page labelled by the environment's reward), and
while its precision there is below the target, search on fitted train tasks, add the pages it
reached (its false positives repeated) to its data and refit. Every round's figures go into the
stage's notes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import nn

from .batches import OutcomeExample
from .collect import TrainEnv, Trajectory
from .config import TrainConfig
from .features import Featuriser
from .inference import CandidateModel, OutcomeScorer
from .probe import search_probe
from .tasks import Phase, _quiet, collect_demos, derive_seed, holdout_order, task_order


def validation_demos(cfg: TrainConfig, env: TrainEnv, featuriser: Featuriser, phase: Phase = _quiet) -> list[Trajectory]:
    """One demonstration per held-out train task (the expert's, or search's on a site without one)."""
    held = holdout_order(cfg, env)
    if not held:
        return []
    return collect_demos(cfg, env, held, len(held), featuriser, 0, phase, key="holdout")


def harden_judge(cfg: TrainConfig, stage: str, env: TrainEnv, policy: nn.Module, critic: nn.Module,
                 data: list[OutcomeExample], refit: Callable[[list[OutcomeExample]], nn.Module],
                 phase: Phase = _quiet) -> tuple[nn.Module, dict[str, Any]]:  # fmt: skip
    """The stage's judge (`refit(data)`), hardened against search; returns it and the notes."""
    h = cfg.judge_hardening
    featuriser = Featuriser(cfg.features)
    fitted, held = task_order(cfg, env), holdout_order(cfg, env)[: h.measure_tasks]
    policy_scorer, critic_scorer = CandidateModel(policy, cfg.features), CandidateModel(critic, cfg.features)  # type: ignore[arg-type]

    def probe(judge: nn.Module, tasks: list[str], *key: Any) -> Any:
        advance = phase(f"{stage}: search with the learned judge ({' '.join(map(str, key))}, {len(tasks)} tasks)", len(tasks))
        return search_probe(env, policy_scorer, critic_scorer, OutcomeScorer(judge, cfg.features), tasks, h.planner,  # type: ignore[arg-type]
                            lambda *p: derive_seed(cfg.seed, stage, "harden", *key, *p), featuriser, advance)  # fmt: skip

    judge = refit(data)
    hard: list[OutcomeExample] = []
    rounds: list[dict[str, Any]] = []
    env_steps = 0
    stopped = "no held-out tasks to measure on" if not held else f"{h.rounds} rounds done"
    for r in range(h.rounds + 1):
        measured = probe(judge, held, "measure", r).summary() if held else None
        env_steps += measured["env_steps"] if measured else 0
        record: dict[str, Any] = {"round": r, "held_out": measured, "judge_examples": len(data) + len(hard)}
        rounds.append(record)
        precision = measured["search_judge_precision"] if measured else None
        if precision is not None and precision >= h.target_precision:
            stopped = f"target precision {h.target_precision} reached"
            break
        if r == h.rounds:
            break
        start = (r * h.tasks) % len(fitted)
        tasks = (fitted[start:] + fitted[:start])[: h.tasks]
        found = probe(judge, tasks, "round", r)
        env_steps += found.env_steps
        false_pos = found.false_positives
        hard += found.examples + false_pos * (h.false_positive_copies - 1)
        record["found"] = {"pages": len(found.examples), "false_positives": len(false_pos),
                           "successes": sum(bool(e.label >= 0.5) for e in found.examples)}  # fmt: skip
        judge = refit(data + hard)
    final = rounds[-1]["held_out"]
    notes = {
        "rounds": rounds, "stopped": stopped, "hardening_env_steps": env_steps,
        "target_precision": h.target_precision, "held_out": final,
    }  # fmt: skip
    return judge, notes
