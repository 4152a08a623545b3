"""Playwright + Chromium driving one MiniWoB task page served on loopback."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError

from envs.backends.base import BackendActionFailed, BackendCrashed
from envs.backends.browser import _PLAYWRIGHT
from envs.backends.chromium import CHROMIUM_ARGS, find_chromium
from mock_sites.miniwob.page_script import ID_ATTRIBUTE, SNAPSHOT_JS, START_EPISODE_JS, STATUS_JS, TOGGLE_OPTION_JS
from mock_sites.miniwob.server import task_path

NAVIGATION_TIMEOUT_MS = 15_000
ACTION_TIMEOUT_MS = 1_500
SETTLE_MS = 0  # MiniWoB's -nodelay tasks update the page synchronously


@dataclass(frozen=True)
class PageStatus:
    """The episode's outcome as the page holds it."""

    done: bool
    raw_reward: float
    reason: str | None


class MiniWoBDriver:
    """One Chromium, a fresh context per episode; elements are addressed by their agentq id."""

    def __init__(self, base_url: str, chromium_path: str | None = None, headless: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.chromium_path = chromium_path
        self.headless = headless
        self._playwright = None
        self.browser = None
        self.context = None
        self.page = None

    # -- lifecycle -----------------------------------------------------------------------
    def healthy(self) -> bool:
        return self.browser is not None and self.browser.is_connected()

    def _launch(self) -> None:
        if self._playwright is None:
            self._playwright = _PLAYWRIGHT.acquire()
        try:
            default = self._playwright.chromium.executable_path
        except PlaywrightError:
            default = None
        executable = find_chromium(self.chromium_path, default)
        self.browser = self._playwright.chromium.launch(executable_path=executable, headless=self.headless, args=CHROMIUM_ARGS)

    def _ensure_page(self) -> None:
        if not self.healthy():
            if self.browser is not None:
                try:
                    self.browser.close()
                except PlaywrightError:
                    pass
            self.browser = self.context = self.page = None
            self._launch()
        if self.page is None or self.page.is_closed():
            self.context = self.browser.new_context(viewport={"width": 500, "height": 500})
            self.context.set_default_timeout(ACTION_TIMEOUT_MS)
            self.context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
            self.page = self.context.new_page()

    def start(self, task: str, seed: int) -> str:
        """Load the task's page and start the episode with `Math.seedrandom(seed)`; returns the instruction."""
        self._ensure_page()

        def run() -> str:
            self.page.goto(self.base_url + task_path(task), wait_until="load")
            return str(self.page.evaluate(START_EPISODE_JS, seed))

        return self._guard(run)

    def close(self) -> None:
        for closer in (
            lambda: self.context and self.context.close(),
            lambda: self.browser and self.browser.close(),
            lambda: self._playwright and _PLAYWRIGHT.release(),
        ):
            try:
                closer()
            except Exception:  # noqa: BLE001 - best effort while tearing down a possibly dead browser
                pass
        self._playwright = self.browser = self.context = self.page = None

    def _guard(self, operation):
        try:
            return operation()
        except PlaywrightError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if not self.healthy() or "closed" in first.lower() or "crash" in first.lower():
                raise BackendCrashed(f"the browser stopped working: {first}") from exc
            raise BackendActionFailed(f"the browser could not do it: {first}") from exc

    # -- reading -------------------------------------------------------------------------
    def snapshot_html(self) -> str:
        """The page as plain HTML with live values; marks every interactive element with its id."""
        return str(self._guard(lambda: self.page.evaluate(SNAPSHOT_JS)))

    def status(self) -> PageStatus:
        data = self._guard(lambda: self.page.evaluate(STATUS_JS))
        return PageStatus(done=bool(data["done"]), raw_reward=float(data["raw"]), reason=data["reason"])

    # -- acting --------------------------------------------------------------------------
    def _locator(self, element_id: int):
        return self.page.locator(f'[{ID_ATTRIBUTE}="{element_id}"]')

    def click(self, element_id: int) -> None:
        locator = self._locator(element_id)

        def run() -> None:
            if locator.evaluate(TOGGLE_OPTION_JS):  # an option of a list box: toggled, not clicked
                return
            locator.click()

        self._guard(run)

    def fill(self, element_id: int, text: str) -> None:
        self._guard(lambda: self._locator(element_id).fill(text))

    def select(self, element_id: int, value: str) -> None:
        self._guard(lambda: self._locator(element_id).select_option(value=value))

    def screenshot(self) -> bytes:
        return self._guard(lambda: self.page.screenshot(type="png"))

    def browser_pid(self) -> int | None:
        """Chromium's process id (for crash tests), where Playwright exposes it."""
        process = getattr(getattr(self.browser, "_impl_obj", None), "_process", None)
        return getattr(process, "pid", None)
