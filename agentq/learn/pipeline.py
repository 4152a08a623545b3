"""A training run: its folder, the stages in order, a checkpoint after each, resume after a kill.

Layout of ``OUT``: ``config.yaml`` (the resolved config), ``checkpoints/<stage>/`` with
``{policy,critic,judge}.safetensors`` + ``.json`` and ``stage.json`` (written last: the stage is
done; it records the checkpoints' hashes, the stage's notes and its wall time, ``wall_s``). A
stage is written into a hidden ``.<stage>.partial`` folder and renamed when complete, so a kill
leaves either a finished stage or nothing; ``--resume`` skips finished stages.

Iterated stages (``agentq``, ``outcome_dpo``) write one folder per iteration,
``<stage>_iter<i>``, then ``<stage>`` (a copy of the last); their preference data goes to
``data/<stage>_iter<i>/`` (``pairs.jsonl``; step pairs also in TRL's two formats). On a site
without an expert, ``data/bootstrap/`` logs the demonstrations' search (run once per folder).
``checkpoints/final`` is a copy of the config's final stage (by default the last ``agentq`` one).
A copy's ``stage.json`` names its source (``copy_of``); the ``<stage>`` copy also records the
iterations and, top level, ``collection_env_steps`` and ``wall_s`` summed over them (its
``notes`` are the last iteration's).
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .checkpoint import KINDS, save
from .collect import TrainEnv
from agentq.planner.preferences import PairLine
from agentq.results import atomic_write_bytes, row_line

from .config import FINAL, BaseStage, IteratedStage, RFTStage, TrainConfig, dump_train_config, load_train_config
from .preference_stages import run_agentq_iteration, run_outcome_dpo_iteration
from .stages import Phase, StageResult, _quiet, run_base, run_rft
from .trl_format import write_trl

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


def _write_stage(out: Path, name: str, cfg: TrainConfig, result: StageResult, started: float) -> dict[str, Any]:
    """Save the stage's models and its record (``wall_s``: seconds since `started`, a perf_counter)."""
    final = stage_dir(out, name)
    partial = final.with_name(f".{name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    hashes = {}
    for kind in KINDS:
        notes = {"stage": name, "run": cfg.name, "seed": cfg.seed}
        hashes[kind] = save(partial, kind, result.models[kind], cfg.features, cfg.model, notes)
    record = {"stage": name, "hashes": hashes, "notes": result.notes, "wall_s": round(time.perf_counter() - started, 1)}
    (partial / STAGE_DONE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    return record


def _copy_stage(out: Path, source: str, name: str, note: dict[str, Any]) -> dict[str, Any]:
    """Copy a finished stage folder to `name` (atomically, like a trained stage)."""
    final = stage_dir(out, name)
    partial = final.with_name(f".{name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(stage_dir(out, source), partial)
    record = json.loads((partial / STAGE_DONE).read_text(encoding="utf-8"))
    record = {**record, "stage": name, "copy_of": source, **note}
    (partial / STAGE_DONE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    return record


def _write_data(out: Path, unit: str, pairs: list[dict[str, Any]]) -> None:
    """``data/<unit>/pairs.jsonl`` and, for step-level pairs, the TRL files beside it."""
    folder = out / "data" / unit
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(folder / "pairs.jsonl", b"".join(row_line(p) for p in pairs))
    if pairs and "prompt" in pairs[0]:
        fields = PairLine.model_fields  # the TRL files take the pair's own fields (the progress marks are ours)
        write_trl([PairLine.model_validate({k: v for k, v in p.items() if k in fields}) for p in pairs], folder)


def iteration_name(stage: str, iteration: int) -> str:
    """The folder of one iteration of an iterated stage."""
    return f"{stage}_iter{iteration}"


def _run_iterated(cfg: TrainConfig, stage: IteratedStage, out: Path, env_of: Any, resume: bool,
                  phase: Phase) -> list[tuple[str, dict[str, Any], bool]]:  # fmt: skip
    """Each iteration (skipping finished ones on resume), then the stage's copy of the last."""
    run = run_agentq_iteration if stage.kind == "agentq" else run_outcome_dpo_iteration
    previous = stage.init
    units = []
    for i in range(1, stage.iterations + 1):
        unit = iteration_name(stage.name, i)
        record = finished(out, unit) if resume else None
        skipped = record is not None
        if record is None:
            started = time.perf_counter()
            result = run(cfg, stage, i, stage_dir(out, previous), env_of(), phase)  # type: ignore[arg-type]
            _write_data(out, unit, result.pairs)
            record = _write_stage(out, unit, cfg, result, started)
        units.append((unit, record, skipped))
        previous = unit
    steps = sum(r["notes"].get("collection_env_steps", 0) for _, r, _ in units)
    wall = round(sum(r.get("wall_s", 0.0) for _, r, _ in units), 1)
    copy = _copy_stage(out, previous, stage.name, {"iterations": stage.iterations, "collection_env_steps": steps, "wall_s": wall})
    return [*units, (stage.name, copy, False)]


def finished(out: Path, stage: str) -> dict[str, Any] | None:
    """The stage.json record of a finished stage, else None."""
    marker = stage_dir(out, stage) / STAGE_DONE
    return json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else None


def run_training(cfg: TrainConfig, out: Path, resume: bool = False, phase: Phase = _quiet,
                 on_stage: Any = None, workers: int = 1) -> TrainOutcome:  # fmt: skip
    """Run (or finish) every stage of `cfg` into `out`; `on_stage(name, record, skipped)` after each.

    With `workers` > 1, stages whose starting point is trained run at once, each in a process of
    its own (`phase` then reports only the stages run here). Every stage gets a fresh env, so a
    stage's models are the same whichever stages ran before it or beside it.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    prepare(cfg, out, resume)
    outcome = TrainOutcome(out)

    def record(units: list[tuple[str, dict[str, Any], bool]]) -> None:
        for unit, rec, skipped in units:
            outcome.stages[unit] = rec
            if skipped:
                outcome.skipped.append(unit)
            if on_stage is not None:
                on_stage(unit, rec, skipped)

    if workers == 1:
        for stage in cfg.stages:
            record(_train_stage(cfg, stage.name, out, resume, phase))
    else:
        _train_in_parallel(cfg, out, resume, workers, record)
    final = cfg.final_stage()
    if final is not None:
        rec = finished(out, FINAL) if resume else None
        if rec is None or rec.get("copy_of") != final or rec["hashes"] != outcome.stages[final]["hashes"]:
            rec = _copy_stage(out, final, FINAL, {})
        record([(FINAL, rec, False)])
    return outcome


def _train_stage(cfg: TrainConfig, name: str, out: Path, resume: bool,
                 phase: Phase = _quiet) -> list[tuple[str, dict[str, Any], bool]]:  # fmt: skip
    """Train (or skip, when finished) one stage with an env of its own: (unit, record, skipped) for
    each of its iterations, then the stage itself."""
    torch.set_num_threads(cfg.threads)
    stage = cfg.stage(name)
    done = finished(out, stage.name) if resume else None
    if done is not None:
        return [(stage.name, done, True)]
    env: TrainEnv | None = None

    def env_of() -> TrainEnv:
        nonlocal env
        env = env or TrainEnv(cfg.env.name, cfg.env.max_steps, cfg.env.catalogue_seed, out / "data" / "bootstrap")
        return env

    units: list[tuple[str, dict[str, Any], bool]] = []
    started = time.perf_counter()
    try:
        if isinstance(stage, BaseStage):
            units.append((stage.name, _write_stage(out, stage.name, cfg, run_base(cfg, stage, env_of(), phase), started), False))
        elif isinstance(stage, RFTStage):
            result = run_rft(cfg, stage, stage_dir(out, stage.init), env_of(), phase)
            units.append((stage.name, _write_stage(out, stage.name, cfg, result, started), False))
        else:
            units += _run_iterated(cfg, stage, out, env_of, resume, phase)
    finally:
        if env is not None:
            env.close()
    return units


def _train_in_parallel(cfg: TrainConfig, out: Path, resume: bool, workers: int, record: Any) -> None:
    """Each stage in a process of its own as soon as the stage it starts from is trained."""
    waiting = [s.name for s in cfg.stages]
    ready: set[str] = set()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        running: dict[Future[Any], str] = {}
        while waiting or running:
            for name in list(waiting):
                init = getattr(cfg.stage(name), "init", None)
                if init is None or init in ready:
                    running[pool.submit(_train_stage, cfg, name, out, resume)] = name
                    waiting.remove(name)
            if not running:
                raise TrainRunError(f"stages {waiting} start from stages that never finish")  # link_errors rules this out
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                ready.add(running.pop(future))
                record(future.result())
