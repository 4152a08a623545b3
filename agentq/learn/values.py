"""Typed values in free text, normalised so that two spellings of one value compare equal.

Generic English text handling, no site's vocabulary: clock times (``7:00 PM``, ``7 pm``,
``19:00`` -> ``19:00``), calendar dates (``Fri, Dec 11``, ``December 11``, ``11 December``,
``2026-12-11`` -> ``12-11``), phone numbers (any punctuation -> the last ten digits), e-mail
addresses, other numbers (digits or English number words), and names (the lower-cased words of
capitalised phrases that do not start a sentence). The learned models compare the instruction's
values with the page's through these keys instead of raw tokens, so a right ``19:00 -> 7:00 PM``
matches and a wrong ``6:30 PM`` does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

KINDS = ("time", "date", "phone", "email", "number", "name")

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}  # fmt: skip
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w:])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}", re.I)
_TIME_12 = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.I)
_TIME_24 = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_NUMBER = re.compile(r"(?<![\w.:/-])(\d+)(?![\w:/-]|\.\d)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


@dataclass(frozen=True, slots=True)
class Values:
    """The normalised values of one text, by kind."""

    time: frozenset[str] = frozenset()
    date: frozenset[str] = frozenset()
    phone: frozenset[str] = frozenset()
    email: frozenset[str] = frozenset()
    number: frozenset[str] = frozenset()
    name: frozenset[str] = frozenset()

    def of(self, kind: str) -> frozenset[str]:
        """The values of `kind` (one of `KINDS`)."""
        return getattr(self, kind)

    def union(self, other: Values) -> Values:
        """Both texts' values."""
        return Values(*(self.of(k) | other.of(k) for k in KINDS))


EMPTY = Values()


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the given spans blanked (so a time's digits are not read again as a number)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _times(text: str) -> tuple[set[str], list[tuple[int, int]]]:
    found, spans = set(), []
    for m in _TIME_12.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if 1 <= hour <= 12 and minute < 60:
            hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
            found.add(f"{hour:02d}:{minute:02d}")
            spans.append(m.span())
    rest = _cut(text, spans)
    for m in _TIME_24.finditer(rest):
        found.add(f"{int(m.group(1)):02d}:{m.group(2)}")
        spans.append(m.span())
    return found, spans


def _dates(text: str) -> tuple[set[str], list[tuple[int, int]]]:
    found, spans = set(), []
    for m in _ISO_DATE.finditer(text):
        found.add(f"{int(m.group(2))}-{int(m.group(3))}")
        spans.append(m.span())
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        for m in pattern.finditer(_cut(text, spans)):
            day = int(m.group(day_group))
            if 1 <= day <= 31:
                found.add(f"{_MONTHS[m.group(month_group).lower()[:3]]}-{day}")
                spans.append(m.span())
    return found, spans


def _names(text: str) -> set[str]:
    """Lower-cased words of capitalised words that do not start a sentence (and are not "I")."""
    out = set()
    for m in _WORD.finditer(text):
        word = m.group(0)
        before = text[: m.start()]
        starts_sentence = not before.strip() or bool(_SENTENCE_END.search(before)) or before.rstrip().endswith('"')
        if word[0].isupper() and word != "I" and not starts_sentence and word.lower()[:3] not in _MONTHS:
            out.update(p for p in word.lower().split("-") if len(p) > 1)
    return out


@lru_cache(maxsize=200_000)
def extract(text: str, names: bool = True) -> Values:
    """The values in `text` (names only when `names`: page lines are labels, not sentences)."""
    emails = {m.group(0).lower() for m in _EMAIL.finditer(text)}
    rest = _EMAIL.sub(" ", text)
    phones = set()
    spans = []
    for m in _PHONE.finditer(rest):
        digits = re.sub(r"\D", "", m.group(0))[-10:]
        phones.add(digits)
        spans.append(m.span())
    rest = _cut(rest, spans)
    times, spans = _times(rest)
    rest = _cut(rest, spans)
    dates, spans = _dates(rest)
    rest = _cut(rest, spans)
    numbers = {str(int(m.group(1))) for m in _NUMBER.finditer(rest)}
    numbers |= {str(_NUMBER_WORDS[w]) for w in re.findall(r"[a-z]+", rest.lower()) if w in _NUMBER_WORDS}
    return Values(frozenset(times), frozenset(dates), frozenset(phones), frozenset(emails), frozenset(numbers),
                  frozenset(_names(rest) if names else _label_words(rest)))  # fmt: skip


def _label_words(text: str) -> set[str]:
    """Every lower-cased word of a label (a page's labels are short and often capitalised throughout)."""
    return {p for w in _WORD.findall(text) for p in w.lower().split("-") if len(p) > 1}
