"""The agent kinds, the components each needs, and their settings (the YAML `planner:` block)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentq.planner.config import MCTSConfig

AgentKind = Literal["random", "pure", "critic_greedy", "best_of_n", "mcts", "expert"]
KINDS: tuple[str, ...] = ("random", "pure", "critic_greedy", "best_of_n", "mcts", "expert")

# which components each kind uses; a kind never gets one it does not list
COMPONENTS: dict[str, tuple[str, ...]] = {
    "random": (),
    "pure": ("policy",),
    "critic_greedy": ("policy", "critic"),
    "best_of_n": ("policy", "judge"),
    "mcts": ("policy", "critic", "judge"),
    "expert": (),
}
SEARCHES: dict[str, bool] = {"random": False, "pure": False, "critic_greedy": False, "best_of_n": True,
                             "mcts": True, "expert": False}  # fmt: skip
PRIVILEGED_KINDS = ("expert",)  # kinds that read the hidden task themselves


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoSettings(_Settings):
    """A kind without settings (random, pure, expert)."""


class CriticGreedySettings(_Settings):
    """The critic picks among the policy's K samples at every step; no lookahead."""

    num_candidates: int = Field(5, ge=1, description="K: the policy's samples the critic chooses from")


class BestOfNSettings(_Settings):
    """N policy trajectories rolled out in the search env; the judge picks one; it is replayed."""

    n: int = Field(8, ge=1, description="trajectories to roll out")
    max_depth: int = Field(30, ge=1, description="a trajectory stops at this many steps from the start")
    episode_env_steps: int | None = Field(
        None, ge=1, description="cap on env steps per episode, search (new steps) plus acting"
    )
    transition_cache: bool = True


class MCTSAgentSettings(MCTSConfig):
    """MCTS settings plus the per-episode env-step budget shared between decisions."""

    episode_env_steps: int | None = Field(
        None, ge=1, description="cap on env steps per episode, search (new steps) plus acting"
    )


SETTINGS: dict[str, type[BaseModel]] = {
    "random": NoSettings,
    "pure": NoSettings,
    "critic_greedy": CriticGreedySettings,
    "best_of_n": BestOfNSettings,
    "mcts": MCTSAgentSettings,
    "expert": NoSettings,
}
