"""The twin-task privacy check shared by the heuristic, llm and learned component tests: a task
whose public instruction is the same but whose hidden goal differs, and what a component outputs
at a state (the same on both twins unless it reads the hidden goal)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def twin_task(task: Any) -> Any:
    """The same public task with a different hidden goal (another time, so another right answer)."""
    other = "17:00" if task.goal.time != "17:00" else "21:00"
    goal = task.goal.model_copy(update={"time": other, "party": task.goal.party + 1})
    return task.model_copy(update={"goal": goal, "expected": task.expected.model_copy(update={"time": other})})


def component_output(kind: str, component: Any, obs: dict[str, Any], trajectory: Sequence[Any],
                     candidates: Sequence[str] | None = None) -> Any:  # fmt: skip
    """A policy's 3 proposals (and its log-probabilities of the legal actions when it exposes them),
    a critic's scores of `candidates` (default: the legal actions), a judge's verdict."""
    if kind == "policy":
        proposals = component.propose(obs, 3, np.random.default_rng(1))
        if hasattr(component, "log_probs"):
            return proposals, [float(v) for v in component.log_probs(obs, obs["legal_actions"])]
        return proposals
    if kind == "critic":
        return component.score(obs, list(obs["legal_actions"] if candidates is None else candidates))
    return component.judge(obs["goal"], trajectory, obs)
