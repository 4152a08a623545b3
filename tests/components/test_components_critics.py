"""Critics: the expert and noisy-expert critics' ranking, determinism, and the ensemble mean."""

from __future__ import annotations

import numpy as np

from agentq.components import registry
from mock_sites.restaurant.heuristics.components import HeuristicCritic
import component_pages as P
from component_states import restore
from envs.oracle import Oracle


def _candidates(state, rng: np.random.Generator, k: int = 5) -> list[str]:
    legal = [a for a in state.obs["legal_actions"] if a != state.expert]
    picked = list(rng.choice(legal, size=min(k - 1, len(legal)), replace=False)) if legal else []
    out = [state.expert, *picked]
    rng.shuffle(out)
    return [str(a) for a in out]


def test_expert_critic_scores_the_expert_action_one(env, states):
    critic = registry.build("critic", {"name": "expert"}, oracle=Oracle(env))
    rng = np.random.default_rng(0)
    for state in states[::5]:
        obs = restore(env, state)
        candidates = _candidates(state, rng)
        scores = critic.score(obs, candidates)
        assert scores[candidates.index(state.expert)] == 1.0
        assert all(s == 0.05 for c, s in zip(candidates, scores) if c != state.expert)


def _progress(env, candidates) -> list[bool]:
    return Oracle(env).makes_progress(candidates)


def test_noisy_critic_accuracy_one_ranks_a_correct_candidate_first_and_zero_never(env, states):
    exact = registry.build("critic", {"name": "noisy_expert", "accuracy": 1.0}, oracle=Oracle(env), seed=3)
    wrong = registry.build("critic", {"name": "noisy_expert", "accuracy": 0.0}, oracle=Oracle(env), seed=3)
    rng = np.random.default_rng(1)
    checked = 0
    for state in states[::2]:
        obs = restore(env, state)
        candidates = _candidates(state, rng)
        correct = _progress(env, candidates)
        scores = exact.score(obs, candidates)
        assert all(0.0 <= s <= 1.0 for s in scores) and sorted(scores, reverse=True)[0] == 1.0
        assert len(set(scores)) == len(scores)  # a full ranking
        if any(correct):
            assert correct[int(np.argmax(scores))]
            # every correct candidate is ranked above every incorrect one
            assert min(s for s, c in zip(scores, correct) if c) > max((s for s, c in zip(scores, correct) if not c), default=-1)
        if any(correct) and not all(correct):
            assert not correct[int(np.argmax(wrong.score(obs, candidates)))]
            checked += 1
    assert checked > 50


def test_noisy_critic_accuracy_half_picks_a_correct_candidate_half_the_time(env, states):
    critic = registry.build("critic", {"name": "noisy_expert", "accuracy": 0.5}, oracle=Oracle(env), seed=11)
    rng = np.random.default_rng(2)
    right = []
    for state in states:
        obs = restore(env, state)
        for _ in range(3):
            candidates = _candidates(state, rng)
            correct = _progress(env, candidates)
            if not any(correct) or all(correct):
                continue
            scores = critic.score(obs, candidates)
            right.append(correct[int(np.argmax(scores))])
    assert len(right) > 300
    assert 0.43 < float(np.mean(right)) < 0.57


def test_noisy_critic_is_deterministic_per_seed_state_and_candidate_set(env, states):
    critic = registry.build("critic", {"name": "noisy_expert", "accuracy": 0.5}, oracle=Oracle(env), seed=5)
    other_seed = registry.build("critic", {"name": "noisy_expert", "accuracy": 0.5}, oracle=Oracle(env), seed=6)
    rng = np.random.default_rng(3)
    differs = 0
    for state in states[::3]:
        obs = restore(env, state)
        candidates = _candidates(state, rng)
        scores = critic.score(obs, candidates)
        assert critic.score(obs, candidates) == scores
        reordered = candidates[::-1]
        assert critic.score(obs, reordered) == scores[::-1]
        differs += other_seed.score(obs, candidates) != scores
    assert differs > 0


def test_heuristic_critic_and_ensemble_mean():
    observation = P.obs(P.COOKIE, "/")
    candidates = ["click(5)", "click(6)", "click(3)", P.STOP]
    heuristic = HeuristicCritic().score(observation, candidates)
    assert all(0.0 < s < 1.0 for s in heuristic)
    assert heuristic[0] > heuristic[1] > heuristic[2] > heuristic[3]
    ensemble = registry.build("critic", {"name": "ensemble", "members": ["heuristic", {"name": "heuristic", "scale": 10.0}]})
    wide = HeuristicCritic(scale=10.0).score(observation, candidates)
    assert np.allclose(ensemble.score(observation, candidates), [(a + b) / 2 for a, b in zip(heuristic, wide)])
    assert ensemble.privileged is False


def test_ensemble_with_a_privileged_member_mixes_expert_and_heuristic(env, states):
    spec = {"name": "ensemble", "members": ["expert", "heuristic"], "weights": [3.0, 1.0]}
    ensemble = registry.build("critic", spec, oracle=Oracle(env))
    assert ensemble.privileged is True
    expert = registry.build("critic", "expert", oracle=Oracle(env))
    heuristic = registry.build("critic", "heuristic")
    state = states[3]
    obs = restore(env, state)
    candidates = obs["legal_actions"][:6]
    mixed = ensemble.score(obs, candidates)
    wanted = [0.75 * a + 0.25 * b for a, b in zip(expert.score(obs, candidates), heuristic.score(obs, candidates))]
    assert np.allclose(mixed, wanted)
