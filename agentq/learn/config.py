"""The training config (``experiments/learn/*.yaml``): pydantic schema, YAML loading with
``FILE:LINE: field.path: message`` errors, ``--set`` overrides. Train tasks only: a dev, test or
generated task is refused with an error naming the field."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agentq.config.models import ConfigError, Loc, Override
from agentq.config.paths import _assign, format_loc, parse_set, resolve_path
from agentq.config.validation import _Context, _explain
from agentq.config.yaml_io import _read_yaml

from .features import FeatureConfig
from .fitting import FitConfig
from .model import ModelConfig

TRAIN_SPLIT = "train"
_GENERATED = re.compile(r"^s\d+-\d+$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TrainEnvConfig(_Model):
    """The env the data is collected in (always the in-process http backend)."""

    name: str = "restaurant"
    max_steps: int = Field(30, ge=1)
    catalogue_seed: int = 0


class TrainTasks(_Model):
    """Which train tasks: the whole train split in a seeded order, its first `n`, or explicit ids."""

    split: str = TRAIN_SPLIT
    n: int | None = Field(None, ge=1)
    ids: list[str] | None = None
    generate_seed: int | None = None  # named only to be refused clearly

    @field_validator("split")
    @classmethod
    def _train_split(cls, split: str) -> str:
        if split != TRAIN_SPLIT:
            raise ValueError(f"agentq.train trains on the train split only; {split!r} is kept for evaluation")
        return split

    @field_validator("generate_seed")
    @classmethod
    def _no_generated(cls, seed: int | None) -> int | None:
        if seed is not None:
            raise ValueError("agentq.train refuses generated tasks: they are fresh evaluation tasks")
        return seed

    @field_validator("ids")
    @classmethod
    def _train_ids(cls, ids: list[str] | None) -> list[str] | None:
        for task_id in ids or ():
            if not task_id.startswith(f"{TRAIN_SPLIT}-"):
                kind = "a generated evaluation task" if _GENERATED.match(task_id) else "not a train task"
                raise ValueError(f"agentq.train trains on train tasks only; {task_id!r} is {kind}")
        return ids


class Fits(_Model):
    """Optimiser settings of the three models a stage trains."""

    policy: FitConfig = Field(default_factory=FitConfig)
    critic: FitConfig = Field(default_factory=FitConfig)
    judge: FitConfig = Field(default_factory=lambda: FitConfig(epochs=6))


class BaseStage(_Model):
    """Behaviour cloning from `demos` expert demonstrations on train tasks (the first `demos` of the
    seeded task order); the judge learns from those plus `judge_rollouts` of the new policy."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["base"]
    demos: int = Field(ge=1)
    judge_rollouts: int = Field(200, ge=0)
    prefix_every: int = Field(4, ge=0)
    fit: Fits = Field(default_factory=Fits)


class RFTStage(_Model):
    """Rejection fine-tuning: the `init` stage's policy samples `samples` rollouts per train task
    for `rounds` rounds and is fine-tuned on its own successes (and, with `keep_demos`, the
    init stage's demonstrations). Success is the evaluator's verdict on the train task."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["rft"]
    init: str
    rounds: int = Field(2, ge=1)
    samples: int = Field(2, ge=1)
    tasks_per_round: int | None = Field(None, ge=1)
    temperature: float = Field(1.0, gt=0)
    keep_demos: bool = True
    prefix_every: int = Field(4, ge=0)
    fit: Fits = Field(default_factory=Fits)


Stage = Annotated[BaseStage | RFTStage, Field(discriminator="kind")]


class TrainConfig(_Model):
    """A whole training run (what ``experiments/learn/*.yaml`` holds)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    seed: int = 0
    threads: int = Field(1, ge=1)
    env: TrainEnvConfig = Field(default_factory=TrainEnvConfig)
    tasks: TrainTasks = Field(default_factory=TrainTasks)
    features: FeatureConfig = Field(default_factory=FeatureConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    stages: list[Stage] = Field(min_length=1)

    @model_validator(mode="after")
    def _stage_order(self) -> TrainConfig:
        seen: list[str] = []
        for stage in self.stages:
            if stage.name in seen:
                raise ValueError(f"duplicate stage name {stage.name!r}")
            if isinstance(stage, RFTStage) and stage.init not in seen:
                raise ValueError(f"stage {stage.name!r}: init {stage.init!r} must name an earlier stage (earlier: {seen})")
            seen.append(stage.name)
        return self

    def stage(self, name: str) -> BaseStage | RFTStage:
        """The stage called `name`."""
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)


def _untagged(loc: Loc) -> Loc:
    """Drop the union tag pydantic puts after a stage's index (``stages[0].base.demos``)."""
    return tuple(p for i, p in enumerate(loc) if not (i >= 2 and loc[0] == "stages" and i == 2 and p in ("base", "rft")))


def _raise(errors: list[tuple[Loc, str]], ctx: _Context) -> NoReturn:
    errors = [(_untagged(loc), msg) for loc, msg in errors]
    lines = [f"{ctx.where(loc)}: {format_loc(loc)}: {msg}" for loc, msg in errors]
    raise ConfigError("\n".join(["invalid training config:", *lines]) if len(lines) > 1 else lines[0])


def train_config_from_dict(data: dict[str, Any], source: str = "<config>", overrides: Sequence[str | Override] = (),
                           lines: dict[Loc, int] | None = None) -> TrainConfig:  # fmt: skip
    """Validate a training config mapping after applying ``key.path=value`` overrides."""
    data = copy.deepcopy(data)
    ctx = _Context(source, lines or {}, [])
    for item in overrides:
        ov = parse_set(item) if isinstance(item, str) else item
        loc = resolve_path(data, ov.path, ov.source)
        _assign(data, loc, copy.deepcopy(ov.value), ov.source)
        ctx.overrides.insert(0, (loc, ov.source))
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as exc:
        _raise(_explain(exc, (), TrainConfig), ctx)


def load_train_config(path: str | Path, overrides: Sequence[str | Override] = ()) -> TrainConfig:
    """Read, override and validate a training YAML file."""
    path = Path(path)
    data, lines = _read_yaml(path)
    return train_config_from_dict(data, str(path), overrides, lines)


def dump_train_config(cfg: TrainConfig) -> str:
    """The resolved config as YAML (what ``OUT/config.yaml`` holds)."""
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
