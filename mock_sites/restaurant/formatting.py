"""How the site writes dates, times, party sizes and prices."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import quote, urlencode

from markupsafe import Markup

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

SEATING_CHOICES: tuple[tuple[str, str], ...] = (
    ("", "No preference"), ("indoor", "Indoor"), ("outdoor", "Outdoor patio"), ("bar", "Bar"),
)
OCCASION_CHOICES: tuple[tuple[str, str], ...] = (
    ("", "None"), ("birthday", "Birthday"), ("anniversary", "Anniversary"), ("business", "Business meal"),
    ("date", "Date night"),
)
SEATING_LABELS = dict(SEATING_CHOICES)
OCCASION_LABELS = dict(OCCASION_CHOICES)


def fmt_date(date_iso: str) -> str:
    """'2026-12-01' -> 'Tue, Dec 1' (unparseable input is returned unchanged)."""
    try:
        d = date.fromisoformat(date_iso)
    except (TypeError, ValueError):
        return str(date_iso)
    return f"{_DAYS[d.weekday()]}, {_MONTHS[d.month - 1]} {d.day}"


def fmt_time(hhmm: str) -> str:
    """'19:00' -> '7:00 PM' (unparseable input is returned unchanged)."""
    try:
        hours, minutes = (int(x) for x in str(hhmm).split(":"))
    except ValueError:
        return str(hhmm)
    suffix = "AM" if hours < 12 else "PM"
    return f"{(hours % 12) or 12}:{minutes:02d} {suffix}"


def fmt_party(party: int | str) -> str:
    """4 -> '4 people', 1 -> '1 person'."""
    return f"{party} person" if str(party) == "1" else f"{party} people"


def fmt_price(price: int) -> str:
    """3 -> '$$$'."""
    return "$" * int(price)


def minutes(hhmm: str) -> int:
    """'19:30' -> 1170."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def url(path: str, **params: object) -> str:
    """`path` with `params` as a query string (in the given order; ':' left readable)."""
    if not params:
        return path
    return f"{path}?{urlencode([(k, '' if v is None else str(v)) for k, v in params.items()], safe=':')}"


def book_url(rid: str, date_iso: str, time: str, party: int) -> str:
    """The link that starts booking one slot."""
    return f"/book?rid={quote(rid)}&date={quote(date_iso)}&time={quote(time, safe=':')}&party={int(party)}"


@lru_cache(maxsize=1024)
def options_html(options: tuple[tuple[str, str], ...], value: str) -> Markup:
    """The <option> elements of a select, with `value` selected (cached: selects repeat on every page)."""
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(v, Markup(" selected") if v == value else "", text)
        for v, text in options
    )
