"""Matching page strings against the request: option labels, slots, summaries, review lists.

Shared by the heuristic scoring (policy, critic) and the heuristic judge; public text only.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentq.components.obs_reading import fold, time_minutes
from mock_sites.restaurant.heuristics.page import Article
from mock_sites.restaurant.heuristics.request import Request, normal_phone, occasion_option, seating_option

UNAVAILABLE_WORDS = ("not available", "unavailable", "no table", "fully booked", "no availability", "booked up")


def party_of(label: str) -> int | None:
    """'4 people' -> 4."""
    head = label.strip().split(" ", 1)[0]
    return int(head) if head.isdigit() else None


def date_matches(label: str, request: Request) -> bool | None:
    """Whether an option label such as 'Fri, Dec 4' is the requested date (None if unknown)."""
    key = request.date_key
    if key is None:
        return None
    return label.strip().endswith(" " + key) or label.strip() == key


def iso_matches(iso: str, request: Request) -> bool | None:
    if request.month is None or request.day is None:
        return None
    parts = iso.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return False
    return int(parts[1]) == request.month and int(parts[2]) == request.day


def time_ok(label: str, request: Request, allow_window: bool) -> bool | None:
    if request.time is None:
        return None
    minutes = time_minutes(label)
    if minutes is None:
        return False
    if minutes == request.time:
        return True
    return bool(allow_window and request.window is not None and abs(minutes - request.time) <= request.window)


def option_for(field_name: str, options: Sequence[str], request: Request) -> str | None:
    """The option label a search field should hold for this request (None when it does not say)."""
    name = field_name.casefold()
    if name.startswith("city"):
        city = fold(request.city)
        return next((o for o in options if fold(o) == city), None) if city else None
    if name.startswith("date"):
        return next((o for o in options if date_matches(o, request)), None)
    if name.startswith("time"):
        return next((o for o in options if request.time is not None and time_minutes(o) == request.time), None)
    if name.startswith("party"):
        return next((o for o in options if request.party is not None and party_of(o) == request.party), None)
    return None


def choose_slot(card: Article, request: Request) -> str | None:
    """The slot label to click in a card: the requested time, else the nearest-time rule's pick."""
    if request.time is None:
        return None
    available = card.available()
    by_minutes = {time_minutes(label): label for label in available}
    if request.time in by_minutes:
        return by_minutes[request.time]
    if request.window is None:
        return None
    best: tuple[int, int, str] | None = None
    for minutes, label in by_minutes.items():
        if minutes is None:
            continue
        distance = abs(minutes - request.time)
        if distance <= request.window and (best is None or (distance, minutes) < best[:2]):
            best = (distance, minutes, label)
    return best[2] if best else None


def reports_unavailable(text: str | None) -> bool:
    folded = fold(text)
    return any(word in folded for word in UNAVAILABLE_WORDS)


def summary_matches(summary: str, request: Request) -> bool:
    """'Bella Notte, Chicago · Fri, Dec 4 · 7:00 PM · 4 people' against the request."""
    parts = [p.strip() for p in summary.split(" · ")]
    if len(parts) < 4:
        return True
    place, date_label, time_label, party_label = parts[0], parts[1], parts[2], parts[3]
    checks = [
        place_matches(place, request),
        date_matches(date_label, request),
        time_ok(time_label, request, allow_window=True),
        (party_of(party_label) == request.party) if request.party is not None else None,
    ]
    return all(c is not False for c in checks)


def place_matches(place: str, request: Request) -> bool | None:
    """'Bella Notte, Chicago' against the requested restaurant and city."""
    if not request.restaurant:
        return None
    name, _, city = place.rpartition(",")
    name = name if name else place
    ok = fold(name) == fold(request.restaurant)
    if request.city and city.strip():
        ok = ok and fold(city) == fold(request.city)
    return ok


def review_mismatches(pairs: dict[str, str], request: Request, strict: bool = True) -> tuple[list[str], list[str]]:
    """(slot fields that differ, detail fields that differ) on a review/confirmation list.

    `strict=False` ignores a seating, occasion or special request the instruction did not ask for.
    """
    checks_slot = {
        "Restaurant": place_matches(pairs.get("Restaurant", ""), request),
        "Date": date_matches(pairs.get("Date", ""), request),
        "Time": time_ok(pairs.get("Time", ""), request, allow_window=True),
        "Party size": (party_of(pairs.get("Party size", "")) == request.party) if request.party is not None else None,
    }
    slot = [k for k, ok in checks_slot.items() if ok is False]
    details: list[str] = []
    if request.names and fold(pairs.get("Name")) != fold(" ".join(request.names[0])):
        details.append("Name")
    if request.phones and normal_phone(pairs.get("Phone", "")) != request.phones[0]:
        details.append("Phone")
    if request.emails and fold(pairs.get("Email")) != fold(request.emails[0]):
        details.append("Email")
    if request.ask_seating and not request.seating_answered:
        details.append("Seating preference")
    elif "Seating preference" in pairs and (strict or request.seating is not None or request.ask_seating):
        wanted = seating_option(("No preference", "Indoor", "Outdoor patio", "Bar"), request.seating)
        if fold(pairs["Seating preference"]) != fold(wanted):
            details.append("Seating preference")
    if "Occasion" in pairs and (strict or request.occasion is not None):
        wanted = occasion_option(("None", "Birthday", "Anniversary", "Business meal", "Date night"), request.occasion)
        if fold(pairs["Occasion"]) != fold(wanted):
            details.append("Occasion")
    special = pairs.get("Special request", "None")
    if request.quoted:
        if special.strip() != request.quoted[0]:
            details.append("Special request")
    elif strict and fold(special) not in ("none", ""):
        details.append("Special request")
    return slot, details
