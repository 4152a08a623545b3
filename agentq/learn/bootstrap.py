"""Demonstrations bootstrapped from search, on a site without an expert, searched once per run.

Agent Q bootstraps its base policy this way: up to `SEARCH_DEMO_TRIES` random rollouts per
train task, and the first one the evaluator accepts is the task's demonstration (a task none of
them solves gives none). In the browser that search is the costly part of a stage, and the stages
ask for the same demonstrations again and again (the base fit, each stage's held-out validation,
RFT's kept demonstrations, the DPO anchor). With a `BootstrapLog` (a JSON-lines file per purpose
in the run folder, ``data/bootstrap/<key>.jsonl``) the search runs once: later asks replay the
winning attempt (the same reset seed and random choices, so the same episode, featurised afresh),
and a replay that ends otherwise than logged is an error (the env is not deterministic under its
seed). The log also survives an interrupted run, so `--resume` does not search again; without a
folder, the env remembers its searches for as long as it lives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentq.results import atomic_write_text

from .collect import TrainEnv, Trajectory, UniformChoice
from .config import TrainConfig
from .features import Featuriser
from .seeds import derive_seed

SEARCH_DEMO_TRIES = 20  # random rollouts per task when demonstrations come from search


class BootstrapError(ValueError):
    """A bootstrap log that cannot be read, or a replay that does not match it."""


class SearchedTask(BaseModel):
    """One task's bootstrap search: which attempt succeeded (None: none did) and what it cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int = Field(ge=0)
    task_id: str
    seed: int
    attempt: int | None = Field(ge=0, lt=SEARCH_DEMO_TRIES)
    actions: list[str]  # the winning attempt's actions ([] when none won)
    env_steps: int = Field(ge=0)  # every attempt's steps, the winner's included


class BootstrapLog:
    """The searched tasks of one purpose (``key``) in ``folder`` (None: remember nothing)."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.path = folder / f"{key}.jsonl" if folder is not None else None
        self.tasks: dict[tuple[int, str, int], SearchedTask] = {}
        if self.path is not None and self.path.is_file():
            for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    task = SearchedTask.model_validate(json.loads(line))
                except ValueError as exc:  # not JSON, or a ValidationError (one line per field at fault)
                    problem = ("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                               if isinstance(exc, ValidationError) else str(exc))  # fmt: skip
                    raise BootstrapError(f"{self.path}:{n}: not a bootstrap record ({problem}); delete the file to search again") from exc
                self.tasks[(task.index, task.task_id, task.seed)] = task

    def get(self, index: int, task_id: str, seed: int) -> SearchedTask | None:
        return self.tasks.get((index, task_id, seed))

    def add(self, task: SearchedTask) -> None:
        """Remember `task`, written at once (an interrupted search keeps what it found)."""
        self.tasks[(task.index, task.task_id, task.seed)] = task
        if self.path is not None:
            rows = sorted(self.tasks.values(), key=lambda t: (t.index, t.task_id, t.seed))
            atomic_write_text(self.path, "".join(t.model_dump_json() + "\n" for t in rows))


def bootstrap_log(env: TrainEnv, key: str) -> BootstrapLog:
    """The env's log for `key`, read from its folder on first use and kept with the env after."""
    if key not in env.bootstrap_logs:
        env.bootstrap_logs[key] = BootstrapLog(env.bootstrap_dir, key)
    return env.bootstrap_logs[key]


def searched_env_steps(env: TrainEnv, key: str, n: int) -> int:
    """Env steps the search spent on the first `n` tasks of `key` (0 for tasks not searched)."""
    return sum(t.env_steps for t in bootstrap_log(env, key).tasks.values() if t.index < n)


def _attempt(env: TrainEnv, task_id: str, seed: int, choice_seed: int, featuriser: Featuriser,
             prefix_every: int) -> Trajectory:  # fmt: skip
    return env.run(task_id, seed, UniformChoice(np.random.default_rng(choice_seed)), featuriser, prefix_every)


def search_demos(cfg: TrainConfig, env: TrainEnv, tasks: list[str], featuriser: Featuriser, prefix_every: int,
                 key: str, advance: Callable[[int], None]) -> list[Trajectory]:  # fmt: skip
    """One demonstration per task that search solves, in task order (see the module's docstring);
    `advance(1)` after each task."""
    log = bootstrap_log(env, key)
    out = []
    for i, task_id in enumerate(tasks):
        seed = derive_seed(cfg.seed, key, i)
        known = log.get(i, task_id, seed)
        if known is None:
            known, found = _search(cfg, env, key, i, task_id, featuriser, prefix_every)
            log.add(known)
        elif known.attempt is not None:
            found = _attempt(env, task_id, seed, derive_seed(cfg.seed, key, i, "search", known.attempt), featuriser, prefix_every)
            if not found.success or found.actions != known.actions:
                raise BootstrapError(
                    f"{log.path}: task {task_id!r} (seed {seed}) replayed attempt {known.attempt} as {found.actions} "
                    f"(success {found.success}), not as logged ({known.actions}, a success): the env is not "
                    "deterministic under its seed; delete the file to search again")  # fmt: skip
        else:
            found = None
        if found is not None:
            out.append(found)
        advance(1)
    return out


def _search(cfg: TrainConfig, env: TrainEnv, key: str, i: int, task_id: str, featuriser: Featuriser,
            prefix_every: int) -> tuple[SearchedTask, Trajectory | None]:  # fmt: skip
    """Up to `SEARCH_DEMO_TRIES` random rollouts of the i-th task; the first success wins."""
    seed, start = derive_seed(cfg.seed, key, i), env.steps
    for attempt in range(SEARCH_DEMO_TRIES):
        trajectory = _attempt(env, task_id, seed, derive_seed(cfg.seed, key, i, "search", attempt), featuriser, prefix_every)
        if trajectory.success:
            return SearchedTask(index=i, task_id=task_id, seed=seed, attempt=attempt, actions=trajectory.actions,
                                env_steps=env.steps - start), trajectory  # fmt: skip
    return SearchedTask(index=i, task_id=task_id, seed=seed, attempt=None, actions=[], env_steps=env.steps - start), None
