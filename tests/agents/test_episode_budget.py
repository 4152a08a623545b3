"""No agent of any kind spends more than `episode_env_steps` in an episode: search (new env steps)
plus acting, counted in each row's `env_steps` the same way for every kind."""

from __future__ import annotations

import json

import pytest

from agentq.config import config_from_dict
from agentq.runner import run_experiment

POLICY = {"name": "noisy_expert", "p": 0.5}
CRITIC = {"name": "noisy_expert", "accuracy": 0.6}
JUDGE = {"name": "noisy", "flip": 0.3}
MAX_STEPS = 20


def _agents(budget: int) -> list[dict]:
    three = {"policy": POLICY, "critic": CRITIC, "judge": JUDGE}
    return [
        {"name": "best_of_n", "kind": "best_of_n", "policy": POLICY, "judge": JUDGE,
         "planner": {"episode_env_steps": budget}},
        {"name": "guided_best_of_n", "kind": "guided_best_of_n", **three, "planner": {"episode_env_steps": budget}},
        {"name": "beam", "kind": "beam", **three, "planner": {"width": 3, "episode_env_steps": budget}},
        {"name": "best_first", "kind": "best_first", **three, "planner": {"episode_env_steps": budget}},
        {"name": "mcts", "kind": "mcts", **three, "planner": {"episode_env_steps": budget, "first_share": 0.5}},
        {"name": "mcts_agentq", "kind": "mcts", **three, "planner": {
            "episode_env_steps": budget, "simulations": 16, "max_env_steps": 60, "final": "visits",
            "stop_on_accept": False, "rollout": "sample", "rollout_to_tree": False, "cut_value": "judge"}},
    ]  # fmt: skip


@pytest.mark.parametrize("budget", [MAX_STEPS + 7, 90])
def test_no_kind_spends_more_than_the_episode_budget(tmp_path, budget):
    config = config_from_dict({
        "name": "budget", "seed": 3, "workers": 1, "common_random_numbers": True,
        "env": {"name": "restaurant", "backend": "http", "search_backend": "http", "max_steps": MAX_STEPS},
        "tasks": {"split": "dev", "n": 3, "sample_seed": 5, "difficulty": "hard"}, "agents": _agents(budget),
        "output": {"plots": False, "save_trees": "none", "save_traces": False},
    })  # fmt: skip
    assert run_experiment(config, tmp_path, workers=1).errors == 0
    rows = [json.loads(line) for line in (tmp_path / "episodes.jsonl").read_text().splitlines()]
    assert len(rows) == 3 * 6
    for row in rows:
        assert row["env_steps"] <= budget, (row["agent"], row["env_steps"], budget)
        assert row["env_steps"] - row["steps"] <= budget - MAX_STEPS  # the acting steps were reserved
        assert row["env_steps"] > row["steps"]  # and the rest went to search
