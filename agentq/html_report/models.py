"""The files the HTML report reads besides the rows: episode traces and tree nodes (preference pair
lines are :class:`agentq.planner.preferences.PairLine`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TraceStep(_Model):
    """One decision: the page before it, the action, what went wrong, what was considered."""

    action: str
    url: str | None = None
    page: str | None = None  # text tree of the page before the action
    error: str | None = None  # last_action_error after the action ('' if none)
    screenshot: str | None = None  # relative to the run folder
    proposals: list[tuple[str, float]] | None = None  # the policy's candidates and probabilities
    critic_scores: list[float | None] | None = None  # the critic's score per proposal, same order
    candidate_stats: list[dict[str, Any]] | None = None  # the search's visits and Q per proposal, same order
    trajectories: list[dict[str, Any]] | None = None  # a plan-once search's judged trajectories


class TraceFinal(_Model):
    """The page the episode ended on."""

    url: str | None = None
    page: str | None = None


class Trace(_Model):
    """``RUN_DIR/traces/<index>.json``: one episode, step by step."""

    index: int
    task_id: str
    agent: str
    sweep_point: dict[str, Any] = Field(default_factory=dict)
    goal: str = ""
    success: bool
    partial: float | None = None
    error: str | None = None
    steps: list[TraceStep] = Field(default_factory=list)
    final: TraceFinal | None = None


class TreeNode(_Model):
    """The attributes of one node of a saved search tree (node-link JSON); all optional."""

    id: int | str
    action: str | None = None
    visits: int | None = None
    q: float | None = None
    critic_score: float | None = None
    critic: float | None = None  # the older name of critic_score
    prior: float | None = None
    prob: float | None = None
    value: float | None = None
    depth: int | None = None
    terminal: bool | None = None
    url: str | None = None
    judge: float | None = None
    state_id: int | str | None = None
    chosen: bool | None = None

    @property
    def score(self) -> float | None:
        """The critic's score under either name."""
        return self.critic_score if self.critic_score is not None else self.critic
