"""The judge measured where search uses it: every verdict a search asks of its judge is scored by the
runner's oracle on the judged state (the episode ended there and the evaluator accepts it)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import gymnasium as gym
import pytest

from agentq.agents.worker import SiteWorker
from agentq.config import AgentConfig, EnvConfig
from agentq.planner import calls
from agentq.planner.stats import Counters
from agentq.planner.transitions import RecordIds, Transitions
from agentq.report import write_report
from agentq.runner.seam import EpisodeSpec
from agentq.stats import quality_measures
from envs.oracle import Oracle, state_key

POLICY = {"name": "noisy_expert", "p": 0.7}
CRITIC = {"name": "noisy_expert", "accuracy": 0.7}
SEED = 11


class AcceptAllJudge:
    """Accepts every page; records the actions of every trajectory it was asked about."""

    name = "accept_all"
    privileged = False  # so the planner does not bring the search env to the page first
    asked: ClassVar[list[list[str]]] = []

    def judge(self, goal: str, trajectory: Any, final_obs: Any) -> float:
        AcceptAllJudge.asked.append([s.action for s in trajectory])
        return 1.0


@pytest.fixture(scope="module")
def worker():
    w = SiteWorker(EnvConfig(name="restaurant", backend="http", max_steps=30), 0)
    yield w
    w.close()


def _row(worker: SiteWorker, task_id: str, **agent: Any) -> dict:
    spec = EpisodeSpec(index=0, task_id=task_id, agent=AgentConfig(name="a", **agent), sweep_point={}, episode_seed=SEED)
    row = worker.run(spec)
    assert row["quality_counts"]["search_judge_scored"] >= 0
    return row


def _env_reward(task_id: str, actions: list[str]) -> bool:
    """The environment's reward after `actions` from the episode start, replayed in a fresh env."""
    env = gym.make("agentq/Restaurant-v0", backend="http", split="dev")
    try:
        env.reset(seed=SEED, options={"task_id": task_id})
        for action in actions:
            env.step(action)
        u = env.unwrapped
        return bool(u.terminated and Oracle(env).success())
    finally:
        env.close()


@pytest.mark.parametrize("kind, planner", [
    ("mcts", {"cut_value": "judge", "stop_on_accept": False, "simulations": 8, "max_depth": 10, "episode_env_steps": 200}),
    ("best_first", {"value": "mix", "mix": 0.5, "branching": 3, "episode_env_steps": 100}),  # unfinished pages too
])  # fmt: skip
def test_a_judge_accepting_everything_has_the_precision_of_the_env_reward_on_what_it_judged(worker, kind, planner):
    AcceptAllJudge.asked.clear()
    row = _row(worker, "dev-0003", kind=kind, policy=POLICY, critic=CRITIC, judge={"name": f"{__name__}:AcceptAllJudge"},
               planner=planner)  # fmt: skip
    searched = AcceptAllJudge.asked[:-1]  # the last call is the runner's own, on the final state
    truths = [_env_reward("dev-0003", actions) for actions in searched]
    q = row["quality_counts"]
    assert 0 < sum(truths) < len(truths)  # a case with both outcomes among the judged pages
    assert q["search_judge_scored"] == len(searched) == row["model_calls"]["judge_calls"]
    assert (q["search_judge_true_pos"], q["search_judge_false_pos"], q["search_judge_false_neg"]) == (
        sum(truths), len(truths) - sum(truths), 0)
    measures = quality_measures([q])
    assert measures["search_judge_precision"] == pytest.approx(sum(truths) / len(truths), abs=1e-6)
    assert measures["search_judge_recall"] == 1.0


@pytest.mark.parametrize("kind, planner, critic", [
    ("mcts", {"cut_value": "judge", "stop_on_accept": False, "simulations": 8, "max_depth": 10, "episode_env_steps": 200}, CRITIC),
    ("best_of_n", {"n": 6, "stop_on_accept": False, "episode_env_steps": 150}, None),
])  # fmt: skip
def test_the_exact_judge_has_precision_and_recall_one_inside_search(worker, kind, planner, critic):
    counts = [_row(worker, t, kind=kind, policy=POLICY, critic=critic, judge={"name": "env"}, planner=planner)["quality_counts"]
              for t in ("dev-0001", "dev-0003")]  # fmt: skip
    assert sum(c["search_judge_scored"] for c in counts) > sum(c["search_judge_true_pos"] for c in counts) > 0
    measures = quality_measures(counts)
    assert (measures["search_judge_precision"], measures["search_judge_recall"]) == (1.0, 1.0)


def test_agents_that_do_not_search_have_no_search_judge_figures(worker):
    pure = _row(worker, "dev-0003", kind="pure", policy=POLICY)["quality_counts"]
    greedy = _row(worker, "dev-0003", kind="critic_greedy", policy=POLICY, critic=CRITIC,
                  planner={"num_candidates": 3})["quality_counts"]  # fmt: skip
    for counts in (pure, greedy):
        assert counts["search_judge_scored"] == 0
        measures = quality_measures([counts])
        assert measures["search_judge_precision"] is None and measures["search_judge_recall"] is None
    old = {k: v for k, v in pure.items() if not k.startswith("search_")}  # a row written before the keys
    assert quality_measures([old])["search_judge_precision"] is None


def test_a_verdict_given_away_from_the_judged_state_is_scored_on_the_judged_state(worker):
    env = worker.search
    obs, _ = env.reset(seed=SEED, options={"task_id": "dev-0003"})
    counters = Counters()
    moves = Transitions(env, counters, RecordIds(), snapshots=True, cache=True, max_new=None, max_depth=30,
                        reset_fn=None)  # fmt: skip
    root = moves.ids.new(None, None, 0)
    root.obs = obs
    moves.ensure_root(root)
    rec, path = root, []
    for _ in range(3):  # the expert's first steps
        action = worker.oracle.expert_action(env.unwrapped.legal_actions())
        rec = moves.walk(rec, action)
        path.append(rec)
    judged, expected = path[0], path[0].snapshot  # the env is now two steps further
    here = env.unwrapped.snapshot()
    before = (counters.restores, counters.replayed, counters.new, dict(env.unwrapped.counters))
    seen: list[Any] = []
    moves.on_verdict = lambda value, state: seen.append((value, state))
    verdict = calls.verdict(AcceptAllJudge(), judged, moves, counters, reads_env=False)
    after = (counters.restores, counters.replayed, counters.new, dict(env.unwrapped.counters))
    (value, state), = seen
    assert value == verdict == 1.0
    assert state_key(state) == state_key(expected) != state_key(here)  # the judged state, not the env's
    assert state_key(env.unwrapped.snapshot()) == state_key(here)  # the env is left where it was
    assert moves.at is path[-1]
    assert after == before  # none of it counted, by the search or the env


def test_summary_md_and_the_report_show_the_search_judge_and_rows_without_its_counts_still_summarise(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    base = {"task_id": "dev-0001", "sweep_point": {}, "success": True, "partial": 1.0, "steps": 4, "env_steps": 20,
            "simulations": 3, "difficulty": "easy", "error": None, "actions": []}  # fmt: skip
    searched = {"judge_scored": 1, "judge_true_pos": 1, "search_judge_scored": 4, "search_judge_true_pos": 1,
                "search_judge_false_pos": 3, "search_judge_false_neg": 0}  # fmt: skip
    old = {"judge_scored": 1, "judge_true_pos": 1}  # a row written before the search judge was measured
    rows = [{**base, "index": 0, "agent": "searched", "quality_counts": searched},
            {**base, "index": 1, "agent": "old", "quality_counts": old}]  # fmt: skip
    (run / "episodes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    write_report(run, plots=False, html=True)
    groups = {g["agent"]: g["quality"] for g in json.loads((run / "summary.json").read_text())["groups"]}
    assert (groups["searched"]["search_judge_precision"], groups["searched"]["search_judge_recall"]) == (0.25, 1.0)
    assert groups["old"]["search_judge_precision"] is None and groups["old"]["search_judge_recall"] is None
    assert groups["old"]["judge_precision"] == 1.0
    md = (run / "summary.md").read_text()
    assert "| Search judge precision | Search judge recall |" in md
    assert "| 100.0 | 100.0 | 25.0 | 100.0 |" in md and "| 100.0 | 100.0 | - | - |" in md
    html = (run / "report.html").read_text()
    assert '<th scope="col">Search judge precision</th>' in html and '<th scope="col">Search judge recall</th>' in html
    assert "<td>25.0</td>" in html
