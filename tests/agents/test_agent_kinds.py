"""The agent kinds on the real restaurant worker: every baseline on both backends, their compute
accounting, critic_greedy as MCTS without lookahead, and the floor and ceiling rows."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agentq.agents.base import EpisodeContext, TimedEnv
from agentq.agents.building import build_agent, build_components
from agentq.agents.loop import run_episode
from agentq.agents.worker import SiteWorker
from agentq.config import AgentConfig, EnvConfig, config_from_dict
from agentq.runner import run_experiment

POLICY = {"name": "noisy_expert", "p": 0.6}
CRITIC = {"name": "noisy_expert", "accuracy": 0.7}
JUDGE = {"name": "noisy", "flip": 0.1}
AGENTS = [
    {"name": "random", "kind": "random"},
    {"name": "pure", "policy": POLICY},
    {"name": "critic_greedy", "kind": "critic_greedy", "policy": POLICY, "critic": CRITIC, "planner": {"num_candidates": 4}},
    {"name": "best_of_n", "kind": "best_of_n", "policy": POLICY, "judge": JUDGE,
     "planner": {"n": 50, "episode_env_steps": 120}},
    {"name": "guided_best_of_n", "kind": "guided_best_of_n", "policy": POLICY, "critic": CRITIC, "judge": JUDGE,
     "planner": {"num_candidates": 4, "episode_env_steps": 120}},
    {"name": "beam", "kind": "beam", "policy": POLICY, "critic": CRITIC, "judge": JUDGE,
     "planner": {"width": 2, "num_candidates": 4, "episode_env_steps": 120}},
    {"name": "best_first", "kind": "best_first", "policy": POLICY, "critic": CRITIC, "judge": JUDGE,
     "planner": {"branching": 4, "episode_env_steps": 120}},
    {"name": "mcts", "kind": "mcts", "policy": POLICY, "critic": CRITIC, "judge": JUDGE,
     "planner": {"simulations": 6, "num_candidates": 4, "max_env_steps": 30, "episode_env_steps": 120}},
    {"name": "expert", "kind": "expert"},
]  # fmt: skip


def _run(tmp_path, backend: str, tasks: dict) -> list[dict]:
    config = config_from_dict({
        "name": f"kinds_{backend}", "seed": 1, "workers": 1,
        "env": {"name": "restaurant", "backend": backend, "search_backend": "http", "max_steps": 30},
        "tasks": tasks, "agents": AGENTS, "output": {"plots": False, "save_trees": "first"},
    })  # fmt: skip
    outcome = run_experiment(config, tmp_path / backend, workers=1)
    assert outcome.errors == 0
    return [json.loads(line) for line in (tmp_path / backend / "episodes.jsonl").read_text().splitlines()]


def _check_rows(rows: list[dict]) -> None:
    by_agent: dict[str, list[dict]] = {}
    for row in rows:
        assert row["error"] is None, row.get("traceback")
        by_agent.setdefault(row["agent"], []).append(row)
    assert [r["components"]["kind"] for r in (v[0] for v in by_agent.values())] == [a.get("kind", "pure") for a in AGENTS]
    assert all(r["success"] for r in by_agent["expert"])
    assert by_agent["expert"][0]["privileged"] == {"expert": True, "any": True}
    assert by_agent["random"][0]["privileged"] == {"any": False} and by_agent["random"][0]["components"]["planner"] is False
    for name in ("random", "pure", "critic_greedy", "expert"):  # no lookahead: no search steps
        assert all(r["env_steps"] == r["steps"] and r["simulations"] == 0 for r in by_agent[name])
    for name in ("best_of_n", "guided_best_of_n", "beam", "best_first", "mcts"):  # search + acting within budget
        assert all(r["steps"] < r["env_steps"] <= 120 for r in by_agent[name])
        assert all(r["model_calls"]["policy_calls"] > 0 for r in by_agent[name])
    assert all(r["trajectories"] >= 1 for r in by_agent["best_of_n"])
    quality = by_agent["critic_greedy"][0]["quality_counts"]
    assert quality["policy_samples"] >= quality["critic_decisions"] > 0


def test_every_kind_runs_on_the_http_backend(tmp_path):
    _check_rows(_run(tmp_path, "http", {"split": "dev", "n": 3, "sample_seed": 2}))


@pytest.mark.browser
def test_every_kind_runs_acting_in_the_browser_with_the_same_rows_as_http(tmp_path):
    tasks = {"split": "dev", "ids": ["dev-0004"]}
    browser = _run(tmp_path, "browser", tasks)
    _check_rows(browser)
    http = _run(tmp_path, "http", tasks)
    keep = ("task_id", "agent", "success", "partial", "steps", "env_steps", "simulations", "actions", "quality_counts")
    assert [{k: r[k] for k in keep} for r in browser] == [{k: r[k] for k in keep} for r in http]


def test_critic_greedy_is_mcts_without_lookahead():
    worker = SiteWorker(EnvConfig(name="restaurant", backend="http", max_steps=30), 0)
    greedy = AgentConfig(name="g", kind="critic_greedy", policy=POLICY, critic=CRITIC, planner={"num_candidates": 4})
    mcts = AgentConfig(name="m", kind="mcts", policy=POLICY, critic=CRITIC, judge=JUDGE,
                       planner={"simulations": 0, "num_candidates": 4})  # fmt: skip
    try:
        lengths = []
        for task_id in ("dev-0001", "dev-0002", "dev-0005"):
            played = []
            for config in (greedy, mcts):
                obs, _ = worker.acting.reset(seed=5, options={"task_id": task_id})
                worker.search.reset(seed=5, options={"task_id": task_id})
                ctx = EpisodeContext(worker.acting, worker.search, worker.oracle)
                agent = build_agent(config, build_components(config, worker.oracle, 9), 1234, False, False)
                played.append(run_episode(agent, ctx, obs, max_steps=30).actions)
            assert played[0] == played[1]
            lengths.append(len(played[0]))
        assert sum(lengths) > 10
    finally:
        worker.close()


def test_random_agent_draws_uniformly_from_the_legal_actions():
    worker = SiteWorker(EnvConfig(name="restaurant", backend="http", max_steps=30), 0)
    try:
        config = AgentConfig(name="r", kind="random")
        agent = build_agent(config, {}, 3, False, False)
        obs, _ = worker.acting.reset(seed=1, options={"task_id": "dev-0002"})
        ctx = EpisodeContext(worker.acting, worker.search, worker.oracle)
        seen = ctx.component_obs(obs)
        picks = [agent.act(ctx, seen).action for _ in range(3000)]
        legal = list(dict.fromkeys(seen["legal_actions"]))
        counts = np.array([picks.count(a) for a in legal])
        assert set(picks) <= set(legal) and counts.min() > 0
        assert counts.max() / counts.mean() < 1.6  # uniform up to sampling noise
    finally:
        worker.close()


def test_timed_env_counts_steps_and_seconds():
    worker = SiteWorker(EnvConfig(name="restaurant", backend="http", max_steps=30), 0)
    try:
        env = worker.acting
        assert isinstance(env, TimedEnv)
        env.steps, env.seconds = 0, 0.0
        env.reset(seed=0, options={"task_id": "dev-0000"})
        env.step("back()")
        env.step("click(9999)")
        assert env.steps == 2 and env.seconds > 0
    finally:
        worker.close()
