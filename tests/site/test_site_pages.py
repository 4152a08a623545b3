"""Page rules on every page, error pages, static files."""

from __future__ import annotations

from tabletop_helpers import GUEST, book_as_guest, check_markup, open_slot, set_state


def test_every_page_follows_the_markup_rules(app, client, catalogue):
    rid, d, t = open_slot(catalogue)
    code = book_as_guest(client, rid, d, t, 4)
    client.get(f"/book?rid={rid}&date={d}&time={t}&party=4")
    pages = ["/", "/search?city=Chicago", f"/restaurant/{rid}", "/book/details", "/signin?next=/book/details",
             "/reservations", f"/reservations/{code}", f"/reservations/{code}/modify", "/nowhere",
             "/search?city=Nowhere&party=99"]
    for url in pages:
        check_markup(client.get(url).get_data(as_text=True))
    client.post("/book/details", data=GUEST)
    check_markup(client.get("/book/review").get_data(as_text=True))
    check_markup(client.post("/book/details", data={}).get_data(as_text=True))
    check_markup(client.post("/signin", data={}).get_data(as_text=True))
    set_state(app, client, cookie_banner_pending=True)
    check_markup(client.get("/").get_data(as_text=True))


def test_error_pages_are_real_pages(client):
    r = client.get("/no/such/page")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "<h1>Page not found</h1>" in html
    assert '<a class="brand" href="/">TableTop</a>' in html
    r = client.get("/book/complete")
    assert r.status_code == 405 and "<h1>Not allowed</h1>" in r.get_data(as_text=True) and "POST" in r.headers["Allow"]
    r = client.delete("/")
    assert r.status_code == 405
    r = client.get("/reservations/TT-NOPE00")
    assert r.status_code == 404 and "My reservations" in r.get_data(as_text=True)


def test_nav_shows_sign_in_or_name(app, client):
    from mock_sites.restaurant.catalogue import ACCOUNTS

    assert '<a href="/signin">Sign in</a>' in client.get("/").get_data(as_text=True)
    set_state(app, client, identity="guest")
    assert '<a href="/signin">Sign in</a>' in client.get("/").get_data(as_text=True)
    set_state(app, client, identity=ACCOUNTS[6].email)
    html = client.get("/").get_data(as_text=True)
    assert "Signed in as Emma O&#39;Connor" in html and '<a href="/signin">' not in html


def test_static_css_and_favicon_make_no_session(client):
    r = client.get("/static/site.css")
    assert r.status_code == 200 and "font" in r.get_data(as_text=True)
    assert client.get("/favicon.ico").status_code == 204
    assert client.get_cookie("tt_session") is None


def test_large_bodies_are_refused_politely(client):
    r = client.post("/signin", data={"email": "x" * 400_000})
    assert r.status_code == 413 and "<h1>Too much data</h1>" in r.get_data(as_text=True)
