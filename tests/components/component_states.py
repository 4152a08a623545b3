"""Recorded env states for the component tests (a snapshot, its obs with legal actions, the expert's action)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class State:
    task_id: str
    snapshot: Any
    obs: dict
    expert: str


def with_legal(env: Any, obs: dict) -> dict:
    """The obs as the planner passes it to components: plus the env's legal actions."""
    return {**obs, "legal_actions": env.unwrapped.legal_actions()}


def restore(env: Any, state: State) -> dict:
    """Put the env back at a recorded state; returns its obs with legal actions."""
    return with_legal(env, env.unwrapped.restore(state.snapshot))
