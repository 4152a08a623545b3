"""Reading the public instruction (and the user's answers): what a non-privileged agent can know.

Nothing here sees the hidden goal; the parse uses only the words of the instruction text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}
_NUMBER = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_CITY = r"([A-Z][a-z]+(?: [A-Z][a-z]+)*)"
_PLACE_AMBIGUOUS = re.compile(r"\bat (.+?) \(the one in ([^)]+)\)")
_PLACE = re.compile(rf"\bat (.+?) in {_CITY}")
_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{1,2})\b")
_TIME = re.compile(r"\bat (\d{1,2})(?::(\d{2}))?\s*([AaPp])?\.?(?:[Mm]\.?)?(?=[\s,.;?!)]|$)")
_PARTY = (
    re.compile(rf"\b{_NUMBER} (?:people|persons?|guests?|diners?)\b", re.IGNORECASE),
    re.compile(rf"\bparty of {_NUMBER}\b", re.IGNORECASE),
    re.compile(rf"\b{_NUMBER} of us\b", re.IGNORECASE),
    re.compile(rf"\btable for {_NUMBER}\b", re.IGNORECASE),
)
_JUST_ME = re.compile(r"\b(?:just me|only me|myself|table for one)\b", re.IGNORECASE)
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_NAME = re.compile(rf"(?i:\bname:?|\bname is|\bfor|\bas)\s+({_NAME_WORD})\s+({_NAME_WORD})")
_PHONE = re.compile(r"(\+1[\s.]?)?\(?\b(\d{3})\)?[\s.-]?(\d{3})[\s.-](\d{4})\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_QUOTED = re.compile(r"[\"“]([^\"”]{2,300})[\"”]")
_SIT = re.compile(r"\bsit (inside|indoors|outside|outdoors|on the patio|at the bar|at a bar)\b", re.IGNORECASE)
_ASK_SIT = re.compile(r"\bask me\b[^.]*\b(?:sit|seat)", re.IGNORECASE)
_WINDOW = re.compile(r"\bwithin (\d{1,3}) minutes\b", re.IGNORECASE)
_UNAVAILABLE_OK = re.compile(r"\b(?:fully booked|not available|no table)\b", re.IGNORECASE)
_SIGNED_IN = re.compile(r"\bsigned in as\b", re.IGNORECASE)
OCCASION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("birthday", re.compile(r"\bbirthday\b", re.IGNORECASE)),
    ("anniversary", re.compile(r"\banniversary\b", re.IGNORECASE)),
    ("business", re.compile(r"\bbusiness (?:meal|dinner|lunch)\b", re.IGNORECASE)),
    ("date", re.compile(r"\bdate night\b", re.IGNORECASE)),
)
SEATING_KEYWORDS: dict[str, tuple[str, ...]] = {
    "indoor": ("indoor", "inside"),
    "outdoor": ("outdoor", "outside", "patio"),
    "bar": ("bar",),
}
OCCASION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "birthday": ("birthday",),
    "anniversary": ("anniversary",),
    "business": ("business",),
    "date": ("date night", "date"),
}
NOT_NAMES = {"The", "A", "An", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@dataclass(frozen=True, slots=True)
class Request:
    """What the instruction asks for (None / empty where the text does not say)."""

    restaurant: str | None = None
    city: str | None = None
    month: int | None = None  # 1..12
    day: int | None = None
    time: int | None = None  # minutes after midnight
    party: int | None = None
    names: tuple[tuple[str, str], ...] = ()
    phones_written: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # normalised: 415-555-0134
    emails: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()
    seating: str | None = None  # indoor | outdoor | bar
    seating_answered: bool = False  # the user said where to sit (or that they have no preference)
    occasion: str | None = None  # birthday | anniversary | business | date
    ask_seating: bool = False
    window: int | None = None  # the nearest-time rule's window in minutes
    unavailable_ok: bool = False  # the instruction says what to do when fully booked
    signed_in: bool = False

    @property
    def date_key(self) -> str | None:
        """'Dec 4' (matches the site's option labels such as 'Fri, Dec 4')."""
        if self.month is None or self.day is None:
            return None
        return f"{MONTHS[self.month - 1].capitalize()} {self.day}"


def _number(text: str) -> int | None:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBER_WORDS.get(text)


def _seating_from_words(text: str) -> str | None:
    folded = text.casefold()
    if "no preference" in folded:
        return None
    for seating, words in (("outdoor", SEATING_KEYWORDS["outdoor"]), ("indoor", SEATING_KEYWORDS["indoor"]),
                           ("bar", SEATING_KEYWORDS["bar"])):
        if any(re.search(rf"\b{w}\b", folded) for w in words):
            return seating
    return None


@lru_cache(maxsize=2048)
def read_instruction(text: str) -> Request:
    """Parse the instruction text into a :class:`Request` (memoised)."""
    text = " ".join((text or "").split())
    unquoted = _QUOTED.sub(" ", text)
    restaurant = city = None
    match = _PLACE_AMBIGUOUS.search(unquoted) or _PLACE.search(unquoted)
    if match:
        restaurant, city = match.group(1).strip(), match.group(2).strip()
    month = day = None
    date_match = _DATE.search(unquoted)
    if date_match:
        month, day = MONTHS.index(date_match.group(1).lower()) + 1, int(date_match.group(2))
    minutes = None
    for time_match in _TIME.finditer(unquoted):
        hours, mins, half = int(time_match.group(1)), int(time_match.group(2) or 0), (time_match.group(3) or "").lower()
        if hours > 23 or mins > 59:
            continue
        if half == "p" and hours < 12:
            hours += 12
        elif half == "a" and hours == 12:
            hours = 0
        elif not half and 1 <= hours < 12:
            hours += 12  # "at 7" means the evening at a restaurant
        minutes = hours * 60 + mins
        break
    party = None
    for pattern in _PARTY:
        party_match = pattern.search(unquoted)
        if party_match:
            party = _number(party_match.group(1))
            break
    if party is None and _JUST_ME.search(unquoted):
        party = 1
    names: list[tuple[str, str]] = []
    for first, last in _NAME.findall(unquoted):
        last = last.rstrip(".,;:")
        if first in NOT_NAMES or (restaurant and f"{first} {last}" in restaurant) or (first, last) in names:
            continue
        names.append((first, last))
    written: list[str] = []
    phones: list[str] = []
    for phone_match in _PHONE.finditer(unquoted):
        as_written = phone_match.group(0).strip()
        normal = f"{phone_match.group(2)}-{phone_match.group(3)}-{phone_match.group(4)}"
        if as_written not in written:
            written.append(as_written)
        if normal not in phones:
            phones.append(normal)
    emails = list(dict.fromkeys(e.rstrip(".") for e in _EMAIL.findall(unquoted)))
    quoted = tuple(dict.fromkeys(_QUOTED.findall(text)))
    sit = _SIT.search(unquoted)
    seating = _seating_from_words(sit.group(1)) if sit else None
    occasion = next((name for name, pattern in OCCASION_WORDS if pattern.search(unquoted)), None)
    window_match = _WINDOW.search(unquoted)
    return Request(
        restaurant=restaurant, city=city, month=month, day=day, time=minutes, party=party,
        names=tuple(names), phones_written=tuple(written), phones=tuple(phones), emails=tuple(emails), quoted=quoted,
        seating=seating, seating_answered=False, occasion=occasion, ask_seating=bool(_ASK_SIT.search(unquoted)),
        window=int(window_match.group(1)) if window_match else None,
        unavailable_ok=bool(_UNAVAILABLE_OK.search(unquoted)), signed_in=bool(_SIGNED_IN.search(unquoted)),
    )


@lru_cache(maxsize=4096)
def read_request(instruction: str, dialogue: tuple[tuple[str, str], ...] = ()) -> Request:
    """The instruction's request, updated with what the user answered (seating, occasion)."""
    request = read_instruction(instruction)
    for question, answer in dialogue:
        folded_q = question.casefold()
        if any(w in folded_q for w in ("sit", "seat", "patio", "table preference")):
            request = replace(request, seating=_seating_from_words(answer), seating_answered=True)
        elif any(w in folded_q for w in ("occasion", "celebrat")):
            occasion = next((name for name, pattern in OCCASION_WORDS if pattern.search(answer)), None)
            request = replace(request, occasion=occasion or request.occasion)
    return request


def seating_option(options: tuple[str, ...], seating: str | None) -> str | None:
    """The option label that means `seating` (None: the no-preference option)."""
    if seating is None:
        return next((o for o in options if "no preference" in o.casefold() or o.casefold() == "any"), None)
    words = SEATING_KEYWORDS.get(seating, (seating,))
    return next((o for o in options if any(w in o.casefold() for w in words)), None)


def occasion_option(options: tuple[str, ...], occasion: str | None) -> str | None:
    """The option label that means `occasion` (None: the 'None' option)."""
    if occasion is None:
        return next((o for o in options if o.casefold() in ("none", "no occasion")), None)
    words = OCCASION_KEYWORDS.get(occasion, (occasion,))
    for word in words:
        found = next((o for o in options if word in o.casefold()), None)
        if found is not None:
            return found
    return None


def normal_phone(text: str) -> str | None:
    """'(212) 555 0475' -> '212-555-0475' (None if the text holds no 10-digit phone)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
