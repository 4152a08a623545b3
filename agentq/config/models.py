"""The experiment schema: pydantic models, the env/worker table, ConfigError and did-you-mean hints."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from agentq.agents.settings import AgentKind


# env.name -> worker class; any "package.module:Class" string is imported as a plugin.
WORKERS: dict[str, str] = {"restaurant": "agentq.agents.worker:SiteWorker", "miniwob": "agentq.agents.worker:SiteWorker"}
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


def _check_agent_kind(kind: str) -> str:
    known = get_args(AgentKind)
    if kind in known or _PLUGIN_RE.match(kind):
        return kind
    raise ValueError(
        f"unknown agent kind {kind!r}{_suggest(kind, known)}; use one of {', '.join(known)} "
        "or an agent class 'package.module:Class'"
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
    catalogue_seed: int = Field(0, ge=0)  # 1000 and up: a catalogue whose names no frozen suite uses
    options: dict[str, Any] = Field(default_factory=dict)  # worker-specific settings, passed through

    @model_validator(mode="after")
    def _site_backends(self) -> EnvConfig:
        """A site without some backend (e.g. no in-process model) searches in one it has by default,
        and asking for a missing one is an error that says why."""
        from agentq.agents.sites import site_backends

        offered = site_backends(self.name)
        if offered is None:
            return self
        backends, note = offered
        if "search_backend" not in self.model_fields_set:
            self.search_backend = backends[0]  # type: ignore[assignment]
        for key in ("backend", "search_backend"):
            if getattr(self, key) not in backends:
                raise ValueError(f"{key}: {getattr(self, key)!r} is not available on env {self.name!r} ({note})")
        return self


class TasksConfig(_Model):
    """Which tasks: all of a split, a seeded stratified sample of n, explicit ids, or n tasks freshly
    drawn from the task generator with `generate_seed` (tasks no one has looked at)."""

    split: str = "dev"
    n: int | None = Field(None, ge=1)
    difficulty: Annotated[list[str] | None, BeforeValidator(_as_list)] = None
    ids: list[str] | None = None
    sample_seed: int = 0
    generate_seed: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _generated_needs_n(self) -> TasksConfig:
        if self.generate_seed is not None:
            if self.n is None:
                raise ValueError("generate_seed needs n (how many tasks to generate)")
            if self.ids is not None:
                raise ValueError("give either ids or generate_seed, not both")
        return self


class AgentConfig(_Model):
    """One agent: its kind, the components that kind uses, and the kind's settings (`planner:`).

    `kind` defaults to ``mcts`` when a `planner` block is given and ``pure`` otherwise (the
    shape of configs written before kinds existed).
    """

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    kind: Annotated[str, AfterValidator(_check_agent_kind)] | None = None  # a built-in kind or "pkg.module:Class"
    policy: ComponentSpec | None = None
    critic: ComponentSpec | None = None
    judge: ComponentSpec | None = None
    planner: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _default_kind(self) -> AgentConfig:
        self.kind = self.kind or ("mcts" if self.planner is not None else "pure")
        return self


class OutputConfig(_Model):
    """Where and what to write."""

    dir: str = "runs"
    plots: bool = True
    save_trees: Literal["first", "none", "all"] = "first"
    save_pairs: bool = False  # write each mcts episode's preference pairs (DPO data) to pairs/
    save_traces: bool = True  # write each episode's steps (page before, action, error) to traces/
    screenshots: bool = False  # with a browser acting env, a PNG of the page before every step


class ExperimentConfig(_Model):
    """A whole experiment (what ``experiments/*.yaml`` holds)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    seed: int = 0
    # every agent and sweep point of a task gets the same episode seed (paired ablations share the
    # policy's random numbers); off: the seed also hashes the agent's name and sweep point
    common_random_numbers: bool = False
    workers: int = Field(1, ge=1)
    env: EnvConfig = Field(default_factory=EnvConfig)
    tasks: TasksConfig = Field(default_factory=TasksConfig)
    agents: list[AgentConfig] = Field(min_length=1)
    sweep: dict[str, list[Any]] = Field(default_factory=dict)
    output: OutputConfig = Field(default_factory=OutputConfig)
    executor: Literal["process", "ray"] = "process"  # where episodes run; not in the config hash
    ray_address: str | None = None  # executor ray: a cluster to join; None starts a local Ray

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
