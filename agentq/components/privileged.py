"""Reading the env's live, privileged state: the expert's next action and the evaluator's verdict.

Only privileged components call these, with the env they were given at construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from envs.actions import ActionError, format_action, parse_action


def unwrap(env: Any) -> Any:
    """`env.unwrapped` when the env is wrapped (gymnasium), else the env itself."""
    if env is None:
        raise ValueError("a privileged component needs the env")
    return getattr(env, "unwrapped", env)


@lru_cache(maxsize=65536)
def canonical(action: str) -> str:
    """The canonical string of an action (the input itself when it does not parse)."""
    try:
        return format_action(parse_action(action))
    except ActionError:
        return action


def expert_action(env: Any, candidates: Sequence[str] = ()) -> str:
    """The expert's next action, spelled as in `candidates` when one of them is the same action."""
    action = env.expert_action()
    if action in candidates:
        return action
    wanted = canonical(action)
    for candidate in candidates:
        if canonical(candidate) == wanted:
            return candidate
    return action


def success(env: Any) -> bool:
    """The evaluator's verdict for the episode so far."""
    return bool(env.evaluate().success)
