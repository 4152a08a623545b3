"""Raw-text plumbing for the learned models: tokens, stable hashes, the page's elements, actions.

Everything here is generic text handling of the observation format (a tree of lines, ``[id]`` on
interactive elements, quoted labels) and the action grammar; none of it knows the site.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

_TOKEN = re.compile(r"[a-z]+|\d+")
_ELEMENT = re.compile(r"^\[(\d+)\]\s+(\S+)(?:\s+(.*))?$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ACTION = re.compile(r"^\s*([a-z_]+)\((.*)\)\s*$", re.S)
_ARG_ID = re.compile(r"^\s*(\d+)\s*(?:,\s*(.*))?$", re.S)
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def stable_hash(text: str) -> int:
    """A hash that is the same in every process (Python's ``hash`` of a str is salted per process)."""
    return zlib.crc32(text.encode("utf-8"))


@lru_cache(maxsize=50_000)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word and number tokens; English number words become digits, leading zeros go."""
    out = []
    for tok in _TOKEN.findall(text.lower()):
        if tok.isdigit():
            tok = tok.lstrip("0") or "0"
        out.append(_NUMBER_WORDS.get(tok, tok))
    return tuple(out)


def match_key(token: str) -> str:
    """The form two tokens are compared in: numbers as they are, words by their first three letters."""
    return token if token.isdigit() else token[:3]


@lru_cache(maxsize=50_000)
def match_keys(text: str) -> frozenset[str]:
    """The match keys of a text's tokens."""
    return frozenset(match_key(t) for t in tokens(text))


@dataclass(frozen=True, slots=True)
class Element:
    """One interactive element of the page: its role, label, current value, heading and region above it."""

    role: str
    label: str
    value: str | None
    heading: str
    region: str


@dataclass
class PageView:
    """The page text read as a tree: elements by id, the title, headings and the dialogue lines."""

    title: str = ""
    elements: dict[str, Element] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)
    dialogue: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _label_and_value(rest: str) -> tuple[str, str | None]:
    quoted = _QUOTED.findall(rest.split(" options=", 1)[0])
    label = quoted[0] if quoted else ""
    value = None
    marker = rest.find('value="')
    if marker >= 0:
        found = _QUOTED.match(rest[marker + len("value="):])
        value = found.group(1) if found else None
    return label, value


@lru_cache(maxsize=64)
def read_page(text: str) -> PageView:
    """Parse the observation's text tree (two spaces of indent per level); memoised per text."""
    view = PageView()
    stack: list[tuple[int, str]] = []  # (indent, first word) of the open container lines
    heading = ""
    for raw in text.splitlines():
        if not raw.strip():
            continue
        indent = (len(raw) - len(raw.lstrip(" "))) // 2
        line = raw.strip()
        view.lines.append(line)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if indent == 0 and line.startswith("page "):
            quoted = _QUOTED.findall(line)
            view.title = quoted[0] if quoted else line[5:]
        elif indent == 0 and " " in line:
            view.dialogue.append(line)  # top-level sentences: what the user was asked and answered
        if line.startswith("heading"):
            quoted = _QUOTED.findall(line)
            heading = quoted[0] if quoted else line
            view.headings.append(heading)
        element = _ELEMENT.match(line)
        if element:
            ident, role, rest = element.group(1), element.group(2), element.group(3) or ""
            label, value = _label_and_value(rest)
            region = " ".join(word for _, word in stack[-3:])
            view.elements[ident] = Element(role, label, value, heading, region)
        stack.append((indent, line.split(" ", 1)[0].strip("'\"")))
    return view


@dataclass(frozen=True, slots=True)
class ParsedAction:
    """An action string split into its verb, the element id it targets (if any) and its text argument."""

    verb: str
    element: str | None
    text: str


@lru_cache(maxsize=100_000)
def parse_action(action: str) -> ParsedAction:
    """``select(5, "Fri, Dec 11")`` -> (select, 5, Fri, Dec 11); unparsable text -> verb ``other``."""
    found = _ACTION.match(action)
    if not found:
        return ParsedAction("other", None, action)
    verb, args = found.group(1), found.group(2)
    target = _ARG_ID.match(args)
    if target and verb in ("click", "fill", "select"):
        quoted = _QUOTED.findall(target.group(2) or "")
        return ParsedAction(verb, target.group(1), quoted[0] if quoted else "")
    quoted = _QUOTED.findall(args)
    return ParsedAction(verb, None, quoted[0] if quoted else args)
