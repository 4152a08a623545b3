"""Adds the llm policy, critic and judge to the component registry (called at the end of registry.py)."""

from __future__ import annotations

from typing import Any

from agentq.components.llm.critic import LLMCritic
from agentq.components.llm.judge import LLMJudge
from agentq.components.llm.policy import LLMPolicy
from agentq.components.llm.settings import LLMCriticParams, LLMJudgeParams, LLMParams, LLMPolicyParams


def _params(model: type[LLMParams], spec: dict[str, Any]) -> Any:
    return model.model_validate({k: v for k, v in spec.items() if k != "name"})


def register_llm(registry: dict[str, dict[str, Any]]) -> None:
    """Put the `llm` entries into a registry table (`REGISTRY[kind][name] = Entry(...)`)."""
    from agentq.components.registry import Entry  # registry.py calls this at its end

    registry["policy"]["llm"] = Entry(
        "policy", "llm", LLMPolicyParams, False,
        lambda s, e, seed: LLMPolicy(_params(LLMPolicyParams, s), seed=seed),
        "a chat model behind an OpenAI-compatible server proposes k actions (Agent Q prompt)",
    )  # fmt: skip
    registry["critic"]["llm"] = Entry(
        "critic", "llm", LLMCriticParams, False,
        lambda s, e, seed: LLMCritic(_params(LLMCriticParams, s), seed=seed),
        "a chat model ranks the candidates (iterative best-of, or one ranking); ranks mapped to [0, 1]",
    )  # fmt: skip
    registry["judge"]["llm"] = Entry(
        "judge", "llm", LLMJudgeParams, False,
        lambda s, e, seed: LLMJudge(_params(LLMJudgeParams, s), seed=seed),
        "a chat model's probability that the trajectory accomplished the goal",
    )  # fmt: skip
