"""Search statistics and results."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SearchStats(BaseModel):
    """Counters and timings of one `plan()` call.

    env_steps_new: env.step calls that executed a transition for the search (every tree/rollout
      step when the transition cache is off); the only steps `max_env_steps` limits.
    env_steps_cached: transitions served from the cache without touching the env.
    env_steps_replayed: env.step calls made only to bring the env back to a known state
      (replay fallback, or reaching a state that has no snapshot).
    restores / snapshots / resets: calls of u.restore, u.snapshot and reset_fn.
    tree_size: nodes in the tree under the root after the search (unvisited candidates included).
    max_depth_reached: deepest state reached, counted from the episode start like max_depth.
    time_in_env_s: time inside env calls (step, restore, snapshot, legal_actions, reset_fn).
    time_in_components_s: time inside policy/critic/judge calls.
    time_outside_env_s = time_total_s - time_in_env_s (components included).
    """

    model_config = ConfigDict(extra="forbid")

    simulations: int = 0
    env_steps_new: int = 0
    env_steps_cached: int = 0
    env_steps_replayed: int = 0
    restores: int = 0
    snapshots: int = 0
    resets: int = 0
    policy_calls: int = 0
    critic_calls: int = 0
    judge_calls: int = 0
    tree_size: int = 0
    max_depth_reached: int = 0
    time_in_env_s: float = 0.0
    time_in_components_s: float = 0.0
    time_outside_env_s: float = 0.0
    time_total_s: float = 0.0

    def counts(self) -> dict[str, int]:
        """All fields except the timings (identical for identical seeds)."""
        return {k: v for k, v in self.model_dump().items() if not k.startswith("time_")}


class ChildStats(BaseModel):
    """Statistics of one root child (q is None when unvisited)."""

    model_config = ConfigDict(extra="forbid")

    action: str
    visits: int
    q: float | None
    critic_score: float | None
    prior: float | None  # the policy's probability


class SearchResult(BaseModel):
    """The decision of one `plan()` call: the chosen action (None if the root has no
    candidates), the root children in critic order, the search statistics, and the kept
    trajectories' state (whether the decision followed an accepted one, the best value)."""

    model_config = ConfigDict(extra="forbid")

    action: str | None
    children: list[ChildStats]
    stats: SearchStats
    root_visits: int
    root_q: float | None
    root_depth: int
    committed: bool = False  # the decision followed an accepted kept trajectory without searching
    best_trajectory_value: float | None = None  # the best kept judged terminal state below the root


Decision = SearchResult


class Counters:
    """Mutable counters used inside the search loop (cheaper than a pydantic model)."""

    __slots__ = (
        "simulations", "new", "cached", "replayed", "restores", "snapshots", "resets",
        "policy_calls", "critic_calls", "judge_calls", "max_depth", "t_env", "t_comp", "t_measure",
    )

    def __init__(self, depth: int = 0) -> None:
        self.simulations = self.new = self.cached = self.replayed = 0
        self.restores = self.snapshots = self.resets = 0
        self.policy_calls = self.critic_calls = self.judge_calls = 0
        self.max_depth = depth
        self.t_env = self.t_comp = 0.0
        self.t_measure = 0.0  # spent by measurements from outside the search (not the search's time)

    def to_stats(self, tree_size: int, time_total: float) -> SearchStats:
        time_total = max(0.0, time_total - self.t_measure)
        return SearchStats(
            simulations=self.simulations,
            env_steps_new=self.new,
            env_steps_cached=self.cached,
            env_steps_replayed=self.replayed,
            restores=self.restores,
            snapshots=self.snapshots,
            resets=self.resets,
            policy_calls=self.policy_calls,
            critic_calls=self.critic_calls,
            judge_calls=self.judge_calls,
            tree_size=tree_size,
            max_depth_reached=self.max_depth,
            time_in_env_s=self.t_env,
            time_in_components_s=self.t_comp,
            time_outside_env_s=max(0.0, time_total - self.t_env),
            time_total_s=time_total,
        )
