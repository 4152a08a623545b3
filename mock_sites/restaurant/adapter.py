"""The restaurant site as the web environment and the agents see it: implements
`envs.site.SiteAdapter` (for the env) and the task and env hooks `agentq` runs experiments through."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from envs.page import Element
from envs.site import ExpertView
from mock_sites.restaurant import evaluator, expert, reading, tasks, user
from mock_sites.restaurant.app import create_app
from mock_sites.restaurant.expert import SEATING_QUESTION, UNAVAILABLE_ANSWER
from mock_sites.restaurant.state import SessionState

CONFIRMATION_URL = re.compile(r"^/reservations/TT-[A-Z0-9]{6}$")
GENERATED_ID = re.compile(r"^(?:c([1-9]\d*)-)?s(\d+)-(\d{4})$")  # s7-0003; c1001-s7-0003 on catalogue 1001


class RestaurantSite:
    """Adapter between the TableTop site and `envs.web_env.WebAgentEnv`."""

    name = "restaurant"
    has_expert = True
    backends = ("http", "browser")
    env_options = {  # what an experiment's env.options may set (keyword arguments of `WebAgentEnv`)
        "chromium_path": "the Chromium executable the browser backend launches (default: Playwright's own)",
        "headless": "run that Chromium without a window (default true)",
        "server_url": "drive an already running TableTop server instead of starting one (browser backend)",
        "server_token": "the sandbox token of that server (needed with server_url)",
    }

    def create_app(self, sandbox_token: str, catalogue_seed: int = 0) -> Flask:
        return create_app(catalogue_seed=catalogue_seed, sandbox_token=sandbox_token)

    def load_tasks(self, split: str) -> tuple[tasks.Task, ...]:
        return tasks.load_suite(split)

    def task_by_id(self, task_id: str) -> tasks.Task:
        """A task of a frozen suite (``dev-0007``) or a generated one (``s<seed>-<index>``, or
        ``c<catalogue>-s<seed>-<index>`` off catalogue 0): the id alone names the task."""
        generated = GENERATED_ID.match(task_id)
        if generated:
            catalogue, seed, index = generated.groups()
            return tasks.generated_task(int(seed), int(index), int(catalogue or tasks.CATALOGUE_SEED))
        try:
            return tasks.task_index()[task_id]
        except KeyError:
            raise KeyError(f"unknown task id {task_id!r}; ids look like 'dev-0007' or, generated, 's7-0003' ('c1001-s7-0003' on catalogue 1001)") from None

    # -- what experiments need -----------------------------------------------------------------
    def make_env(self, backend: str, **kwargs: Any) -> Any:
        """`agentq/Restaurant-v0` on `backend` (gymnasium's checker and order enforcement on)."""
        import gymnasium as gym

        import mock_sites.restaurant  # noqa: F401 - registers the env id

        return gym.make(mock_sites.restaurant.RESTAURANT_ENV_ID, backend=backend, **kwargs)

    def list_tasks(self, split: str, catalogue_seed: int = tasks.CATALOGUE_SEED) -> list[dict[str, str]]:
        """Ids and difficulties of a frozen suite (all drawn from catalogue 0: another is refused)."""
        if catalogue_seed != tasks.CATALOGUE_SEED:
            raise ValueError(
                f"the frozen {split!r} suite is drawn from catalogue {tasks.CATALOGUE_SEED}, not from "
                f"env.catalogue_seed {catalogue_seed}; on another catalogue use tasks.generate_seed"
            )
        return [{"id": t.id, "difficulty": t.difficulty} for t in tasks.load_suite(split)]

    def generate_tasks(self, seed: int, n: int, catalogue_seed: int = tasks.CATALOGUE_SEED) -> list[dict[str, str]]:
        """Ids and difficulties of `n` fresh tasks from the generator with `seed`, on catalogue
        `catalogue_seed` (ids ``s<seed>-<index>``, or ``c<catalogue>-s<seed>-<index>`` off catalogue 0)."""
        return [{"id": t.id, "difficulty": t.difficulty} for t in tasks.generate_fresh(seed, n, catalogue_seed)]

    def coerce_task(self, task: Any) -> tasks.Task:
        return task if isinstance(task, tasks.Task) else tasks.Task.model_validate(task)

    def initial_session(self, task: tasks.Task, episode_seed: int) -> dict:
        state = SessionState(
            default_city=task.start.default_city,
            cookie_banner_pending=task.start.cookie_banner,
            promo_pending=task.start.promo_modal,
            identity=task.start.signed_in_as,
            episode_seed=episode_seed,
        )
        return state.model_dump(mode="json")

    def is_terminal(self, url: str) -> bool:
        return bool(CONFIRMATION_URL.match(url))

    def evaluate(self, task: tasks.Task, bookings: list[dict], stop_answer: str | None) -> evaluator.Evaluation:
        return evaluator.evaluate(task, bookings, stop_answer)

    def evaluate_state(self, state: Any) -> evaluator.Evaluation:
        """The evaluator's verdict on an env snapshot's bookings and stop answer."""
        task = state.task if state.task is not None else self.task_by_id(state.task_id)
        return evaluator.evaluate(task, list(state.bookings), state.stop_answer)

    def components(self) -> list[Any]:
        """The components this site provides for its own pages (registry entries): its hand-written
        heuristic policy, critic and judge (`mock_sites.restaurant.heuristics`)."""
        from mock_sites.restaurant.heuristics.registration import site_components  # late: only when a name needs it

        return site_components()

    def unavailable_components(self) -> dict[tuple[str, str], str]:
        """The components other sites provide (this site has an expert, so the others all run here)."""
        from agentq.components.registry import not_provided_on  # late: the registry reads this adapter

        return not_provided_on(self.name)

    def expert_action(self, view: ExpertView) -> str:
        return expert.next_action(view)

    def answer_user(self, task: tasks.Task, question: str) -> str:
        return user.answer(task, question)

    def fill_candidates(self, instruction: str, dialogue: tuple[tuple[str, str], ...], element: Element) -> list[str]:
        text = " ".join([instruction, *(answer for _, answer in dialogue)])
        return reading.candidates_for_field(element.name, reading.read_request(text))

    def questions(self) -> list[str]:
        return [SEATING_QUESTION]

    def stop_answers(self) -> list[str]:
        return [UNAVAILABLE_ANSWER]
