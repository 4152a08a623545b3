"""A critic with no opinion: every candidate scores 0.5 (search ordered by the policy alone).

Named by import path in a config (``critic: {name: "agentq.components.uniform:UniformCritic"}``),
for sites where no trained or llm critic exists yet.
"""

from __future__ import annotations

from typing import Any


class UniformCritic:
    """Scores every candidate 0.5; reads nothing (not privileged)."""

    name = "uniform"
    privileged = False

    def score(self, obs: Any, candidates: list[str]) -> list[float]:  # noqa: ARG002 - the protocol's signature
        return [0.5] * len(candidates)
