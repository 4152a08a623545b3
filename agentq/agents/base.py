"""What every agent kind shares: the decision it returns and the episode context it acts in."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import gymnasium as gym

from envs.oracle import Oracle

Obs = dict[str, Any]


@dataclass
class Decision:
    """One decision at an acting state.

    `proposals` are the policy's samples at that state (action, probability) and `critic_scores`
    the critic's scores of them, in the same order (None where the kind has no such step); the
    runner measures the components' quality on them. `search_env_steps` counts the new env steps
    the decision's search executed (cache hits are free). For the report: `candidate_stats` are
    the search's statistics of each proposal, same order (``{"visits": int, "q": float | None}``),
    and `trajectories` the judged trajectories of a plan-once search (``{"actions", "verdict",
    "chosen"}``); None where the kind has none.
    """

    action: str | None
    proposals: list[tuple[str, float]] | None = None
    critic_scores: list[float] | None = None
    candidate_stats: list[dict[str, Any]] | None = None
    trajectories: list[dict[str, Any]] | None = None
    search_env_steps: int = 0
    simulations: int = 0
    search_env_s: float = 0.0
    planner_s: float = 0.0


class Agent(Protocol):
    """An agent kind: chooses the next action at each acting state of one episode."""

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        """The decision at `obs`, the acting env's current observation (with legal actions and history)."""
        ...

    def observe(self, ctx: EpisodeContext, action: str, obs: Obs) -> None:
        """The acting env took `action` and now shows `obs`."""
        ...

    def extra(self) -> dict[str, Any]:
        """Fields the agent adds to the episode's row (e.g. preference pair counts)."""
        ...


class TimedEnv(gym.Wrapper):
    """Counts the steps and seconds spent inside the acting env."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.seconds = 0.0
        self.steps = 0

    def step(self, action: str):
        started = time.perf_counter()
        try:
            return self.env.step(action)
        finally:
            self.seconds += time.perf_counter() - started
            self.steps += 1

    def reset(self, **kwargs: Any):
        started = time.perf_counter()
        try:
            return self.env.reset(**kwargs)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass
class EpisodeContext:
    """The envs one episode uses: the acting env, and the search env (the http backend by default)
    that privileged components and planners read, kept at the acting state by `sync()`.

    `on_search_verdict(value, state)`, when set (the runner's quality meter), is told every verdict
    a search asks of its judge, with a snapshot of the search env at the judged state."""

    acting: TimedEnv
    search: gym.Env
    search_oracle: Oracle
    history: list[str] = field(default_factory=list)
    max_steps: int = 30  # the acting env's step limit: the most acting steps an episode can take
    sync_s: float = 0.0
    on_search_verdict: Callable[[float, Any], None] | None = None
    _state: Any = None
    _state_step: int = -1

    def acting_state(self) -> Any:
        """A snapshot of the acting env now (taken once per step: the loop is the only one that steps it)."""
        if self._state_step != len(self.history):
            self._state = self.acting.unwrapped.snapshot()
            self._state_step = len(self.history)
        return self._state

    def search_allowance(self, episode_env_steps: int | None) -> int | None:
        """The env steps an episode's search may spend in all: `episode_env_steps` less the acting
        steps reserved for the whole episode (`max_steps`), so search plus acting never exceeds it.
        None: no budget."""
        if episode_env_steps is None:
            return None
        return max(0, episode_env_steps - self.max_steps)

    def component_obs(self, obs: Obs) -> Obs:
        """What components see: the observation, the page's legal actions and the actions so far."""
        return {**obs, "legal_actions": self.acting.unwrapped.legal_actions(), "history": list(self.history)}

    def sync(self) -> Any:
        """Restore the acting env's state into the search env; returns that snapshot."""
        started = time.perf_counter()
        state = self.acting_state()
        self.search.unwrapped.restore(state)
        self.sync_s += time.perf_counter() - started
        return state
