"""Fixtures for the component tests: one http env and a pool of recorded states."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from component_states import State, with_legal

import mock_sites.restaurant  # noqa: F401 - registers agentq/Restaurant-v0
from mock_sites.restaurant.tasks import load_suite
from envs.oracle import Oracle


@pytest.fixture(scope="module")
def env():
    environment = gym.make("agentq/Restaurant-v0", backend="http", split="dev", max_steps=30)
    yield environment
    environment.close()


@pytest.fixture(scope="module")
def states(env) -> list[State]:
    """~250 states from 16 dev tasks: mostly the expert's path, with random detours."""
    u = env.unwrapped
    rng = np.random.default_rng(7)
    pool: list[State] = []
    for task in load_suite("dev")[:16]:
        obs, _ = env.reset(seed=1, options={"task_id": task.id})
        for _ in range(25):
            obs = with_legal(env, obs)
            if not obs["legal_actions"]:
                break
            expert = Oracle(u).expert_action()
            pool.append(State(task.id, u.snapshot(), obs, expert))
            legal = obs["legal_actions"]
            action = expert if rng.random() < 0.8 else legal[int(rng.integers(len(legal)))]
            obs, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                break
    return pool
