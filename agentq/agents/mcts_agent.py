"""The mcts kind: before each decision the acting state is restored into the search env, MCTS
plans there, and the chosen action is taken in the acting env ("plan in http, act in the browser")."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from agentq.planner.mcts import MCTSPlanner
from agentq.planner.preferences import PairMiner, SiblingPair, to_preference_pair
from agentq.planner.transitions import snapshot_path

from .base import Decision, EpisodeContext, Obs
from .settings import MCTSAgentSettings


class MCTSAgent:
    """MCTS at every decision that is not following an accepted trajectory, within the episode's
    env-step budget.

    With `episode_env_steps` set, the acting steps of the whole episode (`max_steps`) are reserved
    and the rest is the search's: the first decision may spend `first_share` of it, each later one
    `later_share` of what is left (and at most `max_env_steps`); `simulations` caps a decision only
    when given explicitly. The tree and the kept trajectories carry over between decisions; once
    the search budget is spent, decisions take the most visited child of the kept subtree, or the
    critic's favourite among the policy's K samples (critic_greedy).
    """

    def __init__(self, planner: MCTSPlanner, settings: MCTSAgentSettings, keep_tree: bool, keep_pairs: bool) -> None:
        self.planner = planner
        self.settings = settings
        self.keep_tree = keep_tree
        self.keep_pairs = keep_pairs
        self.search_steps = 0
        self.tree: nx.DiGraph | None = None  # the first decision's tree, when kept
        self.later_trees: list[tuple[int, nx.DiGraph]] = []  # (step, tree) of every later decision, when kept
        self._pairs: list[dict[str, Any]] = []
        self._pair_states: list[Any] = []  # per pair, where its parent state is rebuilt from (snapshot_path)
        self._miner = PairMiner(planner.config.alpha, planner.config.theta)
        self._finished = False
        self._committed = 0

    def _cap(self, ctx: EpisodeContext) -> int | None:
        per_decision = self.settings.max_env_steps
        allowance = ctx.search_allowance(self.settings.episode_env_steps)
        if allowance is None:
            return per_decision
        left = max(0, allowance - self.search_steps)
        share = self.settings.first_share if not ctx.history else self.settings.later_share
        cap = math.ceil(share * left)
        return cap if per_decision is None else min(per_decision, cap)

    def _simulations(self) -> int | None:
        s = self.settings
        if s.episode_env_steps is not None and "simulations" not in s.model_fields_set:
            return None
        return s.simulations

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        snapshot = ctx.sync()
        result = self.planner.plan(
            ctx.search, obs, root_state=snapshot, max_env_steps=self._cap(ctx), simulations=self._simulations(),
            on_verdict=getattr(ctx, "on_search_verdict", None),
        )
        self._committed += result.committed
        if self.keep_pairs:  # the whole tree, each node once (see PairMiner)
            self._keep(len(ctx.history), self._miner.decided(self.planner.root, self.planner.history, result.action))
        if self.keep_tree and self.tree is None:
            self.tree = self.planner.to_networkx(chosen=result.action)
        elif self.keep_tree:
            self.later_trees.append((len(ctx.history), self.planner.to_networkx(chosen=result.action)))
        stats = result.stats
        self.search_steps += stats.env_steps_new
        if result.committed:  # following an accepted trajectory: no new proposals at this state
            return Decision(result.action, search_env_steps=stats.env_steps_new, planner_s=stats.time_outside_env_s)
        return Decision(
            result.action,
            proposals=[(ch.action, ch.prior if ch.prior is not None else 0.0) for ch in result.children],
            critic_scores=[ch.critic_score for ch in result.children],
            candidate_stats=[{"visits": ch.visits, "q": ch.q} for ch in result.children],
            search_env_steps=stats.env_steps_new,
            simulations=stats.simulations,
            search_env_s=stats.time_in_env_s,
            planner_s=stats.time_outside_env_s,
        )

    def observe(self, ctx: EpisodeContext, action: str, obs: Obs) -> None:
        self.planner.advance(action, obs)

    def _keep(self, step: int, mined: list[tuple[SiblingPair, list[str]]]) -> None:
        for p, history in mined:
            self._pairs.append({"step": step, **to_preference_pair(p, history).model_dump()})
            self._pair_states.append(snapshot_path(p.parent.state) if p.parent.state is not None else None)

    @property
    def pairs(self) -> list[dict[str, Any]]:
        """Every preference pair of the episode's trees (`step`: the decision that mined it)."""
        if self.keep_pairs and not self._finished:
            self._finished = True
            self._keep(len(self.planner.history), self._miner.finish(self.planner.root, self.planner.history))
        return self._pairs

    @property
    def pair_states(self) -> list[Any]:
        """Per pair of `pairs`, same order: its parent's state as `snapshot_path` gives it (None: not kept)."""
        _ = self.pairs  # what is left of the tree is mined first
        return self._pair_states

    def extra(self) -> dict[str, Any]:
        best = self.planner.best_trajectory() if self.planner.root is not None else None
        accepted = best is not None and best[0] >= self.planner.config.accept
        out: dict[str, Any] = {"committed_decisions": self._committed, "accepted": accepted}
        if self.keep_pairs:
            out["preference_pairs"] = len(self.pairs)
        return out
