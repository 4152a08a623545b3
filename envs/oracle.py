"""Privileged knowledge about the episode an env is running: the expert and the evaluator.

The env an agent holds offers only what a person at the browser has (observations, legal actions,
snapshots). Whatever reads the hidden goal goes through an :class:`Oracle` made for that env:
the expert's next action, the evaluator's verdict, and the expert's distance to the goal, from
which "this action makes progress" is defined. Only privileged components and the runner's
measurements hold one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from envs.actions import ActionError, back, format_action, parse_action
from envs.page import parse_page
from envs.site import ExpertView

UNREACHABLE = math.inf
MAX_EXPERT_STEPS = 60  # an expert that has not finished by then counts as never finishing


@lru_cache(maxsize=65536)
def canonical_action(action: str) -> str:
    """The canonical spelling of an action (the input itself when it does not parse)."""
    try:
        return format_action(parse_action(action))
    except ActionError:
        return action


def state_key(state: Any) -> str:
    """What the expert's future depends on: page, server session, typed values, dialogue, outcome.

    Step counts and the back-button history are left out: the expert reads neither.
    """
    return json.dumps(
        [state.task_id, state.url, state.values, state.session, state.bookings, state.dialogue,
         state.terminated, state.stop_answer],
        sort_keys=True, separators=(",", ":"), default=str,
    )  # fmt: skip


class Oracle:
    """Privileged access to the task of the episode `env` runs, at the env's current state.

    `distance()` is the number of steps the expert needs from a state to a successful end
    (``inf`` when it cannot get there); an action *makes progress* when the distance after it is
    smaller than before. Distances are computed in a private in-process copy of the site (the
    http backend), never in `env`, and memoised for the current task: distances per state, each
    action's verdict per state, and `back()`'s per state and back-button history (it is the one
    action that reads the history, which the state key leaves out).
    """

    privileged = True

    def __init__(self, env: Any) -> None:
        if env is None:
            raise ValueError("an Oracle needs the env whose episode it reads")
        self.env = getattr(env, "unwrapped", env)
        self._scratch: Any = None
        self._memo: dict[str, float] = {}
        self._progress: dict[tuple[str, str], bool] = {}
        self._memo_task: str | None = None
        self.expert_steps = 0  # env steps the distance computations took (for the cost accounting)

    @property
    def has_expert(self) -> bool:
        """Whether the site has an expert (without one: no distances, no expert actions)."""
        return bool(getattr(self.env.site, "has_expert", True))

    # -- the current state -------------------------------------------------------------------
    def _view(self, state: Any) -> ExpertView:
        return ExpertView(
            task=state.task, url=state.url, page=parse_page(state.html), values=dict(state.values),
            dialogue=tuple(state.dialogue), session=state.session, bookings=list(state.bookings),
        )

    def expert_action(self, candidates: Sequence[str] = (), state: Any = None) -> str:
        """The expert's next action at `state` (default: the env's), spelled as in `candidates`
        when one of them is the same action."""
        return self._expert_action_at(state if state is not None else self.env.snapshot(), candidates)

    def _expert_action_at(self, state: Any, candidates: Sequence[str] = ()) -> str:
        if not self.has_expert:
            raise RuntimeError(f"the {self.env.site.name} site has no expert: nothing can ask for the expert's action there")
        action = self.env.site.expert_action(self._view(state))
        if action in candidates:
            return action
        wanted = canonical_action(action)
        for candidate in candidates:
            if canonical_action(candidate) == wanted:
                return candidate
        return action

    def evaluate(self, state: Any = None) -> Any:
        """The evaluator's verdict for the episode so far (ground truth from the database)."""
        state = state if state is not None else self.env.snapshot()
        evaluate_state = getattr(self.env.site, "evaluate_state", None)
        if evaluate_state is not None:  # a site whose verdict is read from the state itself (e.g. a page's reward)
            return evaluate_state(state)
        task = state.task if state.task is not None else self.env.site.task_by_id(state.task_id)
        return self.env.site.evaluate(task, list(state.bookings), state.stop_answer)

    def success(self, state: Any = None) -> bool:
        """Whether the evaluator accepts the episode so far."""
        return bool(self.evaluate(state).success)

    def replay(self, state: Any, actions: Sequence[str]) -> Any:
        """The state `actions` lead to from `state`, played in the private copy of the site."""
        if not actions:
            return state
        scratch = self._scratch_env()
        scratch.restore(state)
        for action in actions:
            scratch.step(action)
        self.expert_steps += len(actions)
        return scratch.snapshot()

    # -- progress ----------------------------------------------------------------------------
    def _scratch_env(self) -> Any:
        if self._scratch is None:
            from envs.web_env import WebAgentEnv

            self._scratch = WebAgentEnv(
                site=self.env.site, backend="http", split=self.env.split, catalogue_seed=self.env.catalogue_seed,
                max_steps=10**6, text_observations=False,
            )
        return self._scratch

    def _memo_for(self, state: Any) -> dict[str, float]:
        if state.task_id != self._memo_task:
            self._memo, self._progress, self._memo_task = {}, {}, state.task_id
        return self._memo

    def distance(self, state: Any = None) -> float:
        """Expert steps from `state` (default: the env's state) to a successful end; inf if none."""
        state = state if state is not None else self.env.snapshot()
        return self._distance(state, state_key(state))

    def _distance(self, state: Any, key: str) -> float:
        memo = self._memo_for(state)
        if key in memo:
            return memo[key]
        scratch = self._scratch_env()
        scratch.restore(state)
        return self._walk_expert(scratch, state, key, memo)

    def _walk_expert(self, scratch: Any, state: Any, key: str, memo: dict[str, float]) -> float:
        """Play the expert in `scratch` (at `state`, whose key is `key`) until a memoised state or the end."""
        path = [key]
        tail = UNREACHABLE  # the distance of path[-1]
        for _ in range(MAX_EXPERT_STEPS):
            if state.terminated:
                tail = 0.0 if self.success(state) else UNREACHABLE
                break
            scratch.step(self._expert_action_at(state))
            self.expert_steps += 1
            state = scratch.snapshot()
            key = state_key(state)
            if key in memo:
                tail = memo[key] + 1
                break
            if key in path:  # the expert goes round in a circle: it never finishes from here
                break
            path.append(key)
        for i, k in enumerate(reversed(path)):
            memo[k] = tail + i
        return memo[path[0]]

    def makes_progress(self, actions: Sequence[str], state: Any = None) -> list[bool]:
        """For each action: does taking it from `state` (default: the env's) shorten the expert's way?"""
        state = state if state is not None else self.env.snapshot()
        here = state_key(state)
        before = self._distance(state, here)
        if before == UNREACHABLE:
            return [False] * len(actions)
        memo = self._memo_for(state)
        out = []
        for action in actions:
            cache = (here, state.history if canonical_action(action) == back() else (), action)  # see the docstring
            known = self._progress.get(cache)
            if known is None:
                scratch = self._scratch_env()
                scratch.restore(state)
                scratch.step(action)
                self.expert_steps += 1
                after_state = scratch.snapshot()
                key = state_key(after_state)
                after = memo[key] if key in memo else self._walk_expert(scratch, after_state, key, memo)
                known = self._progress[cache] = after < before
            out.append(known)
        return out

    def close(self) -> None:
        """Close the private copy of the site."""
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None
