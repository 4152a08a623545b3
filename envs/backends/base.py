"""What every backend offers the environment: low-level page operations and the site's state."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote_plus, urlsplit

from envs.page import Element, Page


class BackendCrashed(RuntimeError):
    """The backend (e.g. the browser process) died; the episode cannot go on, a reset can."""


class BackendActionFailed(RuntimeError):
    """The backend could not carry out an operation (e.g. an element never became clickable)."""


@dataclass(frozen=True)
class PageView:
    """What the backend shows now: the URL (path and query), the HTML and typed field values."""

    url: str
    html: str
    values: dict[int, str]
    status: int | None = None


def local_url(url: str) -> str:
    """Path and query of a URL (the observation's `url`, the same on both backends)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def form_encode(pairs: list[tuple[str, str]]) -> str:
    """Encode form data exactly as a browser does (application/x-www-form-urlencoded)."""
    return "&".join(
        f"{quote_plus(k, safe='*').replace('~', '%7E')}={quote_plus(v, safe='*').replace('~', '%7E')}"
        for k, v in pairs
    )


def sanitize_typed_text(element: Element, text: str) -> str:
    """The value a browser keeps when `text` is typed into `element`.

    Single-line inputs drop line breaks; textareas normalise them to "\\n".
    """
    if element.multiline:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\r", "").replace("\n", "")


class Backend(ABC):
    """A way to drive the site: in-process HTTP calls, or a real browser."""

    kind: str = ""

    @abstractmethod
    def open_session(self, session_state: dict) -> None:
        """Start a fresh, isolated session seeded with `session_state` and load the home page."""

    @abstractmethod
    def goto(self, path: str) -> None:
        """Load a local path."""

    @abstractmethod
    def click(self, page: Page, element: Element) -> None:
        """Click an element of the current page (links and submit buttons navigate)."""

    @abstractmethod
    def fill(self, element: Element, text: str) -> None:
        """Type `text` (already sanitised) into a text field, replacing its value."""

    @abstractmethod
    def select(self, element: Element, value: str) -> None:
        """Choose the option with `value` in a select field."""

    @abstractmethod
    def view(self) -> PageView:
        """The current URL, HTML and field values."""

    @abstractmethod
    def site_state(self) -> tuple[dict, list[dict]]:
        """The session's server-side record and its bookings rows."""

    @abstractmethod
    def set_site_state(self, session: dict, bookings: list[dict]) -> None:
        """Replace the session's server-side record and bookings."""

    def show(self, path: str, html: str, values: dict[int, str], page_for: Callable[[str], Page]) -> None:
        """Bring back a page seen before (`html` at `path`, with `values` typed), for restore.

        By default the page is loaded again and the values typed back in; a backend that can
        show known HTML directly may skip the load.
        """
        self.goto(path)
        if not values:
            return
        page = page_for(self.view().html)
        for element_id, value in sorted(values.items()):
            element = page.element(element_id)
            if element is None:
                continue
            if element.role == "combobox":
                self.select(element, value)
            else:
                self.fill(element, value)

    def screenshot(self) -> bytes | None:
        """A PNG of the page, where the backend can take one."""
        return None

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        """Release everything the backend started."""
