"""The agent kinds, the components each needs, and their settings (the YAML `planner:` block)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agentq.planner.config import MCTSConfig

AgentKind = Literal[
    "random", "pure", "critic_greedy", "best_of_n", "guided_best_of_n", "beam", "best_first", "mcts", "expert"
]
KINDS: tuple[str, ...] = (
    "random", "pure", "critic_greedy", "best_of_n", "guided_best_of_n", "beam", "best_first", "mcts", "expert"
)

# which components each kind uses; a kind never gets one it does not list
COMPONENTS: dict[str, tuple[str, ...]] = {
    "random": (),
    "pure": ("policy",),
    "critic_greedy": ("policy", "critic"),
    "best_of_n": ("policy", "judge"),
    "guided_best_of_n": ("policy", "critic", "judge"),
    "beam": ("policy", "critic", "judge"),
    "best_first": ("policy", "critic", "judge"),
    "mcts": ("policy", "critic", "judge"),
    "expert": (),
}
SEARCHES: dict[str, bool] = {k: k not in ("random", "pure", "critic_greedy", "expert") for k in KINDS}
PRIVILEGED_KINDS = ("expert",)  # kinds that read the hidden task themselves


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoSettings(_Settings):
    """A kind without settings (random, pure, expert)."""


class CriticGreedySettings(_Settings):
    """The critic picks among the policy's K samples at every step; no lookahead."""

    num_candidates: int = Field(5, ge=1, description="K: the policy's samples the critic chooses from")


class _PlanOnceSettings(_Settings):
    """What every plan-once kind shares (agents/trajectory_search.py)."""

    max_depth: int = Field(30, ge=1, description="a trajectory stops at this many steps from the start")
    episode_env_steps: int | None = Field(
        None, ge=1, description="cap on env steps per episode, search (new steps) plus acting"
    )
    accept: float = Field(0.5, ge=0.0, le=1.0, description="a judged finished page at or above this is accepted")
    stop_on_accept: bool = Field(True, description="end the search at the first accepted finished page")
    transition_cache: bool = True

    def _bounded(self) -> bool:
        """Whether the search ends without a budget (override where a setting bounds it)."""
        return False

    @model_validator(mode="after")
    def _needs_a_bound(self) -> _PlanOnceSettings:
        if self.episode_env_steps is None and not self._bounded():
            raise ValueError("give episode_env_steps (the episode's env-step budget): without it this search never ends")
        return self


class BestOfNSettings(_PlanOnceSettings):
    """N policy trajectories rolled out in the search env; the judge picks one; it is replayed."""

    n: int | None = Field(None, ge=1, description="trajectories to roll out (None: until the budget is spent)")

    def _bounded(self) -> bool:
        return self.n is not None


class GuidedBestOfNSettings(BestOfNSettings):
    """best_of_n whose trajectories take the critic's pick among the policy's K proposals."""

    num_candidates: int = Field(5, ge=1, description="K: proposals the critic picks among at each step")


class BeamSettings(_PlanOnceSettings):
    """Beam search over the critic's mean path score, the judge on finished pages."""

    width: int = Field(1, ge=1, description="w: states kept at each depth")
    num_candidates: int = Field(5, ge=1, description="K: proposals scored at each beam state")
    restarts: bool = Field(True, description="a pass without an accepted page starts a new beam while budget is left")

    def _bounded(self) -> bool:
        return not self.restarts


class BestFirstSettings(_PlanOnceSettings):
    """Koh et al.'s best-first search: a valued frontier, `branching` children per expansion."""

    branching: int = Field(2, ge=1, description="b: actions proposed and executed per expanded state")
    value: Literal["critic", "judge", "mix"] = Field("critic", description="what orders the frontier")
    mix: float = Field(0.5, ge=0.0, le=1.0, description="value mix: mix * critic + (1 - mix) * judge")

    @property
    def num_candidates(self) -> int:
        """The fallback's K after the replay (the same as the branching)."""
        return self.branching


class MCTSAgentSettings(MCTSConfig):
    """MCTS settings plus the per-episode env-step budget the agent allocates across decisions.

    Given `episode_env_steps`, a decision may spend `first_share` of the search's allowance
    before the first action and `later_share` of what is left at each later decision that is not
    following an accepted trajectory; `simulations` caps a decision only when given explicitly.
    """

    episode_env_steps: int | None = Field(
        None, ge=1, description="cap on env steps per episode, search (new steps) plus acting"
    )
    first_share: float = Field(1.0, gt=0.0, le=1.0, description="share of the search budget before the first action")
    later_share: float = Field(1.0, gt=0.0, le=1.0, description="share of what is left at each later decision")


SETTINGS: dict[str, type[BaseModel]] = {
    "random": NoSettings,
    "pure": NoSettings,
    "critic_greedy": CriticGreedySettings,
    "best_of_n": BestOfNSettings,
    "guided_best_of_n": GuidedBestOfNSettings,
    "beam": BeamSettings,
    "best_first": BestFirstSettings,
    "mcts": MCTSAgentSettings,
    "expert": NoSettings,
}
