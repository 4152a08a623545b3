"""The experiment schema: pydantic models, the env/worker table, ConfigError and did-you-mean hints."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


# env.name -> worker class; any "package.module:Class" string is imported as a plugin.
WORKERS: dict[str, str] = {"restaurant": "agentq.episode:RestaurantWorker"}
COMPONENT_KINDS = ("policy", "critic", "judge")
DEFAULT_EXPERIMENT = "hybrid_vs_policy.yaml"
_PLUGIN_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")

Loc = tuple[str | int, ...]


class ConfigError(ValueError):
    """A problem with an experiment config; the message names file, field path and value."""


def _suggest(word: str, options: Sequence[str] | dict) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_component(spec: dict[str, Any]) -> dict[str, Any]:
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("a component spec needs a 'name' (a non-empty string), e.g. {name: noisy_expert}")
    return spec


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _check_env_name(name: str) -> str:
    if name in WORKERS or _PLUGIN_RE.match(name):
        return name
    hint = _suggest(name, WORKERS)
    raise ValueError(
        f"unknown env {name!r}{hint}; use one of {sorted(WORKERS)} or a worker class 'package.module:Class'"
    )


ComponentSpec = Annotated[dict[str, Any], AfterValidator(_check_component)]
"""``{name: str, **params}``: a policy, critic or judge and its parameters."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EnvConfig(_Model):
    """Which environment (worker) runs the episodes, and how."""

    name: Annotated[str, AfterValidator(_check_env_name)] = "restaurant"
    backend: Literal["browser", "http"] = "browser"  # acting backend
    search_backend: Literal["http", "browser"] = "http"  # backend the planner searches in
    max_steps: int = Field(30, ge=1)
    catalogue_seed: int = 0
    options: dict[str, Any] = Field(default_factory=dict)  # worker-specific settings, passed through


class TasksConfig(_Model):
    """Which tasks: all of a split, a seeded stratified sample of n, or explicit ids."""

    split: str = "dev"
    n: int | None = Field(None, ge=1)
    difficulty: Annotated[list[str] | None, BeforeValidator(_as_list)] = None
    ids: list[str] | None = None
    sample_seed: int = 0


class AgentConfig(_Model):
    """One agent: components, and a planner (MCTS settings) or None for the pure policy."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    policy: ComponentSpec
    critic: ComponentSpec | None = None
    judge: ComponentSpec | None = None
    planner: dict[str, Any] | None = None


class OutputConfig(_Model):
    """Where and what to write."""

    dir: str = "runs"
    plots: bool = True
    save_trees: Literal["first", "none", "all"] = "first"
    save_pairs: bool = False  # write each planner episode's preference pairs (DPO data) to pairs/


class ExperimentConfig(_Model):
    """A whole experiment (what ``experiments/*.yaml`` holds)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    seed: int = 0
    workers: int = Field(1, ge=1)
    env: EnvConfig = Field(default_factory=EnvConfig)
    tasks: TasksConfig = Field(default_factory=TasksConfig)
    agents: list[AgentConfig] = Field(min_length=1)
    sweep: dict[str, list[Any]] = Field(default_factory=dict)
    output: OutputConfig = Field(default_factory=OutputConfig)

    def agent(self, name: str) -> AgentConfig:
        """The agent called ``name``."""
        for a in self.agents:
            if a.name == name:
                return a
        raise KeyError(name)


@dataclass(frozen=True)
class Override:
    """One ``--set path=value`` (or a CLI flag turned into one); ``source`` is shown in errors."""

    path: str
    value: Any
    source: str


class SweepGroup(NamedTuple):
    """An agent resolved at one sweep point (only the keys that address that agent)."""

    agent: AgentConfig
    sweep_point: dict[str, Any]
