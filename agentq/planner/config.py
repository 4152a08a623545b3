"""Settings of the MCTS planner.

The defaults are the strongest settings found on dev (docs/search.md): PUCT with the policy's
probabilities as the prior, keep the judged terminal trajectories and follow an accepted one, stop
searching once the judge accepts, roll out with the critic choosing among K proposals and keep those
steps in the tree, value cut pages at 0.
Agent Q's original rules (Putta et al., 2024) are :data:`AGENTQ_ORIGINAL`: UCB1, most visits,
policy-sampled rollouts judged wherever they stop, nothing kept between simulations.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

DEPRECATED_KEYS = {"prior": "selection"}  # old key -> new key

# Agent Q's own rule set, reachable by settings (docs/components.md names it)
AGENTQ_ORIGINAL: dict[str, Any] = {
    "selection": "ucb", "final": "visits", "stop_on_accept": False, "rollout": "sample",
    "rollout_to_tree": False, "cut_value": "judge", "value_mix": 0.0, "widening": None,
}  # fmt: skip


class MCTSConfig(BaseModel):
    """MCTS settings (Agent Q eq. 7-10 and the deterministic-simulator extensions).

    `K` and `c` are accepted as aliases on input. See :mod:`agentq.planner.mcts` for what each rule does.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    simulations: int | None = Field(
        16, ge=0, description="simulations per decision; None: no cap (the env-step budget decides)"
    )
    max_env_steps: int | None = Field(None, ge=0, description="cap on NEW env steps per decision")
    max_depth: int = Field(25, ge=1, description="depth cap, counted from the episode start")
    num_candidates: int = Field(
        5, ge=1, validation_alias=AliasChoices("num_candidates", "K"), description="K"
    )
    exploration: float = Field(
        1.0, ge=0.0, validation_alias=AliasChoices("exploration", "c"), description="c"
    )
    selection: Literal["ucb", "puct"] = Field("puct", description="selection rule: Agent Q's UCB1 or PUCT")
    puct_prior: Literal["critic", "policy"] = Field("policy", description="where PUCT's P comes from")
    widening: float | None = Field(
        None, gt=0.0, le=1.0,
        description="progressive widening: only the first ceil((N+1)^w) children (critic order) are eligible",
    )
    leaf_value: Literal["rollout", "critic"] = "rollout"
    rollout: Literal["sample", "critic"] = Field(
        "critic", description="rollout step: sample one policy proposal, or the critic picks among K"
    )
    rollout_k: int | None = Field(
        None, ge=1, description="proposals per rollout step (default: 1 for sample, K for critic)"
    )
    rollout_to_tree: bool = Field(True, description="critic rollout steps become tree nodes (expanded, scored)")
    cut_value: Literal["zero", "critic", "judge"] = Field(
        "zero", description="value of a page cut by depth or budget: 0, the critic's score, or (Agent Q) the judge"
    )
    value_mix: float = Field(
        0.0, ge=0.0, le=1.0, description="lambda: leaf value = lambda * critic + (1 - lambda) * outcome"
    )
    final: Literal["trajectory", "visits", "q"] = Field(
        "trajectory", description="follow the best accepted kept trajectory (else visits), most visits, or best Q"
    )
    accept: float = Field(0.5, ge=0.0, le=1.0, description="a judged terminal state at or above this is accepted")
    stop_on_accept: bool = Field(True, description="stop searching once the judge accepts a terminal state")
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

    @model_validator(mode="after")
    def _meaningful(self) -> MCTSConfig:
        if self.rollout_to_tree and self.rollout == "sample":
            raise ValueError(
                "rollout_to_tree needs rollout: critic (a sampled rollout step has no critic score, and "
                "a tree node without one cannot form preference pairs); set rollout_to_tree: false"
            )
        if self.widening is not None and self.selection != "ucb":
            raise ValueError("widening applies to selection: ucb (PUCT widens through its prior)")
        return self

    @property
    def rollout_proposals(self) -> int:
        """Proposals asked of the policy at each rollout step."""
        if self.rollout_k is not None:
            return self.rollout_k
        return self.num_candidates if self.rollout == "critic" else 1
