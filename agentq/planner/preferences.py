"""Step-level preference pairs from a search tree (Agent Q eq. 10, for DPO).

At every node of the tree, each two explored siblings (visits > 0) whose values
``Q = alpha * Q_mcts + (1 - alpha) * critic`` differ by more than theta give one pair: the higher
one chosen, the lower one rejected. Unvisited siblings are left out; an explored sibling without
a critic score is an error (its value is undefined). Each pair keeps its own node's prompt (goal,
page, actions so far) and the log-probabilities the policy gave both actions when the tree was
collected (the DPO reference, off-policy).

`PairMiner` follows an episode whose root moves with the acted path and mines every node once,
when the episode moves past it (or at the end): a node's pairs carry the values of the last
search that had it below its root, the one whose decision was taken there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from .tree import Node

_EPS = 1e-9  # values within this of theta apart count as exactly theta apart (no pair)


class MissingCriticScore(ValueError):
    """An explored child has no critic score, so its eq. 10 value is undefined."""


class PreferencePrompt(BaseModel):
    """What the policy saw at the parent: goal, page text, actions taken so far."""

    model_config = ConfigDict(extra="forbid")

    goal: str
    observation: str
    history: list[str]

    def to_text(self) -> str:
        past = "\n".join(self.history) if self.history else "(none)"
        return f"GOAL: {self.goal}\nPREVIOUS ACTIONS:\n{past}\nOBSERVATION:\n{self.observation}"


class PreferencePair(BaseModel):
    """One preference: at the same parent, `chosen`'s value exceeds `rejected`'s by more than theta.

    `chosen_logprob` / `rejected_logprob`: the log-probabilities the policy gave the two actions at
    collection (None when the policy gave no probability).
    """

    model_config = ConfigDict(extra="forbid")

    prompt: PreferencePrompt
    chosen: str
    rejected: str
    chosen_value: float
    rejected_value: float
    chosen_logprob: float | None = None
    rejected_logprob: float | None = None
    path: list[str]
    depth: int


LINE_FIELDS = {"task_id", "step", "chosen_makes_progress", "rejected_makes_progress"}  # PairLine's own


class PairLine(PreferencePair):
    """One line of a pairs JSONL file (a run's ``pairs/``, training's ``data/<unit>/pairs.jsonl``):
    the pair, the task it came from, the episode's decision that mined it, and whether each action
    makes progress at the pair's state (measured by the runner's oracle after the pair was built;
    None where the site has no expert or the line predates the measure)."""

    task_id: str | None = None
    step: int | None = None
    chosen_makes_progress: bool | None = None
    rejected_makes_progress: bool | None = None

    def pair(self) -> PreferencePair:
        """The pair without the line's own fields."""
        return PreferencePair.model_validate(self.model_dump(exclude=LINE_FIELDS))


@dataclass(frozen=True)
class SiblingPair:
    """A pair as tree nodes: `chosen` and `rejected` are children of `parent`, reached by `path`."""

    parent: Node
    path: tuple[str, ...]
    chosen: Node
    rejected: Node
    chosen_value: float
    rejected_value: float


def _logprob(node: Node) -> float | None:
    if node.prior is None:
        return None
    return math.log(node.prior) if node.prior > 0 else None


def eq10_value(node: Node, alpha: float) -> float:
    """alpha * Q_mcts + (1 - alpha) * critic of an explored node; MissingCriticScore without a score."""
    if node.visits <= 0:
        raise ValueError(f"node {node.action!r} was never visited: it has no Q value")
    if node.critic_score is None:
        raise MissingCriticScore(
            f"explored node {node.action!r} at depth {node.depth} has no critic score; eq. 10 needs one "
            "(every expansion scores its children, so the tree was built or edited without a critic)"
        )
    return alpha * (node.value_sum / node.visits) + (1.0 - alpha) * node.critic_score


def _pairs_at(parent: Node, path: tuple[str, ...], alpha: float, theta: float) -> Iterator[SiblingPair]:
    scored = [(ch, eq10_value(ch, alpha)) for ch in parent.children if ch.visits > 0]
    for i in range(len(scored)):
        for j in range(i + 1, len(scored)):
            (a, va), (b, vb) = scored[i], scored[j]
            if abs(va - vb) <= theta + _EPS:
                continue
            (hi, vh), (lo, vl) = ((a, va), (b, vb)) if va > vb else ((b, vb), (a, va))
            yield SiblingPair(parent, path, hi, lo, vh, vl)


def iter_parents(root: Node, skip: Node | None = None) -> Iterator[tuple[Node, tuple[str, ...]]]:
    """Every node of the subtree under `root` that has children, with the actions from `root` to
    it (depth-first pre-order, children in stored order); the subtree under `skip` is left out."""
    stack: list[tuple[Node, tuple[str, ...]]] = [(root, ())]
    while stack:
        parent, path = stack.pop()
        if parent.children:
            yield parent, path
        for ch in reversed(parent.children):
            if ch.children and ch is not skip:
                stack.append((ch, (*path, ch.action)))


def sibling_pairs(root: Node, alpha: float = 0.5, theta: float = 0.1, skip: Node | None = None) -> Iterator[SiblingPair]:
    """Every pair in the subtree under `root` (parents in depth-first pre-order, siblings in stored
    order); the subtree under `skip` (a descendant) is left out."""
    for parent, path in iter_parents(root, skip):
        yield from _pairs_at(parent, path, alpha, theta)


def to_preference_pair(pair: SiblingPair, history: Sequence[str] = ()) -> PreferencePair:
    """The pair with its prompt; `history` is the episode's actions before the mined subtree's root."""
    obs = pair.parent.obs or {}
    prompt = PreferencePrompt(goal=str(obs.get("goal", "")), observation=str(obs.get("text", "")),
                              history=[*history, *pair.path])  # fmt: skip
    return PreferencePair(
        prompt=prompt, chosen=pair.chosen.action, rejected=pair.rejected.action,
        chosen_value=pair.chosen_value, rejected_value=pair.rejected_value,
        chosen_logprob=_logprob(pair.chosen), rejected_logprob=_logprob(pair.rejected),
        path=list(pair.path), depth=pair.parent.depth,
    )  # fmt: skip


def preference_pairs(root: Node, alpha: float = 0.5, theta: float = 0.1, history: Sequence[str] = ()) -> list[PreferencePair]:
    """All pairs of the subtree under `root` (see the module docstring); `history` is the episode's
    actions before `root`, so a pair's prompt history is history + path."""
    return [to_preference_pair(p, history) for p in sibling_pairs(root, alpha, theta)]


class PairMiner:
    """Mines a moving root's tree so that every parent node is mined exactly once.

    At each decision, `decided(root, history, action)` mines the tree except the taken child's
    subtree (it becomes the next root and keeps growing); `finish(root, history)` mines what is
    left at the end. A taken subtree that the planner did not keep as the next root is mined at
    the next call, as it was.
    """

    def __init__(self, alpha: float, theta: float, on_parent: Callable[[Node, list[str]], None] | None = None) -> None:
        self.alpha = alpha
        self.theta = theta
        self.on_parent = on_parent  # called once per mined parent with the episode's actions before it
        self._pending: tuple[Node, list[str]] | None = None
        self._last_root: Node | None = None

    def _mine(self, root: Node, history: Sequence[str], skip: Node | None = None) -> list[tuple[SiblingPair, list[str]]]:
        out = []
        for parent, path in iter_parents(root, skip):
            if self.on_parent is not None:
                self.on_parent(parent, [*history, *path])
            out += [(p, list(history)) for p in _pairs_at(parent, path, self.alpha, self.theta)]
        return out

    def _flush(self, root: Node | None) -> list[tuple[SiblingPair, list[str]]]:
        """The pending subtree's pairs unless it is `root` (then it is mined as the root)."""
        pending, self._pending = self._pending, None
        if pending is None or pending[0] is root:
            return []
        return self._mine(*pending)

    def decided(self, root: Node, history: Sequence[str], action: str | None) -> list[tuple[SiblingPair, list[str]]]:
        """Pairs (each with the episode's actions before its subtree's root) final after this decision."""
        out = self._flush(root)
        taken = next((ch for ch in root.children if ch.action == action), None)
        out += self._mine(root, history, skip=taken)
        if taken is not None and taken.children:
            self._pending = (taken, [*history, str(action)])
        self._last_root = root
        return out

    def finish(self, root: Node | None, history: Sequence[str]) -> list[tuple[SiblingPair, list[str]]]:
        """What is left of the tree at the end of the episode (`root`: the planner's root then)."""
        pending = self._pending
        out = self._flush(root)
        if pending is not None and pending[0] is root:
            out += self._mine(*pending)
        elif root is not None and root is not self._last_root:
            out += self._mine(root, history)
        self._last_root = None
        return out
