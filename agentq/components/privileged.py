"""Reading privileged knowledge through an `envs.oracle.Oracle`: the expert's next action, the
evaluator's verdict and whether actions make progress.

Only privileged components call these, with the oracle they were given at construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from envs.oracle import Oracle, canonical_action

canonical = canonical_action


def require_oracle(oracle: Any) -> Oracle:
    """The oracle itself; a clear error when a privileged component was given none."""
    if oracle is None:
        raise ValueError("a privileged component needs an oracle (envs.oracle.Oracle of the env it scores)")
    if not isinstance(oracle, Oracle):
        raise TypeError(f"a privileged component needs an envs.oracle.Oracle, got {type(oracle).__name__}")
    return oracle


def expert_action(oracle: Oracle, candidates: Sequence[str] = ()) -> str:
    """The expert's next action, spelled as in `candidates` when one of them is the same action."""
    return oracle.expert_action(candidates)


def success(oracle: Oracle) -> bool:
    """The evaluator's verdict for the episode so far."""
    return oracle.success()
