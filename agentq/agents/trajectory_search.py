"""What the plan-once kinds share (best_of_n, guided_best_of_n, beam, best_first): one search in the
search env at the episode start within the episode's env-step budget, then the chosen trajectory
is replayed in the acting env; if the replay ends before the episode does, the critic picks among
the policy's K proposals at each step (the policy alone for kinds without a critic).

Counting is the same for every kind: a new env step of the search costs one step, a cache hit is
free, and the acting steps of the whole episode (`max_steps`) are reserved up front, so search plus
acting never exceeds `episode_env_steps`. A page the search stopped at before it finished (depth,
budget) is never handed to the judge: it has no judged value.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

import numpy as np

from agentq.planner import calls
from agentq.planner.mcts import critic_order
from agentq.planner.stats import Counters
from agentq.planner.transitions import RecordIds, StateRecord, Transitions, trajectory

from .base import Decision, EpisodeContext, Obs



class SearchSpace:
    """The search env of one plan-once search: moving between states and the timed component calls."""

    def __init__(self, agent: TrajectorySearchAgent, ctx: EpisodeContext, obs: Obs, max_depth: int,
                 cache: bool, budget: int | None) -> None:  # fmt: skip
        self.agent = agent
        self.counters = Counters()
        self.moves = Transitions(
            ctx.search, self.counters, RecordIds(), snapshots=True, cache=cache, max_new=budget,
            max_depth=max_depth, reset_fn=None, on_verdict=getattr(ctx, "on_search_verdict", None),
        )
        depth = len(ctx.history)
        self.root = self.moves.ids.new(None, None, depth)
        self.root.obs = obs
        self.moves.ensure_root(self.root, ctx.sync())
        self.max_depth = max_depth

    def spent(self) -> bool:
        return self.moves.budget_spent()

    def walk(self, rec: StateRecord, action: str) -> StateRecord | None:
        """The state `action` leads to (None: the budget is spent)."""
        return self.moves.walk(rec, action)

    def open(self, rec: StateRecord) -> bool:
        """Whether the search can act from `rec` (not finished, not truncated, above max_depth)."""
        return not rec.terminal and rec.depth < self.max_depth

    def propose(self, rec: StateRecord, k: int) -> list[tuple[str, float]]:
        a = self.agent
        proposals = calls.propose(a.policy, rec, k, a.rng, self.moves, self.counters, a.reads["policy"])
        return list(dict(proposals).items())

    def score(self, rec: StateRecord, actions: list[str]) -> list[float]:
        a = self.agent
        return calls.score(a.critic, rec, actions, self.moves, self.counters, a.reads["critic"])

    def ranked(self, rec: StateRecord, k: int) -> list[tuple[str, float]]:
        """The policy's K proposals at `rec` with the critic's scores, best first (critic order)."""
        proposals = self.propose(rec, k)
        if not proposals:
            return []
        actions = [a for a, _ in proposals]
        scores = self.score(rec, actions)
        return [(actions[i], scores[i]) for i in critic_order(actions, [p for _, p in proposals], scores)]

    def judge(self, rec: StateRecord) -> float:
        """The judge's verdict on a finished page (cached per state)."""
        if not rec.terminated:
            raise ValueError("the judge is asked only about finished pages")
        if rec.judge_value is None:
            a = self.agent
            rec.judge_value = calls.verdict(a.judge, rec, self.moves, self.counters, a.reads["judge"])
        return rec.judge_value


class Finished:
    """The judged finished pages a search reached, in the order found; the best one wins (ties: first)."""

    def __init__(self, accept: float) -> None:
        self.accept = accept
        self.best: StateRecord | None = None
        self.count = 0
        self.verdicts: list[float] = []
        self._seen: set[int] = set()
        self.judged: list[StateRecord] = []  # in the order found, for the report

    def add(self, rec: StateRecord, value: float) -> bool:
        """Record a judged finished page (each state once); True when the judge accepted it."""
        if rec.sid in self._seen:
            return value >= self.accept
        self._seen.add(rec.sid)
        self.count += 1
        self.verdicts.append(value)
        self.judged.append(rec)
        if self.best is None or value > self.best.judge_value:
            self.best = rec
        return value >= self.accept

    @property
    def accepted(self) -> StateRecord | None:
        return self.best if self.best is not None and self.best.judge_value >= self.accept else None


class TrajectorySearchAgent:
    """Base of the plan-once kinds: `search(space)` returns the end state whose path is replayed."""

    uses_critic = True

    def __init__(self, policy: Any, critic: Any, judge: Any, settings: Any, rng: np.random.Generator) -> None:
        self.policy, self.critic, self.judge, self.settings, self.rng = policy, critic, judge, settings, rng
        self.reads = {
            name: bool(getattr(c, "privileged", True))
            for name, c in (("policy", policy), ("critic", critic), ("judge", judge)) if c is not None
        }  # fmt: skip
        self.plan: list[str] | None = None  # the chosen trajectory's actions still to replay
        self.finished = Finished(getattr(settings, "accept", 0.5))
        self.trajectories = 0

    # -- the search, once --------------------------------------------------------------------
    def search(self, space: SearchSpace) -> StateRecord | None:
        """The end state to replay the path to (None: nothing found)."""
        raise NotImplementedError

    def _search(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        started = perf_counter()
        cfg = self.settings
        space = SearchSpace(self, ctx, obs, cfg.max_depth, cfg.transition_cache, ctx.search_allowance(cfg.episode_env_steps))
        end = self.search(space)
        chosen = [s.action for s in trajectory(end)] if end is not None else []
        self.plan = chosen[1:]
        c = space.counters
        if chosen:
            first = space.root.next  # what the search tried first from the start, for the quality meter
            decision = Decision(chosen[0], proposals=[(a, 0.0) for a in first] or None)
        else:
            decision = self._fallback(ctx, obs)
        decision.trajectories = [{"actions": [s.action for s in trajectory(rec)], "verdict": rec.judge_value,
                                  "chosen": rec is end} for rec in self.finished.judged]  # fmt: skip
        decision.search_env_steps = c.new
        decision.simulations = self.trajectories
        decision.search_env_s = c.t_env
        decision.planner_s = max(0.0, perf_counter() - started - c.t_env - c.t_measure)
        return decision

    # -- acting --------------------------------------------------------------------------------
    def _fallback(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        """After the replay: the critic's favourite among K proposals, or the policy's sample."""
        if any(self.reads.get(c, False) for c in ("policy", "critic")):
            ctx.sync()
        k = getattr(self.settings, "num_candidates", 1) if self.critic is not None else 1
        proposals = list(dict(self.policy.propose(obs, k, self.rng)).items())
        if not proposals:
            return Decision(None, proposals=[])
        if self.critic is None:
            return Decision(proposals[0][0], proposals=proposals)
        actions = [a for a, _ in proposals]
        scores = [float(s) for s in self.critic.score(obs, actions)]
        best = critic_order(actions, [p for _, p in proposals], scores)[0]
        return Decision(actions[best], proposals=proposals, critic_scores=scores)

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        if self.plan is None:
            return self._search(ctx, obs)
        if self.plan:
            return Decision(self.plan.pop(0))
        return self._fallback(ctx, obs)

    def observe(self, ctx: EpisodeContext, action: str, obs: Obs) -> None:
        """Nothing to update: the replay follows the chosen trajectory (the site is deterministic)."""

    def extra(self) -> dict[str, Any]:
        f = self.finished
        return {
            "trajectories": self.trajectories,
            "judged_finished": f.count,
            "accepted": f.accepted is not None,
        }
