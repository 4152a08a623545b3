"""Search results: layout, near times, filters, sorting, pagination."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from mock_sites.restaurant.catalogue import SLOT_TIMES
from mock_sites.restaurant.formatting import fmt_time, minutes
from tabletop_helpers import Visitor, check_markup, parse


def result_names(html: str) -> list[str]:
    page = parse(html)
    return [text for text, href in page.links if href.startswith("/restaurant/")]


def test_results_list_near_times(client, catalogue):
    r = client.get("/search?city=Seattle&date=2026-12-03&time=17:30&party=3&q=")
    html = r.get_data(as_text=True)
    expected = catalogue.search("Seattle")[:5]
    assert result_names(html) == [x.name for x in expected]
    near = [t for t in SLOT_TIMES if abs(minutes(t) - minutes("17:30")) <= 60]
    assert near == ["17:00", "17:30", "18:00", "18:30"]
    articles = html.split("<article>")[1:]
    assert len(articles) == 5
    for rest, article in zip(expected, articles):
        assert f'<a href="/restaurant/{rest.id}?date=2026-12-03&amp;time=17:30&amp;party=3">' in article
        top = rest
        line = f"{top.cuisine} · {'$' * top.price} · {top.neighbourhood} · ★ {top.rating} ({top.review_count} reviews)"
        assert line in article
        open_near = [t for t in near if catalogue.is_available(rest.id, "2026-12-03", t, 3)]
        if not open_near:
            assert "No tables within an hour of 5:30 PM" in article and "/book?" not in article
            continue
        assert "Times near 5:30 PM:" in article
        for t in near:
            link = f'<a href="/book?rid={rest.id}&amp;date=2026-12-03&amp;time={t}&amp;party=3">{fmt_time(t)}</a>'
            assert (link in article) == (t in open_near)
            assert (f"<li>{fmt_time(t)} (sold out)</li>" in article) == (t not in open_near)


def test_no_tables_message_for_big_parties(client, catalogue):
    html = client.get("/search?city=Austin&party=20").get_data(as_text=True)
    assert html.count("No tables within an hour of 7:00 PM") == 5
    assert "/book?" not in html


def test_pagination_keeps_params(client, catalogue):
    v = Visitor(client).get("/search?city=Chicago&date=2026-12-02&time=20:00&party=2&q=&sort=name")
    assert "Page 1 of 2" in v.page.text
    assert "Previous page" not in [t for t, _ in v.page.links]
    first = result_names(v.html)
    v.click("Next page")
    params = parse_qs(urlsplit(v.url).query, keep_blank_values=True)
    assert params == {"city": ["Chicago"], "date": ["2026-12-02"], "time": ["20:00"], "party": ["2"], "q": [""],
                      "cuisine": [""], "price": [""], "sort": ["name"], "page": ["2"]}
    assert "Page 2 of 2" in v.page.text and "Next page" not in [t for t, _ in v.page.links]
    second = result_names(v.html)
    assert first + second == [r.name for r in catalogue.search("Chicago", sort="name")]
    v.click("Previous page")
    assert result_names(v.html) == first
    check_markup(v.html)


def test_filters_form(client, catalogue):
    v = Visitor(client).get("/search?city=New+York&party=4&q=")
    cuisine = catalogue.search("New York")[0].cuisine
    v.submit("Apply filters", cuisine=cuisine, sort="price_desc")
    expected = catalogue.search("New York", cuisine=cuisine, sort="price_desc")
    assert result_names(v.html) == [r.name for r in expected][:5]
    assert f"{len(expected)} restaurant" in v.page.text
    assert v.field("party").options[3][2]  # the filter form kept the party size (4 people selected)
    v.submit("Apply filters", cuisine="", price="1", sort="rating")
    assert result_names(v.html) == [r.name for r in catalogue.search("New York", price="1")][:5]


def test_query_and_zero_results(client, catalogue):
    hood = catalogue.search("Miami")[0].neighbourhood
    html = client.get(f"/search?city=Miami&q={hood.lower()}").get_data(as_text=True)
    assert result_names(html) == [r.name for r in catalogue.search("Miami", q=hood)][:5]
    html = client.get("/search?city=Miami&q=zzzz").get_data(as_text=True)
    assert "0 restaurants in Miami" in html and "No restaurants match your search." in html
    assert 'aria-label="Results pages"' not in html


def test_home_defaults_follow_session_city(app, client):
    from tabletop_helpers import set_state

    set_state(app, client, default_city="Denver")
    v = Visitor(client).get("/")
    city = v.field("city")
    assert [value for value, _, sel in city.options if sel] == ["Denver"]
    assert [value for value, _, sel in v.field("time").options if sel] == ["19:00"]
    assert [value for value, _, sel in v.field("party").options if sel] == ["2"]
    assert [value for value, _, sel in v.field("date").options if sel] == ["2026-12-01"]
    assert len(v.field("date").options) == 14 and len(v.field("party").options) == 20
    v.submit("Search")
    assert "10 restaurants in Denver" in v.page.text


def test_restaurant_page(client, catalogue):
    r = next(x for x in catalogue.restaurants if x.max_party == 6)
    html = client.get(f"/restaurant/{r.id}?date=2026-12-06&time=18:00&party=5").get_data(as_text=True)
    assert f"<h1>{r.name}</h1>" in html.replace("&#39;", "'") or r.name in parse(html).text
    text = parse(html).text
    assert "Available times for 5 people on Sun, Dec 6" in text
    assert f"${r.menu[0].price}" in text and r.reviews[0].author in text
    slots = catalogue.slots(r.id, "2026-12-06", 5)
    assert html.count("(sold out)") == sum(not ok for _, ok in slots)
    html = client.get(f"/restaurant/{r.id}?party=7").get_data(as_text=True)
    assert "This restaurant takes parties of up to 6 online." in html
    v = Visitor(client).get(f"/restaurant/{r.id}")
    v.submit("Find a time", date="2026-12-09", party="3")
    assert "Available times for 3 people on Wed, Dec 9" in v.page.text
