"""Tasks for the restaurant site: the model, a deterministic generator and the frozen suites.

A task has a public side (the instruction an agent reads) and a hidden side (the structured
goal, the user's profile that `ask_user` answers from, and the expected outcome). Only
privileged components may read the hidden side.
"""

from __future__ import annotations

import json
import random
import unicodedata
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from mock_sites.restaurant.catalogue import BOOKABLE_DAYS, PAGE_SIZE, SLOT_TIMES, TODAY, Catalogue, build_catalogue
from mock_sites.restaurant import phrasing

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")
SEATING_CHOICES = ("indoor", "outdoor", "bar")
OCCASIONS = ("birthday", "anniversary", "business", "date")
SPECIAL_REQUESTS = (
    "A high chair for our toddler, please",
    "Quiet table away from the kitchen",
    "One guest uses a wheelchair",
    "We are celebrating, a candle on dessert would be lovely",
    "Nut allergy at the table",
    "Table by the window if possible",
)
SUITES_DIR = Path(__file__).resolve().parents[2] / "seeds" / "restaurant"
SUITE_SPECS: dict[str, tuple[int, int]] = {"train": (1001, 500), "dev": (2002, 100), "test": (3003, 200)}
CATALOGUE_SEED = 0  # the catalogue of the frozen suites


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Goal(_Model):
    """The structured goal behind the instruction (hidden from non-privileged components)."""

    kind: Literal["booking", "infeasible"]
    restaurant_id: str
    restaurant_name: str
    city: str
    date: str
    time: str
    party: int
    slot_rule: Literal["exact", "nearest_within_60"] = "exact"
    first_name: str
    last_name: str
    phone: str
    email: str
    seating: str | None = None
    occasion: str | None = None
    special_request: str | None = None
    signed_in: bool = False


class UserProfile(_Model):
    """What the simulated user knows and answers when asked."""

    first_name: str
    last_name: str
    phone: str
    email: str
    seating_preference: str | None = None
    occasion: str | None = None


class StartState(_Model):
    """How the site looks when the episode starts (the obstacles switched on)."""

    default_city: str
    cookie_banner: bool = False
    promo_modal: bool = False
    signed_in_as: str | None = None


class Expected(_Model):
    """The outcome the evaluator accepts."""

    kind: Literal["booking", "infeasible"]
    time: str | None = None


class Task(_Model):
    id: str
    seed: int
    catalogue_seed: int = CATALOGUE_SEED
    difficulty: Difficulty
    instruction: str
    phrasing: int
    obstacles: list[str]
    start: StartState
    goal: Goal
    profile: UserProfile
    expected: Expected


# -- availability helpers ------------------------------------------------------------------
def minutes(time: str) -> int:
    hours, mins = time.split(":")
    return int(hours) * 60 + int(mins)


def nearest_available(catalogue: Catalogue, rid: str, day: str, time: str, party: int, window: int = 60) -> str | None:
    """The nearest available slot within `window` minutes of `time`; the earlier one wins a tie."""
    best: tuple[int, int, str] | None = None
    for slot, available in catalogue.slots(rid, day, party):
        distance = abs(minutes(slot) - minutes(time))
        if available and distance <= window:
            key = (distance, minutes(slot), slot)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def result_rank(catalogue: Catalogue, rid: str, city: str) -> int:
    """Position (0-based) of a restaurant in the city's default results."""
    return [r.id for r in catalogue.search(city)].index(rid)


# -- generation ----------------------------------------------------------------------------
def _obstacles_for(rng: random.Random, difficulty: Difficulty) -> set[str]:
    if difficulty == "easy":
        return set(rng.sample(["cookie_banner", "none", "none"], 1)) - {"none"}
    if difficulty == "medium":
        pool = ["cookie_banner", "promo_modal", "other_city", "sold_out_slot", "later_page", "occasion", "seating"]
        chosen = set(rng.sample(pool, 2))
        if rng.random() < 0.15:
            chosen = {"infeasible", rng.choice(["cookie_banner", "other_city"])}
        return chosen
    core = ["phone_format", "ask_seating", "ambiguous_name", "sold_out_slot", "later_page", "special_request"]
    chosen = set(rng.sample(core, 3)) | {"cookie_banner", "promo_modal"}
    if rng.random() < 0.15:
        chosen = {"infeasible", "cookie_banner", "promo_modal", rng.choice(["ambiguous_name", "other_city"])}
    return chosen


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _make_user(rng: random.Random, catalogue: Catalogue, city: str) -> UserProfile:
    names = catalogue.names  # the customers' names come with the catalogue's cities and restaurants
    first = rng.choice(names.first_names)
    last = rng.choice(names.last_names)
    ascii_first = _ascii(first) or "guest"
    ascii_last = "".join(ch for ch in _ascii(last) if ch.isalpha()) or "user"
    email = f"{ascii_first.lower()}.{ascii_last.lower()}{rng.randint(1, 99)}@example.com"
    phone = f"{names.area_codes.get(city, '415')}-555-{rng.randint(100, 999):04d}"
    return UserProfile(first_name=first, last_name=last, phone=phone, email=email)


def _pick_slot(
    rng: random.Random, catalogue: Catalogue, obstacles: set[str], city: str
) -> tuple[str, str, str, int, str | None] | None:
    """Choose (restaurant id, date, requested time, party, expected time) satisfying the obstacles."""
    restaurants = [r for r in catalogue.search(city)]
    for _ in range(400):
        restaurant = rng.choice(restaurants)
        rank = result_rank(catalogue, restaurant.id, city)
        if ("later_page" in obstacles) != (rank >= PAGE_SIZE):
            continue
        if "ambiguous_name" in obstacles and len(catalogue.by_name(restaurant.name)) < 2:
            continue
        day = (TODAY + timedelta(days=rng.randint(1, BOOKABLE_DAYS - 1))).isoformat()
        party = rng.randint(3, min(8, restaurant.max_party)) if "infeasible" in obstacles else rng.randint(1, min(6, restaurant.max_party))
        time = rng.choice(SLOT_TIMES[1:-1])
        if "infeasible" in obstacles:
            if catalogue.fully_booked(restaurant.id, day, party):
                return restaurant.id, day, time, party, None
            continue
        if catalogue.fully_booked(restaurant.id, day, party):
            continue
        available = catalogue.is_available(restaurant.id, day, time, party)
        if "sold_out_slot" in obstacles:
            if available:
                continue
            expected = nearest_available(catalogue, restaurant.id, day, time, party)
            if expected is None:
                continue
            return restaurant.id, day, time, party, expected
        if available:
            return restaurant.id, day, time, party, time
    return None


def make_task(task_id: str, seed: int, difficulty: Difficulty, catalogue_seed: int = CATALOGUE_SEED) -> Task:
    """Build one task deterministically from its seed."""
    catalogue = build_catalogue(catalogue_seed)
    rng = random.Random(seed)
    while True:
        obstacles = _obstacles_for(rng, difficulty)
        if "ambiguous_name" in obstacles:
            shared = sorted({r.city for r in catalogue.restaurants if len(catalogue.by_name(r.name)) >= 2})
            city = rng.choice(shared)
        else:
            city = rng.choice(catalogue.cities)
        picked = _pick_slot(rng, catalogue, obstacles, city)
        if picked is not None:
            break
    rid, day, time, party, expected_time = picked
    restaurant = catalogue.get(rid)
    assert restaurant is not None
    default_city = city
    if obstacles & {"other_city", "ambiguous_name"}:
        twins = [r.city for r in catalogue.by_name(restaurant.name) if r.city != city]
        default_city = twins[0] if twins else rng.choice([c for c in catalogue.cities if c != city])
        obstacles.add("other_city")
    signed_in = difficulty == "easy"
    if signed_in:
        account = rng.choice(catalogue.accounts)
        profile = UserProfile(first_name=account.first_name, last_name=account.last_name, phone=account.phone, email=account.email)
    else:
        profile = _make_user(rng, catalogue, city)
    seating = occasion = special = None
    if "ask_seating" in obstacles or "seating" in obstacles:
        seating = rng.choice(SEATING_CHOICES)
        profile = profile.model_copy(update={"seating_preference": seating})
    if "occasion" in obstacles:
        occasion = rng.choice(OCCASIONS)
        profile = profile.model_copy(update={"occasion": occasion})
    if "special_request" in obstacles:
        special = rng.choice(SPECIAL_REQUESTS)
    kind: Literal["booking", "infeasible"] = "infeasible" if "infeasible" in obstacles else "booking"
    goal = Goal(
        kind=kind, restaurant_id=rid, restaurant_name=restaurant.name, city=city, date=day, time=time, party=party,
        slot_rule="nearest_within_60" if "sold_out_slot" in obstacles else "exact",
        first_name=profile.first_name, last_name=profile.last_name, phone=profile.phone, email=profile.email,
        seating=seating, occasion=occasion, special_request=special, signed_in=signed_in,
    )
    style = rng.randrange(phrasing.STYLES)
    instruction = phrasing.instruction(goal, obstacles, style, rng)
    start = StartState(
        default_city=default_city,
        cookie_banner="cookie_banner" in obstacles,
        promo_modal="promo_modal" in obstacles,
        signed_in_as=profile.email if signed_in else None,
    )
    return Task(
        id=task_id, seed=seed, catalogue_seed=catalogue_seed, difficulty=difficulty, instruction=instruction,
        phrasing=style, obstacles=sorted(obstacles), start=start, goal=goal, profile=profile,
        expected=Expected(kind=kind, time=expected_time),
    )


def generated_prefix(seed: int, catalogue_seed: int = CATALOGUE_SEED) -> str:
    """The id prefix of generated tasks: ``s<seed>`` on catalogue 0, ``c<catalogue>-s<seed>`` on
    another, so an id alone says which task it is (every process resolves it the same way)."""
    if catalogue_seed < 0:
        raise ValueError(f"catalogue_seed must be >= 0, got {catalogue_seed}")
    return f"s{seed}" if catalogue_seed == CATALOGUE_SEED else f"c{catalogue_seed}-s{seed}"


def generate(
    seed: int, n: int, difficulty: Difficulty | None = None, prefix: str | None = None,
    catalogue_seed: int = CATALOGUE_SEED,
) -> list[Task]:
    """`n` tasks from `seed` on catalogue `catalogue_seed`; difficulties cycle easy/medium/hard unless
    one is given."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES}, got {difficulty!r}")
    prefix = prefix or generated_prefix(seed, catalogue_seed)
    tasks = []
    for index in range(n):
        level = difficulty or DIFFICULTIES[index % len(DIFFICULTIES)]
        tasks.append(make_task(f"{prefix}-{index:04d}", seed * 100_003 + index, level, catalogue_seed))
    return tasks


def generated_task(seed: int, index: int, catalogue_seed: int = CATALOGUE_SEED) -> Task:
    """Task `index` of `generate(seed, n, catalogue_seed=...)` for any n > index (id
    ``s<seed>-<index>``, or ``c<catalogue>-s<seed>-<index>`` off catalogue 0)."""
    return make_task(
        f"{generated_prefix(seed, catalogue_seed)}-{index:04d}", seed * 100_003 + index,
        DIFFICULTIES[index % len(DIFFICULTIES)], catalogue_seed,
    )


def generate_fresh(seed: int, n: int, catalogue_seed: int = CATALOGUE_SEED) -> list[Task]:
    """`n` tasks no frozen suite holds: on catalogue 0, refuses the seeds the suites were generated
    from (another catalogue holds no frozen task at all)."""
    if catalogue_seed == CATALOGUE_SEED:
        for split, (suite_seed, _) in SUITE_SPECS.items():
            if seed == suite_seed:
                raise ValueError(f"generate_seed {seed} is the seed of the frozen {split!r} suite; choose another")
    return generate(seed, n, catalogue_seed=catalogue_seed)


def suite_lines(split: str) -> str:
    """The exact text of a frozen suite file."""
    seed, n = SUITE_SPECS[split]
    return "".join(json.dumps(t.model_dump(mode="json"), ensure_ascii=False, sort_keys=True) + "\n" for t in generate(seed, n, prefix=split))


def write_suites(directory: Path = SUITES_DIR) -> None:
    """(Re)write the frozen suites `{train,dev,test}.jsonl`."""
    directory.mkdir(parents=True, exist_ok=True)
    for split in SUITE_SPECS:
        (directory / f"{split}.jsonl").write_text(suite_lines(split), encoding="utf-8")


@lru_cache(maxsize=8)
def load_suite(split: str, directory: Path = SUITES_DIR) -> tuple[Task, ...]:
    """Read a frozen suite; errors name the file and line."""
    path = directory / f"{split}.jsonl"
    if split not in SUITE_SPECS:
        raise ValueError(f"unknown split {split!r}; expected one of {sorted(SUITE_SPECS)}")
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; regenerate it with `python -m mock_sites.restaurant.tasks`")
    tasks = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            tasks.append(Task.model_validate_json(line))
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: invalid task: {exc}") from exc
    return tuple(tasks)


@lru_cache(maxsize=1)
def task_index() -> dict[str, Task]:
    """Every task of every frozen suite by id."""
    return {t.id: t for split in SUITE_SPECS for t in load_suite(split)}


def date_label(day: str) -> str:
    """`2026-12-04` → `Friday, December 4`."""
    value = date.fromisoformat(day)
    return f"{value:%A}, {value:%B} {value.day}"


if __name__ == "__main__":
    write_suites()
    print(f"wrote {', '.join(f'{s}.jsonl' for s in SUITE_SPECS)} to {SUITES_DIR}")
