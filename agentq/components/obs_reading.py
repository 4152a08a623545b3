"""Reading the observation text (and url, and action strings) into structured, cached records.

Only public inputs are read here, in the env's own formats (`envs.observation`'s text tree, the
page url, `envs.actions`' grammar); nothing here knows a site. A site's own reader extends
:class:`PageReader` through its hooks, in the same single pass over the text. Every reader is
memoised by its input string, since the planner shows the same pages many times.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

_DECODER = json.JSONDecoder()
_ELEMENT_HEAD = re.compile(r"\[(\d+)\] (\w+) ")
TIME_LABEL = re.compile(r"(\d{1,2}):(\d{2}) ?([AaPp][Mm])")
_ACTION = re.compile(r"(click|fill|select|goto|back|ask_user|stop)\((.*)\)", re.DOTALL)
_ID_ARG = re.compile(r"\s*\[?(\d+)\]?\s*(?:,\s*(.*))?", re.DOTALL)
GROUP_ROLES = frozenset({"form", "search", "dialog"})


def fold(text: str | None) -> str:
    """Whitespace-collapsed, case-folded text for comparisons."""
    return " ".join((text or "").split()).casefold()


def time_minutes(label: str) -> int | None:
    """'7:00 PM' -> 1140, '19:30' -> 1170 (None when the text is no time)."""
    match = TIME_LABEL.fullmatch(label.strip())
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
class PageRead:
    """Everything read from one observation text."""

    title: str = ""
    h1: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    elements: list[Elem] = field(default_factory=list)
    by_id: dict[int, Elem] = field(default_factory=dict)
    flow: list[str] = field(default_factory=list)  # texts and element names inside lists, in order
    dialogue: list[tuple[str, str]] = field(default_factory=list)

    def find(self, role: str, name: str) -> Elem | None:
        """The first enabled element with this role and (case-insensitive) name."""
        folded = name.casefold()
        for element in self.elements:
            if element.role == role and not element.disabled and element.name.casefold() == folded:
                return element
        return None


@dataclass(frozen=True, slots=True)
class Where:
    """Where a line sits: its number, and the line numbers of its enclosing group and article."""

    number: int
    group: int  # the enclosing form/search/dialog, -1 if none
    article: int  # the enclosing article, -1 if none
    in_list: bool


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


P = TypeVar("P", bound=PageRead)


class PageReader(Generic[P]):
    """One pass over an observation text into a page record; a site's reader subclasses it, making
    its own record (`new_page`) and adding to it in the hooks, each called after the generic record
    took the line in."""

    def new_page(self) -> P:
        return PageRead()  # type: ignore[return-value]

    def on_element(self, page: P, element: Elem, where: Where) -> None:
        """An interactive element line."""

    def on_heading(self, page: P, level: int, heading: str, where: Where) -> None:
        """A heading line."""

    def on_text(self, page: P, content: str, where: Where) -> None:
        """A text line."""

    def on_open(self, page: P, role: str, where: Where) -> None:
        """A container line (its role: main, form, list, article, ...) that later lines may sit in."""

    def read(self, text: str) -> P:
        page = self.new_page()
        stack: list[tuple[int, str, int]] = []  # (depth, role, line number)
        for number, line in enumerate(text.split("\n")):
            body = line.lstrip(" ")
            if not body:
                continue
            depth = (len(line) - len(body)) // 2
            while stack and stack[-1][0] >= depth:
                stack.pop()
            group = next((n for _, role, n in reversed(stack) if role in GROUP_ROLES), -1)
            article_line = next((n for _, role, n in reversed(stack) if role == "article"), -1)
            in_list = any(role == "list" for _, role, _ in stack)
            where = Where(number, group, article_line, in_list)
            first = body[0]
            if first == "[":
                element = _parse_element(body, group, article_line)
                if element is None:
                    continue
                page.elements.append(element)
                page.by_id[element.id] = element
                if in_list:
                    page.flow.append(element.name)
                self.on_element(page, element, where)
                continue
            if body.startswith("heading "):
                level = int(body[8]) if body[8].isdigit() else 0
                heading = _quoted(body, 10)
                page.headings.append((level, heading))
                if level == 1 and not page.h1:
                    page.h1 = heading
                self.on_heading(page, level, heading, where)
                continue
            if body.startswith('text "'):
                content = _quoted(body, 5)
                page.texts.append(content)
                if in_list:
                    page.flow.append(content)
                self.on_text(page, content, where)
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
            self.on_open(page, role, where)
        return page


@lru_cache(maxsize=2048)
def read_page(text: str) -> PageRead:
    """Parse an observation text into a :class:`PageRead` (memoised; treat the result as read-only)."""
    return PageReader[PageRead]().read(text)


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
