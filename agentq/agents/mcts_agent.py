"""The mcts kind: before each decision the acting state is restored into the search env, MCTS
plans there, and the chosen action is taken in the acting env ("plan in http, act in the browser")."""

from __future__ import annotations

from typing import Any

import networkx as nx

from agentq.planner.mcts import MCTSPlanner
from agentq.planner.preferences import PairMiner, SiblingPair, to_preference_pair

from .base import Decision, EpisodeContext, Obs
from .settings import MCTSAgentSettings


class MCTSAgent:
    """Agent Q's search at every step, within an optional per-episode env-step budget.

    With `episode_env_steps` set, a decision may spend at most what is left of the budget after
    the search and acting steps so far (and at most `max_env_steps`); once it is spent, decisions
    take the critic's favourite among the policy's K samples, like critic_greedy.
    """

    def __init__(self, planner: MCTSPlanner, settings: MCTSAgentSettings, keep_tree: bool, keep_pairs: bool) -> None:
        self.planner = planner
        self.settings = settings
        self.keep_tree = keep_tree
        self.keep_pairs = keep_pairs
        self.search_steps = 0
        self.tree: nx.DiGraph | None = None  # the first decision's tree, when kept
        self._pairs: list[dict[str, Any]] = []
        self._miner = PairMiner(planner.config.alpha, planner.config.theta)
        self._finished = False

    def _cap(self, ctx: EpisodeContext) -> int | None:
        per_decision = self.settings.max_env_steps
        if self.settings.episode_env_steps is None:
            return per_decision
        left = max(0, self.settings.episode_env_steps - self.search_steps - len(ctx.history))
        return left if per_decision is None else min(per_decision, left)

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        snapshot = ctx.sync()
        result = self.planner.plan(ctx.search, obs, root_state=snapshot, max_env_steps=self._cap(ctx))
        if self.keep_pairs:  # the whole tree, each node once (see PairMiner)
            self._keep(len(ctx.history), self._miner.decided(self.planner.root, self.planner.history, result.action))
        if self.keep_tree and self.tree is None:
            self.tree = self.planner.to_networkx(chosen=result.action)
        stats = result.stats
        self.search_steps += stats.env_steps_new
        return Decision(
            result.action,
            proposals=[(ch.action, ch.prior if ch.prior is not None else 0.0) for ch in result.children],
            critic_scores=[ch.critic_score for ch in result.children],
            search_env_steps=stats.env_steps_new,
            simulations=stats.simulations,
            search_env_s=stats.time_in_env_s,
            planner_s=stats.time_outside_env_s,
        )

    def observe(self, ctx: EpisodeContext, action: str, obs: Obs) -> None:
        self.planner.advance(action, obs)

    def _keep(self, step: int, mined: list[tuple[SiblingPair, list[str]]]) -> None:
        self._pairs.extend({"step": step, **to_preference_pair(p, history).model_dump()} for p, history in mined)

    @property
    def pairs(self) -> list[dict[str, Any]]:
        """Every preference pair of the episode's trees (`step`: the decision that mined it)."""
        if self.keep_pairs and not self._finished:
            self._finished = True
            self._keep(len(self.planner.history), self._miner.finish(self.planner.root, self.planner.history))
        return self._pairs

    def extra(self) -> dict[str, Any]:
        return {"preference_pairs": len(self.pairs)} if self.keep_pairs else {}
