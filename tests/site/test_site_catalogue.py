"""The catalogue: size, determinism, duplicated names, availability rule, search."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from mock_sites.restaurant.catalogue import (
    ACCOUNTS, BOOKABLE_DATES, BOOKABLE_DAYS, MAX_PARTY_FORM, PAGE_SIZE, SLOT_TIMES, TODAY,
    build_catalogue, party_bucket,
)

DIGEST_SCRIPT = """
import hashlib, json
from mock_sites.restaurant.catalogue import build_catalogue
c = build_catalogue({seed})
rows = [r.model_dump() for r in c.restaurants]
slots = [[r.id, d, c.slots(r.id, d, p)] for r in c.restaurants[::7] for d in c.dates for p in (2, 4, 7)]
print(hashlib.sha256(json.dumps([rows, slots], sort_keys=True).encode()).hexdigest())
"""


def digest(seed: int) -> str:
    c = build_catalogue(seed)
    rows = [r.model_dump() for r in c.restaurants]
    slots = [[r.id, d, c.slots(r.id, d, p)] for r in c.restaurants[::7] for d in c.dates for p in (2, 4, 7)]
    return hashlib.sha256(json.dumps([rows, slots], sort_keys=True).encode()).hexdigest()


def test_constants():
    assert TODAY.isoformat() == "2026-12-01" and BOOKABLE_DAYS == 14
    assert BOOKABLE_DATES[0] == "2026-12-01" and BOOKABLE_DATES[-1] == "2026-12-14"
    assert SLOT_TIMES == ["17:00", "17:30", "18:00", "18:30", "19:00", "19:30", "20:00", "20:30", "21:00",
                          "21:30", "22:00"]
    assert MAX_PARTY_FORM == 20 and PAGE_SIZE == 5


def test_size_and_shape():
    c = build_catalogue(0)
    assert len(c.cities) == 8 and len(c.restaurants) == 80
    assert len(c.cuisines) == 12
    per_city = Counter(r.city for r in c.restaurants)
    assert set(per_city.values()) == {10}
    ids = [r.id for r in c.restaurants]
    assert len(set(ids)) == len(ids)
    for r in c.restaurants:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.id)
        assert 1 <= r.price <= 4 and 3.0 <= r.rating <= 4.9
        assert r.max_party in (6, 8, 10, 12) and r.menu and r.reviews and r.description
        assert c.get(r.id) is r
    assert {r.price for r in c.restaurants} == {1, 2, 3, 4}  # every price band occurs
    assert len({r.rating for r in c.restaurants}) >= 10  # ratings spread, not one value
    hoods = defaultdict(set)
    for r in c.restaurants:
        hoods[r.city].add(r.neighbourhood)
    assert all(len(h) >= 2 for h in hoods.values())


def test_names_repeat_across_cities():
    for seed in (0, 1, 2, 17):
        c = build_catalogue(seed)
        cities_by_name = defaultdict(set)
        for r in c.restaurants:
            cities_by_name[r.name].add(r.city)
        twins = [n for n, cities in cities_by_name.items() if len(cities) >= 2]
        assert len(twins) >= 6
        assert len(c.by_name(twins[0])) == 2
        assert c.by_name(twins[0].upper()) == c.by_name(twins[0])
        # a name is never used twice in one city
        assert all(len(v) == 10 for v in (set(r.name for r in c.in_city(city)) for city in c.cities))


def test_same_seed_same_catalogue_and_memoised():
    assert build_catalogue(3) is build_catalogue(3)
    assert digest(0) == digest(0)
    assert digest(0) != digest(1)
    assert build_catalogue.__wrapped__(5).restaurants == build_catalogue(5).restaurants  # uncached rebuild


def test_determinism_across_processes():
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        out = subprocess.run([sys.executable, "-c", DIGEST_SCRIPT.format(seed=0)], env=env, cwd=root,
                             capture_output=True, text=True, check=True)
        outputs.add(out.stdout.strip())
    assert outputs == {digest(0)}


def test_availability_has_sold_out_slots_and_fully_booked_days():
    c = build_catalogue(0)
    cells = [(r, d) for r in c.restaurants for d in c.dates]
    sold = sum(not ok for r, d in cells for _, ok in c.slots(r.id, d, 2))
    share = sold / (len(cells) * len(SLOT_TIMES))
    assert 0.2 < share < 0.4
    full = [(r, d) for r, d in cells if c.fully_booked(r.id, d, 4)]
    assert 0.03 < len(full) / len(cells) < 0.15
    r, d = full[0]
    assert not any(ok for _, ok in c.slots(r.id, d, 4))


def test_availability_rules():
    c = build_catalogue(0)
    r = c.restaurants[0]
    d = c.dates[0]
    assert not c.is_available(r.id, d, "19:00", r.max_party + 1)
    assert not c.is_available(r.id, d, "19:00", 0)
    assert not c.is_available(r.id, "2026-11-30", "19:00", 2)
    assert not c.is_available(r.id, "2026-12-15", "19:00", 2)
    assert not c.is_available(r.id, d, "19:15", 2)
    assert not c.is_available("nowhere", d, "19:00", 2)
    assert c.slots(r.id, d, 2) == [(t, c.is_available(r.id, d, t, 2)) for t in SLOT_TIMES]
    # parties in one bucket share availability
    assert party_bucket(1) == party_bucket(2) != party_bucket(3)
    for t in SLOT_TIMES:
        assert c.is_available(r.id, d, t, 1) == c.is_available(r.id, d, t, 2)
        assert c.is_available(r.id, d, t, 3) == c.is_available(r.id, d, t, 4)
    assert c.fully_booked(r.id, d, r.max_party + 1)


def test_search_filters_and_sorts():
    c = build_catalogue(0)
    everything = c.search("Chicago")
    assert len(everything) == 10 and all(r.city == "Chicago" for r in everything)
    keys = [(-r.rating, r.name.casefold()) for r in everything]
    assert keys == sorted(keys)
    assert c.search("Atlantis") == []
    names = sorted(r.name.casefold() for r in everything)
    prices = sorted(r.price for r in everything)
    assert [r.name.casefold() for r in c.search("Chicago", sort="name")] == names
    assert [r.price for r in c.search("Chicago", sort="price_asc")] == prices
    assert [r.price for r in c.search("Chicago", sort="price_desc")] == prices[::-1]
    r = everything[3]
    assert r in c.search("Chicago", q=r.name[1:4].upper())
    assert r in c.search("Chicago", q=r.neighbourhood.lower())
    assert all(x.cuisine == r.cuisine for x in c.search("Chicago", cuisine=r.cuisine))
    assert all(x.price == 2 for x in c.search("Chicago", price="2"))
    assert c.search("Chicago", price="2") == c.search("Chicago", price=2)
    with pytest.raises(ValueError):
        c.search("Chicago", sort="random")


def test_accounts():
    assert len(ACCOUNTS) == 10
    assert len({a.email for a in ACCOUNTS}) == 10
    assert all(re.fullmatch(r"415-555-01\d\d", a.phone) for a in ACCOUNTS)
    c = build_catalogue(0)
    assert c.account(ACCOUNTS[0].email.upper()) == ACCOUNTS[0]
    assert c.account("nobody@example.com") is None
