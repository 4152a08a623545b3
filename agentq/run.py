"""``python -m agentq.run``: run an experiment (hybrid MCTS vs pure policy) and print its summary.

Examples::

    python -m agentq.run --env restaurant --backend http --tasks 10 --workers 2
    python -m agentq.run --config experiments/hybrid_vs_policy.yaml --set agents.mcts.planner.simulations=32
    python -m agentq.run --list        # envs, agent kinds and components with their settings
    python -m agentq.run --resume runs/hybrid_vs_policy-20260101-120000
"""

from __future__ import annotations

import argparse
import re
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from agentq.config import ConfigError, ExperimentConfig, Override, default_experiment_path, load_config, parse_set
from agentq.config.locate import FieldError, locate
from agentq.report import rich_table
from agentq.results import ResultsError, RunFolder
from agentq.runner import RunInputError, RunnerError, run_experiment
from agentq.components.llm import run_notes as llm_notes


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(
        prog="python -m agentq.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--env", help="env name (restaurant, miniwob) or a worker class 'package.module:Class'; "
                   "without --config runs experiments/<env>_search.yaml if there is one, else hybrid_vs_policy.yaml")  # fmt: skip
    p.add_argument("--config", type=Path, help="experiment YAML file")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override a field (value read as YAML), e.g. agents.mcts.planner.simulations=32; "
                   "repeatable")  # fmt: skip
    p.add_argument("--backend", choices=["http", "browser"], help="acting backend (env.backend)")
    p.add_argument("--split", help="task split (tasks.split)")
    p.add_argument("--tasks", type=int, metavar="N", help="number of tasks (tasks.n)")
    p.add_argument("--seed", type=int, help="run seed (seed)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (workers)")
    p.add_argument("--out", type=Path, metavar="DIR", help="run folder (default <output.dir>/<name>-<timestamp>)")
    p.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted run in DIR")
    p.add_argument("--executor", choices=["process", "ray"], help="run episodes in worker processes (default) or "
                   "on Ray actors (executor)")  # fmt: skip
    p.add_argument("--ray-address", metavar="ADDR", help="join the Ray cluster at ADDR (implies --executor ray; "
                   "without it a local Ray is started) (ray_address)")  # fmt: skip
    p.add_argument("--no-cache", action="store_true", help="llm components neither read nor write the response cache")
    p.add_argument("--list", action="store_true", help="print the envs, agent kinds and components with their "
                   "settings and defaults, then exit")  # fmt: skip
    return p


def _overrides(args: argparse.Namespace) -> list[Override]:
    flags = [("env", "env.name"), ("backend", "env.backend"), ("split", "tasks.split"), ("tasks", "tasks.n"),
             ("seed", "seed"), ("workers", "workers"), ("executor", "executor"),
             ("ray_address", "ray_address")]  # fmt: skip
    out = [Override(path, getattr(args, attr), f"--{attr.replace('_', '-')} {getattr(args, attr)}")
           for attr, path in flags if getattr(args, attr) is not None]  # fmt: skip
    if args.ray_address is not None and args.executor is None:
        out.append(Override("executor", "ray", f"--ray-address {args.ray_address}"))
    return out + [parse_set(s) for s in args.sets]


def default_config(env: str | None) -> Path:
    """The default experiment: ``experiments/<env>_search.yaml`` when the env has its own, else the project's."""
    if env is not None and re.fullmatch(r"[A-Za-z0-9_-]+", env):
        try:
            return default_experiment_path(f"{env}_search.yaml")
        except ConfigError:
            pass
    return default_experiment_path()


def config_source(args: argparse.Namespace) -> Path | None:
    """The YAML file the run's config is read from (None when there is none to read)."""
    if args.config is not None:
        return args.config
    if args.resume is not None:
        return RunFolder(args.resume).config
    try:
        return default_config(args.env)
    except ConfigError:
        return None


def resolve(args: argparse.Namespace) -> tuple[ExperimentConfig, Path, bool]:
    """Config, run folder and whether to resume, from the parsed arguments."""
    if args.resume is not None and args.out is not None:
        raise ConfigError("--out and --resume both name a run folder; give one")
    if args.resume is not None:
        stored = RunFolder(args.resume).config
        if not stored.is_file():
            raise ConfigError(f"--resume {args.resume}: no config.yaml there, so it is not a run folder")
        return load_config(args.config or stored, _overrides(args)), args.resume, True
    cfg = load_config(args.config or default_config(args.env), _overrides(args))
    out = args.out
    if out is None:
        stem = Path(cfg.output.dir) / f"{cfg.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        out, n = stem, 1
        while out.exists():
            n += 1
            out = stem.with_name(f"{stem.name}-{n}")
    return cfg, out, False


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 run error, 2 bad config, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    if args.list:
        from agentq.listing import listing

        print(listing(), end="")
        return 0
    llm_notes.set_cache_switch(args.no_cache)
    out, err = Console(), Console(stderr=True, soft_wrap=True)
    if not out.is_terminal:  # keep the table readable in logs and pipes
        out = Console(width=max(out.width, 160))
    terminated: list[int] = []

    def _on_term(signum: int, frame: Any) -> None:
        terminated.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _on_term)
    run_dir: Path | None = None
    try:
        cfg, run_dir, resume = resolve(args)
        if llm_notes.uses_llm(cfg.agents):
            err.print(llm_notes.cache_note(), highlight=False, markup=False)
        progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("ok {task.fields[ok]}  errors {task.fields[errors]}"), TimeElapsedColumn(),
            TimeRemainingColumn(), console=err,
        )  # fmt: skip
        counts = {"ok": 0, "errors": 0}
        task_id: list[Any] = []

        def on_start(done: int, total: int) -> None:
            progress.start()  # only once the plan is known: an error before it prints no empty bar
            task_id.append(progress.add_task(cfg.name, total=total, completed=done, **counts))

        def on_row(done: int, total: int, row: dict[str, Any] | None) -> None:
            if row is not None:
                counts["errors" if row.get("error") else "ok"] += 1
            progress.update(task_id[0], completed=done, **counts)

        try:
            outcome = run_experiment(cfg, run_dir, resume=resume, on_row=on_row, on_start=on_start)
        finally:
            if task_id:  # stopping a bar that never started still prints an empty line
                progress.stop()
    except FieldError as exc:  # a field the site refused once the run started (e.g. --split validation)
        print(f"error: {locate(exc, config_source(args), _overrides(args))}", file=sys.stderr)
        return 2
    except (ConfigError, RunInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (RunnerError, ResultsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if run_dir is not None and RunFolder(run_dir).config.exists():
            err.print(f"Interrupted. Resume with: python -m agentq.run --resume {shlex.quote(str(run_dir))}",
                      highlight=False, markup=False)  # fmt: skip
        else:
            err.print("Interrupted before the run started.", markup=False)
        return 143 if terminated else 130
    for note in outcome.notes:
        err.print(f"note: {note}", highlight=False, markup=False)
    out.print(rich_table(outcome.summary, title=f"{cfg.name}: {outcome.completed}/{outcome.total} episodes"))
    if outcome.errors:
        err.print(f"{outcome.errors} episode(s) ended with an error; see 'error' in episodes.jsonl",
                  highlight=False, markup=False)  # fmt: skip
    out.print(f"Run folder: {outcome.run_dir}", highlight=False, markup=False)
    page = outcome.run_dir / "report.html"
    if page.is_file():
        out.print(f"Report: {page}", highlight=False, markup=False, soft_wrap=True)
    if outcome.interrupted:
        err.print(
            f"Interrupted after {outcome.completed}/{outcome.total} episodes; finished rows are kept. "
            f"Resume with: python -m agentq.run --resume {shlex.quote(str(outcome.run_dir))}",
            highlight=False,
            markup=False,
        )
        return 143 if terminated else 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
