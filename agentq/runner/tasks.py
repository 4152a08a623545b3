"""Listing a split's tasks (worker hook or seeds file) and selecting the ones to run."""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path
from typing import Any

from agentq.config import EnvConfig, TasksConfig
from agentq.config.locate import FieldError

from .rows import error_text
from .seam import RunnerError, TaskRef


def _task_ref(item: Any, where: str) -> TaskRef:
    if isinstance(item, TaskRef):
        return item
    if isinstance(item, str):
        return TaskRef(item)
    get = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    tid = get("id") if get("id") is not None else get("task_id")
    if tid is None:
        raise RunnerError(f"{where}: task without an 'id' or 'task_id': {item!r}"[:300])
    diff = get("difficulty")
    return TaskRef(str(tid), None if diff is None else str(diff))


def _seed_file(env_name: str, split: str) -> Path | None:
    rel = Path("seeds") / env_name / f"{split}.jsonl"
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / rel).is_file():
            return base / rel
    return None


def list_tasks(worker_cls: type, env: EnvConfig, split: str) -> list[TaskRef]:
    """All tasks of a split: ``worker_cls.list_tasks(env, split)`` if defined, else ``seeds/<env>/<split>.jsonl``."""
    hook = getattr(worker_cls, "list_tasks", None)
    if hook is not None:
        where = f"{worker_cls.__name__}.list_tasks(split={split!r})"
        try:
            items = list(hook(env, split))
        except (ValueError, KeyError) as exc:  # the site's answer to a split it does not have
            raise FieldError(("tasks", "split"), str(exc.args[0]) if exc.args else str(exc), split) from None
        except Exception as exc:
            raise RunnerError(f"tasks.split: {where} failed: {error_text(exc)}") from exc
    else:
        path = _seed_file(env.name, split)
        if path is None:
            raise FieldError(("tasks", "split"), (
                f"no task list for split {split!r}: {worker_cls.__name__} has no list_tasks() "
                f"and seeds/{env.name}/{split}.jsonl does not exist"
            ), split)  # fmt: skip
        items = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise RunnerError(f"{path}:{lineno}: not a JSON line ({exc})") from None
        where = str(path)
    tasks = [_task_ref(it, where) for it in items]
    if not tasks:
        raise RunnerError(f"tasks.split: split {split!r} has no tasks ({where})")
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        raise RunnerError(f"{where}: duplicate task ids")
    return tasks


def generate_tasks(worker_cls: type, env: EnvConfig, cfg: TasksConfig) -> list[TaskRef]:
    """``cfg.n`` fresh tasks from the generator with ``cfg.generate_seed`` (3n drawn when a
    difficulty filter is set, so the stratified sample still finds n)."""
    hook = getattr(worker_cls, "generate_tasks", None)
    if hook is None:
        raise RunnerError(f"tasks.generate_seed: {worker_cls.__name__} cannot generate tasks (no generate_tasks())")
    count = cfg.n * 3 if cfg.difficulty is not None else cfg.n
    try:
        items = list(hook(env, cfg.generate_seed, count))
    except ValueError as exc:
        raise FieldError(("tasks", "generate_seed"), str(exc), cfg.generate_seed) from None
    return [_task_ref(it, f"generate_tasks(seed={cfg.generate_seed})") for it in items]


def _stable_rank(seed: int, task_id: str) -> str:
    return hashlib.sha256(f"{seed}:{task_id}".encode()).hexdigest()


def select_tasks(tasks: list[TaskRef], cfg: TasksConfig) -> tuple[list[TaskRef], list[str]]:
    """Pick tasks: explicit ids (in that order), or all / a seeded sample of n stratified by difficulty.

    Returns the tasks (a sample keeps the split's order) and notes worth printing.
    """
    by_id = {t.id: t for t in tasks}
    if cfg.ids is not None:
        for i, tid in enumerate(cfg.ids):
            if tid not in by_id:
                close = difflib.get_close_matches(tid, list(by_id), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise FieldError(("tasks", "ids", i), f"no task {tid!r} in split {cfg.split!r}{hint}", tid)
        return [by_id[t] for t in cfg.ids], []
    pool = tasks
    if cfg.difficulty is not None:
        pool = [t for t in tasks if t.difficulty in cfg.difficulty]
        if not pool:
            known = sorted({str(t.difficulty) for t in tasks})
            close = [c for d in cfg.difficulty for c in difflib.get_close_matches(d, known, n=1)]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FieldError(("tasks", "difficulty"),
                             f"no task in split {cfg.split!r} has that difficulty{hint}; known: {known}", cfg.difficulty)
    if cfg.n is None or cfg.n >= len(pool):
        notes = []
        if cfg.n is not None and cfg.n > len(pool):
            notes.append(f"tasks.n={cfg.n} but only {len(pool)} tasks match; using all of them")
        return list(pool), notes
    strata: dict[str | None, list[TaskRef]] = {}
    for t in pool:
        strata.setdefault(t.difficulty, []).append(t)
    exact = {d: cfg.n * len(ts) / len(pool) for d, ts in strata.items()}
    quota = {d: int(x) for d, x in exact.items()}
    order = sorted(strata, key=lambda d: -(exact[d] - quota[d]))  # stable: ties keep stratum order
    for d in order[: cfg.n - sum(quota.values())]:
        quota[d] += 1
    chosen: set[str] = set()
    for d, ts in strata.items():
        ranked = sorted(ts, key=lambda t: _stable_rank(cfg.sample_seed, t.id))
        chosen.update(t.id for t in ranked[: quota[d]])
    return [t for t in pool if t.id in chosen], []
