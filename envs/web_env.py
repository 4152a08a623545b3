"""The gymnasium environment through which an agent (or a planner) drives a mock site."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

import gymnasium as gym
import numpy as np

from envs import actions as grammar
from envs.actions import Action, ActionError, parse_action
from envs.backends.base import Backend, BackendActionFailed, BackendCrashed, PageView, sanitize_typed_text
from envs.observation import render_text
from envs.page import Element, Page, parse_page
from envs.site import SiteAdapter
from envs.spaces import FreeText, observation_space

DEFAULT_MAX_STEPS = 30


def png_to_rgb(png: bytes) -> np.ndarray:
    """A screenshot as the H x W x 3 uint8 array gymnasium's rgb_array render mode returns."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@dataclass(frozen=True)
class EnvState:
    """An opaque, picklable snapshot: page state (url, server session, typed values) + episode state."""

    task_id: str
    episode_seed: int
    url: str
    html: str
    values: tuple[tuple[int, str], ...]
    session: dict
    bookings: tuple[dict, ...]
    history: tuple[str, ...]
    steps: int
    dialogue: tuple[tuple[str, str], ...]
    last_action: str
    last_action_error: str
    terminated: bool
    stop_answer: str | None
    task: Any = field(default=None, compare=False)


class WebAgentEnv(gym.Env):
    """A web-agent environment over a mock site, with an `http` or a `browser` backend.

    Observations are dicts of text (see :mod:`envs.observation`); actions are strings in the
    grammar of :mod:`envs.actions`. The reward is 1 when the evaluator says the episode
    succeeded, given once at its end.
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 1}

    def __init__(
        self,
        site: SiteAdapter,
        backend: str = "http",
        split: str = "dev",
        max_steps: int = DEFAULT_MAX_STEPS,
        render_mode: str | None = None,
        catalogue_seed: int = 0,
        chromium_path: str | None = None,
        server_url: str | None = None,
        server_token: str | None = None,
        headless: bool = True,
        text_observations: bool = True,
    ) -> None:
        if backend not in ("http", "browser"):
            raise ValueError(f"backend must be 'http' or 'browser', got {backend!r}")
        if max_steps < 1:
            raise ValueError(f"max_steps must be >= 1, got {max_steps}")
        self.site = site
        self.backend_name = backend
        self.split = split
        self.max_steps = max_steps
        self.render_mode = render_mode or ("rgb_array" if backend == "browser" else "ansi")
        if self.render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode!r}")
        if self.render_mode == "rgb_array" and backend != "browser":
            raise ValueError("render_mode='rgb_array' needs the browser backend")
        self.catalogue_seed = catalogue_seed
        self.text_observations = text_observations  # False: "text" stays empty (a copy that only moves between states)
        self.observation_space = observation_space()
        self.action_space = FreeText(grammar.MAX_ACTION_CHARS)
        self._tasks = site.load_tasks(split)
        self._server = None
        token = server_token or secrets.token_urlsafe(24)
        if backend == "http":
            from envs.backends.http import HttpBackend

            self.backend: Backend = HttpBackend(site.create_app(token, catalogue_seed), token)
        else:
            from envs.backends.browser import BrowserBackend

            if server_url is None:
                from envs.serving import SiteServer

                self._server = SiteServer(site.create_app(token, catalogue_seed))
                self._server.start()
                server_url = self._server.url
            elif server_token is None:
                raise ValueError("server_url needs server_token (the sandbox token of that server)")
            self.backend = BrowserBackend(server_url, token, chromium_path=chromium_path, headless=headless)
        self.task: Any = None
        self._episode_seed = 0
        self._view = PageView(url="/", html="", values={})
        self._values: dict[int, str] = {}
        self._history: list[str] = []
        self._steps = 0
        self._dialogue: list[tuple[str, str]] = []
        self._last_action = ""
        self._last_action_error = ""
        self._terminated = False
        self._stop_answer: str | None = None
        self._evaluation = None
        self.counters = {"steps": 0, "resets": 0, "restores": 0, "snapshots": 0}

    # -- gymnasium API -----------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        if "task" in options:
            task = self.site.coerce_task(options["task"])
        elif "task_id" in options:
            task = self.site.task_by_id(options["task_id"])
        else:
            task = self._tasks[int(self.np_random.integers(len(self._tasks)))]
        self._check_catalogue(task)
        self.task = task
        self._episode_seed = int(seed) if seed is not None else int(self.np_random.integers(2**31))
        self.counters["resets"] += 1
        self._history, self._steps, self._dialogue = [], 0, []
        self._last_action = self._last_action_error = ""
        self._terminated, self._stop_answer, self._evaluation = False, None, None
        self.backend.open_session(self.site.initial_session(self.task, self._episode_seed))
        self._refresh()
        return self._observation(), self._info()

    def step(self, action: str):
        if self.task is None:
            raise RuntimeError("call reset() before step()")
        if self._terminated:
            self._last_action = str(action)
            self._last_action_error = "the episode is over; call reset() to start a new one"
            return self._observation(), 0.0, True, False, self._info()
        self._steps += 1
        self.counters["steps"] += 1
        self._last_action = action if isinstance(action, str) else repr(action)
        self._last_action_error = ""
        crashed = None
        try:
            self._execute(parse_action(action))
        except ActionError as exc:
            self._last_action_error = str(exc)
        except BackendActionFailed as exc:
            self._last_action_error = str(exc)
            try:
                self._resync()
            except BackendCrashed as crash:
                crashed = str(crash)
        except BackendCrashed as exc:
            crashed = str(exc)
            self._last_action_error = f"{exc}. The episode cannot go on; reset() starts a new browser."
        if crashed is None and self.site.is_terminal(self._view.url):
            self._terminated = True
        reward = 0.0
        info_extra: dict[str, Any] = {}
        if self._terminated and crashed is None:
            self._evaluation = self._evaluate()
            reward = 1.0 if self._evaluation.success else 0.0
        truncated = crashed is not None or (not self._terminated and self._steps >= self.max_steps)
        if crashed is not None:
            info_extra["error"] = crashed
        info = self._info() | info_extra
        return self._observation(), reward, self._terminated, truncated, info

    def render(self):
        if self.render_mode == "rgb_array":
            return png_to_rgb(self.backend.screenshot())
        return self._observation()["text"]

    def close(self) -> None:
        self.backend.close()
        if self._server is not None:
            self._server.stop()
            self._server = None

    # -- actions ---------------------------------------------------------------------------------
    @property
    def page(self) -> Page:
        """The current page, parsed."""
        return parse_page(self._view.html)

    def _element(self, action: Action) -> Element:
        element = self.page.element(action.element or 0)
        if element is None or element.hidden:
            raise ActionError(f"there is no element [{action.element}] on this page")
        if element.disabled:
            raise ActionError(f"element [{element.id}] ({element.role} {element.name!r}) is disabled")
        return element

    def _execute(self, action: Action) -> None:
        kind = action.kind
        if kind == "click":
            element = self._element(action)
            if element.role in ("link", "button"):
                self._history.append(self._view.url)
                self.backend.click(self.page, element)
                self._refresh()
            else:
                self.backend.click(self.page, element)  # focusing a field changes nothing
        elif kind == "fill":
            element = self._element(action)
            if element.role != "textbox":
                raise ActionError(f"fill() needs a text field, but [{element.id}] is a {element.role} ({element.name!r})")
            text = sanitize_typed_text(element, action.text or "")
            self.backend.fill(element, text)
            self._set_value(element, text)
        elif kind == "select":
            element = self._element(action)
            if element.role != "combobox":
                raise ActionError(f"select() needs a drop-down, but [{element.id}] is a {element.role} ({element.name!r})")
            value = element.option_value(action.text or "")
            if value is None:
                shown = ", ".join(repr(label) for _, label in element.options[:12])
                raise ActionError(f"[{element.id}] {element.name!r} has no option {action.text!r}; options: {shown}")
            self.backend.select(element, value)
            self._set_value(element, value)
        elif kind == "goto":
            path = action.text or ""
            if not path.startswith("/") or path.startswith("//"):
                raise ActionError(f"goto() takes a path on this site such as \"/reservations\", got {path!r}")
            if path.startswith("/__sandbox"):
                raise ActionError(f"{path!r} is not a page of this site")
            self._history.append(self._view.url)
            self.backend.goto(path)
            self._refresh()
        elif kind == "back":
            if not self._history:
                raise ActionError("there is no previous page to go back to")
            self.backend.goto(self._history.pop())
            self._refresh()
        elif kind == "ask_user":
            question = (action.text or "").strip()
            if not question:
                raise ActionError("ask_user() needs a question")
            self._dialogue.append((question, self.site.answer_user(self.task, question)))
        elif kind == "stop":
            self._stop_answer = action.text or ""
            self._terminated = True

    def _set_value(self, element: Element, value: str) -> None:
        if value == element.value:
            self._values.pop(element.id, None)
        else:
            self._values[element.id] = value

    def _resync(self) -> None:
        """After a failed operation, read back whatever the page now is (it may have half-changed)."""
        read_dom = getattr(self.backend, "read_dom", None)
        self._refresh(read_dom() if read_dom is not None else None)

    def _refresh(self, view: PageView | None = None) -> None:
        """Read the page from the backend after a navigation."""
        self._view = view if view is not None else self.backend.view()
        defaults = self.page.defaults()
        self._values = {k: v for k, v in self._view.values.items() if k in defaults and v != defaults[k]}

    # -- observations ------------------------------------------------------------------------------
    def _observation(self) -> dict[str, str]:
        return {
            "text": render_text(self.page, self._values, self._dialogue) if self.text_observations else "",
            "url": self._view.url,
            "goal": self.task.instruction if self.task is not None else "",
            "last_action": self._last_action,
            "last_action_error": self._last_action_error,
        }

    def _info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"task_id": self.task.id, "steps": self._steps, "backend": self.backend_name}
        if self._evaluation is not None:
            info.update(success=self._evaluation.success, partial=self._evaluation.partial)
        return info

    # -- planner support -----------------------------------------------------------------------------
    @property
    def steps(self) -> int:
        return self._steps

    @property
    def terminated(self) -> bool:
        return self._terminated

    def _evaluate(self):
        """The evaluator's verdict, for the reward at the end (agents ask an `envs.oracle.Oracle`)."""
        _, bookings = self.backend.site_state()
        return self.site.evaluate(self.task, bookings, self._stop_answer)

    def legal_actions(self) -> list[str]:
        """Candidate actions on the current page (what a non-LLM policy chooses from)."""
        if self._terminated:
            return []
        page = self.page
        out: list[str] = []
        for element in page.visible_elements():
            if element.disabled:
                continue
            if element.role in ("link", "button"):
                out.append(grammar.click(element.id))
            elif element.role == "combobox":
                current = self._values.get(element.id, element.value)
                out.extend(grammar.select(element.id, label) for value, label in element.options if value != current)
            elif element.role == "textbox":
                current = self._values.get(element.id, element.value)
                for text in self.site.fill_candidates(self.task.instruction, tuple(self._dialogue), element):
                    if text != current:
                        out.append(grammar.fill(element.id, text))
        if self._history:
            out.append(grammar.back())
        asked = {q for q, _ in self._dialogue}
        out.extend(grammar.ask_user(q) for q in self.site.questions() if q not in asked)
        out.extend(grammar.stop(a) for a in self.site.stop_answers())
        return list(dict.fromkeys(out))

    def _check_catalogue(self, task: Any) -> None:
        """A task drawn from another catalogue than the one this env serves is an error, not an
        episode on restaurants that do not exist (tasks without a catalogue pass)."""
        seed = getattr(task, "catalogue_seed", self.catalogue_seed)
        if seed != self.catalogue_seed:
            raise ValueError(
                f"task {task.id!r} is drawn from catalogue {seed} but this env serves catalogue "
                f"{self.catalogue_seed}: set env.catalogue_seed to {seed}"
            )

    def snapshot(self) -> EnvState:
        """Capture the whole state: page, server session, typed values and the episode so far."""
        self.counters["snapshots"] += 1
        session, bookings = self.backend.site_state()
        return EnvState(
            task_id=self.task.id, episode_seed=self._episode_seed, url=self._view.url, html=self._view.html,
            values=tuple(sorted(self._values.items())), session=session, bookings=tuple(bookings),
            history=tuple(self._history), steps=self._steps, dialogue=tuple(self._dialogue),
            last_action=self._last_action, last_action_error=self._last_action_error,
            terminated=self._terminated, stop_answer=self._stop_answer, task=self.task,
        )

    def restore(self, state: EnvState) -> dict[str, str]:
        """Bring back a snapshot (also one taken on the other backend); returns its observation."""
        self.counters["restores"] += 1
        if self.task is None or self.task.id != state.task_id:
            task = state.task if state.task is not None else self.site.task_by_id(state.task_id)
            self._check_catalogue(task)
            self.task = task
            self.backend.open_session(self.site.initial_session(self.task, state.episode_seed))
        self._episode_seed = state.episode_seed
        self.backend.set_site_state(state.session, list(state.bookings))
        values = dict(state.values)
        self.backend.show(state.url, state.html, values, parse_page)
        self._view = replace(self.backend.view(), values=values)
        self._values = values
        self._history = list(state.history)
        self._steps = state.steps
        self._dialogue = list(state.dialogue)
        self._last_action, self._last_action_error = state.last_action, state.last_action_error
        self._terminated, self._stop_answer = state.terminated, state.stop_answer
        self._evaluation = None
        return self._observation()

