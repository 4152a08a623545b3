"""The restaurant catalogue: generated from a seed, with deterministic table availability."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from mock_sites.restaurant import data

TODAY = date(2026, 12, 1)
BOOKABLE_DAYS = 14
BOOKABLE_DATES: tuple[str, ...] = tuple((TODAY + timedelta(days=i)).isoformat() for i in range(BOOKABLE_DAYS))
SLOT_TIMES: list[str] = [f"{m // 60:02d}:{m % 60:02d}" for m in range(17 * 60, 22 * 60 + 1, 30)]
MAX_PARTY_FORM = 20
PAGE_SIZE = 5
SORTS: tuple[str, ...] = ("rating", "name", "price_asc", "price_desc")

FULLY_BOOKED_P = 0.08  # a (restaurant, date) has no table for parties of 3 or more
FULLY_BOOKED_MIN_PARTY = 3
SOLD_OUT_P = 0.3  # a (restaurant, date, time, party bucket) is sold out
SHARED_NAMES = 7  # names that exist in two different cities
RESTAURANTS_PER_CITY = 10
UNSEEN_CATALOGUE_SEED = 1000  # catalogue seeds from here on draw from the second, disjoint set of names


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MenuItem(_Frozen):
    name: str
    price: int


class Review(_Frozen):
    author: str
    rating: int
    text: str


class Restaurant(_Frozen):
    id: str
    name: str
    city: str
    neighbourhood: str
    cuisine: str
    price: int
    rating: float
    review_count: int
    description: str
    menu: list[MenuItem]
    reviews: list[Review]
    max_party: int


class Account(_Frozen):
    first_name: str
    last_name: str
    email: str
    phone: str
    password: str


def _accounts(raw: tuple[tuple[str, str, str, str, str], ...]) -> tuple[Account, ...]:
    return tuple(Account(first_name=f, last_name=l, email=e, phone=p, password=pw) for f, l, e, p, pw in raw)


ACCOUNTS: tuple[Account, ...] = _accounts(data.ACCOUNTS_RAW)  # catalogue 0's (seeds below 1000)
accounts = ACCOUNTS  # the spec's name


@dataclass(frozen=True)
class NamePool:
    """Every name a catalogue and its generated tasks show: cities (with neighbourhoods and phone
    area codes), restaurant names by cuisine, accounts, customers' names and review authors."""

    cities: dict[str, tuple[str, ...]]
    area_codes: dict[str, str]
    restaurant_names: dict[str, tuple[str, ...]]
    accounts: tuple[Account, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    review_authors: tuple[str, ...]


NAME_POOLS: tuple[NamePool, ...] = (
    NamePool(
        cities=data.CITIES, area_codes=data.AREA_CODES,
        restaurant_names={cuisine: names for cuisine, (names, _, _) in data.CUISINES.items()},
        accounts=ACCOUNTS, first_names=data.FIRST_NAMES, last_names=data.LAST_NAMES,
        review_authors=data.REVIEW_AUTHORS,
    ),
    NamePool(
        cities=data.UNSEEN_CITIES, area_codes=data.UNSEEN_AREA_CODES, restaurant_names=data.UNSEEN_RESTAURANT_NAMES,
        accounts=_accounts(data.UNSEEN_ACCOUNTS_RAW), first_names=data.UNSEEN_FIRST_NAMES,
        last_names=data.UNSEEN_LAST_NAMES, review_authors=data.UNSEEN_REVIEW_AUTHORS,
    ),
)


def name_pool(seed: int) -> NamePool:
    """The names catalogue `seed` draws from: the first set below 1000 (catalogue 0, the frozen
    suites), the second, disjoint one from 1000 on (a catalogue no frozen task has seen)."""
    return NAME_POOLS[0 if seed < UNSEEN_CATALOGUE_SEED else 1]


def slugify(text: str) -> str:
    """ASCII slug: "L'Étoile" -> "letoile", "Chai & Chutney" -> "chai-chutney"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = ascii_text.replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def party_bucket(party: int) -> str:
    """The availability bucket of a party size: 1-2, 3-4, 5-6 or 7+."""
    if party <= 2:
        return "1-2"
    if party <= 4:
        return "3-4"
    if party <= 6:
        return "5-6"
    return "7+"


@lru_cache(maxsize=65536)
def _unit(key: str) -> float:
    """A uniform number in [0, 1) derived from sha256(key)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64


class Catalogue:
    """Restaurants of all cities plus the availability rule, all derived from one seed."""

    def __init__(self, seed: int, restaurants: list[Restaurant]) -> None:
        self.seed = seed
        self.names: NamePool = name_pool(seed)
        self.restaurants: list[Restaurant] = restaurants
        self._by_id = {r.id: r for r in restaurants}
        self.cities: list[str] = list(self.names.cities)
        self.cuisines: list[str] = sorted({r.cuisine for r in restaurants})
        self.accounts: tuple[Account, ...] = self.names.accounts
        self._by_city: dict[str, list[Restaurant]] = {c: [r for r in restaurants if r.city == c] for c in self.cities}
        self.dates: tuple[str, ...] = BOOKABLE_DATES

    def get(self, rid: str) -> Restaurant | None:
        return self._by_id.get(rid)

    def by_name(self, name: str) -> list[Restaurant]:
        """All restaurants called `name` (case-insensitive), in catalogue order."""
        key = name.casefold()
        return [r for r in self.restaurants if r.name.casefold() == key]

    def in_city(self, city: str) -> list[Restaurant]:
        return list(self._by_city.get(city, ()))

    def account(self, email: str) -> Account | None:
        key = email.strip().casefold()
        return next((a for a in self.accounts if a.email == key), None)

    # -- availability -------------------------------------------------------------------
    def is_fully_booked_day(self, rid: str, date_iso: str) -> bool:
        """True when the (restaurant, date) is marked fully booked (no table for parties >= 3)."""
        return _unit(f"{self.seed}|full|{rid}|{date_iso}") < FULLY_BOOKED_P

    def is_available(self, rid: str, date_iso: str, time: str, party: int) -> bool:
        """Whether a table for `party` exists at (rid, date, time)."""
        r = self._by_id.get(rid)
        if r is None or date_iso not in BOOKABLE_DATES or time not in SLOT_TIMES:
            return False
        if not isinstance(party, int) or party < 1 or party > r.max_party:
            return False
        if party >= FULLY_BOOKED_MIN_PARTY and self.is_fully_booked_day(rid, date_iso):
            return False
        return _unit(f"{self.seed}|slot|{rid}|{date_iso}|{time}|{party_bucket(party)}") >= SOLD_OUT_P

    def slots(self, rid: str, date_iso: str, party: int) -> list[tuple[str, bool]]:
        """Every slot time of the day with its availability."""
        return [(t, self.is_available(rid, date_iso, t, party)) for t in SLOT_TIMES]

    def fully_booked(self, rid: str, date_iso: str, party: int) -> bool:
        """No slot at all that day for this party."""
        return not any(ok for _, ok in self.slots(rid, date_iso, party))

    # -- search -------------------------------------------------------------------------
    def search(
        self, city: str, q: str = "", cuisine: str = "", price: str | int = "", sort: str = "rating"
    ) -> list[Restaurant]:
        """Filter a city's restaurants and sort them (ties broken by name then id)."""
        sort = sort or "rating"
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        needle = q.strip().casefold()
        price_s = str(price)
        found = [
            r
            for r in self._by_city.get(city, ())
            if (not needle or needle in r.name.casefold() or needle in r.cuisine.casefold()
                or needle in r.neighbourhood.casefold())
            and (not cuisine or r.cuisine == cuisine)
            and (not price_s or str(r.price) == price_s)
        ]
        keys = {
            "rating": lambda r: (-r.rating, r.name.casefold(), r.id),
            "name": lambda r: (r.name.casefold(), r.id),
            "price_asc": lambda r: (r.price, r.name.casefold(), r.id),
            "price_desc": lambda r: (-r.price, r.name.casefold(), r.id),
        }
        return sorted(found, key=keys[sort])


def _make_restaurant(rng: random.Random, names: NamePool, city: str, cuisine: str, name: str) -> Restaurant:
    _, dishes, features = data.CUISINES[cuisine]
    hood = rng.choice(names.cities[city])
    price = rng.choice((1, 2, 2, 2, 3, 3, 4))
    scale = (0.7, 1.0, 1.35, 1.8)[price - 1]
    menu = [MenuItem(name=d, price=max(4, round(p * scale))) for d, p in rng.sample(dishes, 5)]
    rating = rng.randint(30, 49) / 10
    reviews: list[Review] = []
    for author in rng.sample(names.review_authors, 3):
        stars = max(2, min(5, round(rating + rng.choice((-1, 0, 0, 1)))))
        unused = [t for t in data.REVIEW_TEXTS[stars] if all(t != r.text for r in reviews)] or data.REVIEW_TEXTS[stars]
        reviews.append(Review(author=author, rating=stars, text=rng.choice(unused)))
    description = rng.choice(data.DESCRIPTION_TEMPLATES).format(
        name=name, hood=hood, feature=rng.choice(features), cuisine=cuisine
    )
    return Restaurant(
        id=f"{slugify(city)}-{slugify(name)}",
        name=name,
        city=city,
        neighbourhood=hood,
        cuisine=cuisine,
        price=price,
        rating=rating,
        review_count=rng.randint(12, 2400),
        description=description,
        menu=menu,
        reviews=reviews,
        max_party=rng.choice((6, 8, 10, 12)),
    )


@lru_cache(maxsize=16)
def build_catalogue(seed: int = 0) -> Catalogue:
    """The catalogue for `seed` (memoised; the same seed always gives the same catalogue). Seeds
    from `UNSEEN_CATALOGUE_SEED` on use the second set of names (`name_pool`)."""
    rng = random.Random(seed)
    names = name_pool(seed)
    cities = list(names.cities)
    pool = [(c, n) for c, ns in names.restaurant_names.items() for n in ns]
    rng.shuffle(pool)
    assigned: dict[str, list[tuple[str, str]]] = {c: [] for c in cities}
    shared, rest = pool[:SHARED_NAMES], pool[SHARED_NAMES:]
    for entry in shared:
        open_cities = [c for c in cities if len(assigned[c]) < 3]
        for city in rng.sample(open_cities, 2):
            assigned[city].append(entry)
    for city in cities:
        while len(assigned[city]) < RESTAURANTS_PER_CITY:
            assigned[city].append(rest.pop())
    restaurants: list[Restaurant] = []
    for city in cities:
        made = [_make_restaurant(rng, names, city, cuisine, name) for cuisine, name in assigned[city]]
        restaurants.extend(sorted(made, key=lambda r: r.id))
    return Catalogue(seed, restaurants)
