"""The search bootstrap (demonstrations on a site without an expert) searches once per run folder:
later asks replay each task's winning attempt, and a replay that differs from the log is refused."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from agentq.learn.bootstrap import SEARCH_DEMO_TRIES, BootstrapError, search_demos, searched_env_steps
from agentq.learn.collect import Trajectory

TASKS = [f"train-t{i}" for i in range(8)]


class CoinEnv:
    """A deterministic stand-in for a browser env: three choices per episode among a, b, c; the
    episode succeeds when the first choice is `a` on even tasks (odd tasks can never succeed)."""

    def __init__(self, bootstrap_dir: Path | None) -> None:
        self.bootstrap_dir = bootstrap_dir
        self.bootstrap_logs = {}
        self.steps = 0
        self.episodes = 0

    def run(self, task_id, seed, choose, featuriser, prefix_every=0):
        self.episodes += 1
        actions = []
        for _ in range(3):
            actions.append(choose({"goal": task_id}, ["a", "b", "c"]))
            self.steps += 1
        return Trajectory(task_id, actions=actions, success=int(task_id[-1]) % 2 == 0 and actions[0] == "a")


def _demos(env: CoinEnv, key: str = "demo") -> list[Trajectory]:
    return search_demos(SimpleNamespace(seed=7), env, TASKS, None, 0, key, lambda n: None)


def test_the_search_runs_once_per_folder_and_later_asks_replay_the_winners(tmp_path):
    first = CoinEnv(tmp_path)
    found = _demos(first)
    solvable = [t for t in TASKS if int(t[-1]) % 2 == 0]
    assert [t.task_id for t in found] == solvable  # every even task is solved within 20 tries here
    assert first.episodes >= len(solvable) + SEARCH_DEMO_TRIES * (len(TASKS) - len(solvable))
    again = CoinEnv(tmp_path)
    replayed = _demos(again)
    assert again.episodes == len(found)  # one episode per solved task, none for the unsolved ones
    assert [(t.task_id, t.actions) for t in replayed] == [(t.task_id, t.actions) for t in found]
    other = CoinEnv(tmp_path)
    _demos(other, key="holdout")  # another purpose (other reset seeds) is searched afresh
    assert other.episodes >= SEARCH_DEMO_TRIES * (len(TASKS) - len(solvable))


def test_without_a_folder_the_env_remembers_its_searches_while_it_lives():
    a, b = CoinEnv(None), CoinEnv(None)
    found = _demos(a)
    assert [t.actions for t in found] == [t.actions for t in _demos(b)]
    assert a.episodes == b.episodes > len(TASKS)  # a fresh env searches again
    searched = a.episodes
    _demos(a)
    assert a.episodes == searched + len(found)  # the same env replays the winners
    assert searched_env_steps(a, "demo", len(TASKS)) == 3 * searched  # the search's own steps, not the replays'
    assert searched_env_steps(a, "demo", 2) < 3 * searched and searched_env_steps(a, "other", 8) == 0


def test_a_replay_that_differs_from_the_log_is_refused(tmp_path):
    _demos(CoinEnv(tmp_path))
    log = tmp_path / "demo.jsonl"
    log.write_text(log.read_text().replace('"actions":["a"', '"actions":["b"', 1))
    with pytest.raises(BootstrapError, match="not deterministic under its seed"):
        _demos(CoinEnv(tmp_path))


def test_an_unreadable_log_line_is_named(tmp_path):
    (tmp_path / "demo.jsonl").write_text('{"index": 0, "task_id": "train-t0"}\n')
    with pytest.raises(BootstrapError, match=r"demo\.jsonl:1: not a bootstrap record"):
        _demos(CoinEnv(tmp_path))
