"""The contract between a mock site and the generic web environment.

A site package (e.g. `mock_sites.restaurant`) provides one `SiteAdapter`; the environment
knows nothing else about the site. A second site fits beside the first by adding an adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from flask import Flask

from envs.page import Element, Page


class Evaluation(Protocol):
    """The evaluator's verdict on an episode."""

    success: bool
    partial: float
    criteria: dict[str, bool]


@dataclass(frozen=True)
class ExpertView:
    """Everything the expert may look at to choose the next action (it is privileged)."""

    task: Any
    url: str
    page: Page
    values: dict[int, str]
    dialogue: tuple[tuple[str, str], ...]
    session: dict
    bookings: list[dict]


class SiteAdapter(Protocol):
    """What the environment needs from a site."""

    name: str

    def create_app(self, sandbox_token: str, catalogue_seed: int) -> Flask:
        """A fresh app (its own database) with the sandbox control endpoints on."""

    def load_tasks(self, split: str) -> tuple[Any, ...]:
        """A frozen task suite."""

    def task_by_id(self, task_id: str) -> Any:
        """Any task of any suite by id."""

    def coerce_task(self, task: Any) -> Any:
        """A task object from a task or its dict form (validated)."""

    def initial_session(self, task: Any, episode_seed: int) -> dict:
        """The server-side session record an episode starts from (the task's obstacles)."""

    def is_terminal(self, url: str) -> bool:
        """Whether reaching `url` ends the episode (e.g. a confirmation page)."""

    def evaluate(self, task: Any, bookings: list[dict], stop_answer: str | None) -> Evaluation:
        """Ground truth from the database rows."""

    def expert_action(self, view: ExpertView) -> str:
        """The next correct action from any state."""

    def answer_user(self, task: Any, question: str) -> str:
        """What the simulated user answers (from the hidden profile)."""

    def fill_candidates(self, instruction: str, dialogue: tuple[tuple[str, str], ...], element: Element) -> list[str]:
        """Strings a non-LLM policy may type into `element`, read from public text only."""

    def questions(self) -> list[str]:
        """Questions a policy may ask the user."""

    def stop_answers(self) -> list[str]:
        """Answers a policy may stop with."""


@runtime_checkable
class ExperimentSite(Protocol):
    """What experiments need from any site, whatever drives its pages (the restaurant's Flask app
    under `WebAgentEnv`, MiniWoB's JavaScript pages under their own env)."""

    name: str
    has_expert: bool  # False: no expert actions or distances; measured component quality is null
    backends: tuple[str, ...]  # the env backends it offers; the first is the default search backend
    env_options: dict[str, str]  # the keys an experiment's env.options may set (make_env's own), with what each does

    def make_env(self, backend: str, **kwargs: Any) -> Any:
        """Its gymnasium env on `backend`."""

    def list_tasks(self, split: str, catalogue_seed: int = 0) -> list[dict[str, str]]:
        """Ids and difficulties of a frozen suite; a ValueError when the suite is not on the
        env's catalogue `catalogue_seed`."""

    def generate_tasks(self, seed: int, n: int, catalogue_seed: int = 0) -> list[dict[str, str]]:
        """Ids and difficulties of `n` fresh tasks drawn with `seed` from catalogue `catalogue_seed`."""

    def task_by_id(self, task_id: str) -> Any:
        """Any task by id (the id alone names it, catalogue included: every process resolves it alike)."""

    def evaluate_state(self, state: Any) -> Evaluation:
        """The verdict on the episode an env snapshot holds (privileged)."""

    def components(self) -> list[Any]:
        """The components the site provides for its own pages (the agent side's registry entries,
        e.g. hand-written heuristics); the registry builds them by name on this site only."""

    def unavailable_components(self) -> dict[tuple[str, str], str]:
        """(kind, name) of components that cannot run on this site, with the reason (those that
        other sites provide among them)."""
