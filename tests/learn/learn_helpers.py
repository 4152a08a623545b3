"""Helpers for the learning tests: a tiny training config."""

from __future__ import annotations

from typing import Any

from agentq.learn.config import TrainConfig, train_config_from_dict


TINY_HARDENING: dict[str, Any] = {"rounds": 1, "tasks": 2, "measure_tasks": 2, "planner": {"episode_env_steps": 40}}


def tiny_config(**changes: Any) -> TrainConfig:
    """Three demonstrations, a few rollouts, two epochs, three held-out tasks and one short hardening
    round: a run in seconds on one core."""
    fit = {"policy": {"epochs": 2}, "critic": {"epochs": 2}, "judge": {"epochs": 2}}
    data: dict[str, Any] = {
        "name": "tiny",
        "seed": 0,
        "tasks": {"holdout": 3},
        "features": {"buckets": 4096},
        "model": {"dim": 8, "hidden": 16},
        "judge_hardening": TINY_HARDENING,
        "stages": [
            {"name": "base", "kind": "base", "demos": 3, "judge_rollouts": 2, "fit": fit},
            {"name": "rft", "kind": "rft", "init": "base", "rounds": 1, "samples": 1, "tasks_per_round": 3, "fit": fit},
        ],
    }
    data.update(changes)
    return train_config_from_dict(data, "<tiny>")
