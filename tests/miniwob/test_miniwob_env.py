"""agentq/MiniWoB-v0: seeded resets, the scripted login-user episode, replay, bad input."""

from __future__ import annotations

import re

import pytest

from mock_sites.miniwob.determinism import check_task
from mock_sites.miniwob.tasks import TASKS, parse_task_id

pytestmark = pytest.mark.browser


def _login(env, seed: int):
    obs, _ = env.reset(seed=seed, options={"task_id": f"login-user.{seed}"})
    username, password = re.findall(r'"([^"]+)"', obs["goal"])
    ids = {name: int(i) for i, name in re.findall(r'\[(\d+)\] \w+ "(\w+)"', obs["text"])}
    actions = [f'fill({ids["Username"]}, "{username}")', f'fill({ids["Password"]}, "{password}")', f'click({ids["Login"]})']
    trace = []
    for action in actions:
        obs, reward, terminated, truncated, info = env.step(action)
        trace.append((obs["text"], reward, terminated, truncated, obs["last_action_error"]))
    return trace


def test_a_scripted_login_user_episode_succeeds(miniwob_env):
    trace = _login(miniwob_env, 5)
    assert [t[1] for t in trace] == [0.0, 0.0, 1.0]
    assert trace[-1][2] is True and all(t[4] == "" for t in trace)


def test_the_same_seed_and_actions_give_the_same_observations_and_reward_twice(miniwob_env):
    assert _login(miniwob_env, 11) == _login(miniwob_env, 11)


def test_another_seed_is_another_instance(miniwob_env):
    goals = {miniwob_env.reset(seed=s, options={"task_id": f"login-user.{s}"})[0]["goal"] for s in (1, 2)}
    assert len(goals) == 2


def test_seed_alone_picks_the_instance_of_the_made_task(miniwob_env):
    first = miniwob_env.reset(seed=4)[0]
    again = miniwob_env.reset(seed=4)[0]
    assert first == again and "username" in first["goal"]


def test_a_wrong_login_ends_with_reward_zero(miniwob_env):
    obs, _ = miniwob_env.reset(seed=3, options={"task_id": "login-user.3"})
    obs, reward, terminated, _, info = miniwob_env.step("click(3)")
    assert terminated and reward == 0.0 and info["success"] is False


@pytest.mark.parametrize("action", ["click(", "click(99)", 'select(1, "x")', 'goto("/")', "back()", 'ask_user("?")', 42])
def test_malformed_or_impossible_actions_never_raise(miniwob_env, action):
    obs, _ = miniwob_env.reset(seed=1, options={"task_id": "login-user.1"})
    obs, reward, terminated, truncated, _ = miniwob_env.unwrapped.step(action)
    assert obs["last_action_error"] and reward == 0.0 and not terminated


def test_restore_replays_the_prefix_and_counts_it(miniwob_env):
    env = miniwob_env.unwrapped
    obs, _ = env.reset(seed=8, options={"task_id": "login-user.8"})
    env.step('fill(1, "abc")')
    state = env.snapshot()
    text = env.step('fill(2, "xyz")')[0]["text"]
    env.reset(seed=9, options={"task_id": "login-user.9"})
    before = env.counters["replayed"]
    restored = env.restore(state)
    assert env.counters["replayed"] - before == 1
    assert 'value="abc"' in restored["text"]
    assert env.step('fill(2, "xyz")')[0]["text"] == text


def test_legal_fills_come_from_the_instruction(miniwob_env):
    obs, _ = miniwob_env.reset(seed=2, options={"task_id": "login-user.2"})
    username, password = re.findall(r'"([^"]+)"', obs["goal"])
    legal = miniwob_env.unwrapped.legal_actions()
    assert f'fill(1, "{username}")' in legal and f'fill(2, "{password}")' in legal and "click(3)" in legal


@pytest.mark.parametrize("task", ["click-checkboxes-large", "book-flight-nodelay"])
def test_admitted_tasks_are_deterministic_under_a_seed(miniwob_env, task):
    report = check_task(miniwob_env, task, seeds=(0,), depth=3)
    assert report.deterministic, report.reason


def test_unknown_task_names_list_the_known_ones():
    with pytest.raises(KeyError) as raised:
        parse_task_id("login-usr.3")
    assert all(name in str(raised.value) for name in TASKS)


def test_a_non_deterministic_task_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="terminal.*not deterministic"):
        parse_task_id("terminal.1")


def test_only_the_browser_backend_exists():
    import gymnasium as gym

    with pytest.raises(ValueError, match="no in-process model"):
        gym.make("agentq/MiniWoB-v0", task="login-user", backend="http")


def test_a_browser_that_dies_mid_episode_is_reported_and_reset_recovers(miniwob_env):
    env = miniwob_env.unwrapped
    env.reset(seed=1, options={"task_id": "login-user.1"})
    env.driver.browser.close()
    obs, reward, terminated, truncated, info = env.step('fill(1, "a")')
    assert truncated and not terminated and "error" in info and "reset()" in obs["last_action_error"]
    assert _login(miniwob_env, 6)[-1][1] == 1.0


def test_both_sites_satisfy_the_experiment_site_contract():
    from envs.site import ExperimentSite
    from mock_sites.miniwob.adapter import MiniWoBSite
    from mock_sites.restaurant.adapter import RestaurantSite

    for site in (RestaurantSite(), MiniWoBSite()):
        assert isinstance(site, ExperimentSite), site.name
        assert site.backends and isinstance(site.has_expert, bool)
