"""The TableTop app factory: wires storage, catalogue, templates, session handling and views."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, make_response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from mock_sites.restaurant import sandbox, views_booking, views_browse, views_overlays, views_reservations
from mock_sites.restaurant.catalogue import BOOKABLE_DATES, MAX_PARTY_FORM, SLOT_TIMES, Catalogue, build_catalogue
from mock_sites.restaurant.formatting import (
    OCCASION_CHOICES, OCCASION_LABELS, SEATING_CHOICES, SEATING_LABELS, book_url, fmt_date, fmt_party, fmt_price,
    fmt_time, options_html, url,
)
from mock_sites.restaurant.state import SessionState
from mock_sites.restaurant.storage import SiteStore
from mock_sites.restaurant.web import COOKIE_NAME, EXTENSION_KEY, TableTop, message, site

MAX_BODY_BYTES = 256 * 1024
_NO_SESSION_ENDPOINTS = frozenset({"static", "favicon"})
_ERROR_TEXT = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You cannot do that here."),
    404: ("Page not found", "We could not find that page."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too much data", "What you sent is too large."),
}


def create_app(
    *,
    catalogue_seed: int = 0,
    sandbox_token: str | None = None,
    db_path: str = ":memory:",
    new_session_state: SessionState | None = None,
) -> Flask:
    """Build the site. `new_session_state` is the state of sessions the site opens by itself."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    catalogue = build_catalogue(catalogue_seed)
    start = new_session_state or SessionState()
    if start.default_city not in catalogue.cities:  # a catalogue of other cities opens on its first one
        new_session_state = start.model_copy(update={"default_city": catalogue.cities[0]})
    app.extensions[EXTENSION_KEY] = TableTop(
        store=SiteStore(db_path), catalogue=catalogue, sandbox_token=sandbox_token or None,
        new_session_state=new_session_state,
    )
    _setup_templates(app, catalogue)
    app.before_request(_load_session)
    app.before_request(_cookie_banner)
    app.after_request(_save_session)
    app.register_error_handler(HTTPException, _http_error)
    app.add_url_rule("/favicon.ico", "favicon", lambda: Response(status=204))
    for views in (views_browse, views_booking, views_reservations, views_overlays):
        views.register(app)
    if sandbox_token:
        app.register_blueprint(sandbox.bp)
        app.extensions["sandbox"] = sandbox.SandboxState(app.extensions[EXTENSION_KEY].store)
    return app


def _setup_templates(app: Flask, catalogue: Catalogue) -> None:
    env = app.jinja_env
    env.trim_blocks = env.lstrip_blocks = True
    env.filters.update(date=fmt_date, time=fmt_time, party=fmt_party, price=fmt_price)
    env.globals.update(
        url=url,
        book_url=book_url,
        options_html=options_html,
        city_options=tuple((c, c) for c in catalogue.cities),
        date_options=tuple((d, fmt_date(d)) for d in BOOKABLE_DATES),
        time_options=tuple((t, fmt_time(t)) for t in SLOT_TIMES),
        party_options=tuple((str(n), fmt_party(n)) for n in range(1, MAX_PARTY_FORM + 1)),
        cuisine_options=(("", "Any"), *((c, c) for c in catalogue.cuisines)),
        price_options=(("", "Any"), *((str(n), fmt_price(n)) for n in range(1, 5))),
        sort_options=(("rating", "Top rated"), ("name", "Name"), ("price_asc", "Price: low to high"),
                      ("price_desc", "Price: high to low")),
        seating_options=SEATING_CHOICES,
        occasion_options=OCCASION_CHOICES,
        seating_labels=SEATING_LABELS,
        occasion_labels=OCCASION_LABELS,
    )
    app.context_processor(_nav_context)


def _nav_context() -> dict:
    state = g.get("state")
    identity = state.identity if state is not None else None
    account = site().catalogue.account(identity) if identity and identity != "guest" else None
    return {"signed_in_as": f"{account.first_name} {account.last_name}" if account else None}


def _load_session() -> None:
    """Attach the visitor's session to `g` (a fresh one when the cookie is missing or unknown)."""
    if request.endpoint in _NO_SESSION_ENDPOINTS or request.blueprint == sandbox.bp.name:
        return
    ext = site()
    sid = request.cookies.get(COOKIE_NAME)
    try:
        state = ext.store.load(sid) if sid else None
    except ValidationError:
        state = None
    if state is None:
        state = (ext.new_session_state or SessionState()).model_copy(deep=True)
        sid = ext.store.create_session(state)
        g.new_sid = sid
    g.sid, g.state, g.saved = sid, state, state.model_dump_json()


def _cookie_banner():
    if "state" in g:
        return views_overlays.cookie_banner_guard()
    return None


def _save_session(response: Response) -> Response:
    state = g.get("state")
    if state is not None:
        dumped = state.model_dump_json()
        if dumped != g.saved:
            site().store.save(g.sid, state)
            g.saved = dumped
    if g.get("new_sid"):
        response.set_cookie(COOKIE_NAME, g.new_sid, httponly=True, samesite="Lax", path="/")
    return response


def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    if request.blueprint == sandbox.bp.name:
        return jsonify(error=exc.name), exc.code
    title, text = _ERROR_TEXT.get(exc.code, (exc.name, "Something went wrong with that request."))
    html, status = message(exc.code, title, text)
    response = make_response(html, status)
    allow = dict(exc.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
    return response
