"""Request-scoped helpers shared by the views: the site object, the session, page rendering."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, current_app, g, redirect, render_template, request
from werkzeug.urls import iri_to_uri

from mock_sites.restaurant.catalogue import Catalogue
from mock_sites.restaurant.state import SessionState
from mock_sites.restaurant.storage import SiteStore

COOKIE_NAME = "tt_session"
EXTENSION_KEY = "tabletop"


@dataclass
class TableTop:
    """What `app.extensions["tabletop"]` holds."""

    store: SiteStore
    catalogue: Catalogue
    sandbox_token: str | None = None
    new_session_state: SessionState | None = None  # template for sessions the site opens by itself


def site() -> TableTop:
    return current_app.extensions[EXTENSION_KEY]


def session_state() -> SessionState:
    """The current visitor's state (loaded before every page request)."""
    return g.state


def session_id() -> str:
    return g.sid


def current_path() -> str:
    """This request's path and query, as a local URL."""
    query = request.query_string.decode("latin-1")
    path = iri_to_uri(request.path)
    return f"{path}?{query}" if query else path


def page(template: str, status: int = 200, **context: object) -> tuple[str, int]:
    """Render a page template with a status code."""
    return render_template(template, **context), status


def message(
    status: int, title: str, text: str, links: tuple[tuple[str, str], ...] = (("Search", "/"),)
) -> tuple[str, int]:
    """A plain page: a heading, a sentence and some links."""
    return page("message.html", status, title=title, text=text, links=links)


def see_other(location: str) -> Response:
    """The answer to every successful POST (and to some GETs that only move the visitor on)."""
    return redirect(location, 303)
