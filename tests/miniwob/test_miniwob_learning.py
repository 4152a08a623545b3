"""Learning on MiniWoB: with no expert, the base stage's demonstrations come from search with the
page's reward on train seeds, Agent Q's stage runs unchanged after it, and the trained models run
as learned components on MiniWoB pages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agentq.components import registry
from agentq.learn.config import train_config_from_dict
from agentq.learn.pipeline import run_training

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_search_bootstrapped_base_stage_trains_and_its_policy_runs(tmp_path, miniwob_env):
    fit = {"policy": {"epochs": 2}, "critic": {"epochs": 2}, "judge": {"epochs": 2}}
    cfg = train_config_from_dict({
        "name": "tiny_miniwob", "seed": 0, "env": {"name": "miniwob", "max_steps": 6},
        "tasks": {"split": "train", "ids": ["train-navigate-tree.0", "train-click-scroll-list.1", "train-choose-date-nodelay.7",
                                             "train-login-user.3"], "holdout": 2},
        "judge_hardening": {"rounds": 0},
        "features": {"buckets": 4096}, "model": {"dim": 8, "hidden": 16},
        "stages": [
            {"name": "base", "kind": "base", "demos": 2, "judge_rollouts": 1, "fit": fit},
            {"name": "agentq", "kind": "agentq", "init": "base", "iterations": 1, "env_steps": 80, "fit": fit,
             "planner": {"simulations": 2, "num_candidates": 3, "max_depth": 6, "max_env_steps": 10}},
        ],
        "final": "agentq",
    }, "<tiny miniwob>")  # fmt: skip
    run_training(cfg, tmp_path / "run")
    notes = json.loads((tmp_path / "run" / "checkpoints" / "base" / "stage.json").read_text())["notes"]
    assert notes["demos"] >= 1 and notes["demo_success"] == notes["demos"] and notes["decisions"] >= 1
    logged = [json.loads(line) for line in (tmp_path / "run" / "data" / "bootstrap" / "demo.jsonl").read_text().splitlines()]
    assert [t["task_id"] for t in logged] == cfg.tasks.ids[:2]  # the search is logged once for the run; later stages replay it
    assert notes["collection_env_steps"] == sum(t["env_steps"] for t in logged) >= notes["decisions"]
    held = [json.loads(line) for line in (tmp_path / "run" / "data" / "bootstrap" / "holdout.jsonl").read_text().splitlines()]
    assert [t["task_id"] for t in held] == cfg.tasks.ids[2:]
    assert notes["validation_env_steps"] == sum(t["env_steps"] for t in held) > 0  # every held-out task's search counts
    agentq = json.loads((tmp_path / "run" / "checkpoints" / "agentq_iter1" / "stage.json").read_text())["notes"]
    assert agentq["collection_env_steps"] == 80  # Agent Q's MCTS collection ran on MiniWoB, in the browser
    policy = registry.build("policy", {"name": "learned", "checkpoint": str(tmp_path / "run" / "checkpoints" / "base")})
    obs, _ = miniwob_env.reset(seed=1000, options={"task_id": "dev-navigate-tree.1000"})
    legal = miniwob_env.unwrapped.legal_actions()
    proposals = policy.propose({**obs, "legal_actions": legal, "history": []}, 3, np.random.default_rng(0))
    assert len(proposals) == 3 and all(action in legal for action, _ in proposals)


def test_training_refuses_evaluation_tasks_of_miniwob():
    with pytest.raises(Exception, match="train"):
        train_config_from_dict({
            "name": "bad", "env": {"name": "miniwob"}, "tasks": {"split": "train", "ids": ["test-login-user.2000"]},
            "stages": [{"name": "base", "kind": "base", "demos": 1}],
        }, "<bad>")  # fmt: skip
