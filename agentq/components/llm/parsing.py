"""Reading model replies: candidate actions, a best pick, a ranking, a verdict. Never raises."""

from __future__ import annotations

import re
from collections.abc import Sequence

from envs.actions import SIGNATURES, ActionError, format_action, parse_action

_CALL = re.compile(r"(?:%s)\s*\(" % "|".join(SIGNATURES))
_MARKER = re.compile(r"^(?:[-*+•>]|\d{1,3}[.):]|\(\d{1,3}\)|\[\d{1,3}\])\s*")
_LABEL = re.compile(r"^(?:(?:candidate|next|final|proposed)\s+)?actions?\s*(?:#?\d{1,3})?\s*[:=\-]\s*", re.I)
_ACTIONS_HEADER = re.compile(r"^\W*(?:candidate\s+|next\s+)?actions?\W*$", re.I)
_BEST = re.compile(r"\bBEST\b\W{0,5}(?:candidate\W{0,3})?#?(\d{1,3})\b", re.I)
_RANKING = re.compile(r"\bRANK(?:ING)?\b\s*[:=]\s*(.+)", re.I)
_PROBABILITY = re.compile(r"\bPROBABILITY\b\W{0,5}(\d+(?:\.\d+)?|\.\d+)\s*(%?)", re.I)
_VERDICT = re.compile(r"\bVERDICT\b\W{0,5}(SUCCESS(?:FUL)?|SUCCEEDED|FAIL(?:URE|ED)?)\b", re.I)


def clean_line(line: str) -> str:
    """A reply line without surrounding whitespace, backticks, emphasis, list markers or 'Action 2:' labels."""
    text = line.strip()
    while True:
        before = text
        text = text.strip().strip("`*_").strip()
        text = _MARKER.sub("", text)
        text = _LABEL.sub("", text)
        if text == before:
            return text


def _closing_paren(text: str, start: int) -> int | None:
    """Index of the ')' matching the '(' at `start`, skipping quoted strings."""
    depth, quote, escaped = 0, "", False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def line_action(line: str) -> str | None:
    """The canonical action a line starts with (after cleaning), or None."""
    text = clean_line(line)
    match = _CALL.match(text)
    if not match:
        return None
    end = _closing_paren(text, match.end() - 1)
    if end is None:
        return None
    try:
        return format_action(parse_action(text[: end + 1]))
    except ActionError:
        return None


def extract_actions(reply: str) -> list[str]:
    """Distinct canonical actions, in reply order, from the lines that start with one.

    Only the lines after the last 'ACTIONS:' header are read when that part holds any action;
    otherwise every line is. Reasoning around the actions is ignored.
    """
    lines = reply.splitlines()
    header = max((i for i, line in enumerate(lines) if _ACTIONS_HEADER.match(line.strip())), default=None)
    parts = [lines[header + 1:], lines] if header is not None else [lines]
    for part in parts:
        found = [a for a in (line_action(line) for line in part) if a is not None]
        if found:
            return list(dict.fromkeys(found))
    return []


def best_choice(reply: str, candidates: Sequence[str]) -> int | None:
    """The 0-based index of the candidate a reply picks: its last 'BEST: n', else a bare number or
    a lone action line equal to a candidate; None when the reply says nothing usable."""
    picks = [int(m.group(1)) for m in _BEST.finditer(reply)]
    if picks and 1 <= picks[-1] <= len(candidates):
        return picks[-1] - 1
    stripped = clean_line(reply)
    if stripped.isdigit() and 1 <= int(stripped) <= len(candidates):
        return int(stripped) - 1
    canonical = [_canonical(c) for c in candidates]
    named = {canonical.index(a) for a in extract_actions(reply) if a in canonical}
    return named.pop() if len(named) == 1 else None


def ranking(reply: str, n: int) -> list[int]:
    """0-based candidate indices from the last 'RANKING: 3, 1, 2' line, best first (valid, distinct)."""
    matches = list(_RANKING.finditer(reply))
    if not matches:
        return []
    numbers = [int(x) - 1 for x in re.findall(r"\d+", matches[-1].group(1))]
    return list(dict.fromkeys(i for i in numbers if 0 <= i < n))


def success_probability(reply: str) -> float | None:
    """P(success) from 'PROBABILITY: p' (0-1, or a percentage), else 1/0 from 'VERDICT: SUCCESS/FAILURE'."""
    probs = list(_PROBABILITY.finditer(reply))
    if probs:
        value = float(probs[-1].group(1))
        if probs[-1].group(2) or 1 < value <= 100:
            value /= 100
        if 0 <= value <= 1:
            return value
    verdicts = list(_VERDICT.finditer(reply))
    if verdicts:
        return 1.0 if verdicts[-1].group(1).upper().startswith("SUCC") else 0.0
    return None


def _canonical(action: str) -> str:
    try:
        return format_action(parse_action(action))
    except ActionError:
        return action
