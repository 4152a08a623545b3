"""The heuristic scoring and policy on hand-checked pages: the obvious action is the most likely."""

from __future__ import annotations

import numpy as np
import pytest

from mock_sites.restaurant.heuristics.components import HeuristicPolicy
from mock_sites.restaurant.heuristics.matching import choose_slot
from mock_sites.restaurant.heuristics.page import read_page
from mock_sites.restaurant.heuristics.request import read_instruction
from mock_sites.restaurant.heuristics.scoring import score_actions
import component_pages as P

POLICY = HeuristicPolicy()


def best(observation: dict) -> str:
    """The action the heuristic policy gives the highest probability."""
    actions, probs = POLICY.distribution(observation)
    assert np.isclose(probs.sum(), 1.0)
    return actions[int(np.argmax(probs))]


def top_group(observation: dict) -> set[str]:
    """The actions that share the highest score."""
    scores = score_actions(observation, observation["legal_actions"])
    return {a for a, s in zip(observation["legal_actions"], scores) if s == max(scores)}


def test_accepts_the_cookie_banner():
    assert best(P.obs(P.COOKIE, "/")) == "click(5)"


def test_sets_the_goal_city_date_time_and_party_then_searches():
    start = P.obs(P.home(), "/")
    assert top_group(start) == {
        'select(5, "Chicago")', 'select(6, "Mon, Dec 14")', 'select(7, "9:30 PM")', 'select(8, "3 people")'
    }
    halfway = P.obs(P.home(city="Chicago", date="Mon, Dec 14"), "/")
    assert top_group(halfway) == {'select(7, "9:30 PM")', 'select(8, "3 people")'}
    assert best(P.obs(P.home("Chicago", "Mon, Dec 14", "9:30 PM", "3 people"), "/")) == "click(10)"


def test_clicks_the_goal_slot_not_another_restaurants():
    text = P.results("\n".join([
        P.card("Meze House", 13, [("9:30 PM", 14)]),
        P.card("Jaipur Palace", 15, [("9:00 PM", 16), ("9:30 PM", 17)]),
    ]))
    assert best(P.obs(text, P.RESULTS_URL)) == "click(17)"


def test_nearest_time_rule_when_the_goal_time_is_sold_out():
    text = P.results(P.card("Jaipur Palace", 15, [("8:30 PM", None), ("9:00 PM", 16), ("9:30 PM", None), ("10:00 PM", 17)]))
    assert best(P.obs(text, P.RESULTS_URL)) == "click(16)"  # 9:00 and 10:00 tie: the earlier wins
    request = read_instruction(P.GOAL)
    card = read_page(P.results(P.card("Jaipur Palace", 15, [("9:30 PM", None), ("10:00 PM", 17)]))).articles[0]
    assert choose_slot(card, request) == "10:00 PM"


def test_next_page_when_the_restaurant_is_not_listed_and_wrong_search_is_redone():
    text = P.results(P.card("Meze House", 13, [("9:30 PM", 14)]), '    text "Page 1 of 2"\n    [20] link "Next page"')
    assert best(P.obs(text, P.RESULTS_URL)) == "click(20)"
    wrong_city = P.RESULTS_URL.replace("Chicago", "Seattle")
    scores = dict(zip(P.legal(text), score_actions(P.obs(text, wrong_city), P.legal(text))))
    assert scores["click(14)"] < 0 and scores["click(20)"] < 0


def test_details_phone_as_written_then_normalised_after_invalid():
    fills = {8: ["(312) 555 0428", "312-555-0428"]}
    fresh = P.details(phone="", seating="Outdoor patio", dialogue=P.SEATING_DIALOGUE)
    assert best(P.obs(fresh, "/book/details", actions=P.legal(fresh, fills))) == 'fill(8, "(312) 555 0428")'
    refused = P.details(phone="(312) 555 0428", invalid=True, seating="Outdoor patio", dialogue=P.SEATING_DIALOGUE)
    assert best(P.obs(refused, "/book/details", actions=P.legal(refused, fills))) == 'fill(8, "312-555-0428")'
    fixed = P.details(phone="312-555-0428", invalid=True, seating="Outdoor patio", dialogue=P.SEATING_DIALOGUE)
    assert best(P.obs(fixed, "/book/details", actions=P.legal(fixed, fills))) == "click(13)"


def test_asks_where_to_sit_then_selects_the_answer():
    text = P.details(phone="312-555-0428")
    assert best(P.obs(text, "/book/details", actions=P.legal(text, extra=(P.ASK, P.STOP)))) == P.ASK
    answered = P.details(phone="312-555-0428", dialogue=P.SEATING_DIALOGUE)
    assert best(P.obs(answered, "/book/details")) == 'select(10, "Outdoor patio")'


def test_review_completes_only_when_everything_matches():
    assert best(P.obs(P.review(), "/book/review")) == "click(5)"
    assert best(P.obs(P.review(seating="Bar"), "/book/review")) == "click(6)"  # edit details
    wrong_time = P.obs(P.review(time="7:00 PM"), "/book/review")
    assert score_actions(wrong_time, ["click(5)"])[0] < 0


def test_stop_only_when_the_restaurant_has_no_table_that_day():
    sold_out = [(f"{h}:00 PM", None) for h in range(5, 11)]
    full = P.restaurant_page(sold_out)
    goal = P.GOAL + " If they are fully booked that day, don't book anything else; just tell me it is not available."
    assert best(P.obs(full, P.RESTAURANT_URL, goal=goal)) == P.STOP
    open_page = P.restaurant_page(sold_out[:-1] + [("10:00 PM", 9)])
    assert best(P.obs(open_page, P.RESTAURANT_URL, goal=goal)) == "click(9)"
    for text, url in [(P.home(), "/"), (P.review(), "/book/review"), (P.COOKIE, "/")]:
        assert score_actions(P.obs(text, url, goal=goal), [P.STOP])[0] <= -10


@pytest.mark.parametrize("harmful", ["click(3)", "click(4)", "select(11, \"Thai\")", "click(12)"])
def test_harmful_actions_score_low(harmful):
    text = P.results(P.card("Jaipur Palace", 15, [("9:30 PM", 17)]))
    scores = dict(zip(P.legal(text), score_actions(P.obs(text, P.RESULTS_URL), P.legal(text))))
    assert scores[harmful] < 0 < scores["click(17)"]


def test_softmax_temperature_controls_confidence():
    observation = P.obs(P.COOKIE, "/")
    sharp = HeuristicPolicy(temperature=0.5).distribution(observation)[1].max()
    flat = HeuristicPolicy(temperature=20.0).distribution(observation)[1].max()
    assert sharp > 0.99 and flat < 0.3
