"""Paired comparisons of agents that ran on the same tasks: discordant counts and an exact McNemar test."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value from the discordant counts (a binomial test of only_a
    against only_a + only_b trials at 1/2); 1.0 when there is no discordant pair."""
    if only_a < 0 or only_b < 0:
        raise ValueError(f"discordant counts must be >= 0, got {only_a} and {only_b}")
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(only_a, only_b) + 1)) / 2**n
    return min(1.0, 2.0 * tail)


def _relative(agent: str, point: Mapping[str, Any]) -> dict[str, Any]:
    prefix = f"agents.{agent}."
    return {k.removeprefix(prefix): v for k, v in point.items()}


def comparable(a: tuple[str, Mapping[str, Any]], b: tuple[str, Mapping[str, Any]]) -> bool:
    """Two (agent, sweep point) groups are compared when they are different agents whose sweep
    points agree on every setting both sweep (e.g. the same budget); other settings are free."""
    if a[0] == b[0]:
        return False
    ra, rb = _relative(*a), _relative(*b)
    return all(ra[k] == rb[k] for k in ra.keys() & rb.keys())


def paired_comparisons(groups: Iterable[tuple[str, Mapping[str, Any], Mapping[str, bool]]]) -> list[dict[str, Any]]:
    """For every comparable pair of groups (agent, sweep point, {task id: success}) that share tasks:
    both success counts on the shared tasks, the discordant counts and the exact McNemar p-value."""
    items = list(groups)
    out = []
    for i, (agent_a, point_a, by_task_a) in enumerate(items):
        for agent_b, point_b, by_task_b in items[i + 1:]:
            if not comparable((agent_a, point_a), (agent_b, point_b)):
                continue
            shared = sorted(by_task_a.keys() & by_task_b.keys())
            if not shared:
                continue
            only_a = sum(by_task_a[t] and not by_task_b[t] for t in shared)
            only_b = sum(by_task_b[t] and not by_task_a[t] for t in shared)
            out.append({
                "a": {"agent": agent_a, "sweep_point": dict(point_a), "successes": sum(by_task_a[t] for t in shared)},
                "b": {"agent": agent_b, "sweep_point": dict(point_b), "successes": sum(by_task_b[t] for t in shared)},
                "tasks": len(shared),
                "only_a": only_a,
                "only_b": only_b,
                "p_value": mcnemar_exact(only_a, only_b),
            })  # fmt: skip
    return out
