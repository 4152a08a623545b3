"""Helpers shared by the environment tests."""

from __future__ import annotations

import gymnasium as gym
from envs.oracle import Oracle


def run_expert(env: gym.Env, task_id: str, seed: int = 0, limit: int = 40) -> tuple[list[str], float, dict]:
    """Play the expert to the end of an episode; returns its actions, the last reward and obs."""
    obs, _ = env.reset(seed=seed, options={"task_id": task_id})
    actions: list[str] = []
    reward = 0.0
    for _ in range(limit):
        action = Oracle(env).expert_action()
        obs, reward, terminated, truncated, _ = env.step(action)
        actions.append(action)
        if terminated or truncated:
            break
    return actions, reward, obs
