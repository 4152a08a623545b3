"""``python -m agentq.train``: train the learned policy, critic and judge on train tasks (behaviour
cloning, rejection fine-tuning, outcome DPO, and Agent Q's iterations of MCTS collection and
step-level DPO), with a checkpoint after each stage (and each iteration).

Examples::

    python -m agentq.train --config experiments/agentq_learning.yaml --out runs/agentq_learning --workers 2
    python -m agentq.train --config experiments/learn/base_rft.yaml --out runs/train
    python -m agentq.train --config experiments/learn/quick.yaml --set stages.base.demos=20
    python -m agentq.train --resume runs/train        # after a kill: finished stages are skipped
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agentq.config import ConfigError, parse_set
from agentq.learn.checkpoint import CheckpointError
from agentq.learn.collect import TrainSplitError
from agentq.learn.config import TrainConfig, load_train_config
from agentq.learn.pipeline import TrainRunError, run_training


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m agentq.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--config", type=Path, help="training YAML file (e.g. experiments/learn/base_rft.yaml)")
    p.add_argument("--out", type=Path, metavar="DIR", help="run folder (default runs/train/<name>-<timestamp>)")
    p.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted run in DIR (finished stages are skipped)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override a field (value read as YAML), e.g. stages.base.demos=50; repeatable")  # fmt: skip
    p.add_argument("--workers", type=_positive, default=1, metavar="N",
                   help="train up to N stages at once, each in its own process, as soon as the stage it starts "
                        "from is done (the checkpoints do not depend on N; default 1)")  # fmt: skip
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def resolve(args: argparse.Namespace) -> tuple[TrainConfig, Path, bool]:
    """Config, run folder and whether to resume."""
    overrides = [parse_set(s) for s in args.sets]
    if args.resume is not None and args.out is not None:
        raise ConfigError("--out and --resume both name a run folder; give one")
    if args.resume is not None:
        stored = args.resume / "config.yaml"
        if args.config is None and not stored.is_file():
            raise ConfigError(f"--resume {args.resume}: no config.yaml there, so it is not a training folder")
        return load_train_config(args.config or stored, overrides), args.resume, True
    if args.config is None:
        raise ConfigError("--config FILE is needed (e.g. experiments/learn/base_rft.yaml)")
    cfg = load_train_config(args.config, overrides)
    out = args.out or Path("runs") / "train" / f"{cfg.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    return cfg, out, False


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 run error, 2 bad config, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    err = Console(stderr=True, soft_wrap=True)
    out_console = Console()

    def _on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _on_term)
    out: Path | None = None
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err)  # fmt: skip

    def phase(description: str, total: int) -> Any:
        task = progress.add_task(description, total=max(total, 1))
        if total == 0:
            progress.update(task, completed=1)
        return lambda n: progress.advance(task, n)

    def on_stage(name: str, record: dict[str, Any], skipped: bool) -> None:
        state = "skipped (already finished)" if skipped else "done"
        hashes = ", ".join(f"{k} {v[:12]}" for k, v in record["hashes"].items())
        took = f" in {record['wall_s']:.0f} s" if "wall_s" in record and not skipped and "copy_of" not in record else ""
        progress.console.print(f"stage {name}: {state}{took}; {hashes}", highlight=False, markup=False)

    try:
        cfg, out, resume = resolve(args)
        with progress:
            outcome = run_training(cfg, out, resume=resume, phase=phase, on_stage=on_stage, workers=args.workers)
    except (ConfigError, TrainSplitError, TrainRunError) as exc:  # bad input: the config, a split, the folder
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (CheckpointError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if out is not None and (out / "config.yaml").exists():
            err.print(f"Interrupted. Resume with: python -m agentq.train --resume {shlex.quote(str(out))}",
                      highlight=False, markup=False)  # fmt: skip
        return 130
    out_console.print(f"Checkpoints: {outcome.out / 'checkpoints'}", highlight=False, markup=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
