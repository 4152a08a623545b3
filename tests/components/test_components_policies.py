"""Policies: k distinct actions with probabilities, determinism, and the noisy expert's p."""

from __future__ import annotations

import numpy as np

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


def test_noisy_expert_p1_always_first_p0_never(env, states):
    always = registry.build("policy", {"name": "noisy_expert", "p": 1.0}, oracle=Oracle(env))
    never = registry.build("policy", {"name": "noisy_expert", "p": 0.0}, oracle=Oracle(env))
    rng = np.random.default_rng(0)
    hits = 0
    for state in states:
        obs = restore(env, state)
        assert always.propose(obs, 3, rng)[0][0] == state.expert
        others = [a for a, _ in never.propose(obs, 3, rng)]
        assert state.expert not in others
        hits += 1
    assert hits > 150


def test_noisy_expert_p_is_the_rate_of_expert_actions(env, states):
    policy = registry.build("policy", {"name": "noisy_expert", "p": 0.6}, oracle=Oracle(env))
    rng = np.random.default_rng(1)
    chosen = []
    for state in states:
        obs = restore(env, state)
        for _ in range(4):
            chosen.append(policy.propose(obs, 1, rng)[0][0] == state.expert)
    rate = float(np.mean(chosen))
    assert 0.55 < rate < 0.68  # p plus the rare state whose only action is the expert's
