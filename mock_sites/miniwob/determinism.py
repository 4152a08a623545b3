"""The admission check: is a MiniWoB task deterministic under a seed?

For each seed: two resets show the same instruction and page, and the same seeded random walk
over the legal actions gives the same observations and rewards twice; and different seeds give
different instances. ``python -m mock_sites.miniwob.determinism [task ...]`` prints one line per task.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from typing import Any

from mock_sites.miniwob.tasks import REFUSED, TASKS


@dataclass(frozen=True)
class DeterminismReport:
    task: str
    deterministic: bool
    seeds_differ: bool
    reason: str = ""


def _walk(env: Any, task: str, seed: int, depth: int) -> list[tuple[str, str, float]]:
    """Reset with `seed`, then `depth` actions chosen by a random.Random(seed) from the legal actions."""
    unwrapped = env.unwrapped
    unwrapped.task_name = task
    obs, _ = unwrapped.reset(seed=seed)
    trace = [(obs["goal"], obs["text"], 0.0)]
    rng = random.Random(seed)
    for _ in range(depth):
        legal = unwrapped.legal_actions()
        if not legal:
            break
        obs, reward, terminated, truncated, _ = unwrapped.step(rng.choice(legal))
        trace.append((obs["last_action"], obs["text"], reward))
        if terminated or truncated:
            break
    return trace


def check_task(env: Any, task: str, seeds: tuple[int, ...] = (0, 1, 2), depth: int = 5) -> DeterminismReport:
    """Run the check for `task` in `env` (an `agentq/MiniWoB-v0`, any task)."""
    goals = set()
    for seed in seeds:
        first, second = _walk(env, task, seed, depth), _walk(env, task, seed, depth)
        goals.add(first[0][0] + first[0][1])
        if first != second:
            step = next(i for i, (a, b) in enumerate(zip(first, second)) if a != b) if len(first) == len(second) else min(len(first), len(second))
            what = "the page after the reset" if step == 0 else f"the observation after step {step}"
            return DeterminismReport(task, False, len(goals) > 1, f"seed {seed}: {what} differs between two runs")
    return DeterminismReport(task, True, len(goals) > 1)


def main(argv: list[str]) -> int:
    import gymnasium as gym

    import mock_sites.miniwob

    names = argv or [*TASKS, *REFUSED]
    env = gym.make(mock_sites.miniwob.MINIWOB_ENV_ID, task="login-user")
    try:
        for name in names:
            env.unwrapped.task_name = name
            report = check_task(env, name)
            print(f"{name:32s} deterministic={report.deterministic} seeds_differ={report.seeds_differ} {report.reason}")
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
