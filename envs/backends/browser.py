"""The browser backend: Playwright driving a real Chromium against the site served on loopback."""

from __future__ import annotations

import json
import threading

import psutil
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from envs.backends.base import Backend, BackendActionFailed, BackendCrashed, PageView, local_url
from envs.backends.chromium import CHROMIUM_ARGS, find_chromium
from envs.backends.http import SANDBOX_HEADER
from envs.page import INTERACTIVE_SELECTOR, Element, Page

NAVIGATION_TIMEOUT_MS = 15_000
ACTION_TIMEOUT_MS = 5_000

# One round trip returns the serialised DOM and every field's live value, keyed by element id.
READ_PAGE_JS = """(selector) => {
  const values = {};
  document.querySelectorAll(selector).forEach((el, i) => {
    const tag = el.tagName;
    if (tag === 'SELECT' || tag === 'TEXTAREA' ||
        (tag === 'INPUT' && !['submit', 'image', 'button', 'reset'].includes((el.type || '').toLowerCase()))) {
      values[i + 1] = el.value;
    }
  });
  return {html: document.documentElement.outerHTML, values};
}"""


class _SharedPlaywright:
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


_PLAYWRIGHT = _SharedPlaywright()


class BrowserBackend(Backend):
    """One Chromium per backend, a fresh browser context (cookies, storage) per episode."""

    kind = "browser"

    def __init__(self, base_url: str, sandbox_token: str, chromium_path: str | None = None, headless: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = sandbox_token
        self.chromium_path = chromium_path
        self.headless = headless
        self._playwright = None
        self.browser = None
        self.context = None
        self.page = None
        self._pid: int | None = None
        self._cached: PageView | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def _launch(self) -> None:
        if self._playwright is None:
            self._playwright = _PLAYWRIGHT.acquire()
        try:
            default = self._playwright.chromium.executable_path
        except PlaywrightError:
            default = None
        executable = find_chromium(self.chromium_path, default)
        before = _chromium_main_pids()
        self.browser = self._playwright.chromium.launch(
            executable_path=executable, headless=self.headless, args=CHROMIUM_ARGS
        )
        started = _chromium_main_pids() - before
        self._pid = min(started) if started else None

    def healthy(self) -> bool:
        return self.browser is not None and self.browser.is_connected()

    def _ensure_browser(self) -> None:
        if self.healthy():
            return
        if self.browser is not None:  # it died: drop what is left and start again
            try:
                self.browser.close()
            except PlaywrightError:
                pass
            self.browser = self.context = self.page = None
        self._launch()

    def open_session(self, session_state: dict) -> None:
        self._ensure_browser()
        if self.context is not None:
            try:
                self.context.close()
            except PlaywrightError:
                pass
        self.context = self.browser.new_context(viewport={"width": 1024, "height": 900})
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        self.page = self.context.new_page()
        response = self.context.request.post(
            f"{self.base_url}/__sandbox/session",
            data=json.dumps({"state": session_state}),
            headers={SANDBOX_HEADER: self.token, "Content-Type": "application/json"},
        )
        if response.status != 200:
            raise RuntimeError(f"the site refused to open a sandbox session: HTTP {response.status}")
        self.goto("/")

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
            if not self.healthy() or "closed" in str(exc).lower() or "crash" in str(exc).lower():
                raise BackendCrashed(f"the browser stopped working: {str(exc).splitlines()[0]}") from exc
            raise BackendActionFailed(f"the browser could not do it: {str(exc).splitlines()[0]}") from exc

    # -- operations ------------------------------------------------------------------------
    def _loaded(self, response) -> None:
        """Remember the page a navigation brought: the server's HTML, nothing typed yet.

        The site runs no scripts, so the document is exactly that HTML; reading it from the
        response saves a round trip to the renderer on every navigation.
        """
        if response is None:
            self._cached = None
            return
        self._cached = PageView(url=local_url(self.page.url), html=response.text(), values={}, status=response.status)

    def goto(self, path: str) -> None:
        self._guard(lambda: self._loaded(self.page.goto(self.base_url + path, wait_until="load")))

    def _locator(self, element: Element):
        return self.page.locator(INTERACTIVE_SELECTOR).nth(element.id - 1)

    def click(self, page: Page, element: Element) -> None:
        navigates = element.role == "link" or (
            element.role == "button" and element.form is not None and element.input_type in ("submit", "image")
        )

        def run() -> None:
            if navigates:
                with self.page.expect_navigation(wait_until="load") as navigation:
                    self._locator(element).click()
                self._loaded(navigation.value)
            else:
                self._locator(element).click()
                self._cached = None

        self._guard(run)

    def fill(self, element: Element, text: str) -> None:
        self._guard(lambda: self._locator(element).fill(text))
        self._typed(element, text)

    def select(self, element: Element, value: str) -> None:
        self._guard(lambda: self._locator(element).select_option(value=value))
        self._typed(element, value)

    def _typed(self, element: Element, value: str) -> None:
        if self._cached is not None:
            self._cached = PageView(self._cached.url, self._cached.html, {**self._cached.values, element.id: value}, self._cached.status)

    def view(self) -> PageView:
        if self._cached is not None:
            return self._cached
        return self.read_dom()

    def read_dom(self) -> PageView:
        """The live document and field values, read from the renderer."""
        data = self._guard(lambda: self.page.evaluate(READ_PAGE_JS, INTERACTIVE_SELECTOR))
        values = {int(k): v for k, v in data["values"].items()}
        self._cached = PageView(url=local_url(self.page.url), html=data["html"], values=values)
        return self._cached

    def site_state(self) -> tuple[dict, list[dict]]:
        response = self._guard(
            lambda: self.context.request.get(f"{self.base_url}/__sandbox/state", headers={SANDBOX_HEADER: self.token})
        )
        if response.status != 200:
            raise RuntimeError(f"the site refused the state request: HTTP {response.status}")
        data = response.json()
        return data["session"], data["bookings"]

    def set_site_state(self, session: dict, bookings: list[dict]) -> None:
        response = self._guard(
            lambda: self.context.request.put(
                f"{self.base_url}/__sandbox/state",
                data=json.dumps({"session": session, "bookings": bookings}),
                headers={SANDBOX_HEADER: self.token, "Content-Type": "application/json"},
            )
        )
        if response.status != 200:
            raise RuntimeError(f"the site refused the state: HTTP {response.status}: {response.text()[:200]}")

    def screenshot(self) -> bytes | None:
        return self._guard(lambda: self.page.screenshot(type="png"))

    def browser_pid(self) -> int | None:
        """The process id of this backend's Chromium (for crash tests and leak checks)."""
        return self._pid


def _chromium_main_pids() -> set[int]:
    """Chromium main processes started by this process (helpers carry a --type= flag)."""
    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower() and not any(a.startswith("--type=") for a in child.cmdline()):
                pids.add(child.pid)
        except psutil.Error:
            continue
    return pids
