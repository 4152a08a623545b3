"""Settings of the MCTS planner."""

from __future__ import annotations

import warnings
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

DEPRECATED_KEYS = {"prior": "selection"}  # old key -> new key


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
    selection: Literal["ucb", "puct"] = Field("ucb", description="selection rule: Agent Q's UCB1 or PUCT")
    puct_prior: Literal["critic", "policy"] = Field("critic", description="where PUCT's P comes from")
    leaf_value: Literal["rollout", "critic"] = "rollout"
    rollout_k: int = Field(1, ge=1, description="proposals per rollout step; one is drawn by probability")
    final: Literal["visits", "q"] = "visits"
    reuse_subtree: bool = True
    transition_cache: bool = True
    alpha: float = Field(0.5, ge=0.0, le=1.0)
    theta: float = Field(0.1, ge=0.0)
    use_snapshots: bool = True

    @model_validator(mode="before")
    @classmethod
    def _renamed_keys(cls, data: Any) -> Any:
        """Accept the old key `prior` (ucb|puct) for `selection`, with a deprecation warning."""
        if isinstance(data, dict):
            for old, new in DEPRECATED_KEYS.items():
                if old in data:
                    if new in data:
                        raise ValueError(f"planner: give {new!r} only ({old!r} is its deprecated name)")
                    warnings.warn(
                        f"planner key {old!r} is deprecated; call it {new!r}", DeprecationWarning, stacklevel=2
                    )
                    data = {**{k: v for k, v in data.items() if k != old}, new: data[old]}
        return data
