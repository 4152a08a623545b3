"""The browser backend: Playwright driving a real Chromium against the site served on loopback."""

from __future__ import annotations

import json

from envs.backends.base import Backend, PageView, local_url
from envs.backends.chromium_session import ChromiumSession
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


class BrowserBackend(ChromiumSession, Backend):
    """One Chromium per backend, a fresh browser context (cookies, storage) per episode."""

    kind = "browser"

    def __init__(self, base_url: str, sandbox_token: str, chromium_path: str | None = None, headless: bool = True) -> None:
        super().__init__(chromium_path, headless)
        self.base_url = base_url.rstrip("/")
        self.token = sandbox_token
        self._cached: PageView | None = None

    # -- lifecycle (launching, crashes and closing: ChromiumSession) -------------------------
    def open_session(self, session_state: dict) -> None:
        self.new_context(1024, 900, ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS)
        response = self.context.request.post(
            f"{self.base_url}/__sandbox/session",
            data=json.dumps({"state": session_state}),
            headers={SANDBOX_HEADER: self.token, "Content-Type": "application/json"},
        )
        if response.status != 200:
            raise RuntimeError(f"the site refused to open a sandbox session: HTTP {response.status}")
        self.goto("/")

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
