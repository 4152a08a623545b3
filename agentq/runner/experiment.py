"""Running or resuming a whole experiment into a run folder, and what the run did."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentq import provenance
from agentq.config import ExperimentConfig, config_hash, dump_config, load_config
from agentq.results import JsonlAppender, RunFolder, atomic_write_text, is_error, repair_jsonl, rewrite_sorted

from .loop import ProcessPoolRunner, ProgressHook, RowRecorder
from .plan import plan_episodes
from .seam import EpisodeSpec, RunInputError, RunnerError, import_worker
from .site_components import check_site_components
from .tasks import generate_tasks, list_tasks, select_tasks


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
            raise RunInputError(f"--resume {run_dir}: no config.yaml there, so it is not a run folder")
        stored = load_config(folder.config)
        if config_hash(stored) != config_hash(cfg):
            raise RunInputError(
                f"--resume {run_dir}: the config differs from the one this run started with "
                f"(hash {config_hash(stored)[:12]} vs {config_hash(cfg)[:12]}); resume without --config/--set, "
                "or start a new run with --out"
            )
        _record_provenance(folder, resumed=True)
        return folder
    if folder.config.exists() or folder.episodes.exists():
        raise RunInputError(f"{run_dir} already holds a run; resume it with --resume {run_dir} or choose another --out")
    folder.path.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder.config, dump_config(cfg))
    _record_provenance(folder, resumed=False)
    return folder


def _record_provenance(folder: RunFolder, resumed: bool) -> None:
    """``provenance.json``: git commit and package versions at the start, and at every resume."""
    path = folder.path / "provenance.json"
    data: dict[str, Any] = {"started": None, "resumed": []}
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    if resumed:
        data.setdefault("resumed", []).append(provenance.collect())
    else:
        data["started"] = provenance.collect()
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")


def build_runner(
    cfg: ExperimentConfig,
    folder: RunFolder,
    specs: list[EpisodeSpec],
    difficulty: dict[str, str | None],
    workers: int,
    on_row: ProgressHook,
    executor: str | None = None,
    ray_address: str | None = None,
) -> RowRecorder:
    """The executor that runs the episodes: ``executor`` (else ``cfg.executor``), ``process`` or ``ray``."""
    kind = executor or cfg.executor
    address = ray_address if ray_address is not None else cfg.ray_address
    if kind == "ray":
        from .ray_executor import RayRunner  # late: Ray is an optional extra

        return RayRunner(cfg, folder, specs, difficulty, workers, on_row, address=address)
    if kind != "process":
        raise RunnerError(f"unknown executor {kind!r}; use 'process' or 'ray'")
    if address:
        raise RunInputError(f"ray_address {address!r} is set but the executor is 'process'; use executor: ray")
    return ProcessPoolRunner(cfg, folder, specs, difficulty, workers, on_row)


def run_experiment(
    cfg: ExperimentConfig,
    run_dir: str | Path,
    *,
    resume: bool = False,
    workers: int | None = None,
    on_row: ProgressHook | None = None,
    on_start: Callable[[int, int], None] | None = None,
    plots: bool | None = None,
    executor: str | None = None,
    ray_address: str | None = None,
) -> RunOutcome:
    """Run (or resume) an experiment into ``run_dir`` and write its summary.

    ``on_start(done, total)`` is called once the plan is known; ``on_row`` after every row.
    Ctrl-C stops the workers, keeps finished rows, writes the summary and returns with
    ``interrupted=True``. ``executor`` / ``ray_address`` override the config's (rows do not change).
    """
    from agentq.report import write_report  # late: report pulls in rich tables

    t0 = time.perf_counter()
    worker_cls = import_worker(cfg.env.name)
    check_site_components(cfg)  # a component the site cannot run: one config error, before any episode
    if cfg.tasks.generate_seed is not None:
        pool = generate_tasks(worker_cls, cfg.env, cfg.tasks)
    else:
        pool = list_tasks(worker_cls, cfg.env, cfg.tasks.split)
    tasks, notes = select_tasks(pool, cfg.tasks)
    folder = prepare_folder(cfg, Path(run_dir), resume)
    specs = plan_episodes(cfg, tasks, folder.path)
    h = config_hash(cfg)
    rows = repair_jsonl(folder.episodes)
    _check_existing(rows, specs, h, folder)
    difficulty = {t.id: t.difficulty for t in tasks}
    runner = build_runner(cfg, folder, specs, difficulty, workers or cfg.workers, on_row or (lambda *a: None),
                          executor, ray_address)  # fmt: skip
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
