"""Search-tree nodes and the selection rules (one source per formula)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from .protocols import Obs

if TYPE_CHECKING:
    from .transitions import StateRecord

Selection = Literal["ucb", "puct"]
PriorSource = Literal["critic", "policy"]


class Node:
    """A tree node: the edge `action` from its parent plus MCTS statistics.

    `prior` is the policy's probability of `action` (AlphaZero's P(s, a)); `critic_score` is the
    critic's score of it (Agent Q's self-critique). `state` is None until the action has been
    executed once.
    """

    __slots__ = (
        "action", "parent", "children", "visits", "value_sum", "prior", "critic_score", "depth", "state",
        "expanded",
    )

    def __init__(
        self,
        action: str | None = None,
        parent: Node | None = None,
        *,
        depth: int = 0,
        prior: float | None = None,
        critic_score: float | None = None,
        state: StateRecord | None = None,
        visits: int = 0,
        value_sum: float = 0.0,
    ) -> None:
        self.action = action
        self.parent = parent
        self.children: list[Node] = []
        self.visits = visits
        self.value_sum = value_sum
        self.prior = prior
        self.critic_score = critic_score
        self.depth = depth
        self.state = state
        self.expanded = False

    @property
    def q(self) -> float | None:
        """Mean backed-up value, None if never visited."""
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

    def iter_subtree(self) -> Iterator[Node]:
        """The nodes of this subtree in depth-first pre-order (children in stored order)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def __repr__(self) -> str:
        return f"Node({self.action!r}, visits={self.visits}, q={self.q}, critic_score={self.critic_score})"


def ucb_score(q: float, n_parent: int, n_child: int, c: float) -> float:
    """UCB1 as in Agent Q (eq. 7): Q + c * sqrt(ln N(parent) / (1 + N(child)))."""
    return q + c * math.sqrt(math.log(n_parent) / (1 + n_child)) if n_parent > 0 else q


def puct_score(q: float, prior: float, n_parent: int, n_child: int, c: float) -> float:
    """AlphaZero's PUCT: Q + c * P * sqrt(N(parent)) / (1 + N(child))."""
    return q + c * prior * math.sqrt(n_parent) / (1 + n_child)


def normalised_priors(children: list[Node], source: PriorSource = "critic") -> list[float]:
    """PUCT's P over siblings: the critic scores or the policy probabilities (clipped at 0),
    divided by their sum; uniform when the sum is 0."""
    raw = [max((ch.critic_score if source == "critic" else ch.prior) or 0.0, 0.0) for ch in children]
    total = sum(raw)
    return [r / total for r in raw] if total > 0 else [1.0 / len(children)] * len(children)


def eligible_children(node: Node, widening: float | None) -> list[Node]:
    """Progressive widening: the first ``ceil((N(node) + 1) ** widening)`` children in stored
    (critic) order; all of them when `widening` is None."""
    if widening is None:
        return node.children
    return node.children[: max(1, math.ceil((node.visits + 1) ** widening))]


def select_child(
    node: Node,
    c: float,
    selection: Selection = "ucb",
    prior_source: PriorSource = "critic",
    *,
    widening: float | None = None,
    completed_q: bool = False,
) -> Node:
    """The child to descend into; ties go to the earlier child (critic order).

    ucb: among the eligible children (:func:`eligible_children`), the first unvisited one in
    stored order, else the best :func:`ucb_score`.
    puct: the best :func:`puct_score`; an unvisited child's Q is 0, or its critic score when
    `completed_q` (mctx's completed Q, filling unvisited actions with a value estimate).
    """
    children = eligible_children(node, widening) if selection == "ucb" else node.children
    if selection == "ucb":
        for ch in children:
            if ch.visits == 0:
                return ch
        scores = [ucb_score(ch.value_sum / ch.visits, node.visits, ch.visits, c) for ch in children]
    else:
        priors = normalised_priors(children, prior_source)
        scores = [
            puct_score(_completed_q(ch, completed_q), p, node.visits, ch.visits, c)
            for ch, p in zip(children, priors)
        ]
    return children[max(range(len(children)), key=lambda i: (scores[i], -i))]


def _completed_q(child: Node, completed: bool) -> float:
    if child.visits:
        return child.value_sum / child.visits
    return float(child.critic_score or 0.0) if completed else 0.0


def same_page(a: Obs | None, b: Obs | None) -> bool:
    """Whether two observations show the same page (text and url)."""
    if a is None or b is None:
        return False
    return a.get("text") == b.get("text") and a.get("url") == b.get("url")
