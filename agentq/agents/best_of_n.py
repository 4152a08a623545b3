"""The best_of_n kind: N policy trajectories rolled out in the search env from the episode start,
the judge picks one, and its actions are replayed in the acting env."""

from __future__ import annotations

from time import perf_counter
from typing import Any

import numpy as np

from agentq.planner.stats import Counters
from agentq.planner.transitions import RecordIds, StateRecord, Transitions, trajectory

from .base import Decision, EpisodeContext, Obs
from .settings import BestOfNSettings


class BestOfNAgent:
    """Roll out, judge, replay.

    Trajectories are sampled one action at a time from the policy (one proposal per step, as the
    pure agent acts) until a terminal state, `max_depth`, or the episode's env-step budget
    (`episode_env_steps`, search plus the acting steps the replay will take). Transitions are
    cached, so a prefix shared by two trajectories costs its env steps once. The judge's highest
    score wins (ties: the earlier trajectory). If the replay ends before the episode does (the
    budget cut the trajectory short), the policy acts alone for the remaining steps.
    """

    def __init__(self, policy: Any, judge: Any, settings: BestOfNSettings, rng: np.random.Generator) -> None:
        self.policy, self.judge, self.settings, self.rng = policy, judge, settings, rng
        self.plan: list[str] | None = None  # the chosen trajectory's actions still to replay
        self.judged: list[float] = []
        self._reads = {name: bool(getattr(c, "privileged", True)) for name, c in (("policy", policy), ("judge", judge))}

    def _search(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        started = perf_counter()
        cfg = self.settings
        counters = Counters()
        moves = Transitions(
            ctx.search, counters, RecordIds(), snapshots=True, cache=cfg.transition_cache, max_new=None,
            max_depth=cfg.max_depth, reset_fn=None,
        )
        root = moves.ids.new(None, None, 0)  # the search runs once, at the episode start
        root.obs = obs
        moves.ensure_root(root, ctx.sync())
        budget = cfg.episode_env_steps
        best: tuple[float, StateRecord] | None = None
        first_actions: list[tuple[str, float]] = []
        for _ in range(cfg.n):
            rec = root
            while not rec.terminal and rec.depth < cfg.max_depth:
                if budget is not None and counters.new + rec.depth + 1 > budget:
                    break  # the next step, and replaying this far, would overrun the budget
                if self._reads["policy"]:
                    moves.goto(rec)
                t = perf_counter()
                proposals = self.policy.propose(rec.obs, 1, self.rng)
                counters.t_comp += perf_counter() - t
                if not proposals:
                    break
                if rec is root:
                    first_actions.append(proposals[0])
                nxt = moves.walk(rec, proposals[0][0])
                if nxt is None:
                    break
                rec = nxt
            value = self._judge(moves, counters, rec)
            self.judged.append(value)
            if best is None or value > best[0]:
                best = (value, rec)
            if budget is not None and counters.new + 1 > budget:
                break
        chosen = [s.action for s in trajectory(best[1])] if best is not None else []
        self.plan = chosen[1:]
        total = perf_counter() - started
        return Decision(
            chosen[0] if chosen else None, proposals=first_actions or None, search_env_steps=counters.new,
            simulations=len(self.judged), search_env_s=counters.t_env, planner_s=max(0.0, total - counters.t_env),
        )

    def _judge(self, moves: Transitions, counters: Counters, rec: StateRecord) -> float:
        if rec.judge_value is None:
            if self._reads["judge"]:
                moves.goto(rec)
            obs = rec.obs or {}
            t = perf_counter()
            rec.judge_value = float(self.judge.judge(obs.get("goal", ""), trajectory(rec), obs))
            counters.t_comp += perf_counter() - t
        return rec.judge_value

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        if self.plan is None:
            return self._search(ctx, obs)
        if self.plan:
            return Decision(self.plan.pop(0))
        if self._reads["policy"]:
            ctx.sync()
        proposals = self.policy.propose(obs, 1, self.rng)
        return Decision(proposals[0][0] if proposals else None, proposals=list(proposals))

    def observe(self, ctx: EpisodeContext, action: str, obs: Obs) -> None:
        """Nothing to update: the replay follows the chosen trajectory."""

    def extra(self) -> dict[str, Any]:
        return {"trajectories": len(self.judged)}
