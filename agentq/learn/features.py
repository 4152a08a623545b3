"""Hashed sparse features of a decision (the state and each candidate action) and of an outcome.

A feature is a short string (``"a:11"``: the action's argument holds the token 11;
``"m:a:2"``: two of the argument's tokens also occur in the instruction) hashed into one of
`buckets` ids. The model learns what each id is worth; the features only say what the raw text
holds and where the instruction's words reappear (the "attention" a tiny bag model cannot learn
by itself in a few minutes on one core). Since version 3 the instruction's typed values (times,
dates, phones, e-mails, numbers, names; `values.py`) are matched against the page's text and link
lines, labels and field values, and against each candidate's label and argument, normalised, so
``19:00`` matches ``7:00 PM`` (``vk:``, ``vx:``, ``av:``, ``lv:`` features). Since version 4 the
judge also reads the pages on the way (the observations the trajectory's actions were taken at):
whether a requested value was offered there as a choice (an element's label) while the final
page shows another (``vo:``), and how far a shown clock time is from the requested one (``vd:``).
Inputs are the public observation only: the instruction, the page text, the URL, the actions so
far, the pages seen on the way and the legal actions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from .text import Element, PageView, match_key, match_keys, parse_action, read_page, stable_hash, tokens
from .values import KINDS, Values, extract

Obs = dict[str, Any]


class FeatureConfig(BaseModel):
    """How features are hashed (part of every checkpoint's config)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    buckets: int = Field(1 << 15, ge=64)
    version: Literal[4] = Field(
        4, description="4: typed value matching, the judge reads the pages on the way; older checkpoints must be retrained")


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
    wanted: Values  # the request's typed values
    goal: str  # the instruction
    shown: Values  # the page's typed values (text lines, labels, field values)


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
        return StateInfo(page, match_keys(request_text), history, frozenset(history), acted, tokens(page.title)[:4],
                         extract(request_text), str(obs.get("goal", "")), page_values(str(obs.get("text", ""))))  # fmt: skip

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
        names += [f"sv:{kind}:{share}" for kind, share in _value_shares(info.wanted, info.shown)]
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
        typed = _candidate_value_names(parsed.verb, parsed.text, element, info.wanted)
        return names + arg + typed + self._context_names(action, parsed, element, info, arg_hits)

    def candidate_ids(self, action: str, info: StateInfo) -> list[int]:
        """`candidate_names` hashed, with the parts that repeat across pages memoised."""
        parsed = parse_action(action)
        element = info.page.elements.get(parsed.element) if parsed.element is not None else None
        target, hits = _target_ids(parsed.verb, parsed.element is not None, element, info.request, self.buckets)
        arg, arg_hits = _field_ids("a", parsed.text, info.request, self.buckets)
        typed = _candidate_value_ids(parsed.verb, parsed.text, element, info.wanted, self.buckets)
        return [*target, *arg, *typed, *self.ids(self._context_names(action, parsed, element, info, hits + arg_hits))]

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
    def outcome_names(self, goal: str, actions: Sequence[str], final_obs: Obs, pages: Sequence[str] = ()) -> list[str]:
        """Features of a finished (or cut-off) trajectory: the final page read against the request,
        and against what the pages on the way (`pages`: the text trees the actions were taken at)
        offered as choices.

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
        names += _offered_names(info, offered_values(tuple(pages)))
        return names + _outcome_value_names(info, foreign(tokens(info.page.headings[0]))[:3] if info.page.headings else [],
                                            last.verb if last else "none")  # fmt: skip

    def outcome_ids(self, goal: str, actions: Sequence[str], final_obs: Obs, pages: Sequence[str] = ()) -> list[int]:
        return self.ids(self.outcome_names(goal, actions, final_obs, pages))


def pages_of(trajectory: Sequence[Any]) -> list[str]:
    """The text trees a trajectory's actions were taken at (steps with an ``obs``, or dicts)."""
    out = []
    for step in trajectory:
        obs = step.get("obs") if isinstance(step, dict) else getattr(step, "obs", None)
        if isinstance(obs, dict) and obs.get("text"):
            out.append(str(obs["text"]))
    return out


@lru_cache(maxsize=4096)
def _choice_values(text: str) -> Values:
    """The typed values of a page's element labels: what it offered as choices."""
    found = Values()
    for element in read_page(text).elements.values():
        found = found.union(extract(element.label, names=False))
    return found


@lru_cache(maxsize=4096)
def offered_values(pages: tuple[str, ...]) -> Values:
    """The typed values the pages on the way offered as choices (their elements' labels)."""
    found = Values()
    for text in dict.fromkeys(pages):
        found = found.union(_choice_values(text))
    return found


_OFFERED_KINDS = ("time", "date", "number", "name")


def _minutes(clock: str) -> int:
    hour, minute = clock.split(":")
    return int(hour) * 60 + int(minute)


def _distance_bucket(minutes: int) -> str:
    return next((str(b) for b in (0, 15, 30, 60, 120) if minutes <= b), "more")


def _offered_names(info: StateInfo, offered: Values) -> list[str]:
    """Per requested kind: whether the final page shows the requested value, and whether a page on
    the way offered it as a choice (``vo:time:none:offered``: it was there to take, and the outcome
    shows another); for clock times, how far the nearest shown time is from the requested one."""
    wanted, shown = info.wanted, info.shown
    names = []
    for kind in _OFFERED_KINDS:
        if not wanted.of(kind):
            continue
        share = _share(len(found_values(kind, wanted.of(kind), shown.of(kind))), len(wanted.of(kind)))
        was_offered = "offered" if found_values(kind, wanted.of(kind), offered.of(kind)) else "not"
        names.append(f"vo:{kind}:{share}:{was_offered}")
    if wanted.time and shown.time:
        gap = min(abs(_minutes(a) - _minutes(b)) for a in wanted.time for b in shown.time)
        offered_time = "offered" if wanted.time & offered.time else "not"
        names += [f"vd:time:{_distance_bucket(gap)}", f"vdo:time:{_distance_bucket(gap)}:{offered_time}"]
    return names


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


# -- typed values (version 3) -------------------------------------------------------------------
_EXTRA_KINDS = ("time", "date", "number")
_QUOTED_TEXT = re.compile(r'"((?:[^"\\]|\\.)*)"')  # kinds where a value the request lacks means a wrong detail


@lru_cache(maxsize=256)
def page_values(text: str) -> Values:
    """The typed values a page shows: its text lines, element labels and current field values
    (not a drop-down's options: those are choices, not what the page says)."""
    view = read_page(text)
    found = Values()
    for line in view.lines:
        if line.startswith("text "):
            found = found.union(extract(line[5:].strip().strip('"'), names=False))
    for element in view.elements.values():
        found = found.union(extract(element.label, names=False))
        if element.value:
            found = found.union(extract(element.value, names=False))
    return found


@lru_cache(maxsize=4096)
def _value_shares(wanted: Values, shown: Values) -> list[tuple[str, str]]:
    """(kind, how many of the request's values of that kind are shown) for each kind it has."""
    return [(k, _share(len(found_values(k, wanted.of(k), shown.of(k))), len(wanted.of(k)))) for k in KINDS if wanted.of(k)]


def found_values(kind: str, wanted: frozenset[str], shown: frozenset[str]) -> frozenset[str]:
    """The wanted values that `shown` holds; a name word also matches its abbreviation or its
    longer form (``fri`` / ``friday``), at least three letters long."""
    if kind != "name":
        return wanted & shown
    return frozenset(w for w in wanted if w in shown or any(_abbreviates(w, s) for s in shown))


def _abbreviates(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 3 and long.startswith(short)


def _outcome_value_names(info: StateInfo, heading: Sequence[str], last_verb: str) -> list[str]:
    """The request's values against the final page's: found per kind, wrong extras per kind, and
    both conjoined with the page's first heading (its words the request lacks) and the last verb."""
    wanted, shown = info.wanted, info.shown
    head = "_".join(heading) or "none"
    names = []
    missing = 0
    goal_words = sorted({t for t in tokens(info.goal) if not t.isdigit()})
    for kind, share in _value_shares(wanted, shown):
        names += [f"vk:{kind}:{share}", f"vh:{head}:{kind}:{share}"]
        missing += share != "all"
        if share != "all":  # whether a missing value matters can depend on what else the request says
            names += [f"vg:{kind}:{w}" for w in goal_words]
    for kind in _EXTRA_KINDS:
        extra = len(shown.of(kind) - wanted.of(kind))
        if wanted.of(kind):
            names += [f"vx:{kind}:{_bucket(extra)}", f"vhx:{head}:{kind}:{_bucket(extra)}"]
    verdict = "all" if missing == 0 else _bucket(missing)
    names += [f"vall:{verdict}", f"vhall:{head}:{verdict}", f"vlall:{last_verb}:{verdict}"]
    return names + _labelled_value_names(info.page, wanted)


def _line_content(line: str) -> str:
    """What a line of the tree says: a text line's words, an element's label (and value)."""
    if line.startswith("text "):
        return line[5:].strip().strip('"')
    found = _QUOTED_TEXT.findall(line)
    return " ".join(found[:2]) if line.startswith("[") else ""


def _labelled_value_names(page: PageView, wanted: Values) -> list[str]:
    """Each value shown under a short label line (``Guests`` then ``2 people``; ``Venue`` then
    the link ``Blue Door``) against the request: ``lb:guests:number:miss``."""
    names = []
    contents = [_line_content(line) for line in page.lines]
    for label, value in zip(contents, contents[1:]):
        words = tokens(label)
        if not value or not 0 < len(words) <= 3 or len(tokens(value)) > 8 or any(w.isdigit() for w in words):
            continue
        if found_values("name", frozenset(words), wanted.name):
            continue  # a line of the request's own words is a value, not a label
        key = " ".join(words)
        for kind_share in _typed_names("lb", extract(value, names=False), wanted):
            names.append(f"{kind_share.replace('lb:', f'lb:{key}:', 1)}")
    return names


def _typed_names(prefix: str, values: Values, wanted: Values) -> list[str]:
    names = []
    for kind in KINDS:
        got = values.of(kind)
        if not got:
            continue
        if kind == "name":
            names.append(f"{prefix}:name:{_share(len(found_values(kind, got, wanted.name)), len(got))}")
        else:
            names.append(f"{prefix}:{kind}:{'hit' if got & wanted.of(kind) else 'miss' if wanted.of(kind) else 'unasked'}")
    return names


def _candidate_value_names(verb: str, text: str, element: Element | None, wanted: Values) -> list[str]:
    """The candidate's argument and its element's label and current value, as typed values
    against the request's (``av:time:hit``: the argument is the requested time)."""
    names = [f"v{verb}:{n}" for n in _typed_names("av", extract(text, names=False), wanted)] if text else []
    if element is not None:
        names += [f"v{verb}:{n}" for n in _typed_names("lv", extract(element.label, names=False), wanted)]
        if element.value:
            names += [f"v{verb}:{n}" for n in _typed_names("cv", extract(element.value, names=False), wanted)]
    return names


@lru_cache(maxsize=100_000)
def _candidate_value_ids(verb: str, text: str, element: Element | None, wanted: Values, buckets: int) -> tuple[int, ...]:
    return tuple(stable_hash(n) % buckets for n in _candidate_value_names(verb, text, element, wanted))
