"""An experiment on MiniWoB end to end: rows with the env judge marked privileged, null measured
quality for the policy and critic (no expert), replayed steps counted, the same rows twice."""

from __future__ import annotations

import json

import pytest

from agentq.config import ExperimentConfig
from agentq.runner.experiment import run_experiment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONFIG = {
    "name": "miniwob_test", "seed": 0, "workers": 1,
    "env": {"name": "miniwob", "max_steps": 6},
    "tasks": {"split": "dev", "ids": ["dev-login-user.1000", "dev-navigate-tree.1000"]},
    "agents": [
        {"name": "random", "kind": "random"},
        {"name": "mcts", "kind": "mcts", "policy": {"name": "random"},
         "critic": {"name": "agentq.components.uniform:UniformCritic"}, "judge": {"name": "env"},
         "planner": {"simulations": 3, "num_candidates": 3, "max_depth": 6, "max_env_steps": 12}},
    ],
    "output": {"plots": False, "save_trees": "none", "save_traces": False},
}  # fmt: skip


def _rows(folder) -> list[dict]:
    rows = [json.loads(line) for line in (folder / "episodes.jsonl").read_text().splitlines()]
    for row in rows:
        row.pop("timings")
    return rows


def test_an_experiment_runs_on_miniwob_and_repeats(tmp_path):
    cfg = ExperimentConfig.model_validate(CONFIG)
    assert cfg.env.search_backend == "browser"
    run_experiment(cfg, tmp_path / "a", plots=False)
    rows = _rows(tmp_path / "a")
    assert [r.get("error") for r in rows] == [None] * 4
    mcts = [r for r in rows if r["agent"] == "mcts"]
    assert all(r["privileged"] == {"policy": False, "critic": False, "judge": True, "any": True} for r in mcts)
    assert all(r["quality_counts"]["policy_samples"] == 0 and "replayed_steps" in r for r in mcts)
    assert {r["difficulty"] for r in rows} == {"login-user", "navigate-tree"}
    run_experiment(cfg, tmp_path / "b", plots=False)
    assert _rows(tmp_path / "b") == rows
