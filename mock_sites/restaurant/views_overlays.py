"""Interruptions: the cookie banner (blocks every page) and the promo modal (on results)."""

from __future__ import annotations

from flask import Flask, request

from mock_sites.restaurant.forms import safe_next
from mock_sites.restaurant.web import current_path, page, see_other, session_state

COOKIE_CHOICES = ("accept", "reject")


def cookie_banner_guard():
    """Before each page request: while the banner is pending, show only the banner."""
    if not session_state().cookie_banner_pending or request.endpoint == "cookies":
        return None
    if request.method in ("GET", "HEAD"):
        code = getattr(request.routing_exception, "code", 200) or 200
        return page("cookie_banner.html", code if code >= 400 else 200, next=current_path())
    if request.method == "OPTIONS":
        return None
    return page("cookie_banner.html", 403, next="/")


def cookies():
    state = session_state()
    target = safe_next(request.form.get("next"))
    if state.cookie_banner_pending:
        if request.form.get("choice") not in COOKIE_CHOICES:
            return page("cookie_banner.html", 400, next=target)
        state.cookie_banner_pending = False
    return see_other(target)


def promo_dismiss():
    session_state().promo_pending = False
    return see_other(safe_next(request.form.get("next")))


def register(app: Flask) -> None:
    app.add_url_rule("/cookies", "cookies", cookies, methods=["POST"])
    app.add_url_rule("/promo/dismiss", "promo_dismiss", promo_dismiss, methods=["POST"])
