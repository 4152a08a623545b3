"""The cookie banner and the promo modal."""

from __future__ import annotations

import pytest

from tabletop_helpers import GUEST, Visitor, check_markup, open_slot, set_state, state_of


@pytest.fixture
def banner(app, client):
    set_state(app, client, cookie_banner_pending=True)
    return client


def test_banner_replaces_every_page(app, banner, catalogue):
    for url in ("/", "/search?city=Chicago", f"/restaurant/{catalogue.restaurants[0].id}", "/reservations",
                "/signin", "/book/details", "/nowhere"):
        r = banner.get(url)
        html = r.get_data(as_text=True)
        assert r.status_code == (404 if url == "/nowhere" else 200), url
        assert '<dialog open aria-labelledby="cookie-title">' in html and "We value your privacy" in html
        assert "<h1>" not in html and 'name="city"' not in html
        assert f'<input type="hidden" name="next" value="{url.replace("&", "&amp;")}">' in html
        check_markup(html)


def test_banner_blocks_other_posts_and_has_no_side_effects(app, banner, catalogue):
    rid, d, t = open_slot(catalogue)
    assert banner.get(f"/book?rid={rid}&date={d}&time={t}&party=4").status_code == 200
    assert state_of(app, banner).slot is None
    for url in ("/book/guest", "/book/details", "/promo/dismiss", "/signin", "/book/complete"):
        r = banner.post(url, data=GUEST)
        assert r.status_code == 403 and "We value your privacy" in r.get_data(as_text=True)
    assert state_of(app, banner).identity is None


@pytest.mark.parametrize("button", ["Accept all", "Reject non-essential"])
def test_either_choice_clears_the_banner(app, banner, button):
    v = Visitor(banner).get("/search?city=Boston&party=3")
    v.submit(button)
    assert v.url == "/search?city=Boston&party=3" and v.status == 200
    assert "3 people" in v.html and "We value your privacy" not in v.html
    assert state_of(app, banner).cookie_banner_pending is False


def test_cookie_post_validation(app, banner):
    assert banner.post("/cookies", data={"choice": "maybe", "next": "/"}).status_code == 400
    assert state_of(app, banner).cookie_banner_pending
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "relative", ""):
        set_state(app, banner, cookie_banner_pending=True)
        r = banner.post("/cookies", data={"choice": "accept", "next": target})
        assert r.status_code == 303 and r.headers["Location"] == "/", target
    r = banner.post("/cookies", data={"choice": "accept", "next": "/reservations"})  # not pending any more
    assert r.status_code == 303 and r.headers["Location"] == "/reservations"


def test_promo_modal_on_results_only(app, client, catalogue):
    set_state(app, client, promo_pending=True)
    assert "promo-title" not in client.get("/").get_data(as_text=True)
    assert "promo-title" not in client.get(f"/restaurant/{catalogue.restaurants[0].id}").get_data(as_text=True)
    v = Visitor(client).get("/search?city=Denver&party=5&sort=name")
    assert '<dialog open aria-labelledby="promo-title">' in v.html and "Get 20% off your first dinner" in v.html
    assert "<ol" not in v.html and "restaurants in Denver" not in v.html
    check_markup(v.html)
    v.submit("No thanks")
    assert v.url == "/search?city=Denver&party=5&sort=name"
    assert "10 restaurants in Denver" in v.page.text and "promo-title" not in v.html
    assert state_of(app, client).promo_pending is False


def test_promo_dismiss_next_is_local(app, client):
    cases = (("//evil.example", "/"), ("http://x", "/"), ("/reservations", "/reservations"), (None, "/"))
    for target, expected in cases:
        set_state(app, client, promo_pending=True)
        r = client.post("/promo/dismiss", data={} if target is None else {"next": target})
        assert r.status_code == 303 and r.headers["Location"] == expected


def test_banner_first_then_promo(app, client):
    set_state(app, client, cookie_banner_pending=True, promo_pending=True)
    v = Visitor(client).get("/search?city=Miami")
    assert "cookie-title" in v.html
    v.submit("Accept all")
    assert "promo-title" in v.html
    v.submit("No thanks")
    assert "10 restaurants in Miami" in v.page.text
