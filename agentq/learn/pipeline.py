"""A training run: its folder, the stages in order, a checkpoint after each, resume after a kill.

Layout of ``OUT``: ``config.yaml`` (the resolved config), ``checkpoints/<stage>/`` with
``{policy,critic,judge}.safetensors`` + ``.json`` and ``stage.json`` (written last: the stage is
done). A stage is written into a hidden ``.<stage>.partial`` folder and renamed when complete,
so a kill leaves either a finished stage or nothing; ``--resume`` skips finished stages.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .checkpoint import KINDS, save
from .collect import TrainEnv
from .config import BaseStage, TrainConfig, dump_train_config, load_train_config
from .stages import Phase, StageResult, _quiet, run_base, run_rft

STAGE_DONE = "stage.json"


class TrainRunError(ValueError):
    """A run folder that cannot be used as asked (exists without --resume, differs on resume, ...)."""


@dataclass
class TrainOutcome:
    """What a run did: per stage, skipped or trained, and its stage.json record."""

    out: Path
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def stage_dir(out: Path, stage: str) -> Path:
    """Where a stage's checkpoints go."""
    return out / "checkpoints" / stage


def prepare(cfg: TrainConfig, out: Path, resume: bool) -> None:
    """Create the run folder, or check that a resumed one was made by the same config."""
    stored = out / "config.yaml"
    text = dump_train_config(cfg)
    if resume:
        if not stored.is_file():
            raise TrainRunError(f"--resume {out}: no config.yaml there, so it is not a training folder")
        if load_train_config(stored) != cfg:
            raise TrainRunError(f"--resume {out}: the config differs from {stored}; resume with that config")
        return
    if out.exists() and any(out.iterdir()):
        raise TrainRunError(f"{out} already exists and is not empty; use --resume {out} to finish it, or another --out")
    out.mkdir(parents=True, exist_ok=True)
    stored.write_text(text, encoding="utf-8")


def _write_stage(out: Path, name: str, cfg: TrainConfig, result: StageResult) -> dict[str, Any]:
    final = stage_dir(out, name)
    partial = final.with_name(f".{name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    hashes = {}
    for kind in KINDS:
        notes = {"stage": name, "run": cfg.name, "seed": cfg.seed}
        hashes[kind] = save(partial, kind, result.models[kind], cfg.features, cfg.model, notes)
    record = {"stage": name, "hashes": hashes, "notes": result.notes}
    (partial / STAGE_DONE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    return record


def finished(out: Path, stage: str) -> dict[str, Any] | None:
    """The stage.json record of a finished stage, else None."""
    marker = stage_dir(out, stage) / STAGE_DONE
    return json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else None


def run_training(cfg: TrainConfig, out: Path, resume: bool = False, phase: Phase = _quiet,
                 on_stage: Any = None) -> TrainOutcome:  # fmt: skip
    """Run (or finish) every stage of `cfg` into `out`; `on_stage(name, record, skipped)` after each."""
    prepare(cfg, out, resume)
    torch.set_num_threads(cfg.threads)
    outcome = TrainOutcome(out)
    env: TrainEnv | None = None
    try:
        for stage in cfg.stages:
            record = finished(out, stage.name) if resume else None
            if record is not None:
                outcome.skipped.append(stage.name)
            else:
                env = env or TrainEnv(cfg.env.name, cfg.env.max_steps, cfg.env.catalogue_seed)
                if isinstance(stage, BaseStage):
                    result = run_base(cfg, stage, env, phase)
                else:
                    init = stage_dir(out, stage.init)
                    result = run_rft(cfg, stage, init, env, phase)
                record = _write_stage(out, stage.name, cfg, result)
            outcome.stages[stage.name] = record
            if on_stage is not None:
                on_stage(stage.name, record, stage.name in outcome.skipped)
    finally:
        if env is not None:
            env.close()
    return outcome
