"""The booking flow through the pages' own links and forms."""

from __future__ import annotations

from mock_sites.restaurant import create_app
from mock_sites.restaurant.catalogue import ACCOUNTS
from mock_sites.restaurant.formatting import fmt_date, fmt_time
from tabletop_helpers import (
    GUEST, Visitor, book_as_guest, check_markup, set_state, sid_of, sold_out_slot, state_of, store_of,
)


def first_open_time_link(v: Visitor) -> str:
    for text, href in v.page.links:
        if href.startswith("/book?"):
            return text
    raise AssertionError("no bookable time on the page")


def test_guest_books_through_the_forms(app, client, catalogue):
    v = Visitor(client).get("/")
    assert v.status == 200 and v.page.label_for["city"] == "City"
    check_markup(v.html)
    v.submit("Search", city="Chicago", date="2026-12-04", time="19:00", party="4")
    assert v.status == 200 and v.url.startswith("/search?")
    assert "10 restaurants in Chicago" in v.page.text
    check_markup(v.html)
    time_text = first_open_time_link(v)
    v.click(time_text)
    assert v.url == "/book/details" and "Sign in or continue as guest" in v.page.text
    check_markup(v.html)
    v.submit("Continue as guest")
    assert v.url == "/book/details" and v.status == 200
    check_markup(v.html)
    summary = v.page.text
    assert "Fri, Dec 4" in summary and time_text in summary and "4 people" in summary
    assert v.page.label_for["phone"] == "Phone" and "Format: 415-555-0134" in v.page.text
    v.submit("Continue to review", **GUEST)
    assert v.url == "/book/review" and "Review your reservation" in v.page.text
    check_markup(v.html)
    for shown in ("Ana López", "415-555-0134", "ana@example.com", "Outdoor patio", "Birthday", "A quiet table, please"):
        assert shown in v.page.text
    v.submit("Complete reservation")
    assert v.status == 200 and v.url.startswith("/reservations/TT-")
    check_markup(v.html)
    code = v.url.rsplit("/", 1)[-1]
    assert "Reservation confirmed" in v.page.text and f"Confirmation code: {code}" in v.page.text
    rows = store_of(app).bookings(sid_of(client))
    assert len(rows) == 1
    row = rows[0]
    assert row["code"] == code and row["status"] == "confirmed" and row["party"] == 4
    assert row["city"] == "Chicago" and row["date"] == "2026-12-04" and fmt_time(row["time"]) == time_text
    assert {k: row[k] for k in GUEST} == GUEST
    assert catalogue.get(row["rid"]).name == row["restaurant_name"]
    assert set(row) == {"code", "rid", "restaurant_name", "city", "date", "time", "party", "first_name", "last_name",
                        "phone", "email", "seating", "occasion", "special_request", "status", "seq"}
    state = state_of(app, client)
    assert state.last_booking == code and state.booking_counter == 1
    assert state.slot is None and state.draft == {} and state.errors == {}
    v.click("My reservations")
    assert code in v.page.text and "Confirmed" in v.page.text


def test_signed_in_visitor_gets_prefilled_details(app, client, catalogue):
    account = ACCOUNTS[2]
    v = Visitor(client).get(f"/restaurant/{catalogue.search('Boston')[0].id}")
    v.click(first_open_time_link(v))
    v.click("Sign in to your account")
    assert v.url == "/signin?next=/book/details"
    check_markup(v.html)
    v.submit("Sign in", email=account.email, password="wrong")
    assert v.status == 401 and v.error("password") == "The email or password is incorrect"
    assert v.field("email").value == account.email
    v.submit("Sign in", email=account.email, password=account.password)
    assert v.url == "/book/details" and v.status == 200
    assert f"Signed in as {account.first_name} {account.last_name}" in v.page.text
    assert v.field("first_name").value == account.first_name and v.field("phone").value == account.phone
    v.submit("Continue to review")
    v.submit("Complete reservation")
    row = store_of(app).bookings(sid_of(client))[0]
    assert row["email"] == account.email and row["last_name"] == account.last_name
    assert state_of(app, client).identity == account.email


def test_signin_from_nav_returns_home_and_prefills_later(app, client, catalogue):
    v = Visitor(client).get("/")
    v.click("Sign in")
    v.submit("Sign in", email=ACCOUNTS[0].email.upper(), password=ACCOUNTS[0].password)
    assert v.url == "/"
    v.get(f"/restaurant/{catalogue.restaurants[5].id}")
    v.click(first_open_time_link(v))
    assert v.field("email").value == ACCOUNTS[0].email  # skips the identity question when signed in


def test_review_and_complete_guards(app, client, catalogue):
    assert client.get("/book/review").headers["Location"] == "/book/details"
    assert client.get("/book/details").headers["Location"] == "/"
    r = client.post("/book/complete")
    assert r.status_code == 409 and "No table selected" in r.get_data(as_text=True)
    r = client.post("/book/details", data=GUEST)
    assert r.status_code == 409
    rid = catalogue.search("Chicago")[0].id
    slots = [s for s, ok in catalogue.slots(rid, "2026-12-02", 2) if ok]
    client.get(f"/book?rid={rid}&date=2026-12-02&time={slots[0]}&party=2")
    r = client.post("/book/details", data=GUEST)
    assert r.status_code == 409 and "Sign in or continue as guest" in r.get_data(as_text=True)
    client.post("/book/guest")
    assert client.get("/book/review").headers["Location"] == "/book/details"
    client.post("/book/details", data=GUEST)
    assert client.get("/book/review").status_code == 200


def test_complete_refuses_a_slot_that_is_gone(app, client, catalogue):
    rid, d, t = sold_out_slot(catalogue)
    client.get("/")
    set_state(app, client, slot={"rid": rid, "date": d, "time": t, "party": 2}, identity="guest", draft=dict(GUEST))
    r = client.post("/book/complete")
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Sorry, that time is not available" in page
    assert f'href="/restaurant/{rid}?date={d}&amp;time={t}&amp;party=2"' in page
    assert store_of(app).bookings(sid_of(client)) == []


def test_book_link_errors(client, catalogue):
    assert client.get("/book?rid=nowhere&date=2026-12-02&time=19:00&party=2").status_code == 404
    rid, d, t = sold_out_slot(catalogue)
    r = client.get(f"/book?rid={rid}&date={d}&time={t}&party=2")
    text = r.get_data(as_text=True)
    assert r.status_code == 409 and "Sorry, that time is not available" in text
    assert f"at {fmt_time(t)} on {fmt_date(d)}" in text and f'href="/restaurant/{rid}?' in text
    for query in ("date=2026-13-01&time=19:00&party=2", "date=2026-12-02&time=19:05&party=2",
                  "date=2026-12-02&time=19:00&party=zero", "", "date=2026-12-02&time=19:00&party=99"):
        r = client.get(f"/book?rid={rid}&{query}")
        assert r.status_code == 409, query
        assert f'href="/restaurant/{rid}' in r.get_data(as_text=True)


def test_same_episode_gives_same_codes_and_rows(catalogue):
    rows = []
    for _ in range(2):
        app = create_app()
        client = app.test_client()
        set_state(app, client, episode_seed=42)
        rid, d = catalogue.search("Miami")[1].id, "2026-12-05"
        t = next(s for s, ok in catalogue.slots(rid, d, 2) if ok)
        first = book_as_guest(client, rid, d, t, 2)
        second = book_as_guest(client, rid, d, t, 2)
        assert first != second
        rows.append(store_of(app).bookings(sid_of(client)))
    assert rows[0] == rows[1]
    assert [r["seq"] for r in rows[0]] == [1, 2]
    app = create_app()
    client = app.test_client()
    set_state(app, client, episode_seed=43)
    assert book_as_guest(client, rid, d, t, 2) != rows[0][0]["code"]
