"""best_of_n and guided_best_of_n: whole trajectories from the episode start, the judge picks one.

* ``best_of_n``: each trajectory samples one policy proposal per step (as the pure agent acts).
* ``guided_best_of_n``: at each step the policy proposes K and the critic picks (LATS's
  value-guided rollout as a sampler): the simplest baseline with the same three components as
  MCTS, so the one any tree must beat to earn its place.

Trajectories run until a finished page, `max_depth`, or the search's share of the episode budget;
the judge scores finished pages only. With `stop_on_accept` the first accepted trajectory ends the
search (with a 0/1 judge that is the same pick as the best of all N, for fewer env steps); else the
best verdict wins (ties: the earlier). Transitions are cached, so a shared prefix costs its env
steps once, and `n: null` draws trajectories until the budget is spent (or 64 trajectories in a row
add no new env step).
"""

from __future__ import annotations

from agentq.planner.mcts import STALL_LIMIT  # one stall rule for every search
from agentq.planner.transitions import StateRecord

from .trajectory_search import SearchSpace, TrajectorySearchAgent


class BestOfNAgent(TrajectorySearchAgent):
    """Roll out N trajectories, judge the finished ones, replay the best (see the module docstring)."""

    def __init__(self, policy, critic, judge, settings, rng, *, guided: bool) -> None:
        super().__init__(policy, critic, judge, settings, rng)
        self.guided = guided

    def _step(self, space: SearchSpace, rec: StateRecord) -> str | None:
        if self.guided:
            ranked = space.ranked(rec, self.settings.num_candidates)
            return ranked[0][0] if ranked else None
        proposals = space.propose(rec, 1)
        return proposals[0][0] if proposals else None

    def search(self, space: SearchSpace) -> StateRecord | None:
        cfg = self.settings
        longest: StateRecord | None = None  # the fallback when nothing finished: the deepest path
        stalled = 0
        while cfg.n is None or self.trajectories < cfg.n:
            if space.spent():
                break
            before = space.counters.new
            rec = space.root
            while space.open(rec):
                action = self._step(space, rec)
                nxt = space.walk(rec, action) if action is not None else None
                if nxt is None:
                    break
                rec = nxt
            self.trajectories += 1
            if rec.terminated:
                if self.finished.add(rec, space.judge(rec)) and cfg.stop_on_accept:
                    return rec
            elif longest is None or rec.depth > longest.depth:
                longest = rec
            stalled = stalled + 1 if space.counters.new == before else 0
            if stalled >= STALL_LIMIT:
                break
        return self.finished.accepted or longest or self.finished.best
