"""The heuristic judge: the final page (and the pages seen on the way) read against the instruction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentq.components.obs_reading import read_action, time_minutes
from mock_sites.restaurant.heuristics.matching import choose_slot, reports_unavailable, review_mismatches
from mock_sites.restaurant.heuristics.request import Request
from mock_sites.restaurant.heuristics.scoring import PageContext, page_context

Obs = dict[str, Any]


def _action_of(step: Any) -> str:
    return str(getattr(step, "action", "") if not isinstance(step, dict) else step.get("action", ""))


def _obs_of(step: Any) -> Obs:
    return getattr(step, "obs", None) if not isinstance(step, dict) else step.get("obs")  # type: ignore[return-value]


class HeuristicJudge:
    """Reads the final page (and the pages seen on the way) against the instruction (public text only).

    Written for this site, it agrees with the database evaluator on practically every final state
    (the runner measures its precision and recall in every run): treat it as the evaluator read off
    the page, not as a learned outcome model.

    A confirmation whose details match the request scores high, a time other than the requested one
    only when the nearest-time rule allows it and the pages seen back it up; a `stop` saying "not
    available" scores high on a page that shows the restaurant has no table that day; unfinished
    episodes get a small reward for progress (review page with matching details, ...).
    """

    name = "heuristic"
    privileged = False

    def judge(self, goal: str, trajectory: Sequence[Any], final_obs: Obs) -> float:
        ctx = page_context(str(final_obs.get("text", "")), str(final_obs.get("url", "")), goal)
        last = _action_of(trajectory[-1]) if trajectory else str(final_obs.get("last_action", ""))
        action = read_action(last) if last else None
        if ctx.kind == "confirmation":
            return _confirmation_score(ctx, goal, trajectory)
        if action is not None and action.kind == "stop":
            if not reports_unavailable(action.text):
                return 0.02
            return _unavailable_score(ctx)
        return _progress_score(ctx)


def _confirmation_score(ctx: PageContext, goal: str, trajectory: Sequence[Any]) -> float:
    pairs = ctx.page.details()
    slot, details = review_mismatches(pairs, ctx.request, strict=False)
    wrong = len(slot) + len(details)
    if wrong:
        return max(0.02, 0.3 - 0.08 * wrong)
    booked = time_minutes(pairs.get("Time", ""))
    if ctx.request.time is None or booked == ctx.request.time:
        return 0.95
    verdict = _nearest_rule_evidence(goal, trajectory, ctx.request, pairs.get("Time", ""))
    return {True: 0.9, None: 0.55, False: 0.15}[verdict]


def _nearest_rule_evidence(goal: str, trajectory: Sequence[Any], request: Request, booked: str) -> bool | None:
    """Did the pages seen show the requested time sold out and `booked` as the rule's pick? (None: not seen)."""
    verdict: bool | None = None
    for step in trajectory:
        obs = _obs_of(step)
        if not obs:
            continue
        ctx = page_context(str(obs.get("text", "")), str(obs.get("url", "")), goal)
        cards = []
        if ctx.kind == "search":
            cards = [c for c in ctx.page.articles if request.restaurant and c.title.casefold() == request.restaurant.casefold()]
        elif ctx.kind == "restaurant" and request.restaurant and ctx.page.h1.casefold() == request.restaurant.casefold():
            cards = [ctx.page.page_slots]
        for card in cards:
            if not card.slots or not _right_slot_query(ctx):
                continue
            pick = choose_slot(card, request)
            if pick is None:
                continue
            if time_minutes(pick) == request.time:
                return False  # the requested time was available
            verdict = pick == booked
    return verdict


def _right_slot_query(ctx: PageContext) -> bool:
    params = ctx.url.params
    request = ctx.request
    date = params.get("date", "").split("-")
    if request.month is not None and (len(date) != 3 or not date[1].isdigit() or int(date[1]) != request.month
                                      or not date[2].isdigit() or int(date[2]) != request.day):
        return False
    party = params.get("party", "")
    return request.party is None or (party.isdigit() and int(party) == request.party)


def _unavailable_score(ctx: PageContext) -> float:
    request = ctx.request
    if ctx.kind == "restaurant" and request.restaurant and ctx.page.h1.casefold() == request.restaurant.casefold():
        card = ctx.page.page_slots
        if card.slots and not card.available() and _right_slot_query(ctx):
            return 0.92
        return 0.1
    if ctx.kind == "search" and _right_slot_query(ctx):
        for card in ctx.page.articles:
            if request.restaurant and card.title.casefold() == request.restaurant.casefold():
                return 0.5 if (card.no_tables or not card.available()) else 0.05
    return 0.08


def _progress_score(ctx: PageContext) -> float:
    if ctx.kind == "review":
        slot, details = review_mismatches(ctx.page.details(), ctx.request, strict=False)
        return 0.45 if not slot and not details else 0.2 if not slot else 0.08
    if ctx.kind == "details":
        return 0.1 if ctx.slot_ok is False else 0.3
    if ctx.kind == "identity":
        return 0.2
    if ctx.kind in ("search", "restaurant") and any(s >= 9.0 for s in ctx.link_scores.values()):
        return 0.15
    return 0.05
