"""Reading the observation text (and url, and action strings) into structured, cached records.

Only public inputs are read here: the text tree the env renders, the page url and action strings.
Every reader is memoised by its input string, since the planner shows the same pages many times.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

_DECODER = json.JSONDecoder()
_ELEMENT_HEAD = re.compile(r"\[(\d+)\] (\w+) ")
_TIME_LABEL = re.compile(r"(\d{1,2}):(\d{2}) ?([AaPp][Mm])")
_SOLD_OUT = re.compile(r"(\d{1,2}:\d{2} [AP]M) \(sold out\)")
_ACTION = re.compile(r"(click|fill|select|goto|back|ask_user|stop)\((.*)\)", re.DOTALL)
_ID_ARG = re.compile(r"\s*\[?(\d+)\]?\s*(?:,\s*(.*))?", re.DOTALL)
GROUP_ROLES = frozenset({"form", "search", "dialog"})
DETAIL_LABELS = frozenset(
    {"Restaurant", "Date", "Time", "Party size", "Name", "Phone", "Email", "Seating preference", "Occasion",
     "Special request", "Status"}
)


def time_minutes(label: str) -> int | None:
    """'7:00 PM' -> 1140, '19:30' -> 1170 (None when the text is no time)."""
    match = _TIME_LABEL.fullmatch(label.strip())
    if match:
        hours, mins = int(match.group(1)) % 12, int(match.group(2))
        return (hours + (12 if match.group(3).lower() == "pm" else 0)) * 60 + mins
    parts = label.strip().split(":")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[0]) * 60 + int(parts[1])
    return None


@dataclass(frozen=True, slots=True)
class Elem:
    """One interactive element line: `[id] role "name" value=... options=[...] flags`."""

    id: int
    role: str
    name: str
    value: str | None = None
    options: tuple[str, ...] = ()
    invalid: bool = False
    disabled: bool = False
    multiline: bool = False
    group: int = -1  # line number of the enclosing form/search/dialog, -1 if none
    article: int = -1  # line number of the enclosing article, -1 if none


@dataclass(slots=True)
class Article:
    """A result card (or the restaurant page itself): title, its link, the slots it shows."""

    title: str = ""
    link: int | None = None
    meta: str = ""
    slots: list[tuple[str, int | None]] = field(default_factory=list)  # (time label, link id or None = sold out)
    no_tables: bool = False

    def available(self) -> dict[str, int]:
        return {label: eid for label, eid in self.slots if eid is not None}

    def sold_out(self) -> set[str]:
        return {label for label, eid in self.slots if eid is None}


@dataclass(slots=True)
class PageRead:
    """Everything read from one observation text."""

    title: str = ""
    h1: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    elements: list[Elem] = field(default_factory=list)
    by_id: dict[int, Elem] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)  # result cards, in order
    page_slots: Article = field(default_factory=Article)  # slots outside any card (restaurant page)
    flow: list[str] = field(default_factory=list)  # texts and element names inside lists, in order
    dialogue: list[tuple[str, str]] = field(default_factory=list)
    _details: dict[str, str] | None = None

    def find(self, role: str, name: str) -> Elem | None:
        """The first enabled element with this role and (case-insensitive) name."""
        folded = name.casefold()
        for element in self.elements:
            if element.role == role and not element.disabled and element.name.casefold() == folded:
                return element
        return None

    def details(self) -> dict[str, str]:
        """Label -> value pairs of a review/confirmation list ("Time" -> "7:00 PM")."""
        if self._details is None:
            pairs: dict[str, str] = {}
            label: str | None = None
            for item in self.flow:
                if item in DETAIL_LABELS and (label is None or pairs[label]):
                    label = item
                    pairs.setdefault(label, "")
                    continue
                if label is not None:
                    current = pairs[label]
                    pairs[label] = current + item if item.startswith(",") or not current else f"{current} {item}"
            self._details = pairs
        return self._details


def _decode(body: str, start: int) -> tuple[object, int]:
    return _DECODER.raw_decode(body, start)


def _parse_element(body: str, group: int, article: int) -> Elem | None:
    head = _ELEMENT_HEAD.match(body)
    if head is None:
        return None
    try:
        name, pos = _decode(body, head.end())
    except ValueError:
        return None
    value: str | None = None
    options: tuple[str, ...] = ()
    flags: set[str] = set()
    length = len(body)
    while pos < length:
        if body[pos] == " ":
            pos += 1
            continue
        try:
            if body.startswith("value=", pos):
                raw, pos = _decode(body, pos + 6)
                value = str(raw)
                continue
            if body.startswith("options=", pos):
                raw, pos = _decode(body, pos + 8)
                options = tuple(str(o) for o in raw)  # type: ignore[union-attr]
                continue
        except ValueError:
            break
        end = body.find(" ", pos)
        end = length if end < 0 else end
        flags.add(body[pos:end])
        pos = end
    return Elem(
        id=int(head.group(1)), role=head.group(2), name=str(name), value=value, options=options,
        invalid="invalid" in flags, disabled="disabled" in flags, multiline="multiline" in flags,
        group=group, article=article,
    )


def _quoted(body: str, start: int) -> str:
    try:
        value, _ = _decode(body, start)
        return str(value)
    except ValueError:
        return body[start:].strip('"')


@lru_cache(maxsize=2048)
def read_page(text: str) -> PageRead:
    """Parse an observation text into a :class:`PageRead` (memoised; treat the result as read-only)."""
    page = PageRead()
    stack: list[tuple[int, str, int]] = []  # (depth, role, line number)
    article_of_line: dict[int, Article] = {}
    for number, line in enumerate(text.split("\n")):
        body = line.lstrip(" ")
        if not body:
            continue
        depth = (len(line) - len(body)) // 2
        while stack and stack[-1][0] >= depth:
            stack.pop()
        group = next((n for _, role, n in reversed(stack) if role in GROUP_ROLES), -1)
        article_line = next((n for _, role, n in reversed(stack) if role == "article"), -1)
        card = article_of_line.get(article_line) if article_line >= 0 else None
        in_list = any(role == "list" for _, role, _ in stack)
        first = body[0]
        if first == "[":
            element = _parse_element(body, group, article_line)
            if element is None:
                continue
            page.elements.append(element)
            page.by_id[element.id] = element
            if in_list:
                page.flow.append(element.name)
            if element.role == "link":
                if _TIME_LABEL.fullmatch(element.name):
                    (card if card is not None else page.page_slots).slots.append((element.name, element.id))
                elif card is not None and card.link is None and card.title and element.name == card.title:
                    card.link = element.id
            continue
        if body.startswith("heading "):
            level = int(body[8]) if body[8].isdigit() else 0
            heading = _quoted(body, 10)
            page.headings.append((level, heading))
            if level == 1 and not page.h1:
                page.h1 = heading
            if card is not None and not card.title:
                card.title = heading
            continue
        if body.startswith('text "'):
            content = _quoted(body, 5)
            page.texts.append(content)
            if in_list:
                page.flow.append(content)
            sold = _SOLD_OUT.fullmatch(content)
            target = card if card is not None else page.page_slots
            if sold:
                target.slots.append((sold.group(1), None))
            elif content.startswith("No tables within an hour"):
                target.no_tables = True
            elif card is not None and not card.meta and "·" in content:
                card.meta = content
            continue
        if body.startswith('page "') and number == 0:
            page.title = _quoted(body, 5)
            continue
        if body.startswith("you asked the user: "):
            page.dialogue.append((_quoted(body, 20), ""))
            continue
        if body.startswith("the user answered: "):
            answer = _quoted(body, 19)
            if page.dialogue and not page.dialogue[-1][1]:
                page.dialogue[-1] = (page.dialogue[-1][0], answer)
            else:
                page.dialogue.append(("", answer))
            continue
        role = body.split(" ", 1)[0]
        stack.append((depth, role, number))
        if role == "article":
            article = Article()
            article_of_line[number] = article
            page.articles.append(article)
    return page


@dataclass(frozen=True, slots=True)
class UrlRead:
    path: str
    params: dict[str, str]


@lru_cache(maxsize=4096)
def read_url(url: str) -> UrlRead:
    """Path and (last value of each) query parameter of a page url."""
    parts = urlsplit(url or "")
    params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return UrlRead(parts.path, params)


@dataclass(frozen=True, slots=True)
class ActionRead:
    """A parsed action string; `element` for click/fill/select, `text` for the string argument."""

    kind: str
    element: int | None = None
    text: str | None = None


@lru_cache(maxsize=65536)
def read_action(action: str) -> ActionRead | None:
    """Parse an action string of the env's grammar (None when it does not parse)."""
    match = _ACTION.fullmatch(action.strip())
    if match is None:
        return None
    kind, args = match.group(1), match.group(2).strip()
    try:
        if kind in ("click", "fill", "select"):
            id_match = _ID_ARG.fullmatch(args)
            if id_match is None:
                return None
            element = int(id_match.group(1))
            if kind == "click":
                return ActionRead(kind, element) if id_match.group(2) is None else None
            if id_match.group(2) is None:
                return None
            text = json.loads(id_match.group(2))
            return ActionRead(kind, element, str(text))
        if kind == "back":
            return ActionRead(kind) if not args else None
        return ActionRead(kind, None, str(json.loads(args)))
    except ValueError:
        return None
