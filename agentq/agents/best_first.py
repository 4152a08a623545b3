"""best_first: best-first tree search (Koh et al., 2024, "Tree Search for Language Model Agents").

A frontier of states ordered by a value; the best is popped and expanded: the policy proposes
`branching` actions, each is executed (one env step) and its state valued and pushed. A finished
page is judged; with `stop_on_accept` the first accepted one ends the search (Koh et al. stop when
the value passes a threshold). The value of an open state (`value`):

* ``critic``: the mean critic score of the actions on its path;
* ``judge``: the judge's verdict on the page (Koh et al.'s value function reads any page; an
  outcome judge on an unfinished page gives false positives, which is why it is not the default);
* ``mix``: ``mix * critic + (1 - mix) * judge``.

Ties go to the state pushed first (so an uninformative value is breadth-first). The search stops
when the budget is spent, the frontier is empty or `max_depth` bounds every state; then the best
accepted page's path is replayed, else the best open state's (then the critic acts on).
Settings: branching b, max_depth d, value, mix, accept, stop_on_accept, episode_env_steps.
"""

from __future__ import annotations

import heapq
from itertools import count
from statistics import fmean

from agentq.planner import calls
from agentq.planner.transitions import StateRecord

from .trajectory_search import SearchSpace, TrajectorySearchAgent


class BestFirstAgent(TrajectorySearchAgent):
    """Best-first search over a valued frontier (see the module docstring)."""

    def _judge_open(self, space: SearchSpace, rec: StateRecord) -> float:
        """The judge on an unfinished page (value `judge`/`mix` only; never kept as an outcome)."""
        return calls.verdict(self.judge, rec, space.moves, space.counters, self.reads["judge"])

    def _value(self, space: SearchSpace, rec: StateRecord, path: list[float]) -> float:
        cfg = self.settings
        critic = fmean(path) if path else 1.0
        if cfg.value == "critic":
            return critic
        judged = self._judge_open(space, rec)
        return judged if cfg.value == "judge" else cfg.mix * critic + (1.0 - cfg.mix) * judged

    def search(self, space: SearchSpace) -> StateRecord | None:
        cfg = self.settings
        order = count()
        frontier: list[tuple[float, int, StateRecord, list[float]]] = [(-1.0, next(order), space.root, [])]
        best_open: tuple[float, int, StateRecord] | None = None
        while frontier and not space.spent():
            _, _, rec, path = heapq.heappop(frontier)
            for action, score in space.ranked(rec, cfg.branching):
                nxt = space.walk(rec, action)
                if nxt is None:
                    break
                if nxt.terminated:
                    self.trajectories += 1
                    if self.finished.add(nxt, space.judge(nxt)) and cfg.stop_on_accept:
                        return nxt
                elif space.open(nxt):
                    child_path = [*path, score]
                    value = self._value(space, nxt, child_path)
                    key = (-value, next(order), nxt, child_path)
                    heapq.heappush(frontier, key)
                    if best_open is None or key[:2] < best_open[:2]:
                        best_open = key[:3]
        return self.finished.accepted or (best_open[2] if best_open else None) or self.finished.best
