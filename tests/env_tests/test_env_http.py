"""The restaurant env on the http backend: API, expert, snapshots, bad actions."""

from __future__ import annotations

import pickle

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_sites.restaurant.tasks import load_suite
from env_helpers import run_expert
from envs.oracle import Oracle


def test_check_env_passes(http_env) -> None:
    check_env(http_env.unwrapped, skip_render_check=True)


@pytest.mark.parametrize("split", ["dev", "test", "train"])
def test_expert_solves_every_task_on_http(split: str) -> None:
    env = gym.make("agentq/Restaurant-v0", backend="http", split=split, max_steps=40)
    failures = []
    lengths: dict[str, list[int]] = {"easy": [], "medium": [], "hard": []}
    for task in load_suite(split):
        actions, reward, _ = run_expert(env, task.id)
        lengths[task.difficulty].append(len(actions))
        if reward != 1.0:
            failures.append(task.id)
    env.close()
    assert failures == []
    mean = {level: sum(v) / len(v) for level, v in lengths.items()}
    assert 5 <= mean["easy"] <= 8.5
    assert 13 <= mean["hard"] <= 20


def test_reward_comes_once_at_the_end_and_info_reports_success(http_env) -> None:
    obs, info = http_env.reset(seed=1, options={"task_id": "dev-0000"})
    assert info["task_id"] == "dev-0000" and obs["goal"] == load_suite("dev")[0].instruction
    rewards = []
    while True:
        obs, reward, terminated, truncated, info = http_env.step(Oracle(http_env).expert_action())
        rewards.append(reward)
        if terminated or truncated:
            break
    assert rewards[-1] == 1.0 and set(rewards[:-1]) == {0.0}
    assert terminated and not truncated and info["success"] is True
    obs, reward, terminated, _, _ = http_env.step("click(1)")
    assert terminated and reward == 0.0 and "episode is over" in obs["last_action_error"]


def test_truncation_at_the_step_limit() -> None:
    env = gym.make("agentq/Restaurant-v0", backend="http", max_steps=3)
    env.reset(seed=0, options={"task_id": "dev-0001"})
    results = [env.step("back()") for _ in range(3)]
    assert [r[3] for r in results] == [False, False, True]
    assert not any(r[2] for r in results)
    env.close()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("click(999)", "no element [999]"),
        ("fill(1, \"x\")", "fill() needs a text field"),
        ("select(1, \"x\")", "select() needs a drop-down"),
        ("goto(\"https://example.com/\")", "path on this site"),
        ("goto(\"/__sandbox/state\")", "not a page of this site"),
        ("back()", "no previous page"),
        ("ask_user(\"  \")", "needs a question"),
        ("hover(3)", "unknown action"),
    ],
)
def test_impossible_actions_set_last_action_error_and_cost_a_step(http_env, action: str, message: str) -> None:
    obs, _ = http_env.reset(seed=0, options={"task_id": "dev-0000"})
    after, reward, terminated, truncated, info = http_env.step(action)
    assert message in after["last_action_error"]
    assert after["last_action"] == action and after["text"] == obs["text"]
    assert info["steps"] == 1 and reward == 0.0 and not terminated


def test_select_with_a_missing_option_lists_the_options(http_env) -> None:
    http_env.reset(seed=0, options={"task_id": "dev-0000"})
    page = http_env.unwrapped.page
    city = next(e for e in page.visible_elements() if e.field_name == "city")
    obs, *_ = http_env.step(f'select({city.id}, "Atlantis")')
    assert "has no option 'Atlantis'" in obs["last_action_error"] and "'Chicago'" in obs["last_action_error"]
    obs, *_ = http_env.step(f'select({city.id}, "chicago")')
    assert obs["last_action_error"] == "" and 'value="Chicago"' in obs["text"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_step_never_raises_on_random_strings(http_env, text: str) -> None:
    if http_env.unwrapped.task is None or http_env.unwrapped.terminated:
        http_env.reset(seed=0, options={"task_id": "dev-0003"})
    obs, reward, terminated, truncated, info = http_env.step(text)
    assert isinstance(obs["last_action_error"], str)
    assert http_env.observation_space.contains(obs)


def test_snapshot_restore_brings_back_page_session_and_typed_values(http_env) -> None:
    task = next(t for t in load_suite("dev") if t.difficulty == "hard" and t.expected.kind == "booking")
    http_env.reset(seed=3, options={"task_id": task.id})
    obs = None
    while "/book/details" not in (obs or {}).get("url", "") or "fill" not in Oracle(http_env).expert_action():
        obs, *_ = http_env.step(Oracle(http_env).expert_action())
    obs, *_ = http_env.step(Oracle(http_env).expert_action())  # type one field
    state = pickle.loads(pickle.dumps(http_env.unwrapped.snapshot()))
    saved_obs = obs
    for _ in range(3):
        http_env.step(Oracle(http_env).expert_action())
    http_env.step('goto("/")')
    restored = http_env.unwrapped.restore(state)
    assert restored == saved_obs
    # the episode goes on from the restored state exactly as before
    reward = 0.0
    for _ in range(20):
        _, reward, terminated, truncated, _ = http_env.step(Oracle(http_env).expert_action())
        if terminated or truncated:
            break
    assert reward == 1.0


def test_restore_into_another_env_instance(http_env) -> None:
    http_env.reset(seed=5, options={"task_id": "dev-0004"})
    for _ in range(4):
        obs, *_ = http_env.step(Oracle(http_env).expert_action())
    state = http_env.unwrapped.snapshot()
    other = gym.make("agentq/Restaurant-v0", backend="http")
    assert other.unwrapped.restore(state) == obs
    assert Oracle(other).expert_action() == Oracle(http_env).expert_action()
    other.close()


def test_expert_actions_are_among_the_legal_actions(http_env) -> None:
    for task in load_suite("dev")[:30]:
        http_env.reset(seed=0, options={"task_id": task.id})
        while True:
            action = Oracle(http_env).expert_action()
            if not action.startswith("goto("):
                assert action in http_env.unwrapped.legal_actions(), (task.id, action)
            _, _, terminated, truncated, _ = http_env.step(action)
            if terminated or truncated:
                break


def test_ask_user_answers_from_the_hidden_profile(http_env) -> None:
    task = next(t for t in load_suite("dev") if "ask_seating" in t.obstacles)
    http_env.reset(seed=0, options={"task_id": task.id})
    obs, *_ = http_env.step('ask_user("Where would you like to sit?")')
    assert 'you asked the user: "Where would you like to sit?"' in obs["text"]
    wanted = {"indoor": "Indoor", "outdoor": "Outdoor patio", "bar": "Bar"}[task.profile.seating_preference]
    assert wanted in obs["text"].splitlines()[-1]


def test_infeasible_task_succeeds_only_with_a_stop(http_env) -> None:
    task = next(t for t in load_suite("dev") if t.expected.kind == "infeasible")
    actions, reward, _ = run_expert(http_env, task.id)
    assert reward == 1.0 and actions[-1].startswith("stop(")
    http_env.reset(seed=0, options={"task_id": task.id})
    _, reward, terminated, _, _ = http_env.step('stop("All done")')
    assert terminated and reward == 0.0


def test_reset_accepts_a_task_object_and_render_gives_text(http_env) -> None:
    task = load_suite("dev")[7]
    obs, info = http_env.reset(seed=0, options={"task": task.model_dump()})
    assert info["task_id"] == task.id
    assert http_env.render() == obs["text"]
    with pytest.raises(KeyError, match="unknown task id"):
        http_env.reset(seed=0, options={"task_id": "nope"})


def test_same_seed_same_episode() -> None:
    def episode() -> list[dict]:
        env = gym.make("agentq/Restaurant-v0", backend="http")
        env.reset(seed=11)
        out = [env.step(Oracle(env).expert_action())[0] for _ in range(6)]
        env.close()
        return out

    assert episode() == episode()
