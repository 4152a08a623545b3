"""The deterministic run order: one episode spec per task x agent x sweep point, with its seed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from agentq.config import ExperimentConfig, canonical_json, sweep_groups

from .seam import EpisodeSpec, TaskRef


def episode_seed(run_seed: int, task_id: str, agent: str, sweep_point: dict[str, Any]) -> int:
    """Deterministic per-episode seed (sha256, never ``hash()``), in [0, 2**63)."""
    digest = hashlib.sha256(canonical_json([run_seed, task_id, agent, sweep_point]).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:80]


def plan_episodes(cfg: ExperimentConfig, tasks: list[TaskRef], run_dir: Path | None = None) -> list[EpisodeSpec]:
    """The deterministic run order: for each task, each agent x sweep point (agent order, grid order).

    ``output.save_trees``: ``first`` marks the first episode of every mcts group, ``all`` every
    mcts episode, ``none`` nothing; tree paths are ``RUN_DIR/trees/<index>-<agent>-<task>.json``.
    ``output.save_pairs`` gives every mcts episode ``RUN_DIR/pairs/<index>-<agent>-<task>.jsonl``;
    ``output.save_traces`` every episode ``RUN_DIR/traces/<index>.json`` (and, with
    ``output.screenshots``, ``RUN_DIR/traces/<index>/step-NNN.png``).
    """
    groups = sweep_groups(cfg)
    trees = (Path(run_dir).resolve() / "trees") if run_dir is not None else None
    specs: list[EpisodeSpec] = []
    saved: set[int] = set()
    for task in tasks:
        for gi, group in enumerate(groups):
            index = len(specs)
            mode = cfg.output.save_trees
            searches = group.agent.kind == "mcts"
            save = searches and (mode == "all" or (mode == "first" and gi not in saved))
            if save:
                saved.add(gi)
            name = f"{index:06d}-{_safe(group.agent.name)}-{_safe(task.id)}.json"
            path = str(trees / name) if save and trees else None
            pairs = None
            if cfg.output.save_pairs and searches and run_dir is not None:
                pairs = str(Path(run_dir).resolve() / "pairs" / (name + "l"))
            trace = None
            if cfg.output.save_traces and run_dir is not None:
                trace = str(Path(run_dir).resolve() / "traces" / f"{index:05d}.json")
            specs.append(
                EpisodeSpec(
                    index=index,
                    task_id=task.id,
                    split=cfg.tasks.split,
                    agent=group.agent,
                    sweep_point=group.sweep_point,
                    episode_seed=(
                        episode_seed(cfg.seed, task.id, "", {}) if cfg.common_random_numbers
                        else episode_seed(cfg.seed, task.id, group.agent.name, group.sweep_point)
                    ),
                    save_tree=save,
                    tree_path=path,
                    pairs_path=pairs,
                    trace_path=trace,
                    screenshots=cfg.output.screenshots and trace is not None,
                )
            )
    return specs
