"""Preference pairs between sibling actions of a search tree (for DPO)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from .export import node_value
from .tree import Node

_EPS = 1e-9  # |v_a - v_b| >= theta is tested with this slack against float rounding


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
    """One preference: at the same parent, `chosen` scored at least theta above `rejected`."""

    model_config = ConfigDict(extra="forbid")

    prompt: PreferencePrompt
    chosen: str
    rejected: str
    chosen_value: float
    rejected_value: float
    path: list[str]
    depth: int


def preference_pairs(
    root: Node, alpha: float = 0.5, theta: float = 0.1, history: Sequence[str] = ()
) -> list[PreferencePair]:
    """All sibling pairs whose values alpha*Q + (1-alpha)*critic differ by >= theta (and > 0).

    Only children with visits > 0 count. `history` is the episode's actions before `root`;
    a pair's prompt history is history + path, `path` the actions from root to the parent,
    `depth` the parent's depth. Order: parents in depth-first pre-order, siblings in stored order.
    """
    pairs: list[PreferencePair] = []
    stack: list[tuple[Node, list[str]]] = [(root, [])]
    while stack:
        parent, path = stack.pop()
        scored = [(ch, node_value(ch, alpha)) for ch in parent.children if ch.visits > 0]
        scored = [(ch, v if v is not None else alpha * ch.q) for ch, v in scored]
        if len(scored) >= 2:
            obs = parent.obs or {}
            prompt = PreferencePrompt(
                goal=str(obs.get("goal", "")),
                observation=str(obs.get("text", "")),
                history=[*history, *path],
            )
            for i in range(len(scored)):
                for j in range(i + 1, len(scored)):
                    (a, va), (b, vb) = scored[i], scored[j]
                    diff = abs(va - vb)
                    if diff == 0.0 or diff < theta - _EPS:
                        continue
                    (hi, vh), (lo, vl) = ((a, va), (b, vb)) if va > vb else ((b, vb), (a, va))
                    pairs.append(
                        PreferencePair(
                            prompt=prompt, chosen=hi.action, rejected=lo.action,
                            chosen_value=vh, rejected_value=vl, path=list(path),
                            depth=parent.depth,
                        )
                    )
        for ch in reversed(parent.children):
            if ch.children:
                stack.append((ch, [*path, ch.action]))
    return pairs
