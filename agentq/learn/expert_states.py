"""How sharp and how right trained policies are on an evaluation split's expert states.

``python -m agentq.learn.expert_states --train DIR [--split dev] [--tasks N]`` follows the expert
on the split's first N tasks and reports, for every stage of a training folder, the policy's mean
entropy (nats), mean pi(expert action) and top-1 agreement with the expert on those states: the
check that DPO sharpened the policy towards the right actions rather than collapsed it. Evaluation
only (privileged: the expert's path); nothing here trains.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import torch

from agentq.config import ConfigError

from .batches import DecisionExample
from .checkpoint import CheckpointError, load
from .collect import TrainEnv
from .config import load_train_config
from .features import Featuriser
from .fitting import policy_diagnostics

STAGE_FILE = "stage.json"


def expert_path(env: TrainEnv, task_ids: list[str]) -> list[tuple[str, dict[str, Any], str]]:
    """(task id, observation with its legal actions and history, the expert's action) at every
    state the expert visits on each task (privileged: evaluation and benchmarks only)."""
    out = []
    for task_id in task_ids:
        obs, _ = env.env.reset(seed=0, options={"task_id": task_id})
        history: list[str] = []
        for _ in range(env.max_steps):
            legal = list(dict.fromkeys(env.env.unwrapped.legal_actions()))
            if not legal:
                break
            expert = env.oracle.expert_action(legal)
            out.append((task_id, {**obs, "legal_actions": legal, "history": list(history)}, expert))
            obs, _, terminated, truncated, _ = env.env.step(expert)
            history.append(expert)
            if terminated or truncated:
                break
    return out


def expert_decisions(env: TrainEnv, split: str, n_tasks: int, featuriser: Featuriser) -> list[DecisionExample]:
    """The expert's decisions on the first `n_tasks` tasks of `split` (those whose action is legal)."""
    out = []
    for task_id, obs, expert in expert_path(env, env.task_ids(split)[:n_tasks]):
        legal = obs["legal_actions"]
        if expert in legal:
            state, candidates = featuriser.decision(obs, legal)
            out.append(DecisionExample(state, candidates, legal.index(expert), task_id))
    return out


def stage_folders(train: Path) -> list[Path]:
    """The finished stage folders of a training run, in the order they were written."""
    folders = [p.parent for p in (train / "checkpoints").glob(f"*/{STAGE_FILE}")]
    return sorted(folders, key=lambda p: (p / STAGE_FILE).stat().st_mtime_ns)


def diagnose(train: Path, split: str, n_tasks: int) -> dict[str, Any]:
    """Per stage folder: entropy, pi(expert action), top-1 on the split's expert states (the run's
    own env: its site, step limit and catalogue)."""
    folders = stage_folders(train)
    if not folders or not (train / "config.yaml").is_file():
        raise CheckpointError(f"{train}: no config.yaml or no finished stage under checkpoints/ (is it a training folder?)")
    cfg = load_train_config(train / "config.yaml")
    _, meta = load(folders[0], "policy")
    env = TrainEnv(cfg.env.name, cfg.env.max_steps, cfg.env.catalogue_seed)
    try:
        decisions = expert_decisions(env, split, n_tasks, Featuriser(meta.features))
    finally:
        env.close()
    out = {}
    for folder in folders:
        model, meta_here = load(folder, "policy")
        if meta_here.features != meta.features:
            raise CheckpointError(f"{folder}: its features differ from {folders[0]}'s; diagnose one run at a time")
        out[folder.name] = policy_diagnostics(model, decisions)  # type: ignore[arg-type]
    return {"split": split, "tasks": n_tasks, "states": len(decisions), "stages": out}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m agentq.learn.expert_states", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--train", type=Path, required=True, help="a training run folder (python -m agentq.train --out)")
    p.add_argument("--split", default="dev", help="the suite whose expert states are read (default dev)")
    p.add_argument("--tasks", type=int, default=100, help="its first N tasks (default 100)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    try:
        report = diagnose(args.train, args.split, args.tasks)
    except (CheckpointError, ConfigError, KeyError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['states']} expert states on the first {args.tasks} {args.split} tasks")
    print("| stage | entropy (nats) | pi(expert action) | top-1 = expert |")
    print("|---|---|---|---|")
    for name, d in report["stages"].items():
        print(f"| {name} | {d['entropy']:.3f} | {d['p_expert']:.3f} | {d['top1_expert']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
