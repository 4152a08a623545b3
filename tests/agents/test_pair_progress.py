"""Saved preference pairs say whether their chosen and rejected actions make progress at the pair's
state, measured by the runner's oracle after the episode; the summary and the report show it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import gymnasium as gym
import pytest

from agentq.agents.pair_progress import mark_progress
from agentq.agents.worker import SiteWorker
from agentq.config import AgentConfig, EnvConfig, config_from_dict
from agentq.planner.preferences import PairLine
from agentq.runner import run_experiment
from agentq.runner.seam import EpisodeSpec
from agentq.stats import pair_progress
from envs.oracle import Oracle

POLICY = {"name": "noisy_expert", "p": 0.6}
CRITIC = {"name": "noisy_expert", "accuracy": 0.6}
PLANNER = {"simulations": 24, "num_candidates": 3, "episode_env_steps": 300, "stop_on_accept": False,
           "cut_value": "critic", "max_depth": 12}  # fmt: skip
SEED = 5


def _progress_from_the_start(task_id: str, history: list[str], actions: list[str]) -> list[bool]:
    """Whether each action makes progress after `history`, replayed from the episode start in a fresh env."""
    env = gym.make("agentq/Restaurant-v0", backend="http", split="dev")
    try:
        env.reset(seed=SEED, options={"task_id": task_id})
        for action in history:
            env.step(action)
        oracle = Oracle(env)
        try:
            return oracle.makes_progress(actions)
        finally:
            oracle.close()
    finally:
        env.close()


@pytest.mark.parametrize("cache", [True, False])  # without the cache, states below a root keep no snapshot
def test_each_saved_pair_says_whether_its_actions_make_progress_at_its_state(tmp_path, cache):
    worker = SiteWorker(EnvConfig(name="restaurant", backend="http", max_steps=30), 0)
    agent = AgentConfig(name="m", kind="mcts", policy=POLICY, critic=CRITIC, judge={"name": "env"},
                        planner={**PLANNER, "transition_cache": cache})  # fmt: skip
    path = tmp_path / "pairs.jsonl"
    try:
        row = worker.run(EpisodeSpec(index=0, task_id="dev-0003", agent=agent, sweep_point={}, episode_seed=SEED,
                                     pairs_path=str(path)))  # fmt: skip
    finally:
        worker.close()
    lines = [PairLine.model_validate_json(line) for line in path.read_text().splitlines()]
    assert sum(1 for p in lines if p.path) >= 3  # pairs below a decision's root, not only at it
    marks = [(p.chosen_makes_progress, p.rejected_makes_progress) for p in lines]
    expected = [tuple(_progress_from_the_start("dev-0003", p.prompt.history, [p.chosen, p.rejected])) for p in lines]
    assert marks == expected
    assert len(set(marks)) > 1  # a case where the measure tells pairs apart
    assert row["pair_progress"] == {"pairs": len(lines), "measured": len(lines),
                                    "chosen": sum(c for c, _ in marks), "rejected": sum(r for _, r in marks)}  # fmt: skip
    assert lines[0].pair().chosen == lines[0].chosen  # the marks are the line's, not the pair's


def test_without_an_expert_the_marks_are_null():
    pairs = [{"chosen": "click(1)", "rejected": "click(2)"}]
    counts = mark_progress(pairs, [("a snapshot", ())], SimpleNamespace(has_expert=False))
    assert pairs[0]["chosen_makes_progress"] is None and pairs[0]["rejected_makes_progress"] is None
    assert counts == {"pairs": 1, "measured": 0, "chosen": 0, "rejected": 0}
    assert pair_progress([counts])["chosen_makes_progress"] is None
    assert pair_progress([]) is None  # no episode saved pairs


def test_the_summary_and_the_report_show_the_share_of_pairs_whose_chosen_action_makes_progress(tmp_path):
    config = config_from_dict({
        "name": "pairs", "seed": 0, "workers": 1,
        "env": {"name": "restaurant", "backend": "http", "max_steps": 30},
        "tasks": {"split": "dev", "ids": ["dev-0001", "dev-0003"]},
        "agents": [{"name": "searched", "kind": "mcts", "policy": POLICY, "critic": CRITIC, "judge": {"name": "env"},
                    "planner": PLANNER},
                   {"name": "policy", "policy": POLICY}],
        "output": {"plots": False, "save_trees": "none", "save_pairs": True},
    })  # fmt: skip
    run = tmp_path / "run"
    run_experiment(config, run, workers=1)
    groups = {g["agent"]: g for g in json.loads((run / "summary.json").read_text())["groups"]}
    rows = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    measured = [r["pair_progress"] for r in rows if r["agent"] == "searched"]
    chosen, total = sum(m["chosen"] for m in measured), sum(m["measured"] for m in measured)
    assert total > 0 and groups["policy"]["pair_progress"] is None
    share = groups["searched"]["pair_progress"]["chosen_makes_progress"]
    assert share == pytest.approx(chosen / total, abs=1e-6)
    md = (run / "summary.md").read_text()
    assert "## Preference pairs" in md and f"| searched | - | {total} | {total} | {100 * share:.1f} |" in md
    assert "| policy |" not in md.split("## Preference pairs")[1].split("##")[0]
    html = (run / "report.html").read_text()
    assert "<th scope=\"col\">Chosen makes progress</th>" in html and "<td>yes</td>" in html and "<td>no</td>" in html
