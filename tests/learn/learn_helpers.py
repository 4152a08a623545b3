"""Helpers for the learning tests: a tiny training config."""

from __future__ import annotations

from typing import Any

from agentq.learn.config import TrainConfig, train_config_from_dict


def tiny_config(**changes: Any) -> TrainConfig:
    """Three demonstrations, a few rollouts, two epochs: a run in seconds on one core."""
    fit = {"policy": {"epochs": 2}, "critic": {"epochs": 2}, "judge": {"epochs": 2}}
    data: dict[str, Any] = {
        "name": "tiny",
        "seed": 0,
        "features": {"buckets": 4096},
        "model": {"dim": 8, "hidden": 16},
        "stages": [
            {"name": "base", "kind": "base", "demos": 3, "judge_rollouts": 2, "fit": fit},
            {"name": "rft", "kind": "rft", "init": "base", "rounds": 1, "samples": 1, "tasks_per_round": 3, "fit": fit},
        ],
    }
    data.update(changes)
    return train_config_from_dict(data, "<tiny>")
