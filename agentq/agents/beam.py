"""beam: beam search over the critic's scores, the judge at the end.

The beam starts at the episode start. At each depth every beam state asks the policy for K
proposals and the critic scores them; of all (state, action) pairs the `width` whose paths have
the highest mean critic score go on (ties: the earlier beam state, then critic order), each costing
one env step. A finished page is judged and leaves the beam; with `stop_on_accept` the first
accepted one ends the search. When the beam empties, reaches `max_depth` or spends the budget, the
best accepted page's path is replayed, else the best open beam state's (then the critic acts on).
Settings: width w, num_candidates K, max_depth, accept, stop_on_accept, episode_env_steps.
"""

from __future__ import annotations

from statistics import fmean

from agentq.planner.mcts import STALL_LIMIT  # one stall rule for every search
from agentq.planner.transitions import StateRecord

from .trajectory_search import SearchSpace, TrajectorySearchAgent


class BeamAgent(TrajectorySearchAgent):
    """Beam search of width `width` (see the module docstring)."""

    def search(self, space: SearchSpace) -> StateRecord | None:
        cfg = self.settings
        last_open: StateRecord | None = None
        stalled = 0
        while not space.spent():
            before = space.counters.new
            found, open_end = self._beam(space)
            if found is not None:
                return found
            last_open = open_end or last_open
            stalled = stalled + 1 if space.counters.new == before else 0
            if not cfg.restarts or stalled >= STALL_LIMIT:
                break
        return self.finished.accepted or last_open or self.finished.best

    def _beam(self, space: SearchSpace) -> tuple[StateRecord | None, StateRecord | None]:
        """One beam pass from the start: (an accepted finished page, the best open state left)."""
        cfg = self.settings
        beam: list[tuple[StateRecord, list[float]]] = [(space.root, [])]
        while beam:
            pool = []
            for b, (rec, scores) in enumerate(beam):
                for r, (action, score) in enumerate(space.ranked(rec, cfg.num_candidates)):
                    path = [*scores, score]
                    pool.append((-fmean(path), b, r, rec, action, path))
            pool.sort(key=lambda x: x[:3])
            survivors: list[tuple[StateRecord, list[float]]] = []
            for *_, rec, action, path in pool[: cfg.width]:
                nxt = space.walk(rec, action)
                if nxt is None:
                    break
                self.trajectories += nxt.terminal
                if nxt.terminated:
                    if self.finished.add(nxt, space.judge(nxt)) and cfg.stop_on_accept:
                        return nxt, None
                elif space.open(nxt):
                    survivors.append((nxt, path))
            if space.spent() or not survivors:
                return None, (survivors[0][0] if survivors else beam[0][0])
            beam = survivors
        return None, None
