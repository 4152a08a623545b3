"""The runner with the real restaurant worker (http backend): rows, determinism, resume."""

from __future__ import annotations

from runner_helpers import read_jsonl, without_timings

from agentq.config import config_from_dict
from agentq.runner import run_experiment
from agentq.planner.config import AGENTQ_ORIGINAL

CONFIG = {
    "name": "restaurant_small",
    "seed": 3,
    "env": {"name": "restaurant", "backend": "http", "search_backend": "http", "max_steps": 30},
    "tasks": {"split": "dev", "n": 3, "sample_seed": 1},
    "agents": [
        {"name": "pure", "policy": {"name": "noisy_expert", "p": 0.5}},
        {
            "name": "hybrid",
            "policy": {"name": "noisy_expert", "p": 0.5},
            "critic": {"name": "noisy_expert", "accuracy": 0.8},
            "judge": {"name": "env"},
            "planner": {"simulations": 3, "num_candidates": 3},
        },
        {"name": "heuristic", "policy": {"name": "heuristic"}},
    ],
    "output": {"plots": False, "save_trees": "first"},
}


def test_real_episodes_are_the_same_with_one_and_two_workers(tmp_path) -> None:
    config = config_from_dict(CONFIG)
    run_experiment(config, tmp_path / "one", workers=1)
    run_experiment(config, tmp_path / "two", workers=2)
    one = read_jsonl(tmp_path / "one" / "episodes.jsonl")
    two = read_jsonl(tmp_path / "two" / "episodes.jsonl")
    assert len(one) == 9 and without_timings(one) == without_timings(two)
    assert all(r["error"] is None for r in one)
    by_agent = {r["agent"]: r for r in one}
    assert by_agent["hybrid"]["simulations"] > 0 and by_agent["pure"]["simulations"] == 0
    assert by_agent["pure"]["privileged"]["any"] is True
    assert by_agent["heuristic"]["privileged"] == {"policy": False, "any": False}
    assert by_agent["hybrid"]["components"] == {
        "kind": "mcts", "policy": "noisy_expert", "critic": "noisy_expert", "judge": "env", "planner": True
    }
    assert all(r["steps"] == len(r["actions"]) for r in one)
    assert list((tmp_path / "one" / "trees").glob("*.json"))


def test_planner_episodes_write_preference_pairs(tmp_path) -> None:
    from mock_sites.restaurant.tasks import task_index

    data = {**CONFIG, "agents": CONFIG["agents"][:2], "output": {"plots": False, "save_trees": "none", "save_pairs": True}}
    # Agent Q's rules: every decision searches (the defaults commit to an accepted trajectory instead)
    data["agents"][1] = {**data["agents"][1], "planner": {**AGENTQ_ORIGINAL, "simulations": 6, "num_candidates": 4, "theta": 0.2}}
    run_experiment(config_from_dict(data), tmp_path / "run", workers=1)
    rows = read_jsonl(tmp_path / "run" / "episodes.jsonl")
    hybrid = [r for r in rows if r["agent"] == "hybrid"]
    files = sorted((tmp_path / "run" / "pairs").glob("*.jsonl"))
    assert len(files) == len(hybrid) == 3 and not any("pure" in f.name for f in files)
    pairs = [p for f in files for p in read_jsonl(f)]
    assert sum(r["preference_pairs"] for r in hybrid) == len(pairs) > 0
    assert any(pair["path"] for pair in pairs)  # the whole tree is mined, not only each decision's root
    for pair in pairs:
        assert pair["chosen"] != pair["rejected"]
        assert pair["chosen_value"] - pair["rejected_value"] > 0.2
        assert pair["prompt"]["goal"] == task_index()[pair["task_id"]].instruction
        actions = next(r["actions"] for r in hybrid if r["task_id"] == pair["task_id"])
        history = pair["prompt"]["history"]
        acted = history[: len(history) - len(pair["path"])]  # the actions before the searched root
        assert acted == actions[: len(acted)] and history[len(acted):] == pair["path"]
        assert pair["depth"] == len(history) and len(acted) <= pair["step"]
