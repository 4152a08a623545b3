"""Sessions: cookie, fresh sessions, isolation between visitors."""

from __future__ import annotations

from tabletop_helpers import GUEST, book_as_guest, open_slot, set_state, sid_of, state_of, store_of


def test_cookie_holds_only_the_sid(app, client):
    r = client.get("/")
    header = r.headers["Set-Cookie"]
    assert header.startswith("tt_session=") and "HttpOnly" in header and "SameSite=Lax" in header
    sid = sid_of(client)
    assert store_of(app).load(sid) is not None
    assert "Set-Cookie" not in client.get("/").headers  # the same session is kept


def test_unknown_sid_gets_a_fresh_default_session(app, client):
    client.set_cookie("tt_session", "forged-or-expired")
    client.get("/")
    assert sid_of(client) != "forged-or-expired"
    assert state_of(app, client).model_dump() == {
        "default_city": "San Francisco", "cookie_banner_pending": False, "promo_pending": False, "identity": None,
        "slot": None, "draft": {}, "errors": {}, "last_booking": None, "booking_counter": 0, "episode_seed": 0,
    }


def test_two_visitors_never_share_anything(app, catalogue):
    alice, bob = app.test_client(), app.test_client()
    alice.get("/")
    bob.get("/")
    assert sid_of(alice) != sid_of(bob)
    rid, d, t = open_slot(catalogue)
    code = book_as_guest(alice, rid, d, t, 4)
    # bob starts the very same booking: his draft and slot are his own, and alice's booking stays hers
    bob.get(f"/book?rid={rid}&date={d}&time={t}&party=4")
    bob.post("/book/guest")
    bob.post("/book/details", data={**GUEST, "first_name": "Bob"})
    assert state_of(app, alice).slot is None and state_of(app, bob).slot is not None
    assert state_of(app, bob).draft["first_name"] == "Bob"
    assert store_of(app).bookings(sid_of(bob)) == []
    assert code not in bob.get("/reservations").get_data(as_text=True)
    bob_code = book_as_guest(bob, rid, d, t, 4)
    assert bob_code == code  # same episode, same actions, same code: stored per session
    assert len(store_of(app).bookings(sid_of(alice))) == 1
    assert store_of(app).bookings(sid_of(bob))[0]["first_name"] == GUEST["first_name"]


def test_sign_in_is_per_session(app):
    from mock_sites.restaurant.catalogue import ACCOUNTS

    alice, bob = app.test_client(), app.test_client()
    alice.post("/signin", data={"email": ACCOUNTS[1].email, "password": ACCOUNTS[1].password})
    bob.get("/")
    assert f"Signed in as {ACCOUNTS[1].first_name}" in alice.get("/").get_data(as_text=True)
    assert "Signed in as" not in bob.get("/").get_data(as_text=True)
    set_state(app, bob, promo_pending=True)
    assert "promo-title" not in alice.get("/search").get_data(as_text=True)
