"""Policies: k distinct actions with probabilities, determinism, and the noisy expert's p."""

from __future__ import annotations

import numpy as np
import pytest

from agentq.components import registry
from agentq.components.policies import sample_distinct
from component_states import restore
from envs.oracle import Oracle


def test_sample_distinct_is_without_replacement_and_follows_the_distribution():
    actions = ["a", "b", "c", "d"]
    probs = [0.5, 0.3, 0.2, 0.0]
    rng = np.random.default_rng(0)
    firsts = []
    for _ in range(4000):
        drawn = sample_distinct(actions, probs, 3, rng)
        assert len({a for a, _ in drawn}) == len(drawn) == 3
        assert "d" not in {a for a, _ in drawn}  # probability 0 is never drawn
        assert dict(drawn) == {a: p for a, p in zip(actions, probs) if a in dict(drawn)}
        firsts.append(drawn[0][0])
    frequencies = {a: firsts.count(a) / len(firsts) for a in "abc"}
    assert abs(frequencies["a"] - 0.5) < 0.03 and abs(frequencies["c"] - 0.2) < 0.03
    assert len(sample_distinct(actions, probs, 10, rng)) == 3


def test_policies_propose_k_distinct_legal_actions_deterministically(env, states):
    for spec in ({"name": "random"}, {"name": "heuristic"}, {"name": "noisy_expert", "p": 0.5}):
        policy = registry.build("policy", spec, oracle=Oracle(env))
        for state in states[::15]:
            obs = restore(env, state)
            first = policy.propose(obs, 4, np.random.default_rng(3))
            again = policy.propose(obs, 4, np.random.default_rng(3))
            assert first == again
            actions = [a for a, _ in first]
            assert len(set(actions)) == len(actions)
            if spec["name"] != "noisy_expert":  # the expert's action may be outside the legal list
                assert len(actions) == min(4, len(obs["legal_actions"]))
            assert all(0 < p <= 1 for _, p in first)
            legal = set(obs["legal_actions"]) | {state.expert}
            assert set(actions) <= legal


def test_noisy_expert_p1_proposes_correct_actions_first_and_p0_only_incorrect_ones(env, states):
    always = registry.build("policy", {"name": "noisy_expert", "p": 1.0}, oracle=Oracle(env))
    never = registry.build("policy", {"name": "noisy_expert", "p": 0.0}, oracle=Oracle(env))
    oracle = Oracle(env)
    rng = np.random.default_rng(0)
    hits = 0
    for state in states[::2]:
        obs = restore(env, state)
        first = always.propose(obs, 3, rng)
        assert first[0][0] == state.expert
        correct = oracle.makes_progress([a for a, _ in first])
        assert correct == sorted(correct, reverse=True)  # correct ones come before any incorrect one
        wrong = [a for a, _ in never.propose(obs, 3, rng)]
        progress = oracle.makes_progress(wrong)
        if not all(oracle.makes_progress(obs["legal_actions"])):  # some incorrect action exists
            assert not progress[0] and state.expert not in wrong
            hits += 1
    assert hits > 80


def test_noisy_expert_p_is_the_rate_of_correct_samples_and_mistakes_are_uniform(env, states):
    policy = registry.build("policy", {"name": "noisy_expert", "p": 0.6}, oracle=Oracle(env))
    oracle = Oracle(env)
    rng = np.random.default_rng(1)
    correct, wrong_first = [], []
    for state in states[::2]:
        obs = restore(env, state)
        for _ in range(6):
            action, prob = policy.propose(obs, 1, rng)[0]
            ok = oracle.makes_progress([action])[0]
            correct.append(ok)
            if not ok:
                incorrect = [a for a, c in zip(obs["legal_actions"], oracle.makes_progress(obs["legal_actions"])) if not c]
                wrong_first.append(incorrect.index(action) / max(1, len(incorrect) - 1))
            others = [a for a in dict.fromkeys(obs["legal_actions"]) if a != state.expert]
            expected = 0.6 if action == state.expert else 0.4 / len(others)
            assert prob == pytest.approx(expected)
    rate = float(np.mean(correct))
    assert 0.55 < rate < 0.66  # p plus the rare state where every legal action makes progress
    # a uniform pick among the incorrect actions sits, on average, halfway down their list
    assert 0.4 < float(np.mean(wrong_first)) < 0.6


def test_heuristic_mistakes_keep_the_older_model(env, states):
    policy = registry.build("policy", {"name": "noisy_expert", "p": 0.5, "mistakes": "heuristic"}, oracle=Oracle(env))
    state = states[4]
    obs = restore(env, state)
    proposals = policy.propose(obs, 3, np.random.default_rng(0))
    actions, probs = policy._heuristic_distribution(obs)
    assert probs[0] == 0.5 and actions[0] == state.expert and sum(probs) == pytest.approx(1.0)
    assert all(dict(zip(actions, probs))[a] == p for a, p in proposals)
