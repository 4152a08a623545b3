"""The MiniWoB site as experiments see it: implements `envs.site.ExperimentSite` (tasks, envs, the
page's verdict) for `python -m agentq.run --env miniwob`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mock_sites.miniwob import tasks

NO_EXPERT = "MiniWoB has no expert"


@dataclass(frozen=True)
class PageVerdict:
    """The page's own verdict: success is a raw reward of exactly 1.0."""

    success: bool
    partial: float
    criteria: dict[str, bool] = field(default_factory=dict)


class MiniWoBSite:
    """Adapter between MiniWoB++ task pages and the experiment runner."""

    name = "miniwob"
    has_expert = False
    backends = ("browser",)
    backend_note = "MiniWoB tasks are JavaScript pages with no in-process model, so search runs in a second browser env"
    env_options = {  # what an experiment's env.options may set (keyword arguments of `MiniWoBEnv`)
        "chromium_path": "the Chromium executable to launch (default: Playwright's own)",
        "headless": "run that Chromium without a window (default true)",
    }

    # -- tasks -------------------------------------------------------------------------------
    def load_tasks(self, split: str) -> tuple[tasks.MiniWoBTask, ...]:
        return tasks.load_suite(split)

    def task_by_id(self, task_id: str) -> tasks.MiniWoBTask:
        return tasks.parse_task_id(task_id)

    def coerce_task(self, task: Any) -> tasks.MiniWoBTask:
        if isinstance(task, tasks.MiniWoBTask):
            return task
        parsed = tasks.MiniWoBTask.model_validate(task)
        tasks.check_task_name(parsed.name)
        return parsed

    def list_tasks(self, split: str, catalogue_seed: int = 0) -> list[dict[str, str]]:  # noqa: ARG002 - no catalogue
        return [{"id": t.id, "difficulty": t.difficulty} for t in tasks.load_suite(split)]

    def generate_tasks(self, seed: int, n: int, catalogue_seed: int = 0) -> list[dict[str, str]]:  # noqa: ARG002
        """`n` fresh (task, seed) pairs drawn with `seed` (seeds outside the frozen lists)."""
        return [{"id": t.id, "difficulty": t.difficulty} for t in tasks.generate_fresh(seed, n)]

    # -- envs and verdicts -------------------------------------------------------------------
    def make_env(self, backend: str, **kwargs: Any) -> Any:
        """`agentq/MiniWoB-v0` (gymnasium's checker and order enforcement on)."""
        import gymnasium as gym

        import mock_sites.miniwob

        if backend not in self.backends:
            raise ValueError(f"env backend {backend!r} is not available on miniwob: {self.backend_note}")
        return gym.make(mock_sites.miniwob.MINIWOB_ENV_ID, backend=backend, **kwargs)

    def evaluate_state(self, state: Any) -> PageVerdict:
        """The page's reward for the episode so far (privileged: it reads the task's check)."""
        success = bool(state.terminated and state.raw_reward >= 1.0)
        return PageVerdict(success=success, partial=max(0.0, float(state.raw_reward)))

    def expert_action(self, view: Any) -> str:  # noqa: ARG002 - the contract's signature
        raise NotImplementedError(f"{NO_EXPERT}: no component may ask for the expert's action here")

    def components(self) -> list[Any]:
        """MiniWoB provides no components of its own."""
        return []

    def unavailable_components(self) -> dict[tuple[str, str], str]:
        """(kind, name) of the components that need an expert or that other sites provide, with why."""
        from agentq.components.registry import not_provided_on  # late: the registry reads this adapter

        expert = f"needs the expert, and {NO_EXPERT}"
        return {
            ("policy", "noisy_expert"): expert,
            ("critic", "expert"): expert,
            ("critic", "noisy_expert"): expert,
            **not_provided_on(self.name),
        }
