"""Junk at every form endpoint: never a 500, and markup always comes back escaped."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_sites.restaurant import create_app
from mock_sites.restaurant.catalogue import ACCOUNTS
from tabletop_helpers import GUEST, TOKEN, book_as_guest, open_slot, set_state

MARKERS = ('<i>tt-mark</i>', '"><s>tt</s>', "</textarea><b>tt</b>")
APP = create_app(sandbox_token=TOKEN)
CAT = APP.extensions["tabletop"].catalogue
RID, DATE, TIME = open_slot(CAT)

junk_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "500", "-1", "2.5", "1e3", "٣", "2026-12-01", "2026-02-30", "2026-12-15",
                     "19:00", "25:99", "Chicago", RID, "accept", "reject", "//evil.example", "/ok", "\x00", "null",
                     "415-555-0134", "a@b.co", "x" * 2500, "ü" * 120, "<script>alert(1)</script>"]),
    st.builds(lambda a, m, b: a + m + b, st.text(max_size=8), st.sampled_from(MARKERS), st.text(max_size=8)),
)
SEARCH_FIELDS = ("city", "date", "time", "party", "q", "cuisine", "price", "sort", "page")
DETAIL_FIELDS = tuple(GUEST)
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fields(names):
    """Some of `names` (others missing) with junk values."""
    return st.dictionaries(st.sampled_from(names), junk_text, max_size=len(names))


def check(response) -> None:
    assert response.status_code < 500, response.status_code
    html = response.get_data(as_text=True)
    assert "<i>tt-mark" not in html and "<s>tt</s>" not in html and "<b>tt</b>" not in html


def new_client(**state):
    client = APP.test_client()
    set_state(APP, client, **state)
    return client


@FUZZ
@given(fields(SEARCH_FIELDS))
def test_search_and_home(params):
    client = new_client()
    check(client.get("/search", query_string=params))
    check(client.get("/", query_string=params))


@FUZZ
@given(junk_text, fields(("date", "time", "party")))
def test_restaurant_page(rid, params):
    client = new_client()
    check(client.get(f"/restaurant/{quote(rid, safe='')}", query_string=params))
    check(client.get(f"/restaurant/{RID}", query_string=params))


@FUZZ
@given(fields(("rid", "date", "time", "party")))
def test_book_link(params):
    check(new_client().get("/book", query_string=params))


@FUZZ
@given(fields(DETAIL_FIELDS), st.booleans())
def test_details_form(form, signed_in):
    identity = ACCOUNTS[0].email if signed_in else "guest"
    client = new_client(slot={"rid": RID, "date": DATE, "time": TIME, "party": 4}, identity=identity)
    response = client.post("/book/details", data=form)
    check(response)
    assert response.status_code in (303, 422)
    check(client.get("/book/details"))
    check(client.get("/book/review"))
    check(client.post("/book/complete"))
    check(client.get("/reservations"))


@FUZZ
@given(fields(DETAIL_FIELDS))
def test_details_without_slot_or_identity(form):
    check(new_client().post("/book/details", data=form))
    check(new_client(slot={"rid": RID, "date": DATE, "time": TIME, "party": 4}).post("/book/details", data=form))
    ghost = new_client(slot={"rid": "gone", "date": "x", "time": "y", "party": 99}, identity="guest", draft=dict(GUEST))
    for response in (ghost.post("/book/complete", data=form), ghost.post("/book/details", data=form),
                     ghost.get("/book/details"), ghost.get("/book/review")):
        check(response)


@FUZZ
@given(fields(("email", "password", "next")), fields(("next",)))
def test_signin(form, query):
    client = new_client()
    check(client.get("/signin", query_string=query))
    response = client.post("/signin", data=form, query_string=query)
    check(response)
    if response.status_code == 303:
        assert response.headers["Location"].startswith("/") and not response.headers["Location"].startswith("//")


@FUZZ
@given(fields(("choice", "next")), st.booleans())
def test_cookies_and_promo(form, pending):
    client = new_client(cookie_banner_pending=pending, promo_pending=True)
    for url in ("/cookies", "/promo/dismiss"):
        response = client.post(url, data=form)
        check(response)
        if response.status_code == 303:
            location = response.headers["Location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.fixture(scope="module")
def booked():
    client = new_client()
    return client, book_as_guest(client, RID, DATE, TIME, 4)


@FUZZ
@given(fields(("date", "time", "party")), junk_text)
def test_reservation_forms(booked, form, code):
    client, real = booked
    check(client.post(f"/reservations/{real}/modify", data=form))
    check(client.get(f"/reservations/{real}"))
    check(client.get(f"/reservations/{quote(code, safe='')}"))
    check(client.post(f"/reservations/{quote(code, safe='')}/modify", data=form))
    check(client.post(f"/reservations/{quote(code, safe='')}/cancel", data=form))


def test_raw_and_wrong_type_bodies():
    client = new_client(slot={"rid": RID, "date": DATE, "time": TIME, "party": 4}, identity="guest")
    check(client.get("/search?city=%FF%FE&party=%00&date=%C0%AF&q=%3Cb%3E"))
    check(client.get("/search?party=1&party=2&city=Chicago&city=<b>"))
    form = "application/x-www-form-urlencoded"
    for body, kind in ((b"\xff\xfe=\x00", form), (b"first_name=%FF", form), (b'{"first_name": 1}', "application/json"),
                       (b"--x\r\nbroken", "multipart/form-data; boundary=x"), (b"", "text/plain")):
        for url in ("/book/details", "/signin", "/cookies", "/promo/dismiss", "/book/guest", "/book/complete"):
            check(client.post(url, data=body, content_type=kind))
    check(client.post("/book/details", data={"first_name": ["a", "b"], "phone": ["1", "415-555-0134"]}))
    check(client.put("/book/details", data={}))
    check(client.open("/search", method="PATCH"))
    check(client.get("/%00"))
    check(client.get("/restaurant/" + "x" * 5000))
    check(client.get("/search?" + "q=" + "y" * 50000))
    html = client.post("/book/details", data={**GUEST, "first_name": '<i>tt-mark</i>'}).get_data(as_text=True)
    assert "&lt;i&gt;tt-mark&lt;/i&gt;" in html


def test_sandbox_junk():
    client = APP.test_client()
    h = {"X-Sandbox-Token": TOKEN}
    bodies = (b"", b"[]", b"{", b'{"state": 5}', b'{"state": {"slot": {"rid": 1}}}', b'{"state": {"draft": {"a": 1}}}')
    for body in bodies:
        response = client.post("/__sandbox/session", data=body, headers=h, content_type="application/json")
        assert response.status_code == 400
    client.post("/__sandbox/session", json={}, headers=h)
    for body in (b"", b"null", b'{"session": {}, "bookings": [{"code": 1}]}', b'{"session": {}, "bookings": {}}'):
        assert client.put("/__sandbox/state", data=body, headers=h, content_type="application/json").status_code == 400
    assert client.put("/__sandbox/state", json={"session": {}}, headers={"X-Sandbox-Token": "é"}).status_code == 403
