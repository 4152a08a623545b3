"""Strings a non-LLM policy may type into a field, read from the instruction's public text only
(its quoted phrases, its ``label: value`` phrases and its tokens), never from the task's answer."""

from __future__ import annotations

import re

QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|'([^']{2,})'")
AFTER_COLON = re.compile(r":\s*([^:]+?)(?=\s+\w+:|[.!?]?$|\.\s)")
LINK_WORD = re.compile(r"\s+(?:on|at|by|and|with|in|from|to)\s+")
TOKEN = re.compile(r"[\w@/.+-]+")
STOPWORDS = frozenset(
    "a an and the to of in on into for from with by at as is it its this that then press click enter type "
    "select submit field fields text button buttons box boxes form your you please".split()
)
MAX_CANDIDATES = 12


def instruction_phrases(instruction: str) -> list[str]:
    """Quoted phrases, then ``label: value`` phrases, then content tokens, deduplicated in that order."""
    out: list[str] = []
    for match in QUOTED.finditer(instruction):
        out.append(next(g for g in match.groups() if g))
    for match in AFTER_COLON.finditer(instruction):
        phrase = match.group(1).strip().rstrip(",.")
        out.extend([phrase, LINK_WORD.split(phrase)[0]])
    for token in TOKEN.findall(instruction):
        token = token.strip(".,")
        if token and token.casefold() not in STOPWORDS:
            out.append(token)
    return [p for p in dict.fromkeys(out) if p]


def fill_candidates(instruction: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """At most `limit` strings to try in a text field."""
    return instruction_phrases(instruction)[:limit]
