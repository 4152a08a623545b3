"""The llm policy: asks a chat model for a plan, a thought and k candidate actions (Agent Q)."""

from __future__ import annotations

from typing import Any

import numpy as np

from agentq.components.llm.client import ChatClient
from agentq.components.llm.parsing import extract_actions
from agentq.components.llm.prompts import policy_messages
from agentq.components.llm.settings import LLMPolicyParams


def rank_probabilities(n: int) -> list[float]:
    """Probabilities for n actions listed best first: p_i proportional to 1 / (i + 1), summing to 1."""
    weights = [1.0 / (i + 1) for i in range(n)]
    total = sum(weights)
    return [w / total for w in weights]


class LLMPolicy:
    """Proposes the distinct actions a model lists, in its order, with `rank_probabilities`.

    Actions are free text in the action grammar (not limited to the legal actions); the reply's
    lines that start with a parsable action are read (see `parsing.extract_actions`). A reply
    without one gives [] and counts a failed proposal. Sampling happens in the model; at
    temperature > 0 each proposal draws a sample index from `rng`, which keeps repeated requests
    distinct and a rerun's requests (and so its cache hits) identical (see `client`).
    """

    name = "llm"
    privileged = False

    def __init__(self, params: LLMPolicyParams, seed: int = 0, **client_options: Any) -> None:
        self.params = params
        self.client = ChatClient(params, seed=seed, **client_options)

    def propose(self, obs: dict[str, Any], k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        sample = int(rng.integers(2**31)) if self.params.temperature > 0 else None
        reply = self.client.complete(policy_messages(obs, k, self.params.max_page_chars), sample)
        actions = extract_actions(reply)[:k]
        if not actions:
            self.client.usage.add(failed_proposals=1)
        return list(zip(actions, rank_probabilities(len(actions))))

    def usage(self) -> dict[str, float]:
        """Cumulative counters since construction (see `usage.COUNTERS`)."""
        return self.client.usage.snapshot()
