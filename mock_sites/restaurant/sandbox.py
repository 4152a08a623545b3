"""Sandbox-only control endpoints: open a session with a given state, read it, replace it.

Registered only when the app has a sandbox token. Every request must carry the token in
`X-Sandbox-Token` and come from a loopback address; anything else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import sqlite3

from flask import Blueprint, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mock_sites.restaurant.state import BookingRow, SessionState
from mock_sites.restaurant.web import COOKIE_NAME, site

TOKEN_HEADER = "X-Sandbox-Token"

bp = Blueprint("sandbox", __name__, url_prefix="/__sandbox")


class NewSession(BaseModel):
    """Body of POST /__sandbox/session (`bookings` is optional)."""

    model_config = ConfigDict(extra="forbid")

    state: SessionState = Field(default_factory=SessionState)
    bookings: list[BookingRow] = Field(default_factory=list)


class Snapshot(BaseModel):
    """Body of PUT /__sandbox/state and answer of GET /__sandbox/state."""

    model_config = ConfigDict(extra="forbid")

    session: SessionState
    bookings: list[BookingRow] = Field(default_factory=list)


def _error(status: int, text: str):
    return jsonify(error=text), status


def _is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


@bp.before_request
def _guard():
    token = site().sandbox_token or ""
    given = request.headers.get(TOKEN_HEADER, "")
    if not token or not _is_loopback(request.remote_addr) or not hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), token.encode()
    ):
        return _error(403, "forbidden")
    return None


def _body(model: type[BaseModel]):
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return None, _error(400, "expected a JSON object")
    try:
        return model.model_validate(payload), None
    except ValidationError as exc:
        details = exc.errors(include_url=False, include_context=False, include_input=False)
        return None, (jsonify(error="invalid body", details=details), 400)


def _cookie_sid() -> str | None:
    sid = request.cookies.get(COOKIE_NAME)
    return sid if sid and site().store.exists(sid) else None


class SandboxState:
    """Read and replace one session's record and bookings (what the control endpoints expose).

    In-process users (the http backend) call it directly as `app.extensions["sandbox"]`.
    """

    def __init__(self, store) -> None:
        self.store = store

    def read(self, sid: str) -> dict:
        state = self.store.load(sid)
        if state is None:
            raise KeyError(f"no session {sid!r}")
        return {"session": state.model_dump(mode="json"), "bookings": self.store.bookings(sid)}

    def write(self, sid: str, session: dict, bookings: list[dict]) -> None:
        """Validate and store; raises pydantic's ValidationError or ValueError on bad input."""
        body = Snapshot.model_validate({"session": session, "bookings": bookings})
        try:
            self.store.replace_bookings(sid, [b.model_dump() for b in body.bookings])
        except sqlite3.IntegrityError:
            raise ValueError("duplicate booking codes") from None
        self.store.save(sid, body.session)


def _snapshot(sid: str) -> dict:
    return SandboxState(site().store).read(sid)


@bp.post("/session")
def open_session():
    body, error = _body(NewSession)
    if error:
        return error
    store = site().store
    sid = store.create_session(body.state)
    try:
        store.replace_bookings(sid, [b.model_dump() for b in body.bookings])
    except sqlite3.IntegrityError:
        store.delete_session(sid)
        return _error(400, "duplicate booking codes")
    response = jsonify(sid=sid)
    response.set_cookie(COOKIE_NAME, sid, httponly=True, samesite="Lax", path="/")
    return response


@bp.get("/state")
def read_state():
    sid = _cookie_sid()
    if sid is None:
        return _error(404, "no session")
    return jsonify(_snapshot(sid))


@bp.put("/state")
def write_state():
    sid = _cookie_sid()
    if sid is None:
        return _error(404, "no session")
    body, error = _body(Snapshot)
    if error:
        return error
    try:
        SandboxState(site().store).write(sid, body.session.model_dump(), [b.model_dump() for b in body.bookings])
    except ValueError as exc:
        return _error(400, str(exc))
    return jsonify(_snapshot(sid))
