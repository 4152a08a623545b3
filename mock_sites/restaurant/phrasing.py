"""Natural-language instructions for restaurant tasks, in several phrasings."""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from mock_sites.restaurant.tasks import Goal

STYLES = 4
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
SEATING_WORDS = {"indoor": "inside", "outdoor": "outside on the patio", "bar": "at the bar"}
OCCASION_WORDS = {
    "birthday": "It's a birthday dinner.",
    "anniversary": "It's our anniversary.",
    "business": "It's a business meal.",
    "date": "It's a date night.",
}


def time_words(time: str, style: int) -> str:
    hours, mins = (int(x) for x in time.split(":"))
    twelve = hours - 12 if hours > 12 else hours
    if style == 1:
        return time
    if style == 2 and mins == 0:
        return f"{twelve} pm"
    return f"{twelve}:{mins:02d} PM"


def date_words(day: str, style: int) -> str:
    value = date.fromisoformat(day)
    if style == 1:
        return f"{value:%b} {value.day}"
    if style == 3:
        return f"{value:%B} {value.day} (a {value:%A})"
    return f"{value:%A}, {value:%B} {value.day}"


def party_words(party: int, style: int) -> str:
    if party == 1:
        return "just me" if style == 3 else "1 person"
    if style == 3 and party in NUMBER_WORDS:
        return f"{NUMBER_WORDS[party]} of us"
    if style == 2:
        return f"a party of {party}"
    return f"{party} people"


def phone_words(phone: str, trap: bool, rng: random.Random) -> str:
    """The phone as the user writes it; with the trap, in a format the site refuses."""
    if not trap:
        return phone
    area, exchange, line = phone.split("-")
    return rng.choice([f"({area}) {exchange} {line}", f"{area}.{exchange}.{line}", f"+1 {area} {exchange} {line}"])


def instruction(goal: "Goal", obstacles: set[str], style: int, rng: random.Random) -> str:
    """Compose the instruction text for a goal."""
    when = f"{date_words(goal.date, style)} at {time_words(goal.time, style)}"
    who = party_words(goal.party, style)
    place = f"{goal.restaurant_name} in {goal.city}"
    if "ambiguous_name" in obstacles:
        place = f"{goal.restaurant_name} (the one in {goal.city})"
    core = [
        f"Book a table for {who} at {place} on {when}.",
        f"I need a reservation at {place} for {who}, {when}.",
        f"Please reserve a table at {place} for {who} on {when}.",
        f"Could you get us a table at {place} on {when}? The table is for {who}.",
    ][style]
    parts = [core]
    if goal.slot_rule == "nearest_within_60":
        parts.append(
            "If that time is sold out, take the nearest available time within 60 minutes of it "
            "(if two are equally close, the earlier one)."
        )
    if goal.kind == "infeasible" or rng.random() < 0.25:
        parts.append("If they are fully booked that day, don't book anything else; just tell me it is not available.")
    if goal.signed_in:
        parts.append(f"I'm signed in as {goal.first_name} {goal.last_name}, so keep my saved details.")
    else:
        phone = phone_words(goal.phone, "phone_format" in obstacles, rng)
        parts.append(
            [
                f"Put it under the name {goal.first_name} {goal.last_name}, phone {phone}, email {goal.email}.",
                f"Name: {goal.first_name} {goal.last_name}. Phone: {phone}. Email: {goal.email}.",
                f"Use the name {goal.first_name} {goal.last_name}; you can reach me at {phone} or {goal.email}.",
                f"The booking should be for {goal.first_name} {goal.last_name} (phone {phone}, email {goal.email}).",
            ][style]
        )
    if "seating" in obstacles and goal.seating:
        parts.append(f"We'd like to sit {SEATING_WORDS[goal.seating]}.")
    if "ask_seating" in obstacles:
        parts.append("Ask me where I'd like to sit before you book.")
    if goal.occasion:
        parts.append(OCCASION_WORDS[goal.occasion])
    if goal.special_request:
        parts.append(f'Add the special request "{goal.special_request}".')
    return " ".join(parts)
