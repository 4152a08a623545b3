"""`agentq/MiniWoB-v0`: a MiniWoB++ task page in Chromium, with the project's observation dict and
action grammar.

The page's JavaScript state cannot be copied, so `snapshot()` is the action prefix and `restore()`
is a seeded reset plus a replay of that prefix (its cost is counted in ``counters["replayed"]``
and ``counters["replay_s"]``). The reward is 1.0 exactly when the page's raw reward is 1.0;
`terminated` is the page's done flag.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from envs import actions as grammar
from envs.actions import Action, ActionError, parse_action
from envs.backends.base import BackendActionFailed, BackendCrashed, sanitize_typed_text
from envs.observation import render_text
from envs.page import Element, Page, parse_page
from envs.spaces import FreeText, observation_space
from envs.web_env import png_to_rgb
from mock_sites.miniwob import candidates
from mock_sites.miniwob.driver import MiniWoBDriver
from mock_sites.miniwob.server import start_server, task_path
from mock_sites.miniwob.tasks import TASKS, MiniWoBTask, check_task_name, load_suite, parse_task_id

DEFAULT_MAX_STEPS = 20
SUCCESS_RAW_REWARD = 1.0
UNAVAILABLE = {
    "goto": "goto() is not available on MiniWoB: a task is one page",
    "back": "back() is not available on MiniWoB: a task is one page",
    "ask_user": "ask_user() is not available on MiniWoB: there is no user to ask",
}


@dataclass(frozen=True)
class MiniWoBState:
    """A snapshot: the task, its seed and the actions taken since the reset (replayed on restore)."""

    task_id: str
    episode_seed: int
    actions: tuple[str, ...]
    last_action: str
    last_action_error: str
    terminated: bool
    raw_reward: float
    stop_answer: str | None
    task: Any = field(default=None, compare=False)

    @property
    def steps(self) -> int:
        return len(self.actions)


class MiniWoBEnv(gym.Env):
    """One MiniWoB task page at a time; `reset(options={"task_id": "login-user.17"})` picks another."""

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 1}

    def __init__(
        self,
        task: str | None = None,
        backend: str = "browser",
        split: str = "dev",
        max_steps: int = DEFAULT_MAX_STEPS,
        render_mode: str | None = None,
        chromium_path: str | None = None,
        headless: bool = True,
        catalogue_seed: int = 0,  # noqa: ARG002 - accepted for the shared env settings; MiniWoB has no catalogue
        text_observations: bool = True,
    ) -> None:
        if backend != "browser":
            raise ValueError(
                f"MiniWoB has only the browser backend, got {backend!r}: its tasks are JavaScript pages "
                "with no in-process model of them"
            )
        if max_steps < 1:
            raise ValueError(f"max_steps must be >= 1, got {max_steps}")
        self.task_name = check_task_name(task) if task is not None else None
        self.backend_name = backend
        self.split = split
        self.max_steps = max_steps
        self.render_mode = render_mode or "rgb_array"
        if self.render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode!r}")
        self.catalogue_seed = 0
        self.text_observations = text_observations
        self.observation_space = observation_space()
        self.action_space = FreeText(grammar.MAX_ACTION_CHARS)
        from mock_sites.miniwob.adapter import MiniWoBSite

        self.site = MiniWoBSite()
        self._server = start_server()
        self.driver = MiniWoBDriver(self._server.url, chromium_path=chromium_path, headless=headless)
        self.task: MiniWoBTask | None = None
        self.instruction = ""
        self._episode_seed = 0
        self._html = "<html></html>"
        self._actions: list[str] = []
        self._last_action = self._last_action_error = ""
        self._terminated = False
        self._raw_reward = 0.0
        self._stop_answer: str | None = None
        self.counters = {"steps": 0, "resets": 0, "restores": 0, "snapshots": 0, "replayed": 0, "replay_s": 0.0}

    # -- gymnasium API -----------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        seed_value = int(seed) if seed is not None else int(self.np_random.integers(2**31))
        if "task" in options:
            task = self.site.coerce_task(options["task"])
        elif "task_id" in options:
            task = parse_task_id(str(options["task_id"]))
        elif self.task_name is not None:
            task = MiniWoBTask(name=self.task_name, seed=seed_value)
        else:
            suite = load_suite(self.split)
            task = suite[int(self.np_random.integers(len(suite)))]
        self.counters["resets"] += 1
        self._start(task, seed_value)
        return self._observation(), self._info()

    def _start(self, task: MiniWoBTask, episode_seed: int) -> None:
        self.task, self._episode_seed = task, episode_seed
        self._actions, self._last_action, self._last_action_error = [], "", ""
        self._terminated, self._raw_reward, self._stop_answer = False, 0.0, None
        self.instruction = self.driver.start(task.name, task.seed)
        self._read()

    def step(self, action: str):
        if self.task is None:
            raise RuntimeError("call reset() before step()")
        if self._terminated:
            self._last_action = str(action)
            self._last_action_error = "the episode is over; call reset() to start a new one"
            return self._observation(), 0.0, True, False, self._info()
        self.counters["steps"] += 1
        crashed = self._apply(action)
        reward = 1.0 if self._terminated and crashed is None and self._raw_reward >= SUCCESS_RAW_REWARD else 0.0
        truncated = crashed is not None or (not self._terminated and len(self._actions) >= self.max_steps)
        info = self._info() | ({"error": crashed} if crashed is not None else {})
        return self._observation(), reward, self._terminated, truncated, info

    def render(self):
        if self.render_mode == "rgb_array":
            return png_to_rgb(self.driver.screenshot())
        return self._observation()["text"]

    def close(self) -> None:
        self.driver.close()
        if self._server is not None:
            self._server.stop()
            self._server = None

    # -- actions ---------------------------------------------------------------------------------
    @property
    def page(self) -> Page:
        return parse_page(self._html)

    def _apply(self, action: Any) -> str | None:
        """Carry out one action (also when replaying); returns the crash message if the browser died."""
        text = action if isinstance(action, str) else repr(action)
        self._actions.append(text)
        self._last_action, self._last_action_error = text, ""
        try:
            self._execute(parse_action(action))
        except ActionError as exc:
            self._last_action_error = str(exc)
        except BackendActionFailed as exc:
            self._last_action_error = str(exc)
        except BackendCrashed as exc:
            self._last_action_error = f"{exc}. The episode cannot go on; reset() starts a new browser."
            return str(exc)
        try:
            self._read()
        except BackendCrashed as exc:
            self._last_action_error = f"{exc}. The episode cannot go on; reset() starts a new browser."
            return str(exc)
        return None

    def _element(self, action: Action) -> Element:
        element = self.page.element(action.element or 0)
        if element is None or element.hidden:
            raise ActionError(f"there is no element [{action.element}] on this page")
        if element.disabled:
            raise ActionError(f"element [{element.id}] ({element.role} {element.name!r}) is disabled")
        return element

    def _execute(self, action: Action) -> None:
        kind = action.kind
        if kind in UNAVAILABLE:
            raise ActionError(UNAVAILABLE[kind])
        if kind == "stop":
            self._stop_answer = action.text or ""
            self._terminated = True
            return
        element = self._element(action)
        if kind == "click":
            self.driver.click(element.id)
        elif kind == "fill":
            if element.role != "textbox":
                raise ActionError(f"fill() needs a text field, but [{element.id}] is a {element.role} ({element.name!r})")
            self.driver.fill(element.id, sanitize_typed_text(element, action.text or ""))
        elif kind == "select":
            if element.role != "combobox":
                raise ActionError(f"select() needs a drop-down, but [{element.id}] is a {element.role} ({element.name!r})")
            value = element.option_value(action.text or "")
            if value is None:
                shown = ", ".join(repr(label) for _, label in element.options[:12])
                raise ActionError(f"[{element.id}] {element.name!r} has no option {action.text!r}; options: {shown}")
            self.driver.select(element.id, value)

    def _read(self) -> None:
        """Read the live page: its serialised DOM and the episode's outcome."""
        self._html = self.driver.snapshot_html()
        status = self.driver.status()
        if status.done:
            self._terminated, self._raw_reward = True, status.raw_reward

    # -- observations ------------------------------------------------------------------------------
    def _observation(self) -> dict[str, str]:
        return {
            "text": render_text(self.page) if self.text_observations else "",
            "url": task_path(self.task.name) if self.task is not None else "/",
            "goal": self.instruction,
            "last_action": self._last_action,
            "last_action_error": self._last_action_error,
        }

    def _info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"task_id": self.task.id if self.task else "", "steps": len(self._actions), "backend": "browser"}
        if self._terminated:
            info.update(success=self._raw_reward >= SUCCESS_RAW_REWARD, raw_reward=self._raw_reward)
        return info

    # -- planner support -----------------------------------------------------------------------------
    @property
    def steps(self) -> int:
        return len(self._actions)

    @property
    def terminated(self) -> bool:
        return self._terminated

    def legal_actions(self) -> list[str]:
        """Clicks on every shown control, each other option of a drop-down, fills read from the instruction."""
        if self._terminated:
            return []
        out: list[str] = []
        fills = candidates.fill_candidates(self.instruction)
        for element in self.page.visible_elements():
            if element.disabled:
                continue
            if element.role == "combobox":
                out.extend(grammar.select(element.id, label) for value, label in element.options if value != element.value)
            elif element.role == "textbox":
                out.extend(grammar.fill(element.id, text) for text in fills if text != element.value)
                out.append(grammar.click(element.id))
            else:
                out.append(grammar.click(element.id))
        return list(dict.fromkeys(out))

    def snapshot(self) -> MiniWoBState:
        """The task, its seed and the action prefix (the page's JS state is rebuilt by replay)."""
        self.counters["snapshots"] += 1
        if self.task is None:
            raise RuntimeError("call reset() before snapshot()")
        return MiniWoBState(
            task_id=self.task.id, episode_seed=self._episode_seed, actions=tuple(self._actions),
            last_action=self._last_action, last_action_error=self._last_action_error,
            terminated=self._terminated, raw_reward=self._raw_reward, stop_answer=self._stop_answer, task=self.task,
        )  # fmt: skip

    def restore(self, state: MiniWoBState) -> dict[str, str]:
        """Bring back a snapshot: stay, replay the missing suffix, or reset with the seed and replay all."""
        self.counters["restores"] += 1
        task = state.task if state.task is not None else parse_task_id(state.task_id)
        here = tuple(self._actions)
        same_episode = self.task is not None and self.task.id == task.id and self._episode_seed == state.episode_seed
        if same_episode and here == state.actions:
            return self._observation()
        started = time.perf_counter()
        if same_episode and not self._terminated and here == state.actions[: len(here)]:
            todo = state.actions[len(here):]
        else:
            self._start(task, state.episode_seed)
            todo = state.actions
        for action in todo:
            if self._terminated:  # a stop() in the prefix
                break
            if self._apply(action) is not None:
                raise BackendCrashed(f"the browser died while replaying {action!r}")
        self.counters["replayed"] += len(todo)
        self.counters["replay_s"] += time.perf_counter() - started
        self._actions = list(state.actions)
        self._last_action, self._last_action_error = state.last_action, state.last_action_error
        self._terminated, self._raw_reward, self._stop_answer = state.terminated, state.raw_reward, state.stop_answer
        return self._observation()


def make_miniwob_env(**kwargs: Any) -> MiniWoBEnv:
    """Build `agentq/MiniWoB-v0` (see `MiniWoBEnv` for the keyword arguments)."""
    return MiniWoBEnv(**kwargs)


__all__ = ["TASKS", "MiniWoBEnv", "MiniWoBState", "make_miniwob_env"]
