"""The sandbox control endpoints: off without a token, guarded, snapshot round-trips."""

from __future__ import annotations

from mock_sites.restaurant import create_app
from tabletop_helpers import TOKEN, book_as_guest, open_slot, sid_of, state_of, store_of

H = {"X-Sandbox-Token": TOKEN}


def test_absent_without_token():
    client = create_app().test_client()
    assert client.post("/__sandbox/session", json={"state": {}}, headers=H).status_code == 404
    assert client.get("/__sandbox/state", headers=H).status_code == 404
    assert client.put("/__sandbox/state", json={}, headers=H).status_code == 404


def test_forbidden_without_the_right_token_or_from_afar(client):
    for headers in ({}, {"X-Sandbox-Token": "wrong"}, {"X-Sandbox-Token": TOKEN + "x"}, {"X-Sandbox-Token": ""}):
        assert client.post("/__sandbox/session", json={"state": {}}, headers=headers).status_code == 403
        assert client.get("/__sandbox/state", headers=headers).status_code == 403
        assert client.put("/__sandbox/state", json={}, headers=headers).status_code == 403
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.post("/__sandbox/session", json={"state": {}}, headers=H, environ_base=remote).status_code == 403
    ipv6 = {"REMOTE_ADDR": "::1"}
    assert client.post("/__sandbox/session", json={"state": {}}, headers=H, environ_base=ipv6).status_code == 200


def test_open_session_with_state(app, client):
    state = {"default_city": "Miami", "cookie_banner_pending": True, "episode_seed": 7}
    r = client.post("/__sandbox/session", json={"state": state}, headers=H)
    assert r.status_code == 200
    sid = r.get_json()["sid"]
    assert sid_of(client) == sid and "HttpOnly" in r.headers["Set-Cookie"]
    loaded = state_of(app, client)
    assert loaded.default_city == "Miami" and loaded.cookie_banner_pending and loaded.episode_seed == 7
    assert "We value your privacy" in client.get("/").get_data(as_text=True)
    assert client.post("/__sandbox/session", json={"state": {"bogus": 1}}, headers=H).status_code == 400
    assert client.post("/__sandbox/session", data="not json", headers=H).status_code == 400
    assert client.post("/__sandbox/session", json=[1, 2], headers=H).status_code == 400


def test_snapshot_round_trip(app, client, catalogue):
    client.post("/__sandbox/session", json={"state": {"episode_seed": 3}}, headers=H)
    book_as_guest(client, *open_slot(catalogue), 4)
    rid, d, t = open_slot(catalogue, "Seattle", 2)
    client.get(f"/book?rid={rid}&date={d}&time={t}&party=2")
    client.post("/book/details", data={"first_name": "Half"})  # identity missing: 409, slot kept
    snap = client.get("/__sandbox/state", headers=H).get_json()
    assert set(snap) == {"session", "bookings"}
    assert snap["session"] == state_of(app, client).model_dump(mode="json")
    assert snap["bookings"] == store_of(app).bookings(sid_of(client))
    assert snap["session"]["slot"] == {"rid": rid, "date": d, "time": t, "party": 2}

    # move on, then restore the snapshot: state and bookings are back exactly
    client.post(f"/reservations/{snap['bookings'][0]['code']}/cancel")
    book_as_guest(client, rid, d, t, 2)
    assert client.get("/__sandbox/state", headers=H).get_json() != snap
    r = client.put("/__sandbox/state", json=snap, headers=H)
    assert r.status_code == 200 and r.get_json() == snap
    assert client.get("/__sandbox/state", headers=H).get_json() == snap

    # the same snapshot opens an identical session in a new app (another backend)
    other_app = create_app(sandbox_token=TOKEN)
    other = other_app.test_client()
    other.post("/__sandbox/session", json={"state": {}}, headers=H)
    assert other.put("/__sandbox/state", json=snap, headers=H).status_code == 200
    assert other.get("/__sandbox/state", headers=H).get_json() == snap
    assert other.get("/reservations").get_data(as_text=True) == client.get("/reservations").get_data(as_text=True)


def test_put_validation(app, client):
    assert client.get("/__sandbox/state", headers=H).status_code == 404  # no session yet
    assert client.put("/__sandbox/state", json={"session": {}}, headers=H).status_code == 404
    client.post("/__sandbox/session", json={"state": {}}, headers=H)
    assert client.put("/__sandbox/state", json={"session": {"identity": 5}}, headers=H).status_code == 400
    assert client.put("/__sandbox/state", json={"bookings": []}, headers=H).status_code == 400
    row = {"code": "TT-AAAAAA", "rid": "x", "restaurant_name": "X", "city": "Y", "date": "2026-12-01",
           "time": "19:00", "party": 2}
    assert client.put("/__sandbox/state", json={"session": {}, "bookings": [row, row]}, headers=H).status_code == 400
    assert client.put("/__sandbox/state", json={"session": {}, "bookings": [{**row, "status": "x"}]},
                      headers=H).status_code == 400
    r = client.put("/__sandbox/state", json={"session": {}, "bookings": [row]}, headers=H)
    assert r.status_code == 200 and r.get_json()["bookings"][0]["seq"] == 1
