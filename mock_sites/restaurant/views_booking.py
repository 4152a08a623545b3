"""The booking flow: choose a slot, identify, enter details, review, complete."""

from __future__ import annotations

from flask import Flask, abort, request

from mock_sites.restaurant.catalogue import BOOKABLE_DATES, MAX_PARTY_FORM, SLOT_TIMES
from mock_sites.restaurant.forms import check_details, check_signin, clean_details, parse_int, safe_next
from mock_sites.restaurant.state import SessionState, Slot
from mock_sites.restaurant.storage import reservation_code
from mock_sites.restaurant.web import message, page, see_other, session_id, session_state, site


def _account_draft(state: SessionState) -> dict[str, str]:
    account = site().catalogue.account(state.identity or "") if state.identity not in (None, "guest") else None
    if account is None:
        return {}
    return {"first_name": account.first_name, "last_name": account.last_name, "phone": account.phone,
            "email": account.email}


def _unavailable(rid: str, date_iso: str, time: str, party: int | None):
    r = site().catalogue.get(rid)
    valid = date_iso in BOOKABLE_DATES and time in SLOT_TIMES and party is not None and 1 <= party <= MAX_PARTY_FORM
    back = f"/restaurant/{rid}"
    if valid:
        back += f"?date={date_iso}&time={time}&party={party}"
    return page("unavailable.html", 409, r=r, date=date_iso, time=time, party=party, valid=valid, back=back)


def _has_slot(state: SessionState) -> bool:
    """A slot is chosen and names a restaurant that exists (a sandbox may write anything)."""
    return state.slot is not None and site().catalogue.get(state.slot.rid) is not None


def _no_slot():
    return message(409, "No table selected", "Your reservation has no table yet. Search for a time first.",
                   (("Find a table", "/"),))


def book():
    catalogue = site().catalogue
    rid = request.args.get("rid", "")
    if catalogue.get(rid) is None:
        abort(404)
    date_iso, time = request.args.get("date", ""), request.args.get("time", "")
    party = parse_int(request.args.get("party", ""))
    if party is None or not catalogue.is_available(rid, date_iso, time, party):
        return _unavailable(rid, date_iso, time, party)
    state = session_state()
    state.slot = Slot(rid=rid, date=date_iso, time=time, party=party)
    state.draft, state.errors = {}, {}
    return see_other("/book/details")


def _details_page(status: int, state: SessionState):
    values = state.draft or _account_draft(state)
    return page("details.html", status, slot=state.slot, r=site().catalogue.get(state.slot.rid), values=values,
                errors=state.errors)


def details():
    state = session_state()
    if not _has_slot(state):
        return see_other("/")
    if state.identity is None:
        return page("identity.html")
    return _details_page(200, state)


def details_post():
    state = session_state()
    if not _has_slot(state):
        return _no_slot()
    if state.identity is None:
        return page("identity.html", 409)
    draft, errors = check_details(request.form)
    if errors:
        state.draft, state.errors = draft, errors
        return _details_page(422, state)
    state.draft, state.errors = clean_details(draft), {}
    return see_other("/book/review")


def guest():
    session_state().identity = "guest"
    return see_other("/book/details")


def signin():
    target = safe_next(request.values.get("next"), "")
    return page("signin.html", email="", errors={}, next=target)


def signin_post():
    state = session_state()
    target = safe_next(request.values.get("next"), "")
    email, errors = check_signin(request.form, site().catalogue)
    if errors:
        return page("signin.html", 401, email=email[:200], errors=errors, next=target)
    account = site().catalogue.account(email)
    state.identity = account.email
    state.draft = {**state.draft, **_account_draft(state)}
    state.errors = {}
    return see_other(target or "/")


def review():
    state = session_state()
    if not _has_slot(state) or state.identity is None or check_details(state.draft)[1]:
        return see_other("/book/details")
    return page("review.html", slot=state.slot, r=site().catalogue.get(state.slot.rid),
                values=clean_details(state.draft))


def complete():
    state = session_state()
    slot = state.slot
    if not _has_slot(state):
        return _no_slot()
    if state.identity is None:
        return see_other("/book/details")
    _, errors = check_details(state.draft)
    if errors:
        state.errors = errors
        return _details_page(422, state)
    catalogue, store, sid = site().catalogue, site().store, session_id()
    if not catalogue.is_available(slot.rid, slot.date, slot.time, slot.party):
        return _unavailable(slot.rid, slot.date, slot.time, slot.party)
    counter = state.booking_counter
    code = reservation_code(state.episode_seed, counter, slot.rid, slot.date, slot.time, slot.party)
    while store.booking(sid, code) is not None:  # only after a sandbox rewrite of the counter
        counter += 1
        code = reservation_code(state.episode_seed, counter, slot.rid, slot.date, slot.time, slot.party)
    r = catalogue.get(slot.rid)
    store.add_booking(sid, {
        "code": code, "rid": r.id, "restaurant_name": r.name, "city": r.city, "date": slot.date,
        "time": slot.time, "party": slot.party, **clean_details(state.draft), "status": "confirmed",
    })
    state.booking_counter = counter + 1
    state.last_booking = code
    state.slot, state.draft, state.errors = None, {}, {}
    return see_other(f"/reservations/{code}")


def register(app: Flask) -> None:
    app.add_url_rule("/book", "book", book)
    app.add_url_rule("/book/details", "details", details)
    app.add_url_rule("/book/details", "details_post", details_post, methods=["POST"])
    app.add_url_rule("/book/guest", "guest", guest, methods=["POST"])
    app.add_url_rule("/signin", "signin", signin)
    app.add_url_rule("/signin", "signin_post", signin_post, methods=["POST"])
    app.add_url_rule("/book/review", "review", review)
    app.add_url_rule("/book/complete", "complete", complete, methods=["POST"])
