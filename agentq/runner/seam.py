"""The seam to the environments: episode specs and results, the worker protocol, importing a worker."""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from agentq.config import WORKERS, AgentConfig, EnvConfig


class RunnerError(RuntimeError):
    """The run cannot start or go on (bad worker, foreign run folder, crashing start-up...)."""


class RunInputError(RunnerError):
    """The run cannot start because of what it was given (a worker that cannot be imported, a run
    folder that holds another run): the command line exits 2, as for a bad config."""


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
    pairs_path: str | None = None  # absolute; write the episode's preference pairs there as JSONL
    trace_path: str | None = None  # absolute; write the episode's step-by-step trace there as JSON
    screenshots: bool = False  # save the acting page before every step beside the trace (browser only)


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
        raise RunInputError(
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
        raise RunInputError(f"env {env_name!r}: module {module} has no class {cls_name!r}")
    missing_methods = [m for m in ("describe_agent", "run", "close") if not callable(getattr(cls, m, None))]
    if missing_methods:
        raise RunInputError(f"env {env_name!r}: worker {ref} lacks {missing_methods} (see EpisodeWorker)")
    return cls
