"""The oracle: the expert's distance to the goal and which actions make progress."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest

import mock_sites.restaurant  # noqa: F401
from envs.oracle import Oracle, state_key


@pytest.fixture(scope="module")
def env():
    environment = gym.make("agentq/Restaurant-v0", backend="http", split="dev")
    yield environment
    environment.close()


def test_distance_falls_by_one_along_the_expert_path_and_is_zero_at_success(env):
    oracle = Oracle(env)
    env.reset(seed=0, options={"task_id": "dev-0007"})
    start = oracle.distance()
    assert 3 < start < 40
    done, steps = False, 0
    while not done:
        before = oracle.distance()
        action = oracle.expert_action()
        assert oracle.makes_progress([action]) == [True]
        _, reward, done, _, _ = env.step(action)
        steps += 1
        assert oracle.distance() == before - 1
    assert reward == 1.0 and oracle.distance() == 0 and steps == start


def test_detours_do_not_make_progress_and_a_wrong_stop_is_unreachable(env):
    oracle = Oracle(env)
    env.reset(seed=0, options={"task_id": "dev-0003"})
    legal = env.unwrapped.legal_actions()
    progress = dict(zip(legal, oracle.makes_progress(legal)))
    stops = [a for a in legal if a.startswith("stop(")]
    assert stops and not any(progress[a] for a in stops)  # giving up on a feasible task never helps
    assert sum(progress.values()) >= 1 and sum(progress.values()) < len(legal) / 2
    state = env.unwrapped.snapshot()
    env.step(stops[0])
    assert oracle.distance() == math.inf and not oracle.success()
    env.unwrapped.restore(state)


def test_the_oracle_never_moves_the_env_it_reads(env):
    oracle = Oracle(env)
    env.reset(seed=3, options={"task_id": "dev-0010"})
    env.step(oracle.expert_action())
    before = env.unwrapped.snapshot()
    oracle.makes_progress(env.unwrapped.legal_actions())
    oracle.distance()
    assert state_key(env.unwrapped.snapshot()) == state_key(before)
    assert env.unwrapped.steps == before.steps


def test_back_is_judged_from_the_history_of_the_state_asked_about(env):
    """Two states with the same key whose back() leads to different pages: one oracle judges each
    as a fresh oracle does, whichever it saw first (a cache blind to the history made an episode's
    figures depend on which episodes of its task the same worker ran before)."""
    env.reset(seed=1, options={"task_id": "dev-0000"})
    for action in ('select(6, "5:30 PM")', 'select(7, "17 people")', 'select(6, "7:00 PM")', "click(3)"):
        env.step(action)
    shallow = env.unwrapped.snapshot()
    env.step("click(3)")  # the same page again, one more entry in the history
    deep = env.unwrapped.snapshot()
    assert state_key(shallow) == state_key(deep) and shallow.history != deep.history
    fresh = [Oracle(env).makes_progress(["back()"], state=s)[0] for s in (shallow, deep)]
    assert fresh[0] != fresh[1]  # the case is real: back() makes progress from one and not the other
    oracle = Oracle(env)
    assert [oracle.makes_progress(["back()"], state=s)[0] for s in (deep, shallow)][::-1] == fresh
