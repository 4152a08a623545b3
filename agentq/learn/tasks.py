"""The run's train tasks and demonstrations: the seeded task order split into fitted and held-out
tasks, and the expert's (or search's) demonstrations on them (seeds by purpose: `seeds.derive_seed`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .bootstrap import SEARCH_DEMO_TRIES, search_demos
from .collect import TrainEnv, Trajectory, require_train
from .config import TrainConfig
from .features import Featuriser
from .seeds import derive_seed

Phase = Callable[[str, int], Callable[[int], None]]  # (description, total) -> advance(n)


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


def collect_demos(cfg: TrainConfig, env: TrainEnv, order: list[str], n: int, featuriser: Featuriser,
                  prefix_every: int, phase: Phase = _quiet, key: str = "demo") -> list[Trajectory]:  # fmt: skip
    """The expert's demonstrations on the first `n` tasks of the order (one episode each).

    A site without an expert is bootstrapped from search, as Agent Q bootstraps its base policy:
    up to `SEARCH_DEMO_TRIES` random rollouts per task, and the first the evaluator accepts is the
    task's demonstration (tasks none of them solves give none; train tasks only, as always). The
    search runs once per run folder (`agentq.learn.bootstrap`); later asks replay its winners.
    """
    if n > len(order):
        raise ValueError(f"{n} demonstrations asked for, but only {len(order)} train tasks are selected")
    if not env.has_expert:
        tasks = order[:n]
        advance = phase(f"demonstrations from search ({len(tasks)} tasks x <= {SEARCH_DEMO_TRIES} random rollouts)", len(tasks))
        return search_demos(cfg, env, tasks, featuriser, prefix_every, key, advance)
    advance = phase(f"expert demonstrations ({n})", n)
    out = []
    for i, task_id in enumerate(order[:n]):
        out.append(env.run(task_id, derive_seed(cfg.seed, key, i), env.expert_choice, featuriser, prefix_every))
        advance(1)
    return out
