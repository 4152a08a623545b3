"""Browsing: the home page, search results and restaurant pages."""

from __future__ import annotations

from flask import Flask, abort, request

from mock_sites.restaurant.catalogue import BOOKABLE_DATES, PAGE_SIZE, SLOT_TIMES
from mock_sites.restaurant.formatting import minutes, url
from mock_sites.restaurant.forms import DEFAULT_PARTY, DEFAULT_TIME, Checked, check_search, check_slot_fields
from mock_sites.restaurant.web import current_path, page, session_state, site

NEAR_MINUTES = 60
SEARCH_PARAMS = ("city", "date", "time", "party", "q", "cuisine", "price", "sort")


def home():
    form = {"city": session_state().default_city, "date": BOOKABLE_DATES[0], "time": DEFAULT_TIME,
            "party": str(DEFAULT_PARTY), "q": ""}
    return page("home.html", form=form, errors={})


def search():
    catalogue = site().catalogue
    state = session_state()
    checked = check_search(request.args, catalogue, state.default_city)
    form = checked.raw
    if not checked.ok:
        return page("search.html", 400, form=form, errors=checked.errors, results=None)
    if state.promo_pending:
        return page("promo.html", next=current_path())
    found = catalogue.search(form["city"], form["q"], form["cuisine"], form["price"], form["sort"])
    pages = max(1, -(-len(found) // PAGE_SIZE))
    if checked.page > pages:
        errors = {"page": f"There {'is' if pages == 1 else 'are'} only {pages} page{'s' * (pages > 1)} of results"}
        return page("search.html", 400, form=form, errors=errors, results=None)
    want = minutes(form["time"])
    near = [t for t in SLOT_TIMES if abs(minutes(t) - want) <= NEAR_MINUTES]
    start = (checked.page - 1) * PAGE_SIZE
    results = [
        (r, [(t, catalogue.is_available(r.id, form["date"], t, checked.party)) for t in near])
        for r in found[start:start + PAGE_SIZE]
    ]
    params = {name: form[name] for name in SEARCH_PARAMS}
    paging = {
        "page": checked.page,
        "pages": pages,
        "previous": url("/search", **params, page=checked.page - 1) if checked.page > 1 else None,
        "next": url("/search", **params, page=checked.page + 1) if checked.page < pages else None,
    }
    return page("search.html", form=form, errors={}, results=results, total=len(found), paging=paging,
                party=checked.party)


def restaurant(rid: str):
    catalogue = site().catalogue
    r = catalogue.get(rid)
    if r is None:
        abort(404)
    checked = Checked()
    check_slot_fields(request.args, checked)
    slots = None if checked.errors else catalogue.slots(r.id, checked.raw["date"], checked.party)
    return page("restaurant.html", 400 if checked.errors else 200, r=r, form=checked.raw, errors=checked.errors,
                slots=slots, party=checked.party)


def register(app: Flask) -> None:
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/search", "search", search)
    app.add_url_rule("/restaurant/<rid>", "restaurant", restaurant)
