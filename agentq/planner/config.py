"""Settings of the MCTS planner."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field


class MCTSConfig(BaseModel):
    """MCTS settings (Agent Q eq. 7-10). `K` and `c` are accepted as aliases on input."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    simulations: int = Field(16, ge=0, description="simulations per decision (exact)")
    max_env_steps: int | None = Field(None, ge=0, description="cap on NEW env steps per decision")
    max_depth: int = Field(25, ge=1, description="depth cap, counted from the episode start")
    num_candidates: int = Field(
        5, ge=1, validation_alias=AliasChoices("num_candidates", "K"), description="K"
    )
    exploration: float = Field(
        1.0, ge=0.0, validation_alias=AliasChoices("exploration", "c"), description="c"
    )
    prior: Literal["ucb", "puct"] = "ucb"
    leaf_value: Literal["rollout", "critic"] = "rollout"
    rollout_k: int = Field(3, ge=1)
    final: Literal["visits", "q"] = "visits"
    reuse_subtree: bool = True
    transition_cache: bool = True
    alpha: float = Field(0.5, ge=0.0, le=1.0)
    theta: float = Field(0.1, ge=0.0)
    use_snapshots: bool = True
