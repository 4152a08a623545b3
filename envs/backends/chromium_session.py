"""One Chromium driven by Playwright: launching it, noticing it died, closing it, and turning
Playwright's errors into the backend errors that `step` reports. Shared by every browser driver
(the restaurant's browser backend, the MiniWoB driver)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psutil
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from envs.backends.base import BackendActionFailed, BackendCrashed
from envs.backends.chromium import CHROMIUM_ARGS, find_chromium

T = TypeVar("T")


class SharedPlaywright:
    """One Playwright driver per thread (the sync API allows no more), shared by reference count."""

    def __init__(self) -> None:
        self._local = threading.local()

    def acquire(self):
        local = self._local
        if getattr(local, "count", 0) == 0:
            local.playwright = sync_playwright().start()
            local.count = 0
        local.count += 1
        return local.playwright

    def release(self) -> None:
        local = self._local
        local.count -= 1
        if local.count == 0:
            playwright, local.playwright = local.playwright, None
            playwright.stop()


PLAYWRIGHT = SharedPlaywright()


def chromium_main_pids() -> set[int]:
    """Chromium main processes started by this process (helpers carry a --type= flag)."""
    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower() and not any(a.startswith("--type=") for a in child.cmdline()):
                pids.add(child.pid)
        except psutil.Error:
            continue
    return pids


class ChromiumSession:
    """A Chromium (started on first use, restarted when it died) with one browser context and page."""

    def __init__(self, chromium_path: str | None = None, headless: bool = True) -> None:
        self.chromium_path = chromium_path
        self.headless = headless
        self._playwright: Any = None
        self.browser: Any = None
        self.context: Any = None
        self.page: Any = None
        self._pid: int | None = None

    def healthy(self) -> bool:
        return self.browser is not None and self.browser.is_connected()

    def _launch(self) -> None:
        if self._playwright is None:
            self._playwright = PLAYWRIGHT.acquire()
        try:
            default = self._playwright.chromium.executable_path
        except PlaywrightError:
            default = None
        executable = find_chromium(self.chromium_path, default)
        before = chromium_main_pids()
        self.browser = self._playwright.chromium.launch(executable_path=executable, headless=self.headless, args=CHROMIUM_ARGS)
        started = chromium_main_pids() - before
        self._pid = min(started) if started else None

    def ensure_browser(self) -> None:
        """A live Chromium: the running one, or a new one in place of one that died."""
        if self.healthy():
            return
        if self.browser is not None:  # it died: drop what is left and start again
            try:
                self.browser.close()
            except PlaywrightError:
                pass
            self.browser = self.context = self.page = None
        self._launch()

    def new_context(self, width: int, height: int, action_timeout_ms: int, navigation_timeout_ms: int) -> None:
        """Replace the browser context (cookies, storage) and its page by fresh ones."""
        self.ensure_browser()
        if self.context is not None:
            try:
                self.context.close()
            except PlaywrightError:
                pass
        self.context = self.browser.new_context(viewport={"width": width, "height": height})
        self.context.set_default_timeout(action_timeout_ms)
        self.context.set_default_navigation_timeout(navigation_timeout_ms)
        self.page = self.context.new_page()

    def close(self) -> None:
        for closer in (
            lambda: self.context and self.context.close(),
            lambda: self.browser and self.browser.close(),
            lambda: self._playwright and PLAYWRIGHT.release(),
        ):
            try:
                closer()
            except Exception:  # noqa: BLE001 - best effort while tearing down a possibly dead browser
                pass
        self._playwright = self.browser = self.context = self.page = None

    def _guard(self, operation: Callable[[], T]) -> T:
        """Run a Playwright operation; a dead browser is BackendCrashed, any other failure BackendActionFailed."""
        try:
            return operation()
        except PlaywrightError as exc:
            text = str(exc)
            first = text.splitlines()[0] if text else type(exc).__name__
            if not self.healthy() or "closed" in text.lower() or "crash" in text.lower():
                raise BackendCrashed(f"the browser stopped working: {first}") from exc
            raise BackendActionFailed(f"the browser could not do it: {first}") from exc

    def browser_pid(self) -> int | None:
        """The process id of this session's Chromium (for crash tests and leak checks)."""
        return self._pid
