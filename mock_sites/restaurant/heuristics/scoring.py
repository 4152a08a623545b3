"""Heuristic action scoring from public text only: the instruction, the page text and its url.

`score_actions(obs, actions)` gives each action a utility-like score (about -10 .. +10): high for the
step that obviously moves the booking forward (dismiss an overlay, set a search field to the
requested value, click the requested slot, fill a field with the requested text, ...), low for
harmful or pointless steps. Policies turn the scores into probabilities with a softmax; critics
squash them into [0, 1]. Scoring never reads the hidden goal or the env.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from agentq.components.obs_reading import ActionRead, Elem, UrlRead, fold, read_action, read_url, time_minutes
from mock_sites.restaurant.heuristics.matching import (
    choose_slot,
    iso_matches,
    option_for,
    reports_unavailable,
    review_mismatches,
    summary_matches,
)
from mock_sites.restaurant.heuristics.page import Article, TableTopPage, read_page
from mock_sites.restaurant.heuristics.request import Request, occasion_option, read_request, seating_option

BEST = 10.0
GOOD = 8.0
FAIR = 5.0
MEH = -2.0
BAD = -4.0
WORSE = -6.0
FATAL = -10.0
OVERLAY_BUTTONS = ("accept all", "no thanks", "accept", "close", "dismiss")
SOFT_OVERLAY_BUTTONS = ("reject non-essential", "reject all", "decline")
HARMFUL_BUTTONS = ("cancel reservation", "cancel")
SEARCH_FIELDS = ("city", "date", "time", "party size")


# -- the page context ----------------------------------------------------------------------------
@dataclass
class PageContext:
    """One observation, read once: page kind, the request, and what each element is for."""

    page: TableTopPage
    url: UrlRead
    request: Request
    kind: str
    wanted_select: dict[int, str | None] = field(default_factory=dict)  # search-form combobox -> wanted label
    form_submit: dict[int, float] = field(default_factory=dict)  # submit button id -> score
    link_scores: dict[int, float] = field(default_factory=dict)
    button_scores: dict[int, float] = field(default_factory=dict)
    fill_rules: dict[int, tuple[str, Any]] = field(default_factory=dict)  # textbox id -> (rule, data)
    stop_score: float = FATAL
    ask_score: float = WORSE
    back_score: float = MEH
    nav_score: float = -3.0
    slot_ok: bool | None = None  # details page: whether the chosen table matches the request
    memo: dict[str, float] = field(default_factory=dict)

    # -- scoring one action -------------------------------------------------------------------
    def score(self, action: str) -> float:
        cached = self.memo.get(action)
        if cached is None:
            cached = self._score(read_action(action))
            self.memo[action] = cached
        return cached

    def _score(self, act: ActionRead | None) -> float:
        if act is None:
            return FATAL
        kind = act.kind
        if kind == "stop":
            return self.stop_score if reports_unavailable(act.text) else FATAL
        if kind == "ask_user":
            folded = fold(act.text)
            return self.ask_score if any(w in folded for w in ("sit", "seat", "patio")) else WORSE
        if kind == "back":
            return self.back_score
        if kind == "goto":
            path = (act.text or "").split("?", 1)[0]
            return self.nav_score - 1.0 if path in ("/", "/search") else BAD
        element = self.page.by_id.get(act.element or -1)
        if element is None or element.disabled:
            return FATAL
        if kind == "click":
            return self._click(element)
        if kind == "select":
            return self._select(element, act.text or "")
        if kind == "fill":
            return self._fill(element, act.text or "")
        return BAD

    def _click(self, element: Elem) -> float:
        if element.role == "link":
            if element.id in self.link_scores:
                return self.link_scores[element.id]
            name = fold(element.name)
            if name in ("search", "tabletop", "find a table"):
                return self.nav_score
            if name.startswith("sign in"):
                return WORSE
            if name.startswith("modify") or name.startswith("cancel"):
                return -8.0
            if name == "my reservations":
                return -5.0
            return -3.0
        if element.role == "button":
            if element.id in self.button_scores:
                return self.button_scores[element.id]
            if element.id in self.form_submit:
                return self.form_submit[element.id]
            name = fold(element.name)
            if name in HARMFUL_BUTTONS:
                return FATAL
            if name == "apply filters":
                return -5.0
            return MEH
        return -5.0  # clicking a field does nothing

    def _select(self, element: Elem, label: str) -> float:
        if element.role != "combobox":
            return FATAL
        if label not in element.options and fold(label) not in {fold(o) for o in element.options}:
            return FATAL
        if element.id not in self.wanted_select:
            return BAD
        wanted = self.wanted_select[element.id]
        if wanted is None:
            return -3.0
        if element.value == wanted:
            return -5.0
        return GOOD if fold(label) == fold(wanted) else BAD

    def _fill(self, element: Elem, text: str) -> float:
        if element.role != "textbox":
            return FATAL
        rule = self.fill_rules.get(element.id)
        if rule is None:
            return -3.0
        name, data = rule
        value = element.value or ""
        if name == "exact":
            wanted: str | None = data
            if wanted is None:
                return -3.0
            if value == wanted:
                return -5.0
            return GOOD + 1 if text == wanted else BAD
        if name == "empty":  # nothing requested: leave it empty
            return -5.0
        if name == "phone":
            written, normal = data
            if value == normal or (value == written and not element.invalid):
                return -5.0  # right, or as written and not refused yet
            if text == normal:
                return GOOD + 1 if (value == written or written == normal) else GOOD - 1
            if text == written:
                return GOOD + 1
            return BAD
        return -3.0


# -- building contexts ---------------------------------------------------------------------------
def _page_kind(page: TableTopPage, url: UrlRead) -> str:
    for element in page.elements:
        if element.role == "button" and fold(element.name) in OVERLAY_BUTTONS:
            return "overlay"
    path = url.path
    h1 = fold(page.h1)
    if path.startswith("/book/details"):
        return "identity" if page.find("button", "Continue as guest") is not None else "details"
    if path.startswith("/book/review") or h1.startswith("review your"):
        return "review"
    if h1.startswith("reservation confirmed"):
        return "confirmation"
    if h1.startswith("sorry"):
        return "unavailable"
    if path == "/search":
        return "search"
    if path.startswith("/restaurant/"):
        return "restaurant"
    if path == "/" or h1 == "find a table":
        return "home"
    return "other"


def _slot_form(ctx: PageContext) -> None:
    """Search-like forms (City/Date/Time/Party size): wanted selects and the submit button's score."""
    groups: dict[int, list[Elem]] = {}
    for element in ctx.page.elements:
        groups.setdefault(element.group, []).append(element)
    for group, members in groups.items():
        fields = [e for e in members if e.role == "combobox" and fold(e.name).startswith(SEARCH_FIELDS)]
        if group < 0 or not any(fold(e.name).startswith("party") for e in fields):
            for e in members:  # filters and other drop-downs
                if e.role == "combobox" and e.id not in ctx.wanted_select:
                    ctx.wanted_select.setdefault(e.id, None)
            continue
        matches = True
        for e in fields:
            wanted = option_for(e.name, e.options, ctx.request)
            ctx.wanted_select[e.id] = wanted
            if wanted is not None and e.value != wanted:
                matches = False
        submit = next((e for e in members if e.role == "button"), None)
        if submit is None:
            continue
        if not matches:
            ctx.form_submit[submit.id] = -3.0
        elif _url_matches(ctx):
            ctx.form_submit[submit.id] = MEH  # the page already shows this search
        else:
            ctx.form_submit[submit.id] = BEST - 1


def _url_matches(ctx: PageContext) -> bool:
    """Whether the results/restaurant page shown is for the requested city, date, time and party."""
    params, request = ctx.url.params, ctx.request
    checks: list[bool | None] = []
    if ctx.kind == "search":
        checks.append(fold(params.get("city")) == fold(request.city) if request.city else None)
        time_param = params.get("time", "")
        checks.append(time_minutes(time_param) == request.time if request.time is not None else None)
    if ctx.kind in ("search", "restaurant"):
        checks.append(iso_matches(params.get("date", ""), request))
        party = params.get("party", "")
        checks.append((party.isdigit() and int(party) == request.party) if request.party is not None else None)
    return all(c is not False for c in checks) and ctx.kind in ("search", "restaurant")


def _is_goal_card(card: Article, request: Request) -> bool:
    return bool(request.restaurant) and fold(card.title) == fold(request.restaurant)


def _score_slots(ctx: PageContext, card: Article, goal: bool) -> bool:
    """Score a card's slot links; True when the requested slot (or the rule's pick) is there."""
    target = choose_slot(card, ctx.request) if goal else None
    for label, eid in card.slots:
        if eid is None:
            continue
        if target is not None:
            ctx.link_scores[eid] = BEST if label == target else -4.0
        else:
            ctx.link_scores[eid] = -3.0 if goal else WORSE
    return target is not None


def _results(ctx: PageContext) -> None:
    page, request = ctx.page, ctx.request
    right_search = _url_matches(ctx)
    goal_card = None
    for card in page.articles:
        is_goal = right_search and _is_goal_card(card, request)
        if is_goal and goal_card is None:
            goal_card = card
        _score_slots(ctx, card, is_goal)
        if card.link is not None:
            ctx.link_scores[card.link] = -4.0
    nxt = page.find("link", "Next page")
    previous = page.find("link", "Previous page")
    if previous is not None:
        ctx.link_scores[previous.id] = -3.0
    if nxt is not None:
        ctx.link_scores[nxt.id] = -3.0
    if not right_search:
        return
    if goal_card is None:
        if nxt is not None:
            ctx.link_scores[nxt.id] = GOOD
        elif previous is not None:
            ctx.link_scores[previous.id] = 2.0
        return
    target = choose_slot(goal_card, request)
    if goal_card.link is not None:
        if target is None and (goal_card.no_tables or not goal_card.available()):
            ctx.link_scores[goal_card.link] = BEST - 1  # check the whole day on the restaurant page
        else:
            ctx.link_scores[goal_card.link] = 1.0 if target is None else -1.0
    if target is None and goal_card.no_tables:
        ctx.stop_score = -3.0  # plausible, but the restaurant page would tell for sure


def _restaurant(ctx: PageContext) -> None:
    page, request = ctx.page, ctx.request
    title = fold(page.title)
    right_place = bool(request.restaurant) and fold(page.h1) == fold(request.restaurant)
    if right_place and request.city:
        right_place = fold(request.city) in title or any(fold(request.city) in fold(t) for t in page.texts[:2])
    card = page.page_slots
    if not right_place:
        ctx.nav_score = FAIR + 1
        ctx.back_score = FAIR
        for eid in ctx.form_submit:
            ctx.form_submit[eid] = -3.0
        for label, eid in card.slots:
            if eid is not None:
                ctx.link_scores[eid] = WORSE
        return
    if not _url_matches(ctx):
        for label, eid in card.slots:
            if eid is not None:
                ctx.link_scores[eid] = -4.0
        return
    found = _score_slots(ctx, card, True)
    if not found and card.slots and not card.available():
        ctx.stop_score = BEST if request.unavailable_ok else GOOD - 2


def _details(ctx: PageContext) -> None:
    page, request = ctx.page, ctx.request
    summary = next((t for t in page.texts if t.count(" · ") >= 3), None)
    ctx.slot_ok = None if summary is None else summary_matches(summary, request)
    if ctx.slot_ok is False:
        ctx.nav_score = GOOD - 1
        change = page.find("link", "Change time")
        if change is not None:
            ctx.link_scores[change.id] = FAIR - 1
        return
    change = page.find("link", "Change time")
    if change is not None:
        ctx.link_scores[change.id] = -4.0
    all_done = True
    pending_ask = request.ask_seating and not request.seating_answered
    for element in page.elements:
        name = fold(element.name)
        if element.role == "textbox":
            done, rule = _textbox_rule(element, name, request)
            if rule is not None:
                ctx.fill_rules[element.id] = rule
            all_done = all_done and done
        elif element.role == "combobox":
            if name.startswith("seating"):
                if pending_ask:
                    ctx.wanted_select[element.id] = None
                    all_done = False
                    continue
                wanted = seating_option(element.options, request.seating)
            elif name.startswith("occasion"):
                wanted = occasion_option(element.options, request.occasion)
            else:
                continue
            ctx.wanted_select[element.id] = wanted
            if wanted is not None and element.value != wanted:
                all_done = False
    if pending_ask:
        ctx.ask_score = BEST - 0.5
    submit = page.find("button", "Continue to review")
    if submit is not None:
        ctx.button_scores[submit.id] = BEST if all_done else -3.0


def _textbox_rule(element: Elem, name: str, request: Request) -> tuple[bool, tuple[str, Any] | None]:
    """(field already right, fill rule) for a details-form text field."""
    value = element.value or ""
    if name.startswith("first name") or name.startswith("last name"):
        if not request.names:
            return bool(value.strip()) and not element.invalid, None
        first, last = request.names[0]
        wanted = first if name.startswith("first") else last
        return value == wanted, ("exact", wanted)
    if name.startswith("phone"):
        if not request.phones:
            return bool(value.strip()) and not element.invalid, None
        written, normal = request.phones_written[0], request.phones[0]
        done = value == normal or (value == written and not element.invalid)
        return done, ("phone", (written, normal))
    if name.startswith("email"):
        if not request.emails:
            return bool(value.strip()) and not element.invalid, None
        return value == request.emails[0], ("exact", request.emails[0])
    if "request" in name:
        if request.quoted:
            return value.strip() == request.quoted[0], ("exact", request.quoted[0])
        return not value.strip(), ("empty", None)
    return True, None


def _review(ctx: PageContext) -> None:
    page = ctx.page
    slot, details = review_mismatches(page.details(), ctx.request)
    complete = page.find("button", "Complete reservation")
    edit = page.find("link", "Edit details")
    pending_ask = ctx.request.ask_seating and not ctx.request.seating_answered
    if pending_ask:
        ctx.ask_score = BEST - 0.5
    if not slot and not details:
        if complete is not None:
            ctx.button_scores[complete.id] = BEST
        if edit is not None:
            ctx.link_scores[edit.id] = -3.0
        return
    if complete is not None:
        ctx.button_scores[complete.id] = -8.0
    if slot:
        ctx.nav_score = GOOD - 1
        if edit is not None:
            ctx.link_scores[edit.id] = MEH
    elif edit is not None:
        ctx.link_scores[edit.id] = BEST - 1 if not pending_ask else GOOD - 1


@lru_cache(maxsize=2048)
def page_context(text: str, url: str, goal: str) -> PageContext:
    """The scoring context of one observation (memoised by its text, url and goal)."""
    page = read_page(text)
    url_read = read_url(url)
    request = read_request(goal, tuple(page.dialogue))
    ctx = PageContext(page=page, url=url_read, request=request, kind=_page_kind(page, url_read))
    if ctx.request.ask_seating and not ctx.request.seating_answered:
        ctx.ask_score = 1.0  # worth asking at some point; best on the details page
    if ctx.kind == "overlay":
        for element in page.elements:
            if element.role == "button":
                name = fold(element.name)
                if name in OVERLAY_BUTTONS:
                    ctx.button_scores[element.id] = BEST
                elif name in SOFT_OVERLAY_BUTTONS:
                    ctx.button_scores[element.id] = FAIR + 1
        return ctx
    _slot_form(ctx)
    if ctx.kind == "search":
        _results(ctx)
    elif ctx.kind == "restaurant":
        _restaurant(ctx)
    elif ctx.kind == "identity":
        guest = page.find("button", "Continue as guest")
        if guest is not None:
            ctx.button_scores[guest.id] = BEST
    elif ctx.kind == "details":
        _details(ctx)
    elif ctx.kind == "review":
        _review(ctx)
    elif ctx.kind in ("unavailable", "other"):
        ctx.nav_score = FAIR + 1
        ctx.back_score = FAIR
        for element in page.elements:
            if element.role == "link" and fold(element.name).startswith("find a table"):
                ctx.link_scores[element.id] = FAIR + 1
    return ctx


def context_for(obs: dict[str, Any]) -> PageContext:
    """The scoring context of an observation dict."""
    return page_context(str(obs.get("text", "")), str(obs.get("url", "")), str(obs.get("goal", "")))


def score_actions(obs: dict[str, Any], actions: Sequence[str]) -> list[float]:
    """A heuristic score for each action at this observation (higher is better)."""
    ctx = context_for(obs)
    return [ctx.score(a) for a in actions]
