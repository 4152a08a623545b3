"""Shared fixtures: environments on both backends."""

from __future__ import annotations

import gymnasium as gym
import pytest

import mock_sites.restaurant  # noqa: F401 - registers agentq/Restaurant-v0


@pytest.fixture
def http_env():
    env = gym.make("agentq/Restaurant-v0", backend="http", split="dev")
    yield env
    env.close()


@pytest.fixture(scope="module")
def browser_env():
    env = gym.make("agentq/Restaurant-v0", backend="browser", split="dev")
    yield env
    env.close()
