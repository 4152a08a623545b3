"""The llm policy, critic and judge, built from the registry, against a scripted local server."""

from __future__ import annotations

import re

import numpy as np
import pytest
from llm_fixtures import llm_env, server  # noqa: F401 - fixtures
from llm_server import Reply, chat

from agentq.components import registry
from agentq.components.llm import LLMRequestError
from agentq.components.llm.usage import COUNTERS
from agentq.planner.protocols import Critic, Judge, Policy, Step

OBS = {
    "text": '[1] link "Home"\n[5] combobox "City" value="New York"\n[12] textbox "Full name"\n[13] button "Search"',
    "url": "http://127.0.0.1/search",
    "goal": "Book a table for 2 at Sushi Go in Chicago tonight at 7 PM for Ana Ruiz.",
    "last_action": "click(1)",
    "last_action_error": "no element with id 99",
    "legal_actions": ["click(1)", "click(13)"],
    "history": ["goto(\"/\")", "click(1)"],
}
RNG = np.random.default_rng(0)


def build(kind, server, **settings):
    return registry.build(kind, {"name": "llm", "base_url": server.base_url, "model": "scripted", **settings}, seed=1)


def test_the_components_are_registered_non_privileged_and_follow_the_protocols(server):
    for kind, protocol in (("policy", Policy), ("critic", Critic), ("judge", Judge)):
        assert registry.describe(kind, {"name": "llm", "model": "m"}) == {"name": "llm", "privileged": False}
        component = build(kind, server)
        assert isinstance(component, protocol) and component.privileged is False and component.name == "llm"
        assert set(component.usage()) == set(COUNTERS) and not any(component.usage().values())


def test_the_policy_prompt_and_proposals_parsed_from_prose(server):
    server.script(chat(
        "PLAN: set the city, then search.\nTHOUGHT: the city is wrong.\nACTIONS:\n"
        '1. select(5, "Chicago")\n2. fill(12, "Ana Ruiz")\n3. select(5, "Chicago")\n4. click(13)\n5. back()'
    ))  # fmt: skip
    policy = build("policy", server)
    proposals = policy.propose(OBS, 3, RNG)
    assert [a for a, _ in proposals] == ['select(5, "Chicago")', 'fill(12, "Ana Ruiz")', "click(13)"]
    probs = [p for _, p in proposals]
    assert probs == sorted(probs, reverse=True) and sum(probs) == pytest.approx(1.0)
    prompt = server.requests[0].prompt
    for fragment in (OBS["goal"], OBS["text"], "1. goto(\"/\")\n2. click(1)", "no element with id 99",
                     'fill(12, "Ana Ruiz")', "ask_user(", "stop(", "PLAN:", "THOUGHT:", "3 different candidate"):
        assert fragment in prompt, fragment  # fmt: skip
    assert server.requests[0].body["temperature"] == 1.0
    assert policy.usage()["calls"] == 1 and policy.usage()["failed_proposals"] == 0


def test_a_reply_without_an_action_is_an_empty_proposal_not_an_error(server):
    server.script(chat("I would like to help, but I am unsure."))
    policy = build("policy", server)
    assert policy.propose(OBS, 5, RNG) == []
    assert policy.usage()["failed_proposals"] == 1
    assert policy.propose(OBS, 0, RNG) == [] and len(server.requests) == 1


def test_long_pages_are_cut(server):
    policy = build("policy", server, max_page_chars=100)
    policy.propose({**OBS, "text": "x" * 5000}, 1, RNG)
    assert "x" * 100 + "\n[... 4900 more characters cut]" in server.requests[0].prompt


def _prefers(order):
    """A server reply function that picks the candidate listed earliest in `order`."""

    def reply(body):
        listed = re.findall(r"^(\d+)\. (.+)$", body["messages"][-1]["content"].split("CANDIDATE NEXT ACTIONS:")[1], re.M)
        ranked = sorted(listed, key=lambda item: order.index(item[1]))
        if "RANKING" in body["messages"][-1]["content"]:
            return chat("RANKING: " + ", ".join(n for n, _ in ranked))
        return chat(f"The best is clear.\nBEST: {ranked[0][0]}")

    return reply


def test_the_iterative_critic_asks_n_minus_one_times_and_scores_by_rank(server):
    candidates = ["click(1)", "click(13)", 'select(5, "Chicago")', "back()"]
    server.default = _prefers(['select(5, "Chicago")', "click(13)", "back()", "click(1)"])
    critic = build("critic", server)
    assert critic.score(OBS, candidates) == pytest.approx([0.0, 2 / 3, 1.0, 1 / 3])
    assert len(server.requests) == 3
    shown = [len(re.findall(r"^\d+\. ", r.body["messages"][-1]["content"], re.M)) for r in server.requests]
    assert shown == [4 + 2, 3 + 2, 2 + 2]  # candidates plus the two previous actions
    assert server.requests[0].body["temperature"] == 0.0


def test_the_single_critic_asks_once_and_duplicates_share_a_score(server):
    server.default = _prefers(["back()", "click(13)", "click(1)"])
    critic = build("critic", server, mode="single")
    assert critic.score(OBS, ["click(1)", "back()", "click(13)", "back()"]) == [0.0, 1.0, 0.5, 1.0]
    assert len(server.requests) == 1
    assert critic.score(OBS, ["click(1)"]) == [1.0] and critic.score(OBS, []) == []
    assert len(server.requests) == 1  # nothing to rank: no request


@pytest.mark.parametrize("mode", ["iterative", "single"])
def test_unparsable_critic_replies_fall_back_to_shared_scores_and_are_counted(server, mode):
    server.script(chat("BEST: 2"), chat("hmm"))  # iterative: one pick, then nonsense
    if mode == "single":
        server.queue.clear()
        server.script(chat("They are all reasonable."))
    critic = build("critic", server, mode=mode)
    scores = critic.score(OBS, ["click(1)", "click(13)", "back()"])
    assert scores == ([0.25, 1.0, 0.25] if mode == "iterative" else [0.5, 0.5, 0.5])
    assert critic.usage()["failed_proposals"] == 1


def test_the_judge_reads_the_trajectory_and_final_page(server):
    server.script(chat("The booking page shows a confirmation.\nVERDICT: SUCCESS\nPROBABILITY: 0.9"))
    judge = build("judge", server)
    trajectory = [Step(OBS, 'select(5, "Chicago")'), Step(OBS, 'stop("Booked, code TT-1")')]
    final = {**OBS, "text": '[2] heading "Reservation confirmed"', "url": "http://127.0.0.1/confirmation"}
    assert judge.judge(OBS["goal"], trajectory, final) == pytest.approx(0.9)
    prompt = server.requests[0].prompt
    for fragment in (OBS["goal"], '1. select(5, "Chicago")\n2. stop("Booked, code TT-1")', "Reservation confirmed",
                     "/confirmation", "VERDICT:", "PROBABILITY:"):
        assert fragment in prompt, fragment  # fmt: skip
    server.script(chat("No idea."))
    assert judge.judge(OBS["goal"], trajectory[:1], final) == 0.5
    assert judge.usage()["failed_proposals"] == 1 and judge.usage()["calls"] == 2


def test_a_request_that_finally_fails_reaches_the_caller_as_llm_request_error(server):
    server.default = lambda body: Reply(503, {"error": "overloaded"})
    policy = build("policy", server, max_retries=1, backoff_s=0.0)
    with pytest.raises(LLMRequestError):
        policy.propose(OBS, 2, RNG)
    assert policy.usage()["failed_requests"] == 1 and policy.usage()["retries"] == 1
