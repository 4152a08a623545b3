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

from agentq.config.models import ConfigError, EnvConfig, Loc, Override
from agentq.config.paths import _assign, format_loc, parse_set, resolve_path
from agentq.config.validation import _Context, _explain
from agentq.config.yaml_io import _read_yaml

from agentq.planner.config import MCTSConfig

from .features import FeatureConfig
from .fitting import FitConfig
from .model import ModelConfig
from .probe import ProbePlanner

TRAIN_SPLIT = "train"
FINAL = "final"  # the folder name of the final models
_GENERATED = re.compile(r"^s\d+-\d+$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TrainEnvConfig(_Model):
    """The env the data is collected in (always the in-process http backend)."""

    name: str = EnvConfig.model_fields["name"].default  # the experiments' default env
    max_steps: int = Field(30, ge=1)
    catalogue_seed: int = 0


class TrainTasks(_Model):
    """Which train tasks: the whole train split in a seeded order, its first `n`, or explicit ids.

    The last `holdout` tasks of the seeded order are held out from every fit and every
    collection: grouped by task, they validate the fits (early stopping) and measure the judge
    and the critic on the pages search reaches there."""

    split: str = TRAIN_SPLIT
    n: int | None = Field(None, ge=1)
    ids: list[str] | None = None
    holdout: int = Field(50, ge=0, description="train tasks held out from fitting, for validation")
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


class JudgeHardening(_Model):
    """Hardening each stage's judge against search (as reward models are hardened): search with
    the stage's learned policy, critic and judge (the evaluation's planner) on `tasks` fitted train
    tasks, label every page the judge was asked about with the environment's reward, add them (its
    false positives `false_positive_copies` times) to the judge's data and refit; `rounds` times at
    most, stopping once its precision on `measure_tasks` held-out tasks' search pages reaches
    `target_precision`. ``rounds: 0`` only measures."""

    rounds: int = Field(3, ge=0, le=20)
    tasks: int = Field(100, ge=1)
    measure_tasks: int = Field(50, ge=1)
    target_precision: float = Field(0.9, gt=0.0, le=1.0)
    false_positive_copies: int = Field(2, ge=1, le=20)
    planner: ProbePlanner = Field(default_factory=ProbePlanner)


class BaseStage(_Model):
    """Behaviour cloning from `demos` expert demonstrations on train tasks (the first `demos` of the
    seeded task order); the judge learns from those plus `judge_rollouts` of the new policy."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["base"]
    demos: int = Field(ge=1)
    judge_rollouts: int = Field(200, ge=0)
    prefix_every: int = Field(4, ge=0)
    fit: Fits = Field(default_factory=lambda: Fits(policy=FitConfig(epochs=60, patience=6), critic=FitConfig(epochs=60, patience=6),
                                                   judge=FitConfig(epochs=6)))  # fmt: skip


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
    env_steps: int | None = Field(None, ge=1)
    fit: Fits = Field(default_factory=Fits)

    @model_validator(mode="after")
    def _one_budget(self) -> RFTStage:
        if self.env_steps is not None and self.tasks_per_round is not None:
            raise ValueError("give env_steps (a per-round env-step budget) or tasks_per_round, not both")
        return self


class CollectionPlanner(MCTSConfig):
    """The planner that collects Agent Q's trees: Agent Q's original rules (UCB1, sampled rollouts
    judged where they stop, most visits; the loop's figures were measured with them) with the
    defaults chosen on dev (16 simulations of at most 30 new env steps per decision, pairs more
    than 0.5 apart)."""

    simulations: int | None = Field(16, ge=0)
    max_env_steps: int | None = Field(30, ge=0)
    max_depth: int = Field(30, ge=1)
    theta: float = Field(0.5, ge=0.0)
    selection: Literal["ucb", "puct"] = "ucb"
    final: Literal["trajectory", "visits", "q"] = "visits"
    stop_on_accept: bool = False
    rollout: Literal["sample", "critic"] = "sample"
    rollout_to_tree: bool = False
    cut_value: Literal["zero", "critic", "judge"] = "judge"


class AgentQStage(_Model):
    """Agent Q's iterations from the `init` stage: each collects MCTS trees on train tasks with the
    current policy and critic (leaves valued by the evaluator) for `env_steps` env steps, mines
    step-level pairs at every node (eq. 10 with the planner's `alpha` and `theta`), trains the
    policy with DPO against the collecting policy's logged log-probabilities (`beta`), the critic
    on the search's values and the judge on the judged outcomes; the next iteration collects with
    the new models (the reference moves). ``planner.alpha: 1`` is the paper's "step DPO, MCTS Q only"."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["agentq"]
    init: str
    iterations: int = Field(2, ge=1)
    env_steps: int = Field(ge=1)
    episode_env_steps: int | None = Field(None, ge=1, description="cap on one episode's search + acting steps")
    planner: CollectionPlanner = Field(default_factory=CollectionPlanner)
    beta: float = Field(0.5, gt=0)
    sft_weight: float = Field(0.0, ge=0, description="weight of the chosen actions' NLL beside the DPO loss")
    anchor_weight: float = Field(0.0, ge=0, description="weight of behaviour cloning on the base's demonstrations beside DPO")
    validation_share: float = Field(0.1, ge=0.0, lt=1.0, description="share of the collected tasks whose pairs only validate (early stopping)")
    tasks_per_iteration: int | None = Field(None, ge=1, description="distinct train tasks an iteration cycles through (default: all)")
    fit: Fits = Field(default_factory=Fits)


class OutcomeDPOStage(_Model):
    """Trajectory-level DPO (the paper's outcome-supervision ablation): each iteration samples
    `samples` episodes per train task from the current policy for `env_steps` env steps, pairs every
    successful episode with every failed one of the same task (at most `max_pairs_per_task`), and
    trains the policy with DPO on whole trajectories (log-probabilities summed over the steps)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["outcome_dpo"]
    init: str
    iterations: int = Field(2, ge=1)
    env_steps: int = Field(ge=1)
    samples: int = Field(4, ge=2)
    temperature: float = Field(1.0, gt=0)
    max_pairs_per_task: int = Field(4, ge=1)
    beta: float = Field(0.5, gt=0)
    sft_weight: float = Field(0.0, ge=0, description="weight of the chosen trajectories' NLL beside the DPO loss")
    anchor_weight: float = Field(0.0, ge=0, description="weight of behaviour cloning on the base's demonstrations beside DPO")
    validation_share: float = Field(0.1, ge=0.0, lt=1.0, description="share of the sampled tasks whose pairs only validate (early stopping)")
    fit: Fits = Field(default_factory=Fits)


IteratedStage = AgentQStage | OutcomeDPOStage
Stage = Annotated[BaseStage | RFTStage | AgentQStage | OutcomeDPOStage, Field(discriminator="kind")]


class TrainConfig(_Model):
    """A whole training run (what ``experiments/learn/*.yaml`` holds)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    seed: int = 0
    threads: int = Field(1, ge=1)
    env: TrainEnvConfig = Field(default_factory=TrainEnvConfig)
    tasks: TrainTasks = Field(default_factory=TrainTasks)
    features: FeatureConfig = Field(default_factory=FeatureConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    judge_hardening: JudgeHardening = Field(default_factory=JudgeHardening)
    stages: list[Stage] = Field(min_length=1)
    final: str | None = Field(None, description="the stage copied to checkpoints/final (default: the last agentq stage)")

    def link_errors(self) -> list[tuple[Loc, str]]:
        """Stage names that must be unique, `init` naming an earlier stage, `final` naming a stage."""
        return link_errors([(s.name, getattr(s, "init", None)) for s in self.stages], self.final)

    def final_stage(self) -> str | None:
        """The stage whose models become ``checkpoints/final``: `final`, else the last agentq stage."""
        if self.final is not None:
            return self.final
        agentq = [s.name for s in self.stages if isinstance(s, AgentQStage)]
        return agentq[-1] if agentq else None

    def stage(self, name: str) -> BaseStage | RFTStage | AgentQStage | OutcomeDPOStage:
        """The stage called `name`."""
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)


def link_errors(stages: Sequence[tuple[Any, Any]], final: Any) -> list[tuple[Loc, str]]:
    """The links between stages, given as (name, init) in order, and the `final` stage's name."""
    errors: list[tuple[Loc, str]] = []
    seen: list[str] = []
    for i, (name, init) in enumerate(stages):
        if name in seen or name == FINAL:
            errors.append((("stages", i, "name"), f"duplicate or reserved stage name {name!r}"))
        if init is not None and init not in seen:
            errors.append((("stages", i, "init"), f"{init!r} must name an earlier stage (earlier: {seen})"))
        seen.append(name)
    if final is not None and final not in seen:
        errors.append((("final",), f"{final!r} must name a stage (stages: {seen})"))
    return errors


def _raw_link_errors(data: Any) -> list[tuple[Loc, str]]:
    """`link_errors` of a mapping that failed the schema, as far as its stages can be read."""
    stages = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(stages, list) or not all(isinstance(s, dict) and isinstance(s.get("name"), str) for s in stages):
        return []
    final = data.get("final")
    return link_errors([(s["name"], s.get("init")) for s in stages], final if isinstance(final, str) else None)


def _untagged(loc: Loc) -> Loc:
    """Drop the union tag pydantic puts after a stage's index (``stages[0].base.demos``)."""
    tags = ("base", "rft", "agentq", "outcome_dpo")
    return tuple(p for i, p in enumerate(loc) if not (loc[0] == "stages" and i == 2 and p in tags))


def _raise(errors: list[tuple[Loc, str]], ctx: _Context) -> NoReturn:
    errors = sorted(((_untagged(loc), msg) for loc, msg in errors), key=lambda e: ctx.line(e[0]))  # file order
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
        cfg = TrainConfig.model_validate(data)
    except ValidationError as exc:  # with the links between stages, so one run shows every problem
        errors = [(_untagged(loc), msg) for loc, msg in _explain(exc, (), TrainConfig)]
        _raise(errors + [e for e in _raw_link_errors(data) if e[0] not in {loc for loc, _ in errors}], ctx)
    errors = cfg.link_errors()
    if errors:
        _raise(errors, ctx)
    return cfg


def load_train_config(path: str | Path, overrides: Sequence[str | Override] = ()) -> TrainConfig:
    """Read, override and validate a training YAML file."""
    path = Path(path)
    data, lines = _read_yaml(path)
    return train_config_from_dict(data, str(path), overrides, lines)


def dump_train_config(cfg: TrainConfig) -> str:
    """The resolved config as YAML (what ``OUT/config.yaml`` holds)."""
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
