"""Hashed sparse features of a decision (the state and each candidate action) and of an outcome.

A feature is a short string (``"a:11"``: the action's argument holds the token 11;
``"m:a:2"``: two of the argument's tokens also occur in the instruction) hashed into one of
`buckets` ids. The model learns what each id is worth; the features only say what the raw text
holds and where the instruction's words reappear (the "attention" a tiny bag model cannot learn
by itself in a few minutes on one core). Inputs are the public observation only: the
instruction, the page text, the URL, the actions so far and the legal actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from .text import Element, PageView, match_key, match_keys, parse_action, read_page, stable_hash, tokens

Obs = dict[str, Any]


class FeatureConfig(BaseModel):
    """How features are hashed (part of every checkpoint's config)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    buckets: int = Field(1 << 15, ge=64)
    version: int = 2


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3+"


def _share(matched: int, total: int) -> str:
    if total == 0:
        return "empty"
    return "none" if matched == 0 else "all" if matched == total else "some"


@dataclass
class StateInfo:
    """What the candidate features need from the state, computed once per decision."""

    page: PageView
    request: frozenset[str]
    history: tuple[str, ...]
    history_set: frozenset[str]
    acted_on: frozenset[tuple[str, str]]
    title_tokens: tuple[str, ...]


class Featuriser:
    """Turns observations and actions into hashed feature ids in ``[0, buckets)``."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self.buckets = self.config.buckets

    def ids(self, names: Sequence[str]) -> list[int]:
        """Hash feature names to ids."""
        b = self.buckets
        return [stable_hash(n) % b for n in names]

    # -- the state ---------------------------------------------------------------------------
    def state_info(self, obs: Obs) -> StateInfo:
        """Parse the page and the request (instruction plus what the user answered) once."""
        page = read_page(str(obs.get("text", "")))
        request_text = " ".join([str(obs.get("goal", "")), *page.dialogue])
        history = tuple(str(a) for a in obs.get("history") or ())
        acted = frozenset((p.verb, p.element or p.text) for p in map(parse_action, history))
        return StateInfo(page, match_keys(request_text), history, frozenset(history), acted, tokens(page.title)[:4])

    def state_names(self, obs: Obs, info: StateInfo) -> list[str]:
        """Features of the state: instruction, dialogue, title, URL, headings and recent actions."""
        names = ["bias"]
        names += [f"g:{t}" for t in tokens(str(obs.get("goal", "")))]
        for line in info.page.dialogue:
            names += [f"d:{t}" for t in tokens(line)]
        names += [f"t:{t}" for t in info.title_tokens]
        names += _url_names(str(obs.get("url", "")), info.request)
        for heading in info.page.headings[:3]:
            names += [f"hd:{t}" for t in tokens(heading)[:4]]
        history = info.history
        for back in (1, 2, 3):
            verb = parse_action(history[-back]).verb if len(history) >= back else "none"
            names.append(f"hl{back}:{verb}")
        names.append(f"hn:{min(len(history), 30) // 3}")
        if any(a.startswith("ask_user") for a in history):
            names.append("asked")
        return names

    def state_ids(self, obs: Obs, info: StateInfo | None = None) -> list[int]:
        return self.ids(self.state_names(obs, info or self.state_info(obs)))

    # -- the candidates ------------------------------------------------------------------------
    def candidate_names(self, action: str, info: StateInfo) -> list[str]:
        """Features of one candidate action at the state (names; `candidate_ids` is the fast path)."""
        parsed = parse_action(action)
        element = info.page.elements.get(parsed.element) if parsed.element is not None else None
        names, _ = _target_names(parsed.verb, parsed.element is not None, element, info.request)
        arg, arg_hits = _field_names("a", parsed.text, info.request)
        return names + arg + self._context_names(action, parsed, element, info, arg_hits)

    def candidate_ids(self, action: str, info: StateInfo) -> list[int]:
        """`candidate_names` hashed, with the parts that repeat across pages memoised."""
        parsed = parse_action(action)
        element = info.page.elements.get(parsed.element) if parsed.element is not None else None
        target, hits = _target_ids(parsed.verb, parsed.element is not None, element, info.request, self.buckets)
        arg, arg_hits = _field_ids("a", parsed.text, info.request, self.buckets)
        return [*target, *arg, *self.ids(self._context_names(action, parsed, element, info, hits + arg_hits))]

    @staticmethod
    def _context_names(action: str, parsed: Any, element: Element | None, info: StateInfo, hits: int) -> list[str]:
        verb = parsed.verb
        names = [f"vm:{verb}:{_bucket(hits)}"]
        names += [f"tv:{t}:{verb}" for t in info.title_tokens]
        if action in info.history_set:
            names.append("rep")
            if info.history[-1] == action:
                names.append("rep_last")
        if (verb, parsed.element or parsed.text) in info.acted_on:
            names.append(f"rep_target:{verb}")
        return names

    def decision(self, obs: Obs, actions: Sequence[str]) -> tuple[list[int], list[list[int]]]:
        """State ids and one id list per candidate action."""
        info = self.state_info(obs)
        return self.state_ids(obs, info), [self.candidate_ids(a, info) for a in actions]

    # -- outcomes (the judge) -------------------------------------------------------------------
    def outcome_names(self, goal: str, actions: Sequence[str], final_obs: Obs) -> list[str]:
        """Features of a finished (or cut-off) trajectory: the final page read against the request.

        Only words the request does not hold are kept as themselves (``sold``, ``confirmed``); the
        request's own words (names, places) enter through match counts, so the model learns how
        an outcome agrees with a request rather than which requests it saw.
        """
        obs = {**final_obs, "goal": goal, "history": list(actions)}
        info = self.state_info(obs)
        request = info.request

        def foreign(toks: Sequence[str]) -> list[str]:
            return [t for t in toks if match_key(t) not in request]

        names = ["bias", *(f"t:{t}" for t in foreign(info.title_tokens))]
        names += _url_names(str(final_obs.get("url", "")), request)
        for heading in info.page.headings[:2]:
            names += [f"hd:{t}" for t in foreign(tokens(heading))[:4]]
        last = parse_action(actions[-1]) if actions else None
        names.append(f"last:{last.verb if last else 'none'}")
        if last is not None and last.verb in ("stop", "ask_user"):
            names += [f"lt:{t}" for t in tokens(last.text)[:12]]
        names.append(f"len:{min(len(actions), 30) // 5}")
        if any(a.startswith("ask_user") for a in actions):
            names.append("asked")
        lines = [line for line in info.page.lines if line.startswith("text ")]
        unmatched_digits = 0
        page_keys: set[str] = set()
        for prev, line in zip([""] + lines, lines):
            keys = match_keys(line[5:])
            page_keys |= keys
            hit = keys & request
            unmatched_digits += len({k for k in keys if k.isdigit()} - request)
            label = tokens(prev[5:])
            if 0 < len(label) <= 3:
                names.append(f"kv:{' '.join(label)}:{_share(len(hit), len(keys))}")
            names += [f"pt:{t}" for t in foreign(tokens(line[5:]))[:6] if not t.isdigit()]
        names.append(f"ud:{_bucket(unmatched_digits)}")
        wanted_digits = {k for k in request if k.isdigit()}
        names.append(f"md:{_share(len(wanted_digits & page_keys), len(wanted_digits))}")
        names.append(f"mp:{_share(len(request & page_keys), len(request))}")
        return names

    def outcome_ids(self, goal: str, actions: Sequence[str], final_obs: Obs) -> list[int]:
        return self.ids(self.outcome_names(goal, actions, final_obs))


def _field_names(name: str, text: str, request: frozenset[str]) -> tuple[list[str], int]:
    """A text field's tokens and how many of its match keys the request holds."""
    toks = tokens(text)
    keys = {match_key(t) for t in toks}
    hit = keys & request
    names = [f"{name}:{t}" for t in toks[:8]]
    names += [f"m:{name}:{_bucket(len(hit))}", f"mf:{name}:{_share(len(hit), len(keys))}"]
    names += [f"mw:{name}:{k}" for k in sorted(hit)[:6]]
    return names, len(hit)


@lru_cache(maxsize=100_000)
def _field_ids(name: str, text: str, request: frozenset[str], buckets: int) -> tuple[tuple[int, ...], int]:
    names, hits = _field_names(name, text, request)
    return tuple(stable_hash(n) % buckets for n in names), hits


def _target_names(verb: str, has_id: bool, element: Element | None, request: frozenset[str]) -> tuple[list[str], int]:
    """Features of the action's verb and the element it targets (role, region, label, heading)."""
    names = [f"v:{verb}"]
    hits = 0
    if element is not None:
        names += [f"r:{element.role}", f"vr:{verb}:{element.role}"]
        names += [f"rg:{w}" for w in element.region.split()]
        for name, text in (("l", element.label), ("h", element.heading)):
            more, n = _field_names(name, text, request)
            names += more
            hits += n
        if verb == "select" and element.value is not None:
            current = match_keys(element.value)
            names.append(f"cv:{_share(len(current & request), len(current))}")
        if verb == "fill":
            names.append("fill_empty" if not element.value else "fill_has_value")
    elif has_id:
        names.append("no_element")
    return names, hits


@lru_cache(maxsize=100_000)
def _target_ids(verb: str, has_id: bool, element: Element | None, request: frozenset[str], buckets: int) -> tuple[tuple[int, ...], int]:
    names, hits = _target_names(verb, has_id, element, request)
    return tuple(stable_hash(n) % buckets for n in names), hits


def _url_names(url: str, request: frozenset[str]) -> list[str]:
    parts = urlsplit(url)
    names = [f"u:{'#' if t.isdigit() else t}" for t in tokens(parts.path)[:6]] or ["u:root"]
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        keys = match_keys(value)
        names.append(f"uq:{key}:{_share(len(keys & request), len(keys))}")
    return names
