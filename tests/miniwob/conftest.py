"""One MiniWoB env (one Chromium and one page server) shared by a test module."""

from __future__ import annotations

import gymnasium as gym
import pytest

import mock_sites.miniwob  # noqa: F401 - registers agentq/MiniWoB-v0


@pytest.fixture(scope="module")
def miniwob_env():
    env = gym.make("agentq/MiniWoB-v0", task="login-user", max_steps=20)
    yield env
    env.close()
