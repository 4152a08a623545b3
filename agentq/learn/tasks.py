"""The run's train tasks and demonstrations: seeds by purpose, the seeded task order split into
fitted and held-out tasks, and the expert's (or search's) demonstrations on them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .collect import TrainEnv, Trajectory, UniformChoice, require_train
from .config import TrainConfig
from .features import Featuriser

Phase = Callable[[str, int], Callable[[int], None]]  # (description, total) -> advance(n)


def derive_seed(seed: int, *parts: Any) -> int:
    """A 31-bit seed from the run seed and a purpose (stage name, round, task, ...)."""
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _quiet(description: str, total: int) -> Callable[[int], None]:
    return lambda n: None


def _seeded_order(cfg: TrainConfig, env: TrainEnv) -> list[str]:
    ids = list(cfg.tasks.ids) if cfg.tasks.ids is not None else env.task_ids(cfg.tasks.split)
    if cfg.tasks.ids is None:
        rng = np.random.default_rng(derive_seed(cfg.seed, "task-order"))
        ids = [ids[i] for i in rng.permutation(len(ids))]
    require_train(ids)
    if cfg.tasks.holdout >= len(ids):
        raise ValueError(f"tasks.holdout: {cfg.tasks.holdout} held-out tasks leave none of the {len(ids)} train tasks to fit on")
    return ids


def task_order(cfg: TrainConfig, env: TrainEnv) -> list[str]:
    """The fitted train tasks in the run's seeded order (explicit ids keep theirs): the order less
    its last `tasks.holdout` tasks, then its first `tasks.n`."""
    ids = _seeded_order(cfg, env)
    ids = ids[: len(ids) - cfg.tasks.holdout]
    return ids[: cfg.tasks.n] if cfg.tasks.n is not None else ids


def holdout_order(cfg: TrainConfig, env: TrainEnv) -> list[str]:
    """The held-out train tasks (the seeded order's last `tasks.holdout`): never fitted on."""
    ids = _seeded_order(cfg, env)
    return ids[len(ids) - cfg.tasks.holdout:] if cfg.tasks.holdout else []


SEARCH_DEMO_TRIES = 20  # random rollouts per task when demonstrations come from search


def collect_demos(cfg: TrainConfig, env: TrainEnv, order: list[str], n: int, featuriser: Featuriser,
                  prefix_every: int, phase: Phase = _quiet, key: str = "demo") -> list[Trajectory]:  # fmt: skip
    """The expert's demonstrations on the first `n` tasks of the order (one episode each).

    A site without an expert is bootstrapped from search, as Agent Q bootstraps its base policy:
    up to `SEARCH_DEMO_TRIES` random rollouts per task, and the first the evaluator accepts is the
    task's demonstration (tasks none of them solves give none; train tasks only, as always).
    """
    if n > len(order):
        raise ValueError(f"{n} demonstrations asked for, but only {len(order)} train tasks are selected")
    if not env.has_expert:
        return _search_demos(cfg, env, order[:n], featuriser, prefix_every, phase, key)
    advance = phase(f"expert demonstrations ({n})", n)
    out = []
    for i, task_id in enumerate(order[:n]):
        out.append(env.run(task_id, derive_seed(cfg.seed, key, i), env.expert_choice, featuriser, prefix_every))
        advance(1)
    return out


def _search_demos(cfg: TrainConfig, env: TrainEnv, tasks: list[str], featuriser: Featuriser, prefix_every: int,
                  phase: Phase, key: str) -> list[Trajectory]:  # fmt: skip
    advance = phase(f"demonstrations from search ({len(tasks)} tasks x <= {SEARCH_DEMO_TRIES} random rollouts)", len(tasks))
    out = []
    for i, task_id in enumerate(tasks):
        for attempt in range(SEARCH_DEMO_TRIES):
            choose = UniformChoice(np.random.default_rng(derive_seed(cfg.seed, key, i, "search", attempt)))
            trajectory = env.run(task_id, derive_seed(cfg.seed, key, i), choose, featuriser, prefix_every)
            if trajectory.success:
                out.append(trajectory)
                break
        advance(1)
    return out
