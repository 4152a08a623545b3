"""agentq.frontier: a run's rows placed on the frontier by kind, budget and judge; mcts paired
against the best other kind at each point; the plot is written."""

from __future__ import annotations

import json

import yaml

from agentq.frontier import frontier_groups, frontier_markdown, plot_frontier


def _row(agent: str, task: str, success: bool, budget: int, flip: float, env_steps: int) -> dict:
    point = {f"agents.{agent}.planner.episode_env_steps": budget, f"agents.{agent}.judge.flip": flip}
    return {"agent": agent, "task_id": task, "success": success, "sweep_point": point, "env_steps": env_steps,
            "error": None, "timings": {"wall_s": 0.1}, "model_calls": {"policy_samples": 10, "critic_calls": 2,
                                                                        "judge_calls": 1}}  # fmt: skip


def test_the_frontier_places_rows_and_pairs_mcts_with_the_best_other_kind(tmp_path):
    config = {"agents": [{"name": n, "planner": {}, "judge": {"name": "noisy", "flip": 0.1}}
                         for n in ("best_of_n", "guided_best_of_n", "mcts")]}  # fmt: skip
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    solved = {"best_of_n": [1, 0, 0, 0], "guided_best_of_n": [1, 1, 1, 0], "mcts": [1, 1, 0, 1]}
    rows = [_row(a, f"t{i}", bool(s), 100, 0.0, 40 + i) for a, wins in solved.items() for i, s in enumerate(wins)]
    (tmp_path / "episodes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    groups = frontier_groups(tmp_path)
    by = {g["family"]: g for g in groups}
    assert (by["mcts"]["budget"], by["mcts"]["flip"], by["mcts"]["success"]) == (100, 0.0, 75.0)
    assert by["mcts"]["env_steps"] == 41.5 and by["mcts"]["model_calls"]["critic_calls"] == 2
    text = frontier_markdown(groups, "t")
    assert "## exact judge" in text
    assert "- 100 steps: mcts 75 vs guided_best_of_n 75: 1/1, p = 1" in text  # ties: fewer env steps wins
    assert plot_frontier(groups, tmp_path / "f.png").is_file()
