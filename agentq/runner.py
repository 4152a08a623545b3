"""Run an experiment: plan episodes, run them in worker processes, append rows, resume after a crash.

The seam to the environments is :class:`EpisodeWorker`: ``env.name`` selects a worker class
(``"restaurant"`` -> ``agentq.episode:RestaurantWorker``; any ``"package.module:Class"`` is
imported). Each worker process builds one worker, then runs the :class:`EpisodeSpec` s it is sent.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import json
import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import pickle
import re
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentq.config import (
    WORKERS,
    AgentConfig,
    ConfigError,
    EnvConfig,
    ExperimentConfig,
    TasksConfig,
    canonical_json,
    config_hash,
    dump_config,
    load_config,
    sweep_groups,
)
from agentq.results import JsonlAppender, RunFolder, atomic_write_text, is_error, repair_jsonl, rewrite_sorted

PREFETCH = 2  # specs queued per worker process (one running, one waiting)
RUNNER_KEYS = (
    "index", "task_id", "agent", "sweep_point", "episode_seed", "run_seed", "config_hash", "components", "privileged",
)  # fmt: skip
EPISODE_KEYS = (
    "difficulty", "success", "partial", "steps", "env_steps", "simulations", "timings", "final_url", "actions", "error",
)  # fmt: skip


class RunnerError(RuntimeError):
    """The run cannot start or go on (bad worker, foreign run folder, crashing start-up...)."""


# ---------------------------------------------------------------------------- the seam


class EpisodeSpec(BaseModel):
    """One episode to run, as sent to a worker."""

    model_config = ConfigDict(extra="forbid")

    index: int  # position in the deterministic run order
    task_id: str
    split: str = "dev"  # tasks.split the task was listed from
    agent: AgentConfig  # already resolved at this sweep point
    sweep_point: dict[str, Any]  # {"agents.hybrid.critic.accuracy": 0.9}; {} when not swept
    episode_seed: int  # sha256(run seed, task id, agent name, sweep point), 0 <= seed < 2**63
    save_tree: bool = False
    tree_path: str | None = None  # absolute; write the first decision's tree there as node-link JSON


class Timings(BaseModel):
    """Seconds spent in one episode."""

    model_config = ConfigDict(extra="allow")

    wall_s: float
    env_s: float = 0.0
    planner_s: float = 0.0


class EpisodeResult(BaseModel):
    """What :meth:`EpisodeWorker.run` must return (extra keys are kept in the row)."""

    model_config = ConfigDict(extra="allow")

    difficulty: str | None = None  # None: the runner fills in the task list's difficulty
    success: bool
    partial: float
    steps: int
    env_steps: int
    simulations: int
    timings: Timings
    final_url: str | None = None
    actions: list[str]
    error: str | None = None


@runtime_checkable
class EpisodeWorker(Protocol):
    """One per worker process; holds its env/browser for the whole run."""

    def __init__(self, env: EnvConfig, seed: int) -> None: ...

    def describe_agent(self, agent: AgentConfig) -> dict: ...

    def run(self, spec: EpisodeSpec) -> dict: ...

    def close(self) -> None: ...


class TaskRef(NamedTuple):
    """A task as the runner sees it."""

    id: str
    difficulty: str | None = None


def worker_ref(env_name: str) -> str:
    """``"package.module:Class"`` for an env name."""
    return WORKERS.get(env_name, env_name)


def import_worker(env_name: str) -> type:
    """Import the worker class for ``env_name``, with a clear error when it is missing."""
    ref = worker_ref(env_name)
    module, _, cls_name = ref.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name and (module == exc.name or module.startswith(exc.name + "."))
        hint = (
            f"; the {env_name!r} worker ({ref}) is not in this checkout yet"
            if missing and env_name in WORKERS
            else ""
        )
        raise RunnerError(
            f"env {env_name!r}: cannot import worker {ref}: {exc}{hint}. "
            "A worker can also be named directly, e.g. --env agentq.testing.fake_worker:FakeWorker"
        ) from exc
    except Exception as exc:
        raise RunnerError(
            f"env {env_name!r}: importing worker {ref} failed: {type(exc).__name__}: {exc}"
            + ("; the restaurant worker or a module it needs is not finished yet?" if env_name in WORKERS else "")
        ) from exc
    cls = getattr(mod, cls_name, None)
    if not isinstance(cls, type):
        raise RunnerError(f"env {env_name!r}: module {module} has no class {cls_name!r}")
    missing_methods = [m for m in ("describe_agent", "run", "close") if not callable(getattr(cls, m, None))]
    if missing_methods:
        raise RunnerError(f"env {env_name!r}: worker {ref} lacks {missing_methods} (see EpisodeWorker)")
    return cls


# ---------------------------------------------------------------------------- tasks and plan


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
    for base in (Path(__file__).resolve().parent.parent, Path.cwd()):
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
        except Exception as exc:
            raise RunnerError(f"tasks.split: {where} failed: {_error_text(exc)}") from exc
    else:
        path = _seed_file(env.name, split)
        if path is None:
            raise RunnerError(
                f"tasks.split: no task list for split {split!r}: {worker_cls.__name__} has no list_tasks() "
                f"and seeds/{env.name}/{split}.jsonl does not exist"
            )
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
                raise ConfigError(f"tasks.ids[{i}]: no task {tid!r} in split {cfg.split!r}{hint}")
        return [by_id[t] for t in cfg.ids], []
    pool = tasks
    if cfg.difficulty is not None:
        pool = [t for t in tasks if t.difficulty in cfg.difficulty]
        if not pool:
            known = sorted({str(t.difficulty) for t in tasks})
            raise ConfigError(
                f"tasks.difficulty: no task in split {cfg.split!r} has difficulty {cfg.difficulty} (known: {known})"
            )
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


def episode_seed(run_seed: int, task_id: str, agent: str, sweep_point: dict[str, Any]) -> int:
    """Deterministic per-episode seed (sha256, never ``hash()``), in [0, 2**63)."""
    digest = hashlib.sha256(canonical_json([run_seed, task_id, agent, sweep_point]).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:80]


def plan_episodes(cfg: ExperimentConfig, tasks: list[TaskRef], run_dir: Path | None = None) -> list[EpisodeSpec]:
    """The deterministic run order: for each task, each agent x sweep point (agent order, grid order).

    ``output.save_trees``: ``first`` marks the first episode of every planner group, ``all`` every
    planner episode, ``none`` nothing; tree paths are ``RUN_DIR/trees/<index>-<agent>-<task>.json``.
    """
    groups = sweep_groups(cfg)
    trees = (Path(run_dir).resolve() / "trees") if run_dir is not None else None
    specs: list[EpisodeSpec] = []
    saved: set[int] = set()
    for task in tasks:
        for gi, group in enumerate(groups):
            index = len(specs)
            mode = cfg.output.save_trees
            save = group.agent.planner is not None and (mode == "all" or (mode == "first" and gi not in saved))
            if save:
                saved.add(gi)
            name = f"{index:06d}-{_safe(group.agent.name)}-{_safe(task.id)}.json"
            path = str(trees / name) if save and trees else None
            specs.append(
                EpisodeSpec(
                    index=index,
                    task_id=task.id,
                    split=cfg.tasks.split,
                    agent=group.agent,
                    sweep_point=group.sweep_point,
                    episode_seed=episode_seed(cfg.seed, task.id, group.agent.name, group.sweep_point),
                    save_tree=save,
                    tree_path=path,
                )
            )
    return specs


# ---------------------------------------------------------------------------- rows


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def build_row(
    spec: EpisodeSpec,
    *,
    run_seed: int,
    cfg_hash: str,
    difficulty: str | None,
    describe: dict[str, Any] | None,
    result: dict[str, Any] | None,
    error: str | None = None,
    tb: str | None = None,
    wall_s: float = 0.0,
) -> dict[str, Any]:
    """Assemble a row: runner fields, then the episode fields; a bad or missing result becomes an error row."""
    describe = describe or {}
    privileged = {k: bool(v) for k, v in (describe.get("privileged") or {}).items()}
    if describe:
        privileged["any"] = bool(describe.get("any_privileged", any(privileged.values())))
    row: dict[str, Any] = {
        "index": spec.index,
        "task_id": spec.task_id,
        "agent": spec.agent.name,
        "sweep_point": spec.sweep_point,
        "episode_seed": spec.episode_seed,
        "run_seed": run_seed,
        "config_hash": cfg_hash,
        "components": {k: v for k, v in describe.items() if k not in ("privileged", "any_privileged")},
        "privileged": privileged,
    }
    parsed: EpisodeResult | None = None
    if error is None:
        try:
            parsed = EpisodeResult.model_validate(result)
        except ValidationError as exc:
            error = "worker returned a bad result: " + "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'result'}: {e['msg']}" for e in exc.errors()
            )
    if parsed is None:
        row.update(
            difficulty=difficulty, success=False, partial=0.0, steps=0, env_steps=0, simulations=0,
            timings={"wall_s": wall_s, "env_s": 0.0, "planner_s": 0.0}, final_url=None, actions=[], error=error,
        )  # fmt: skip
        if tb:
            row["traceback"] = tb
        return row
    data = parsed.model_dump()
    if data["difficulty"] is None:
        data["difficulty"] = difficulty
    if data["error"]:
        data["success"] = False
    for key in EPISODE_KEYS:
        row[key] = data.pop(key)
    for key in sorted(data):
        if key not in row:
            row[key] = data[key]
    return row


# ---------------------------------------------------------------------------- worker processes


def _worker_process(env_name: str, env_data: dict[str, Any], seed: int, conn: Any, parent_pid: int) -> None:
    """Entry point of a worker process: build one worker, run specs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us

    def _on_term(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _on_term)
    worker = None
    try:
        try:
            worker = import_worker(env_name)(EnvConfig.model_validate(env_data), seed)
        except Exception:
            conn.send(("init_error", traceback.format_exc()))
            return
        conn.send(("ready",))
        described: dict[str, tuple[dict | None, str | None]] = {}
        while True:
            if not conn.poll(0.5):
                if os.getppid() != parent_pid:
                    return  # the runner died: do not linger
                continue
            msg = conn.recv()
            if msg is None:
                return
            spec = EpisodeSpec.model_validate(msg)
            key = canonical_json(msg["agent"])
            if key not in described:
                try:
                    described[key] = (dict(worker.describe_agent(spec.agent)), None)
                except Exception as exc:
                    described[key] = (None, "describe_agent failed: " + _error_text(exc))
            describe, describe_error = described[key]
            conn.send(("started", spec.index, describe))
            t0 = time.perf_counter()
            payload: dict[str, Any] = {"result": None, "error": describe_error, "traceback": None}
            if describe_error is None:
                try:
                    payload["result"] = worker.run(spec)
                except Exception as exc:
                    payload.update(error=_error_text(exc), traceback=traceback.format_exc())
            payload["wall_s"] = time.perf_counter() - t0
            try:
                blob = pickle.dumps(("result", spec.index, payload))
            except Exception as exc:  # an unpicklable result still gives a row
                bad = {**payload, "result": None, "error": "result cannot be sent: " + _error_text(exc)}
                blob = pickle.dumps(("result", spec.index, bad))
            conn.send_bytes(blob)
    except (EOFError, BrokenPipeError, ConnectionError):
        return
    finally:
        if worker is not None:
            try:
                worker.close()
            except Exception:
                traceback.print_exc()


class _Slot:
    """One worker process and the episode indices sent to it, oldest (running) first."""

    def __init__(self, ctx: Any, env_name: str, env_data: dict[str, Any], seed: int, number: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_process,
            args=(env_name, env_data, seed, child, os.getpid()),
            name=f"agentq-worker-{number}",
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.inflight: deque[int] = deque()
        self.ready = False
        self.describe: dict[int, dict | None] = {}


# ---------------------------------------------------------------------------- the run


@dataclass
class RunOutcome:
    """What a call to :func:`run_experiment` did."""

    run_dir: Path
    total: int  # episodes in the plan
    completed: int  # rows in episodes.jsonl at the end
    ran: int  # episodes finished by this call
    errors: int  # error rows among the completed ones
    interrupted: bool
    wall_s: float  # whole call
    startup_s: float | None  # from starting the worker processes until every one was ready
    loop_s: float  # from starting the worker processes until the last row was written
    episode_wall_s: float  # sum of the rows' timings.wall_s finished by this call
    row_times: list[float] = field(default_factory=list)  # when each row of this call was written, s after start
    summary: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


ProgressHook = Callable[[int, int, dict[str, Any] | None], None]  # (completed, total, row or None)


class _Runner:
    def __init__(self, cfg: ExperimentConfig, folder: RunFolder, specs: list[EpisodeSpec],
                 difficulty: dict[str, str | None], workers: int, on_row: ProgressHook) -> None:  # fmt: skip
        self.cfg, self.folder, self.specs = cfg, folder, specs
        self.difficulty, self.workers, self.on_row = difficulty, workers, on_row
        self.hash = config_hash(cfg)
        self.ctx = mp.get_context("spawn")
        self.slots: list[_Slot] = []
        self.pending: deque[int] = deque()
        self.done: set[int] = set()
        self.ran = 0
        self.episode_wall = 0.0
        self.started_at = time.perf_counter()
        self.startup_s: float | None = None
        self.restarts = 0
        self.writer: JsonlAppender | None = None
        self.row_times: list[float] = []

    def _spawn(self) -> _Slot:
        n = len(self.slots) + self.restarts
        env = self.cfg.env
        return _Slot(self.ctx, env.name, env.model_dump(mode="json"), self.cfg.seed, n)

    def _record(self, index: int, describe: dict | None, payload: dict[str, Any]) -> None:
        if index in self.done:
            return
        spec = self.specs[index]
        common = dict(run_seed=self.cfg.seed, cfg_hash=self.hash, difficulty=self.difficulty.get(spec.task_id),
                      describe=describe)  # fmt: skip
        row = build_row(spec, **common, result=payload.get("result"), error=payload.get("error"),
                        tb=payload.get("traceback"), wall_s=float(payload.get("wall_s", 0.0)))  # fmt: skip
        assert self.writer is not None
        try:
            self.writer.append(row)
        except (TypeError, ValueError) as exc:
            row = build_row(spec, **common, result=None, error="result is not JSON-serialisable: " + _error_text(exc),
                            wall_s=float(payload.get("wall_s", 0.0)))  # fmt: skip
            self.writer.append(row)
        self.done.add(index)
        self.ran += 1
        wall = row["timings"].get("wall_s") if isinstance(row.get("timings"), dict) else None
        self.episode_wall += float(wall) if isinstance(wall, (int, float)) else 0.0
        self.row_times.append(time.perf_counter() - self.started_at)
        self.on_row(len(self.done), len(self.specs), row)

    def _handle(self, slot: _Slot, msg: tuple) -> None:
        kind = msg[0]
        if kind == "ready":
            slot.ready = True
            if self.startup_s is None and all(s.ready for s in self.slots):
                self.startup_s = time.perf_counter() - self.started_at
        elif kind == "init_error":
            raise RunnerError(f"a worker process failed to start ({worker_ref(self.cfg.env.name)}):\n{msg[1]}")
        elif kind == "started":
            slot.describe[msg[1]] = msg[2]
        elif kind == "result":
            index = msg[1]
            if index in slot.inflight:
                slot.inflight.remove(index)
            self._record(index, slot.describe.pop(index, None), msg[2])

    def _drain(self, slot: _Slot) -> None:
        while True:
            try:
                if not slot.conn.poll():
                    return
                msg = slot.conn.recv()
            except (EOFError, OSError):
                return
            self._handle(slot, msg)

    def _bury(self, slot: _Slot) -> None:
        slot.proc.join(5)
        code = slot.proc.exitcode
        slot.conn.close()
        self.slots.remove(slot)
        if not slot.ready:
            ref = worker_ref(self.cfg.env.name)
            raise RunnerError(f"a worker process ({ref}) exited during start-up (exit code {code})")
        if slot.inflight:
            head = slot.inflight.popleft()
            error = f"worker process died (exit code {code}) while running this episode"
            self._record(head, slot.describe.pop(head, None), {"error": error})
            self.pending.extendleft(reversed(slot.inflight))
        self.restarts += 1
        if self.restarts > len(self.specs) + 2 * self.workers:
            raise RunnerError("worker processes keep dying; giving up")
        if self.pending:
            self.slots.append(self._spawn())

    def _dispatch(self) -> None:
        for slot in list(self.slots):
            while len(slot.inflight) < PREFETCH and self.pending:
                index = self.pending.popleft()
                try:
                    slot.conn.send(self.specs[index].model_dump(mode="json"))
                except OSError:
                    self.pending.appendleft(index)
                    break
                slot.inflight.append(index)

    def run(self, todo: list[int]) -> None:
        self.pending.extend(todo)
        self.slots = [self._spawn() for _ in range(min(self.workers, len(todo)))]
        while self.pending or any(s.inflight for s in self.slots):
            self._dispatch()
            waitables = [s.conn for s in self.slots] + [s.proc.sentinel for s in self.slots]
            ready = mpc.wait(waitables, timeout=1.0)
            for slot in list(self.slots):
                if slot.conn in ready or slot.proc.sentinel in ready:
                    self._drain(slot)
                    if not slot.proc.is_alive():
                        self._bury(slot)

    def stop(self, graceful: bool) -> None:
        """Stop all worker processes: ask politely (graceful), else terminate; kill stragglers."""
        for slot in self.slots:
            if graceful:
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
            else:
                slot.proc.terminate()
        for slot in self.slots:
            slot.proc.join(30 if graceful else 5)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join(5)
            slot.conn.close()
        self.slots = []


def _check_existing(rows: list[dict[str, Any]], specs: list[EpisodeSpec], h: str, folder: RunFolder) -> None:
    for row in rows:
        i = row["index"]
        if row.get("config_hash") != h:
            raise RunnerError(
                f"{folder.episodes}: row {i} was written under config hash {row.get('config_hash')}, not {h}"
            )
        if not 0 <= i < len(specs):
            raise RunnerError(f"{folder.episodes}: row index {i} is outside this plan of {len(specs)} episodes")
        s = specs[i]
        if (row.get("task_id"), row.get("agent"), row.get("episode_seed")) != (s.task_id, s.agent.name, s.episode_seed):
            raise RunnerError(
                f"{folder.episodes}: row {i} is ({row.get('task_id')}, {row.get('agent')}) but the plan now has "
                f"({s.task_id}, {s.agent.name}) there; did the task suite change? Start a new run."
            )


def prepare_folder(cfg: ExperimentConfig, run_dir: Path, resume: bool) -> RunFolder:
    """Create a fresh run folder (refusing one that holds a run), or check one to resume."""
    folder = RunFolder(Path(run_dir))
    if resume:
        if not folder.config.is_file():
            raise RunnerError(f"--resume {run_dir}: no config.yaml there, so it is not a run folder")
        stored = load_config(folder.config)
        if config_hash(stored) != config_hash(cfg):
            raise RunnerError(
                f"--resume {run_dir}: the config differs from the one this run started with "
                f"(hash {config_hash(stored)[:12]} vs {config_hash(cfg)[:12]}); resume without --config/--set, "
                "or start a new run with --out"
            )
        return folder
    if folder.config.exists() or folder.episodes.exists():
        raise RunnerError(f"{run_dir} already holds a run; resume it with --resume {run_dir} or choose another --out")
    folder.path.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder.config, dump_config(cfg))
    return folder


def run_experiment(
    cfg: ExperimentConfig,
    run_dir: str | Path,
    *,
    resume: bool = False,
    workers: int | None = None,
    on_row: ProgressHook | None = None,
    on_start: Callable[[int, int], None] | None = None,
    plots: bool | None = None,
) -> RunOutcome:
    """Run (or resume) an experiment into ``run_dir`` and write its summary.

    ``on_start(done, total)`` is called once the plan is known; ``on_row`` after every row.
    Ctrl-C stops the workers, keeps finished rows, writes the summary and returns with
    ``interrupted=True``.
    """
    from agentq.report import write_report  # late: report pulls in rich tables

    t0 = time.perf_counter()
    worker_cls = import_worker(cfg.env.name)
    tasks, notes = select_tasks(list_tasks(worker_cls, cfg.env, cfg.tasks.split), cfg.tasks)
    folder = prepare_folder(cfg, Path(run_dir), resume)
    specs = plan_episodes(cfg, tasks, folder.path)
    h = config_hash(cfg)
    rows = repair_jsonl(folder.episodes)
    _check_existing(rows, specs, h, folder)
    difficulty = {t.id: t.difficulty for t in tasks}
    runner = _Runner(cfg, folder, specs, difficulty, workers or cfg.workers, on_row or (lambda *a: None))
    runner.done = {r["index"] for r in rows}
    todo = [s.index for s in specs if s.index not in runner.done]
    if on_start:
        on_start(len(runner.done), len(specs))
    interrupted = False
    runner.writer = JsonlAppender(folder.episodes)
    runner.started_at = time.perf_counter()
    loop_s = 0.0
    try:
        runner.run(todo)
        loop_s = time.perf_counter() - runner.started_at
        runner.stop(graceful=True)
    except KeyboardInterrupt:
        interrupted = True
        loop_s = time.perf_counter() - runner.started_at
        _quietly(lambda: runner.stop(graceful=False))
    except BaseException:
        _quietly(lambda: runner.stop(graceful=False))
        raise
    finally:
        runner.writer.close()
    rows = repair_jsonl(folder.episodes)
    complete = len({r["index"] for r in rows}) == len(specs)
    if complete and not interrupted:
        rewrite_sorted(folder.episodes, rows)
    make_plots = (cfg.output.plots if plots is None else plots) and complete and not interrupted
    summary = _quietly(lambda: write_report(folder.path, plots=make_plots))
    return RunOutcome(
        run_dir=folder.path,
        total=len(specs),
        completed=len({r["index"] for r in rows}),
        ran=runner.ran,
        errors=sum(is_error(r) for r in rows),
        interrupted=interrupted,
        wall_s=time.perf_counter() - t0,
        startup_s=runner.startup_s,
        loop_s=loop_s,
        episode_wall_s=runner.episode_wall,
        row_times=runner.row_times,
        summary=summary,
        notes=notes,
    )


def _quietly(fn: Callable[[], Any]) -> Any:
    """Run cleanup with Ctrl-C ignored (a second Ctrl-C must not leave things half done)."""
    if threading.current_thread() is not threading.main_thread():
        return fn()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return fn()
    finally:
        signal.signal(signal.SIGINT, old)

