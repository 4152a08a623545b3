"""Server-side validation of every form and query the site accepts (no I/O, no Flask)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from mock_sites.restaurant.catalogue import BOOKABLE_DATES, MAX_PARTY_FORM, SLOT_TIMES, SORTS, Catalogue
from mock_sites.restaurant.formatting import OCCASION_LABELS, SEATING_LABELS, fmt_date
from mock_sites.restaurant.state import DRAFT_FIELDS

FIELD_LIMIT = 2000  # any submitted value longer than this is refused
ECHO_LIMIT = 200  # at most this much of an over-long value is echoed back into a page
Q_LIMIT = 100
NAME_LIMIT = 50
EMAIL_LIMIT = 100
REQUEST_LIMIT = 300
DEFAULT_TIME = "19:00"
DEFAULT_PARTY = 2

PHONE_RE = re.compile(r"\d{3}-\d{3}-\d{4}", re.ASCII)
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_INT_RE = re.compile(r"[0-9]{1,6}", re.ASCII)
NAME_PUNCTUATION = frozenset(" -'.\u2019")
PHONE_MESSAGE = "Enter the phone number as 415-555-0134"


@dataclass
class Checked:
    """Values as typed (strings, for re-display), parsed values, and errors by field name."""

    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    party: int = DEFAULT_PARTY
    page: int = 1

    @property
    def ok(self) -> bool:
        return not self.errors


def _get(args: Mapping[str, str], name: str, default: str = "") -> str:
    value = args.get(name)
    return default if value is None or value == "" else str(value)


def parse_int(text: str) -> int | None:
    """A plain ASCII whole number, or None."""
    return int(text) if _INT_RE.fullmatch(text) else None


def check_slot_fields(args: Mapping[str, str], out: Checked) -> None:
    """date, time and party (defaults: first bookable day, 19:00, 2)."""
    date_iso = _get(args, "date", BOOKABLE_DATES[0])
    time = _get(args, "time", DEFAULT_TIME)
    party_text = _get(args, "party", str(DEFAULT_PARTY))
    out.raw.update(date=date_iso[:ECHO_LIMIT], time=time[:ECHO_LIMIT], party=party_text[:ECHO_LIMIT])
    if date_iso not in BOOKABLE_DATES:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_iso, re.ASCII) and fmt_date(date_iso) != date_iso:
            out.errors["date"] = (
                f"Tables can be booked from {fmt_date(BOOKABLE_DATES[0])} to {fmt_date(BOOKABLE_DATES[-1])}"
            )
        else:
            out.errors["date"] = "Choose a date from the list"
    if time not in SLOT_TIMES:
        out.errors["time"] = "Choose a time from the list"
    party = parse_int(party_text)
    if party is None or not 1 <= party <= MAX_PARTY_FORM:
        out.errors["party"] = f"Choose a party size from 1 to {MAX_PARTY_FORM}"
    else:
        out.party = party
        out.raw["party"] = str(party)


def check_search(args: Mapping[str, str], catalogue: Catalogue, default_city: str) -> Checked:
    """The home/search query: city, date, time, party, q, cuisine, price, sort, page."""
    out = Checked()
    city = _get(args, "city", default_city)
    out.raw["city"] = city[:ECHO_LIMIT]
    if city not in catalogue.cities:
        out.errors["city"] = "Choose a city from the list"
    check_slot_fields(args, out)
    q = str(args.get("q") or "")
    out.raw["q"] = q[:ECHO_LIMIT]
    if len(q) > Q_LIMIT:
        out.errors["q"] = f"Keep the search to {Q_LIMIT} characters or fewer"
    cuisine, price, sort = _get(args, "cuisine"), _get(args, "price"), _get(args, "sort", "rating")
    out.raw.update(cuisine=cuisine[:ECHO_LIMIT], price=price[:ECHO_LIMIT], sort=sort[:ECHO_LIMIT])
    if cuisine and cuisine not in catalogue.cuisines:
        out.errors["cuisine"] = "Choose a cuisine from the list"
    if price and price not in ("1", "2", "3", "4"):
        out.errors["price"] = "Choose a price from the list"
    if sort not in SORTS:
        out.errors["sort"] = "Choose a sort order from the list"
    page_text = _get(args, "page", "1")
    out.raw["page"] = page_text[:ECHO_LIMIT]
    page = parse_int(page_text)
    if page is None or page < 1:
        out.errors["page"] = "The page number must be a whole number of 1 or more"
    else:
        out.page = page
        out.raw["page"] = str(page)
    return out


def _check_name(value: str, label: str) -> str | None:
    text = value.strip()
    if not text:
        return f"Enter your {label.lower()}"
    if len(text) > NAME_LIMIT:
        return f"{label} must be {NAME_LIMIT} characters or fewer"
    has_letter = False
    for char in text:
        if char.isalpha():
            has_letter = True
        elif char not in NAME_PUNCTUATION and not unicodedata.category(char).startswith("M"):
            return f"{label} can use letters, spaces, hyphens, apostrophes and periods only"
    return None if has_letter else f"{label} must contain letters"


def check_details(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The guest details form: (draft as typed, errors by field)."""
    draft = {name: str(form.get(name) or "")[:FIELD_LIMIT] for name in DRAFT_FIELDS}
    errors: dict[str, str] = {}
    for name, label in (("first_name", "First name"), ("last_name", "Last name")):
        message = _check_name(draft[name], label)
        if message:
            errors[name] = message
    if not PHONE_RE.fullmatch(draft["phone"].strip()):
        errors["phone"] = PHONE_MESSAGE
    email = draft["email"].strip()
    if not email:
        errors["email"] = "Enter your email address"
    elif len(email) > EMAIL_LIMIT:
        errors["email"] = f"Email must be {EMAIL_LIMIT} characters or fewer"
    elif not EMAIL_RE.fullmatch(email):
        errors["email"] = "Enter an email address like name@example.com"
    if draft["seating"] not in SEATING_LABELS:
        errors["seating"] = "Choose a seating preference from the list"
    if draft["occasion"] not in OCCASION_LABELS:
        errors["occasion"] = "Choose an occasion from the list"
    if len(draft["special_request"].strip()) > REQUEST_LIMIT:
        errors["special_request"] = f"Keep the special request to {REQUEST_LIMIT} characters or fewer"
    for name in DRAFT_FIELDS:  # anything absurdly long is refused whatever the field
        if len(str(form.get(name) or "")) > FIELD_LIMIT:
            errors[name] = f"This is too long (over {FIELD_LIMIT} characters)"
    return draft, errors


def clean_details(draft: Mapping[str, str]) -> dict[str, str]:
    """The stored form of valid details: surrounding spaces removed."""
    return {name: str(draft.get(name, "")).strip() for name in DRAFT_FIELDS}


def check_signin(form: Mapping[str, str], catalogue: Catalogue) -> tuple[str, dict[str, str]]:
    """(email as typed, errors); no errors means the email and password match an account."""
    email = str(form.get("email") or "")[:FIELD_LIMIT]
    password = str(form.get("password") or "")
    if not email.strip():
        return email, {"email": "Enter your email address"}
    if not password:
        return email, {"password": "Enter your password"}
    account = catalogue.account(email)
    if account is None or account.password != password:
        return email, {"password": "The email or password is incorrect"}
    return email, {}


def safe_next(target: object, default: str = "/") -> str:
    """A local path to redirect to: starts with '/', not '//' nor '/\\', no control characters."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if len(target) > FIELD_LIMIT or any(ord(c) < 32 or c in "\\\x7f" for c in target):
        return default
    return target
