"""Moving the search env between states: snapshot/restore or reset + replay, the transition cache,
and the timing of every env call. The search algorithm itself never touches the env directly."""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

from .protocols import Obs, Step
from .stats import Counters

ResetFn = Callable[[], Any]
VerdictHook = Callable[[float, Any], None]  # (the judge's value, a snapshot of the judged state)


class StateRecord:
    """One env state reached by an action path from the episode start.

    `next` maps action -> StateRecord: it is the transition cache (obs, reward, flags, info and
    snapshot of the state each action leads to). `judge_value` caches the judge's score.
    """

    __slots__ = (
        "sid", "parent", "action", "depth", "obs", "reward", "terminated", "truncated",
        "terminal", "info", "snapshot", "next", "judge_value", "step",
    )

    def __init__(
        self,
        sid: int = 0,
        parent: StateRecord | None = None,
        action: str | None = None,
        depth: int = 0,
        obs: Obs | None = None,
        reward: float = 0.0,
        terminated: bool = False,
        truncated: bool = False,
        info: dict[str, Any] | None = None,
        snapshot: Any = None,
    ) -> None:
        self.sid = sid
        self.parent = parent
        self.action = action
        self.depth = depth
        self.obs = obs
        self.reward = reward
        self.terminated = bool(terminated)
        self.truncated = bool(truncated)
        self.terminal = self.terminated or self.truncated
        self.info = info
        self.snapshot = snapshot
        self.next: dict[str, StateRecord] = {}
        self.judge_value: float | None = None
        self.step: Step | None = None  # Step(parent obs, action), built once for trajectories


def snapshot_path(rec: StateRecord) -> tuple[Any, tuple[str, ...]] | None:
    """Where `rec`'s state can be rebuilt from: the nearest kept snapshot at or above it and the
    actions from there to it (None when no record on its path kept one)."""
    actions: list[str] = []
    r: StateRecord | None = rec
    while r is not None:
        if r.snapshot is not None:
            return r.snapshot, tuple(reversed(actions))
        actions.append(str(r.action))
        r = r.parent
    return None


class RecordIds:
    """Numbers state records 0, 1, 2, ... within one episode."""

    def __init__(self) -> None:
        self.next_id = 0

    def new(self, parent: StateRecord | None, action: str | None, depth: int, **fields: Any) -> StateRecord:
        """A fresh record with the next id."""
        rec = StateRecord(self.next_id, parent, action, depth, **fields)
        self.next_id += 1
        return rec


def trajectory(rec: StateRecord) -> list[Step]:
    """The steps (observation, action) from the episode start to `rec`."""
    steps: list[Step] = []
    r = rec
    while r.parent is not None:
        st = r.step
        if st is None:
            p = r.parent
            if p.obs is None:  # not known yet (a bare history action): don't cache
                st = Step({}, r.action)
            else:
                st = r.step = Step(p.obs, r.action)
        steps.append(st)
        r = r.parent
    steps.reverse()
    return steps


class Transitions:
    """The search env as the planner sees it, for one `plan()` call.

    `walk(rec, action)` gives the state an action leads to: from the transition cache when it is
    on and the edge is known (free), else by stepping the env (a new env step, counted against
    `max_new`). `goto(rec)` brings the env to a known state: it stays if it is there, restores a
    snapshot when there is one (snapshot mode), else resets and replays the path (counted as
    replayed steps). Every env call is timed into `counters.t_env`.

    `on_verdict`, when given, is told every judge verdict of the search with a snapshot of the
    judged state (`capture`): a measurement outside the search, which it neither pays for nor sees.
    """

    def __init__(
        self,
        env: Any,
        counters: Counters,
        ids: RecordIds,
        *,
        snapshots: bool,
        cache: bool,
        max_new: int | None,
        max_depth: int,
        reset_fn: ResetFn | None,
        on_verdict: VerdictHook | None = None,
    ) -> None:
        self.env = env
        self.unwrapped = getattr(env, "unwrapped", env)
        self.counters = counters
        self.ids = ids
        self.snapshots = snapshots
        self.cache = cache
        self.max_new = max_new
        self.max_depth = max_depth
        self.reset_fn = reset_fn
        self.on_verdict = on_verdict
        self.at: StateRecord | None = None  # where the env is now (None: unknown)

    # -- timed env calls -------------------------------------------------------------------
    def _timed(self, fn: Callable[..., Any], *args: Any) -> Any:
        t = perf_counter()
        try:
            return fn(*args)
        finally:
            self.counters.t_env += perf_counter() - t

    def legal_actions(self) -> list[str]:
        """The env's legal actions where it is now."""
        return list(self._timed(self.unwrapped.legal_actions))

    def snapshot(self) -> Any:
        """A snapshot of where the env is now."""
        self.counters.snapshots += 1
        return self._timed(self.unwrapped.snapshot)

    def restore(self, state: Any) -> Obs:
        """Restore a snapshot; returns its observation."""
        self.counters.restores += 1
        return self._timed(self.unwrapped.restore, state)

    def reset(self) -> Obs:
        """Reset to the episode start (replay mode)."""
        if self.reset_fn is None:
            raise RuntimeError("replay needs reset_fn (the env has no snapshot/restore)")
        self.counters.resets += 1
        out = self._timed(self.reset_fn)
        return out[0] if isinstance(out, tuple) else out

    # -- moving between states -------------------------------------------------------------
    def budget_spent(self) -> bool:
        """Whether the new-env-step budget of this plan is used up."""
        return self.max_new is not None and self.counters.new >= self.max_new

    def goto(self, target: StateRecord) -> None:
        """Bring the env to `target`: from where it is, a snapshot, or reset, then replay."""
        if self.at is target:
            return
        path: list[StateRecord] = []
        r = target
        while True:
            if r is self.at:
                break
            if self.snapshots and r.snapshot is not None:
                self.restore(r.snapshot)
                break
            if r.parent is None:
                obs = self.reset()
                if r.obs is None:
                    r.obs = obs
                break
            path.append(r)
            r = r.parent
        for rr in reversed(path):
            obs = self._timed(self.env.step, rr.action)[0]
            self.counters.replayed += 1
            if rr.obs is None:
                rr.obs = obs
        self.at = target

    def walk(self, rec: StateRecord, action: str) -> StateRecord | None:
        """The state `action` leads to from `rec` (cached, or executed); None if over budget."""
        c = self.counters
        nxt = rec.next.get(action)
        if nxt is not None and self.cache:
            c.cached += 1
        else:
            if self.budget_spent():
                return None
            self.goto(rec)
            obs, reward, terminated, truncated, info = self._timed(self.env.step, action)
            c.new += 1
            if nxt is None:
                seen = {**obs, "legal_actions": self.legal_actions()}
                before = (rec.obs or {}).get("history")
                if before is not None:  # the actions so far, for components that read them
                    seen["history"] = [*before, action]
                nxt = self.ids.new(
                    rec, action, rec.depth + 1, obs=seen,
                    reward=reward, terminated=terminated, truncated=truncated, info=info,
                )
                if self.snapshots and self.cache and not nxt.terminal and nxt.depth < self.max_depth:
                    nxt.snapshot = self.snapshot()
                rec.next[action] = nxt
            self.at = nxt
        if nxt.depth > c.max_depth:
            c.max_depth = nxt.depth
        return nxt

    # -- measuring from outside the search ------------------------------------------------------
    def capture(self, rec: StateRecord) -> Any:
        """A snapshot of the env at `rec`, for a measurement outside the search.

        Where the env is at `rec` that is its snapshot now; elsewhere (a judge that does not read
        the env is called wherever the env happens to be) the env is brought to `rec` and back.
        None of it counts, in the search's counters or in the env's own, and the env is left where
        the search had it.
        """
        u = self.unwrapped
        own = getattr(u, "counters", None)
        kept = dict(own) if isinstance(own, dict) else None
        try:
            if self.at is rec:
                return u.snapshot()
            here, at, counters = u.snapshot(), self.at, self.counters
            self.counters = Counters()
            try:
                self.goto(rec)
                state = u.snapshot()
            finally:
                self.counters = counters
            u.restore(here)
            self.at = at
            return state
        finally:
            if kept is not None:
                own.clear()
                own.update(kept)

    def judged(self, rec: StateRecord, value: float) -> None:
        """Tell `on_verdict` (if any) the judge's `value` at `rec`, with the state captured there;
        the time it takes is the measurement's (`counters.t_measure`), not the search's."""
        if self.on_verdict is None:
            return
        started = perf_counter()
        try:
            self.on_verdict(value, self.capture(rec))
        finally:
            self.counters.t_measure += perf_counter() - started

    def ensure_root(self, rec: StateRecord, root_state: Any = None) -> None:
        """Put the env at the root `rec` at the start of a plan and make sure it knows its page."""
        if root_state is not None:
            obs = self.restore(root_state)
            rec.snapshot = root_state
            if rec.obs is None:
                rec.obs = obs
            self.at = rec
        elif self.snapshots:
            rec.snapshot = self.snapshot()
            self.at = rec
        else:
            self.at = rec if rec.obs is not None else None
            if rec.obs is None:
                self.goto(rec)  # reset + replay gives the root observation
        if rec.obs is None:
            raise ValueError("plan() needs obs on the first call")
        if "legal_actions" not in rec.obs:
            self.goto(rec)
            rec.obs = {**rec.obs, "legal_actions": self.legal_actions()}
