"""An agent kind of one's own: the critic votes among the policy's K samples, mixed with their
probabilities. It implements the `Agent` protocol of `agentq.agents.base`."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from agentq.agents.base import Decision, EpisodeContext, Obs


class CriticVoteAgent:
    """Samples `num_candidates` actions, scores them with the critic, takes the best
    ``mix * critic + (1 - mix) * probability``."""

    components = ("policy", "critic")  # exactly what the config must give this kind
    privileged = False  # the agent itself never reads the hidden task

    class Settings(BaseModel):  # validates the agent's `planner:` block
        model_config = ConfigDict(extra="forbid")
        num_candidates: int = Field(4, ge=1, description="K: policy samples the critic votes among")
        mix: float = Field(0.5, ge=0, le=1, description="weight of the critic's score against the probability")

    def __init__(self, *, policy: Any, critic: Any, settings: Settings, rng: np.random.Generator) -> None:
        self.policy, self.critic, self.settings, self.rng = policy, critic, settings, rng
        # privileged components read the search env: keep it at the acting state before asking them
        self.reads_search_env = any(getattr(c, "privileged", True) for c in (policy, critic))
        self.votes = 0

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        if self.reads_search_env:
            ctx.sync()
        proposals = self.policy.propose(obs, self.settings.num_candidates, self.rng)
        if not proposals:
            return Decision(None)
        scores = self.critic.score(obs, [a for a, _ in proposals])
        mix = self.settings.mix
        best = max(range(len(proposals)), key=lambda i: mix * scores[i] + (1 - mix) * proposals[i][1])
        self.votes += 1
        return Decision(proposals[best][0], proposals=proposals, critic_scores=scores)

    def observe(self, ctx: EpisodeContext, action: str, obs: Obs) -> None:
        """Nothing to remember between steps."""

    def extra(self) -> dict[str, Any]:
        return {"votes": self.votes}  # added to the episode's row
