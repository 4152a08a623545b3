"""A dial means what it says: the runner measures it, on the states the acting env visited."""

from __future__ import annotations

import json

import pytest

from agentq.config import config_from_dict
from agentq.runner import run_experiment


def test_a_dial_of_one_half_measures_about_one_half(tmp_path):
    config = config_from_dict({
        "name": "dials", "seed": 0, "workers": 2,
        "env": {"name": "restaurant", "backend": "http", "search_backend": "http", "max_steps": 30},
        "tasks": {"split": "dev", "n": 24},
        "agents": [
            {"name": "pure", "policy": {"name": "noisy_expert", "p": 0.5}},
            {"name": "greedy", "kind": "critic_greedy", "policy": {"name": "noisy_expert", "p": 0.5},
             "critic": {"name": "noisy_expert", "accuracy": 0.5}, "planner": {"num_candidates": 5}},
            {"name": "judged", "kind": "best_of_n", "policy": {"name": "noisy_expert", "p": 0.8},
             "judge": {"name": "noisy", "flip": 0.0}, "planner": {"n": 3}},
        ],
        "output": {"plots": False, "save_trees": "none", "save_traces": False},
    })  # fmt: skip
    run_experiment(config, tmp_path / "run")
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    quality = {g["agent"]: g["quality"] for g in summary["groups"]}
    assert quality["pure"]["policy_agreement"] == pytest.approx(0.5, abs=0.06)
    assert quality["pure"]["critic_agreement"] is None and quality["pure"]["judge_precision"] is None
    assert quality["greedy"]["critic_agreement"] == pytest.approx(0.5, abs=0.08)
    assert quality["greedy"]["critic_coverage"] > 0.8
    # a judge without flips is the evaluator: exact on every final state
    assert quality["judged"]["judge_precision"] == 1.0 and quality["judged"]["judge_recall"] == 1.0
    rows = [json.loads(line) for line in (tmp_path / "run" / "episodes.jsonl").read_text().splitlines()]
    assert all(r["privileged"]["policy"] for r in rows)  # measuring does not change the flags
    assert not (tmp_path / "run" / "traces").exists()
