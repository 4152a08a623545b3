"""Search-tree nodes, per-state records (the transition cache) and the selection rules."""

from __future__ import annotations

import math
from typing import Any

from .protocols import Obs, Step


class StateRecord:
    """One env state reached by an action path from the episode start.

    `next` maps action -> StateRecord: it is the transition cache (obs, reward, flags, info and
    snapshot of the state each action leads to). `judge_value` caches the judge's score.
    """

    __slots__ = (
        "sid", "parent", "action", "depth", "obs", "reward", "terminated", "truncated",
        "terminal", "info", "snapshot", "next", "judge_value", "step",
    )

    def __init__(
        self,
        sid: int = 0,
        parent: StateRecord | None = None,
        action: str | None = None,
        depth: int = 0,
        obs: Obs | None = None,
        reward: float = 0.0,
        terminated: bool = False,
        truncated: bool = False,
        info: dict[str, Any] | None = None,
        snapshot: Any = None,
    ) -> None:
        self.sid = sid
        self.parent = parent
        self.action = action
        self.depth = depth
        self.obs = obs
        self.reward = reward
        self.terminated = bool(terminated)
        self.truncated = bool(truncated)
        self.terminal = self.terminated or self.truncated
        self.info = info
        self.snapshot = snapshot
        self.next: dict[str, StateRecord] = {}
        self.judge_value: float | None = None
        self.step: Step | None = None  # Step(parent obs, action), built once for trajectories


class Node:
    """A tree node: the edge `action` from its parent plus MCTS statistics.

    `state` is None until the action has been executed once. `prob` is the policy probability,
    `critic` the critic score, `prior` the critic score normalised over the siblings (PUCT's P).
    """

    __slots__ = (
        "action", "parent", "children", "visits", "value_sum", "prob", "critic", "prior",
        "depth", "state", "expanded",
    )

    def __init__(
        self,
        action: str | None = None,
        parent: Node | None = None,
        *,
        depth: int = 0,
        prob: float | None = None,
        critic: float | None = None,
        prior: float | None = None,
        state: StateRecord | None = None,
        visits: int = 0,
        value_sum: float = 0.0,
    ) -> None:
        self.action = action
        self.parent = parent
        self.children: list[Node] = []
        self.visits = visits
        self.value_sum = value_sum
        self.prob = prob
        self.critic = critic
        self.prior = prior
        self.depth = depth
        self.state = state
        self.expanded = False

    @property
    def q(self) -> float | None:
        """Mean backed-up return, None if never visited."""
        return self.value_sum / self.visits if self.visits else None

    @property
    def obs(self) -> Obs | None:
        """Observation at this node (with `legal_actions`), None before it was reached."""
        return self.state.obs if self.state is not None else None

    @property
    def terminal(self) -> bool:
        return self.state is not None and self.state.terminal

    def add_child(self, child: Node) -> Node:
        """Attach `child` (sets its parent and depth) and return it."""
        child.parent = self
        child.depth = self.depth + 1
        self.children.append(child)
        return child

    def iter_subtree(self):
        """Yield the nodes of this subtree in depth-first pre-order (children in stored order)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def __repr__(self) -> str:
        return f"Node({self.action!r}, visits={self.visits}, q={self.q}, critic={self.critic})"


def ucb_score(q: float, n_parent: int, n_child: int, c: float) -> float:
    """UCB1 as in Agent Q: Q + c * sqrt(ln N(parent) / (1 + N(child)))."""
    return q + c * math.sqrt(math.log(n_parent) / (1 + n_child)) if n_parent > 0 else q


def puct_score(q: float, prior: float, n_parent: int, n_child: int, c: float) -> float:
    """AlphaZero PUCT: Q + c * P * sqrt(N(parent)) / (1 + N(child))."""
    return q + c * prior * math.sqrt(n_parent) / (1 + n_child)


def select_child(node: Node, c: float, prior: str = "ucb") -> Node:
    """Pick the child to descend into; ties go to the earlier child (critic order).

    ucb: the first unvisited child in stored (critic) order, else the best UCB1 score.
    puct: the best PUCT score, unvisited children counting Q = 0.
    """
    children = node.children
    best = children[0]
    best_score = -math.inf
    if prior == "ucb":
        for ch in children:
            if ch.visits == 0:
                return ch
        log_n = math.log(node.visits) if node.visits > 0 else 0.0
        for ch in children:
            n = ch.visits
            s = ch.value_sum / n + c * math.sqrt(log_n / (1 + n))
            if s > best_score:
                best, best_score = ch, s
        return best
    sqrt_n = math.sqrt(node.visits)
    for ch in children:
        n = ch.visits
        s = (ch.value_sum / n if n else 0.0) + c * (ch.prior or 0.0) * sqrt_n / (1 + n)
        if s > best_score:
            best, best_score = ch, s
    return best


def same_page(a: Obs | None, b: Obs | None) -> bool:
    """Whether two observations show the same page (text and url)."""
    if a is None or b is None:
        return False
    return a.get("text") == b.get("text") and a.get("url") == b.get("url")
