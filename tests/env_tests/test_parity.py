"""Parity: the same actions on both backends give the same observations, rewards and rows."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from mock_sites.restaurant.tasks import load_suite
from envs.oracle import Oracle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def both():
    http = gym.make("agentq/Restaurant-v0", backend="http")
    browser = gym.make("agentq/Restaurant-v0", backend="browser")
    yield http, browser
    http.close()
    browser.close()


def _parity_tasks() -> list[str]:
    """A handful of dev tasks that together cover every obstacle."""
    chosen: list[str] = []
    covered: set[str] = set()
    for task in load_suite("dev"):
        if set(task.obstacles) - covered or task.difficulty == "easy" and not chosen:
            chosen.append(task.id)
            covered |= set(task.obstacles)
    return chosen


def _same_step(http, browser, action: str) -> tuple[bool, dict]:
    h = http.step(action)
    b = browser.step(action)
    assert h[0] == b[0], f"observations differ after {action}"
    assert h[1:4] == b[1:4], f"reward/terminated/truncated differ after {action}"
    return h[2] or h[3], h[0]


def _same_rows(http, browser) -> None:
    assert http.unwrapped.backend.site_state()[1] == browser.unwrapped.backend.site_state()[1]
    assert http.unwrapped.backend.site_state()[0] == browser.unwrapped.backend.site_state()[0]


@pytest.mark.parametrize("task_id", _parity_tasks())
def test_expert_episodes_match(both, task_id: str) -> None:
    http, browser = both
    assert http.reset(seed=4, options={"task_id": task_id})[0] == browser.reset(seed=4, options={"task_id": task_id})[0]
    done = False
    while not done:
        action = Oracle(http).expert_action()
        assert action == Oracle(browser).expert_action()
        done, _ = _same_step(http, browser, action)
    _same_rows(http, browser)


@pytest.mark.parametrize("seed", range(4))
def test_random_legal_actions_match(both, seed: int) -> None:
    http, browser = both
    rng = np.random.default_rng(seed)
    task_id = load_suite("dev")[seed * 7].id
    http.reset(seed=seed, options={"task_id": task_id})
    browser.reset(seed=seed, options={"task_id": task_id})
    for _ in range(14):
        legal = http.unwrapped.legal_actions()
        assert legal == browser.unwrapped.legal_actions()
        if not legal:
            break
        # mostly clicks and selects; sometimes the expert, to get deeper into the flow
        action = Oracle(http).expert_action() if rng.random() < 0.4 else legal[int(rng.integers(len(legal)))]
        done, _ = _same_step(http, browser, action)
        if done:
            break
    _same_rows(http, browser)
