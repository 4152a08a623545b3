"""The http backend: the site's WSGI app called in-process (no browser, no sockets).

It is a small model of a browser: links are followed, forms are submitted with the values typed
into their fields (encoded as a browser encodes them), redirects are followed, and cookies are
kept per session. Snapshot and restore read and write the session's record directly.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import urljoin, urlsplit

from flask import Flask

from envs.backends.base import Backend, PageView, form_encode, local_url
from envs.page import Element, Page

SANDBOX_HEADER = "X-Sandbox-Token"


class HttpBackend(Backend):
    """Drive a Flask app through its test client."""

    kind = "http"

    def __init__(self, app: Flask, sandbox_token: str) -> None:
        self.app = app
        self.token = sandbox_token
        self.client = app.test_client()
        self.url = "/"
        self.html = ""
        self.status: int | None = None
        self.values: dict[int, str] = {}

    # -- navigation ----------------------------------------------------------------------
    def _open(self, path: str, method: str = "GET", body: str | None = None) -> None:
        kwargs = {}
        if body is not None:
            kwargs = {"data": body, "content_type": "application/x-www-form-urlencoded"}
        response = self.client.open(path, method=method, follow_redirects=True, **kwargs)
        request = response.request
        query = request.query_string.decode("latin-1")
        self.url = local_url(f"{request.path}?{query}" if query else request.path)
        self.html = response.get_data(as_text=True)
        self.status = response.status_code
        self.values = {}

    def open_session(self, session_state: dict) -> None:
        self.client = self.app.test_client()
        response = self.client.post(
            "/__sandbox/session", json={"state": session_state}, headers={SANDBOX_HEADER: self.token}
        )
        if response.status_code != 200:
            raise RuntimeError(f"the site refused to open a sandbox session: HTTP {response.status_code}")
        self._open("/")

    def goto(self, path: str) -> None:
        self._open(path)

    def click(self, page: Page, element: Element) -> None:
        if element.role == "link":
            self._open(local_url(urljoin("http://localhost" + self.url, element.href)))
            return
        if element.role != "button" or element.form is None or element.input_type not in ("submit", "image"):
            return  # clicking a field or an inert button changes nothing on a page without scripts
        self._submit(page, element)

    def _submit(self, page: Page, button: Element) -> None:
        form = page.forms[button.form]  # type: ignore[index]
        pairs: list[tuple[str, str]] = []
        for control in form.controls:
            if control.kind == "hidden":
                pairs.append((control.name, control.value))
            elif control.kind == "field" and control.element is not None:
                field = page.elements[control.element]
                if field.role == "combobox" and not field.options:
                    continue
                value = self.values.get(field.id, field.value)
                if field.multiline:
                    value = value.replace("\n", "\r\n")
                pairs.append((control.name, value))
            elif control.kind == "submit" and control.element == button.id:
                pairs.append((control.name, control.value))
        target = urljoin("http://localhost" + self.url, form.action or self.url)
        if form.method == "post":
            self._open(local_url(target), method="POST", body=form_encode(pairs))
        else:
            path = urlsplit(target).path or "/"
            self._open(f"{path}?{form_encode(pairs)}")

    # -- fields ----------------------------------------------------------------------------
    def fill(self, element: Element, text: str) -> None:
        self.values[element.id] = text

    def select(self, element: Element, value: str) -> None:
        self.values[element.id] = value

    def view(self) -> PageView:
        return PageView(url=self.url, html=self.html, values=dict(self.values), status=self.status)

    # -- state -----------------------------------------------------------------------------
    def _sid(self) -> str:
        cookie = self.client.get_cookie("tt_session")
        if cookie is None:
            raise RuntimeError("no session cookie: open_session() was not called")
        return cookie.value

    # The app is in this process: use the object behind the sandbox endpoints directly.
    def site_state(self) -> tuple[dict, list[dict]]:
        state = self.app.extensions["sandbox"].read(self._sid())
        return state["session"], state["bookings"]

    def set_site_state(self, session: dict, bookings: list[dict]) -> None:
        self.app.extensions["sandbox"].write(self._sid(), session, bookings)

    def show(self, path: str, html: str, values: dict[int, str], page_for: Callable[[str], Page]) -> None:
        """Put back a page seen before without asking the server (the site is deterministic)."""
        self.url, self.html, self.values, self.status = path, html, dict(values), 200
