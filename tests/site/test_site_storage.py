"""SiteStore and reservation codes."""

from __future__ import annotations

import re
import threading

import pytest

from mock_sites.restaurant.state import SessionState
from mock_sites.restaurant.storage import SiteStore, reservation_code

ROW = {"rid": "chicago-x", "restaurant_name": "X", "city": "Chicago", "date": "2026-12-02", "time": "19:00",
       "party": 2, "first_name": "A", "last_name": "B", "phone": "415-555-0134", "email": "a@b.co",
       "seating": "", "occasion": "", "special_request": "", "status": "confirmed"}


def test_codes_are_deterministic():
    code = reservation_code(1, 0, "chicago-x", "2026-12-02", "19:00", 2)
    assert re.fullmatch(r"TT-[A-Z0-9]{6}", code)
    assert code == reservation_code(1, 0, "chicago-x", "2026-12-02", "19:00", 2)
    assert code != reservation_code(2, 0, "chicago-x", "2026-12-02", "19:00", 2)
    assert code != reservation_code(1, 1, "chicago-x", "2026-12-02", "19:00", 2)


def test_sessions_and_bookings(tmp_path):
    store = SiteStore(str(tmp_path / "site.db"))
    sid = store.create_session(SessionState(episode_seed=9))
    assert store.load(sid).episode_seed == 9 and store.load("nope") is None
    code = store.add_booking(sid, ROW)
    assert code == reservation_code(9, 0, "chicago-x", "2026-12-02", "19:00", 2)
    rows = store.bookings(sid)
    assert rows == [{**ROW, "code": code, "seq": 1}]
    assert store.update_booking(sid, code, status="cancelled", party=3)
    assert store.bookings(sid)[0]["status"] == "cancelled" and store.bookings(sid)[0]["party"] == 3
    assert not store.update_booking(sid, "TT-NONE00", status="cancelled")
    for bad in ({"owner": "other"}, {"code": "TT-OTHER1"}, {"seq": 5}):
        with pytest.raises(ValueError):
            store.update_booking(sid, code, **bad)
    other = store.create_session()
    assert store.add_booking(other, {**ROW, "code": code}) == code  # codes are unique per session only
    store.replace_bookings(sid, [])
    assert store.bookings(sid) == [] and len(store.bookings(other)) == 1
    store.save(sid, SessionState(default_city="Austin"))
    assert store.load(sid).default_city == "Austin"
    store.delete_session(other)
    assert store.load(other) is None and store.bookings(other) == []
    store.close()


def test_thread_safety():
    store = SiteStore()
    sids = [store.create_session() for _ in range(8)]

    def work(sid: str) -> None:
        for i in range(25):
            store.save(sid, SessionState(booking_counter=i))
            store.add_booking(sid, {**ROW, "code": f"TT-{i:06d}"})
            store.load(sid)

    threads = [threading.Thread(target=work, args=(s,)) for s in sids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(store.bookings(s)) == 25 and store.load(s).booking_counter == 24 for s in sids)
