"""Playwright + Chromium driving one MiniWoB task page served on loopback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from envs.backends.chromium_session import ChromiumSession
from mock_sites.miniwob.page_script import ID_ATTRIBUTE, SETTLE_JS, SNAPSHOT_JS, START_EPISODE_JS, STATUS_JS, TOGGLE_OPTION_JS
from mock_sites.miniwob.server import task_path

NAVIGATION_TIMEOUT_MS = 15_000
ACTION_TIMEOUT_MS = 1_500


@dataclass(frozen=True)
class PageStatus:
    """The episode's outcome as the page holds it."""

    done: bool
    raw_reward: float
    reason: str | None


class MiniWoBDriver(ChromiumSession):
    """One Chromium, a fresh context when the page is gone; elements are addressed by their agentq id.
    Launching, crash detection and closing are ChromiumSession's."""

    def __init__(self, base_url: str, chromium_path: str | None = None, headless: bool = True) -> None:
        super().__init__(chromium_path, headless)
        self.base_url = base_url.rstrip("/")

    def _ensure_page(self) -> None:
        self.ensure_browser()
        if self.page is None or self.page.is_closed():
            self.new_context(500, 500, ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS)

    def start(self, task: str, seed: int) -> str:
        """Load the task's page and start the episode with `Math.seedrandom(seed)`; returns the instruction."""
        self._ensure_page()

        def run() -> str:
            self.page.goto(self.base_url + task_path(task), wait_until="load")
            instruction = str(self.page.evaluate(START_EPISODE_JS, seed))
            self.page.evaluate(SETTLE_JS)
            return instruction

        return self._guard(run)

    def snapshot_html(self) -> str:
        """The page as plain HTML with live values; marks every interactive element with its id."""
        return str(self._guard(lambda: self.page.evaluate(SNAPSHOT_JS)))

    def status(self) -> PageStatus:
        data = self._guard(lambda: self.page.evaluate(STATUS_JS))
        return PageStatus(done=bool(data["done"]), raw_reward=float(data["raw"]), reason=data["reason"])

    # -- acting --------------------------------------------------------------------------
    def _locator(self, element_id: int):
        return self.page.locator(f'[{ID_ATTRIBUTE}="{element_id}"]')

    def _act(self, action: Callable[[], object]) -> None:
        """Do `action` on the page, then let the page settle (SETTLE_JS) so it is read after its effects."""

        def run() -> None:
            action()
            self.page.evaluate(SETTLE_JS)

        self._guard(run)

    def click(self, element_id: int) -> None:
        locator = self._locator(element_id)

        def toggle_or_click() -> None:
            if not locator.evaluate(TOGGLE_OPTION_JS):  # an option of a list box is toggled, not clicked
                locator.click()

        self._act(toggle_or_click)

    def fill(self, element_id: int, text: str) -> None:
        self._act(lambda: self._locator(element_id).fill(text))

    def select(self, element_id: int, value: str) -> None:
        self._act(lambda: self._locator(element_id).select_option(value=value))

    def screenshot(self) -> bytes:
        return self._guard(lambda: self.page.screenshot(type="png"))
