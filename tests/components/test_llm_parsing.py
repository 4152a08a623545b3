"""Reading model replies: actions from prose, best picks, rankings, verdicts; rank-to-score maps."""

from __future__ import annotations

import pytest

from agentq.components.llm.critic import scores_from_order
from agentq.components.llm.parsing import best_choice, extract_actions, ranking, success_probability
from agentq.components.llm.policy import rank_probabilities


def test_actions_are_read_from_prose_with_markers_backticks_and_labels():
    reply = """PLAN: search for the restaurant, then book.
THOUGHT: I should click(3) first? No: the city field comes first.
ACTIONS:
1. `select(5, "Chicago")`
- **fill(12, 'Ana Ruiz')** - the guest name
Action 3: click(7)
```
click(7)
```
4) goto("/reservations") then more words
5. click(foo)
6. explode(3)
"""
    assert extract_actions(reply) == [
        'select(5, "Chicago")', 'fill(12, "Ana Ruiz")', "click(7)", 'goto("/reservations")',
    ]


def test_without_a_header_every_line_is_read_and_prose_mentions_are_not_actions():
    reply = "I think we should click(4) now.\nclick(4)\nstop(\"It is sold out, (sorry)\")\nback()"
    assert extract_actions(reply) == ["click(4)", 'stop("It is sold out, (sorry)")', "back()"]


def test_a_header_with_nothing_after_it_falls_back_to_the_whole_reply():
    assert extract_actions("click(2)\nACTIONS:\n(none)") == ["click(2)"]


@pytest.mark.parametrize("reply", ["", "I am not sure what to do.", "ACTIONS:\nclick(0)\nfill(3)\nclick(\"x)"])
def test_replies_without_an_action_give_nothing(reply):
    assert extract_actions(reply) == []


def test_best_choice_prefers_the_last_best_line_and_understands_bare_answers():
    candidates = ["click(1)", "click(2)", 'fill(3, "A")']
    assert best_choice("Maybe BEST: 1 ... on reflection\nBEST: 3", candidates) == 2
    assert best_choice("**Best:** candidate #2", candidates) == 1
    assert best_choice("2", candidates) == 1
    assert best_choice("fill(3, 'A')", candidates) == 2
    assert best_choice("BEST: 9", candidates) is None
    assert best_choice("they all look fine", candidates) is None


def test_ranking_keeps_valid_distinct_indices_in_order():
    assert ranking("reasons...\nRANKING: 3, 1, 3, 7, 2", 3) == [2, 0, 1]
    assert ranking("no ranking here 1 2 3", 3) == []


@pytest.mark.parametrize(
    "reply, expected",
    [
        ("VERDICT: SUCCESS\nPROBABILITY: 0.85", 0.85),
        ("VERDICT: FAILURE\nPROBABILITY: 0.1", 0.1),
        ("Verdict - failure. Probability: 30%", 0.3),
        ("PROBABILITY: 80", 0.8),
        ("VERDICT: **SUCCESS**", 1.0),
        ("verdict: failed", 0.0),
        ("PROBABILITY: 150\nVERDICT: FAILURE", 0.0),  # a probability out of range is ignored
        ("I cannot tell.", None),
    ],
)
def test_success_probability(reply, expected):
    value = success_probability(reply)
    assert value is None if expected is None else value == pytest.approx(expected)


def test_rank_probabilities_decrease_and_sum_to_one():
    probs = rank_probabilities(4)
    assert probs == sorted(probs, reverse=True) and sum(probs) == pytest.approx(1.0)
    assert probs[0] / probs[1] == pytest.approx(2.0)
    assert rank_probabilities(1) == [1.0]


def test_scores_from_order_and_the_fallback_for_unranked_candidates():
    assert scores_from_order([2, 0, 1], 3) == [0.5, 0.0, 1.0]
    assert scores_from_order([1], 3) == [0.25, 1.0, 0.25]  # the rest share the mean of ranks 1 and 2
    assert scores_from_order([], 4) == [0.5] * 4
