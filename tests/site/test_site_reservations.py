"""My reservations: confirmation, list, cancel, modify."""

from __future__ import annotations

from tabletop_helpers import Visitor, book_as_guest, check_markup, open_slot, sid_of, store_of


def test_list_cancel_and_confirmation(app, client, catalogue):
    assert "You have no reservations yet." in client.get("/reservations").get_data(as_text=True)
    first = book_as_guest(client, *open_slot(catalogue, "Boston", 2), 2)
    second = book_as_guest(client, *open_slot(catalogue, "Denver", 3), 3)
    v = Visitor(client).get("/reservations")
    check_markup(v.html)
    assert first in v.page.text and second in v.page.text
    assert [t for t, _ in v.page.links].count("Modify") == 2
    form = [f for f in v.page.forms if f.attrs["action"] == f"/reservations/{first}/cancel"][0]
    assert form.buttons[0][0] == "Cancel reservation"
    r = client.post(f"/reservations/{first}/cancel")
    assert r.status_code == 303 and r.headers["Location"] == "/reservations"
    v.get("/reservations")
    assert "Cancelled" in v.page.text and [t for t, _ in v.page.links].count("Modify") == 1
    assert f"/reservations/{first}/cancel" not in v.html
    v.get(f"/reservations/{first}")
    assert "Reservation cancelled" in v.page.text and f"Confirmation code: {first}" in v.page.text
    assert client.post(f"/reservations/{first}/cancel").status_code == 409
    assert client.get(f"/reservations/{first}/modify").status_code == 409
    rows = {r["code"]: r for r in store_of(app).bookings(sid_of(client))}
    assert rows[first]["status"] == "cancelled" and rows[second]["status"] == "confirmed"


def test_modify(app, client, catalogue):
    rid, d, t = open_slot(catalogue, "Austin", 2)
    code = book_as_guest(client, rid, d, t, 2)
    v = Visitor(client).get("/reservations")
    v.click("Modify")
    assert v.url == f"/reservations/{code}/modify"
    check_markup(v.html)
    assert [x for x, _, sel in v.field("date").options if sel] == [d]
    new_date = "2026-12-10"
    new_time = next(s for s, ok in catalogue.slots(rid, new_date, 4) if ok)
    bad_time = next((s for s, ok in catalogue.slots(rid, new_date, 4) if not ok), None)
    if bad_time:
        v.submit("Save changes", date=new_date, time=bad_time, party="4")
        assert v.status == 409 and "Choose another time" in v.error("time")
    v.submit("Save changes", date=new_date, time=new_time, party="4")
    assert v.url == f"/reservations/{code}" and "Reservation confirmed" in v.page.text
    row = store_of(app).bookings(sid_of(client))[0]
    assert (row["date"], row["time"], row["party"], row["code"]) == (new_date, new_time, 4, code)
    r = client.post(f"/reservations/{code}/modify", data={"date": "2027-01-01", "time": "25:00", "party": "0"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and all(f'id="{n}-error"' in html for n in ("date", "time", "party"))


def test_other_sessions_codes_are_not_found(app, catalogue):
    alice, bob = app.test_client(), app.test_client()
    code = book_as_guest(alice, *open_slot(catalogue), 4)
    assert bob.get(f"/reservations/{code}").status_code == 404
    assert bob.post(f"/reservations/{code}/cancel").status_code == 404
    assert bob.get(f"/reservations/{code}/modify").status_code == 404
    assert bob.post(f"/reservations/{code}/modify", data={}).status_code == 404
    assert code not in bob.get("/reservations").get_data(as_text=True)
    assert alice.get(f"/reservations/{code}").status_code == 200
