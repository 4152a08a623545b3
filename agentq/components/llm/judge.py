"""The llm judge: a chat model's verdict and probability that a trajectory accomplished the goal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentq.components.llm.client import ChatClient
from agentq.components.llm.parsing import success_probability
from agentq.components.llm.prompts import judge_messages
from agentq.components.llm.settings import LLMJudgeParams

FALLBACK = 0.5  # the value of a reply with neither a probability nor a verdict


def _action(step: Any) -> str:
    return str(step.get("action", "") if isinstance(step, dict) else getattr(step, "action", ""))


class LLMJudge:
    """Asks for 'VERDICT: SUCCESS|FAILURE' and 'PROBABILITY: p' (P(success)); returns p, else the
    verdict as 1.0 / 0.0, else `FALLBACK` (counted as a failed proposal)."""

    name = "llm"
    privileged = False

    def __init__(self, params: LLMJudgeParams, seed: int = 0, **client_options: Any) -> None:
        self.params = params
        self.client = ChatClient(params, seed=seed, **client_options)

    def judge(self, goal: str, trajectory: Sequence[Any], final_obs: dict[str, Any]) -> float:
        actions = [_action(s) for s in trajectory] or [str(a) for a in final_obs.get("history", []) or []]
        reply = self.client.complete(judge_messages(goal, actions, final_obs, self.params.max_page_chars))
        value = success_probability(reply)
        if value is None:
            self.client.usage.add(failed_proposals=1)
            return FALLBACK
        return value

    def usage(self) -> dict[str, float]:
        """Cumulative counters since construction (see `usage.COUNTERS`)."""
        return self.client.usage.snapshot()
