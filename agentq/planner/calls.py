"""The search's calls of its components, timed and counted the same way by every planner: a
privileged component reads the env's live state, so the env is first brought to the node it sees."""

from __future__ import annotations

from time import perf_counter
from typing import Any

import numpy as np

from .stats import Counters
from .transitions import StateRecord, Transitions, trajectory


def propose(policy: Any, rec: StateRecord, k: int, rng: np.random.Generator, moves: Transitions,
            counters: Counters, reads_env: bool) -> list[tuple[str, float]]:  # fmt: skip
    """The policy's (up to) k proposals at `rec`."""
    if reads_env:
        moves.goto(rec)
    t = perf_counter()
    out = policy.propose(rec.obs, k, rng)
    counters.t_comp += perf_counter() - t
    counters.policy_calls += 1
    return out


def score(critic: Any, rec: StateRecord, actions: list[str], moves: Transitions, counters: Counters,
          reads_env: bool) -> list[float]:  # fmt: skip
    """The critic's score of each action at `rec` (one per action, or a ValueError)."""
    if reads_env:
        moves.goto(rec)
    t = perf_counter()
    scores = [float(s) for s in critic.score(rec.obs, actions)]
    counters.t_comp += perf_counter() - t
    counters.critic_calls += 1
    if len(scores) != len(actions):
        raise ValueError(f"critic returned {len(scores)} scores for {len(actions)} candidates")
    return scores


def verdict(judge: Any, rec: StateRecord, moves: Transitions, counters: Counters, reads_env: bool) -> float:
    """The judge's verdict on the page at `rec`, given the trajectory from the episode start (and
    told to the search's verdict hook, if any, with the judged state)."""
    if reads_env:
        moves.goto(rec)
    obs = rec.obs if rec.obs is not None else {}
    t = perf_counter()
    value = float(judge.judge(obs.get("goal", ""), trajectory(rec), obs))
    counters.t_comp += perf_counter() - t
    counters.judge_calls += 1
    moves.judged(rec, value)
    return value
