"""The llm critic: ranks candidate actions with a chat model and maps ranks to scores in [0, 1]."""

from __future__ import annotations

from typing import Any

from agentq.components.llm.client import ChatClient
from agentq.components.llm.parsing import best_choice, ranking
from agentq.components.llm.prompts import best_of_messages, ranking_messages
from agentq.components.llm.settings import LLMCriticParams


def rank_score(rank: int, n: int) -> float:
    """Score of 0-based `rank` among n: 1.0 for the best, 0.0 for the worst, evenly spaced."""
    return 1.0 if n <= 1 else 1.0 - rank / (n - 1)


def scores_from_order(order: list[int], n: int) -> list[float]:
    """Scores for n candidates from a (possibly partial) best-first order of their indices.

    Candidates left out of the order share the mean score of the ranks left (the fallback: a reply
    that ranks nothing gives every candidate 0.5).
    """
    scores = [0.0] * n
    for rank, index in enumerate(order):
        scores[index] = rank_score(rank, n)
    rest = [i for i in range(n) if i not in set(order)]
    if rest:
        shared = sum(rank_score(r, n) for r in range(len(order), n)) / len(rest)
        for i in rest:
            scores[i] = shared
    return scores


class LLMCritic:
    """Scores candidates by the rank a model gives them.

    `iterative` (default, Agent Q): ask for the best candidate, remove it, ask again among the rest
    (n - 1 requests for n candidates). `single`: one request for a whole ranking (cheaper).
    An unusable reply counts a failed proposal and the candidates not yet ranked share the mean of
    the remaining rank scores (see `scores_from_order`).
    """

    name = "llm"
    privileged = False

    def __init__(self, params: LLMCriticParams, seed: int = 0, **client_options: Any) -> None:
        self.params = params
        self.client = ChatClient(params, seed=seed, **client_options)

    def score(self, obs: dict[str, Any], candidates: list[str]) -> list[float]:
        distinct = list(dict.fromkeys(candidates))
        if len(distinct) <= 1:
            return [1.0] * len(candidates)
        order = self._iterative(obs, distinct) if self.params.mode == "iterative" else self._single(obs, distinct)
        by_action = dict(zip(distinct, scores_from_order(order, len(distinct))))
        return [by_action[c] for c in candidates]

    def _iterative(self, obs: dict[str, Any], distinct: list[str]) -> list[int]:
        remaining = list(range(len(distinct)))
        order: list[int] = []
        while len(remaining) > 1:
            shown = [distinct[i] for i in remaining]
            pick = best_choice(self.client.complete(best_of_messages(obs, shown, self.params.max_page_chars)), shown)
            if pick is None:
                self.client.usage.add(failed_proposals=1)
                return order
            order.append(remaining.pop(pick))
        return order + remaining

    def _single(self, obs: dict[str, Any], distinct: list[str]) -> list[int]:
        reply = self.client.complete(ranking_messages(obs, distinct, self.params.max_page_chars))
        order = ranking(reply, len(distinct))
        if not order:
            self.client.usage.add(failed_proposals=1)
        elif len(order) == len(distinct) - 1:  # the last one is implied
            order += [i for i in range(len(distinct)) if i not in order]
        return order

    def usage(self) -> dict[str, float]:
        """Cumulative counters since construction (see `usage.COUNTERS`)."""
        return self.client.usage.snapshot()
