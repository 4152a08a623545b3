"""Server-side validation: errors next to fields, drafts kept, bad input never a 500."""

from __future__ import annotations

import pytest

from mock_sites.restaurant.forms import PHONE_MESSAGE
from tabletop_helpers import GUEST, Visitor, check_markup, open_slot, state_of


@pytest.fixture
def at_details(app, client, catalogue):
    rid, d, t = open_slot(catalogue)
    client.get(f"/book?rid={rid}&date={d}&time={t}&party=4")
    client.post("/book/guest")
    return Visitor(client).get("/book/details")


def test_errors_shown_next_to_fields_and_draft_kept(app, client, at_details):
    v = at_details
    typed = {**GUEST, "first_name": "<b>Ann</b>", "phone": "4155550134", "email": "ann at example"}
    v.submit("Continue to review", **typed)
    assert v.status == 422 and v.url == "/book/details"
    check_markup(v.html)
    assert v.error("phone") == PHONE_MESSAGE
    assert v.error("first_name") and v.error("email")
    assert v.error("last_name") is None
    phone = v.field("phone")
    assert phone.attrs["aria-invalid"] == "true" and phone.attrs["aria-describedby"] == "phone-hint phone-error"
    assert v.html.index('id="phone"') < v.html.index('id="phone-error"') < v.html.index('id="email"')
    assert v.field("first_name").value == "<b>Ann</b>"
    assert "&lt;b&gt;Ann&lt;/b&gt;" in v.html and "<b>Ann</b>" not in v.html
    assert v.field("special_request").value == GUEST["special_request"]
    state = state_of(app, client)
    assert state.draft["phone"] == "4155550134" and set(state.errors) == {"first_name", "phone", "email"}
    # reloading the page keeps what was typed and the errors
    v.get("/book/details")
    assert v.status == 200 and v.error("phone") == PHONE_MESSAGE and v.field("email").value == "ann at example"
    v.submit("Continue to review", **GUEST)
    assert v.url == "/book/review"
    assert state_of(app, client).errors == {}


@pytest.mark.parametrize("phone", ["415-555-0134", " 212-555-9876 ", "000-000-0000"])
def test_phone_accepted(client, at_details, phone):
    assert client.post("/book/details", data={**GUEST, "phone": phone}).status_code == 303


@pytest.mark.parametrize("phone", ["4155550134", "(415) 555-0134", "415 555 0134", "415-555-013", "415-555-01345",
                                   "+1-415-555-0134", "415.555.0134", "४१५-५५५-०१३४", "", "415-555-0134\n1"])
def test_phone_rejected(client, at_details, phone):
    r = client.post("/book/details", data={**GUEST, "phone": phone})
    assert r.status_code == 422
    assert f'<p class="error" id="phone-error">{PHONE_MESSAGE}</p>' in r.get_data(as_text=True)


@pytest.mark.parametrize("name", ["José", "Zoë", "O'Brien", "Anne-Marie", "J. R.", "李", "Ærøskøbing", "D’Angelo"])
def test_names_in_any_script(client, at_details, name):
    assert client.post("/book/details", data={**GUEST, "first_name": name, "last_name": name}).status_code == 303


@pytest.mark.parametrize("name", ["", "   ", "R2D2", "Ann!", "a" * 51, "--", "<b>x</b>"])
def test_bad_names(client, at_details, name):
    r = client.post("/book/details", data={**GUEST, "last_name": name})
    assert r.status_code == 422 and 'id="last_name-error"' in r.get_data(as_text=True)


@pytest.mark.parametrize("field,value", [
    ("email", ""), ("email", "a@b"), ("email", "a b@c.d"), ("email", "x" * 95 + "@a.com"),
    ("seating", "balcony"), ("occasion", "wedding"), ("special_request", "x" * 301),
    ("first_name", "x" * 2001), ("special_request", "y" * 5000),
])
def test_other_field_rules(client, at_details, field, value):
    r = client.post("/book/details", data={**GUEST, field: value})
    assert r.status_code == 422 and f'id="{field}-error"' in r.get_data(as_text=True)


def test_missing_fields_are_errors_not_crashes(client, at_details):
    r = client.post("/book/details", data={})
    assert r.status_code == 422
    for name in ("first_name", "last_name", "phone", "email"):
        assert f'id="{name}-error"' in r.get_data(as_text=True)


def test_search_errors(client):
    cases = {
        "city=Atlantis": "city", "date=2026-11-30": "date", "date=2027-01-01": "date", "date=tomorrow": "date",
        "time=19:15": "time", "time=7pm": "time", "party=0": "party", "party=21": "party", "party=two": "party",
        "party=2.5": "party", "page=0": "page", "page=-1": "page", "q=" + "x" * 101: "q", "cuisine=Martian": "cuisine",
        "price=5": "price", "sort=random": "sort", "page=99": "page",
    }
    for query, field in cases.items():
        r = client.get(f"/search?{query}" if query.startswith("city") else f"/search?city=Chicago&{query}")
        html = r.get_data(as_text=True)
        assert r.status_code == 400, query
        assert f'<p class="error" id="{field}-error">' in html, query
        check_markup(html)
        assert '<form class="search"' in html
    r = client.get("/search?city=Chicago&date=2026-12-20")
    assert "Tables can be booked from Tue, Dec 1 to Mon, Dec 14" in r.get_data(as_text=True)
    assert client.get("/search?city=Chicago&q=" + "x" * 100).status_code == 200


def test_restaurant_page_errors(client, catalogue):
    rid = catalogue.restaurants[0].id
    assert client.get("/restaurant/nowhere").status_code == 404
    r = client.get(f"/restaurant/{rid}?date=2026-12-31&party=0")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and 'id="date-error"' in html and 'id="party-error"' in html
    assert "Available times" not in html
    check_markup(html)


def test_numbers_are_normalised(client, catalogue):
    v = Visitor(client).get(f"/restaurant/{catalogue.restaurants[0].id}?party=03")
    assert [value for value, _, sel in v.field("party").options if sel] == ["3"]
    assert "Available times for 3 people" in v.page.text


def test_defaults_when_params_missing(client, catalogue):
    r = client.get("/search")
    assert r.status_code == 200 and "10 restaurants in San Francisco" in r.get_data(as_text=True)
    r = client.get(f"/restaurant/{catalogue.restaurants[0].id}")
    assert r.status_code == 200 and "Available times for 2 people on Tue, Dec 1" in r.get_data(as_text=True)
