"""Judges: the env verdict, its noisy version, and the heuristic judge against the evaluator."""

from __future__ import annotations

import numpy as np

from agentq.components import registry
from agentq.planner.protocols import Step
from mock_sites.restaurant.tasks import load_suite
import component_pages as P
from component_states import with_legal
from envs.oracle import Oracle

HEURISTIC = registry.build("judge", "heuristic")


def _episode(env, task_id: str, policy, seed: int) -> tuple[list[Step], dict, bool]:
    """Run one episode with `policy`; (trajectory, final obs, evaluator success)."""
    obs, _ = env.reset(seed=seed, options={"task_id": task_id})
    rng = np.random.default_rng(seed)
    trajectory: list[Step] = []
    while True:
        obs = with_legal(env, obs)
        action = policy.propose(obs, 1, rng)[0][0]
        trajectory.append(Step(obs, action))
        obs, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            return trajectory, obs, Oracle(env).evaluate().success


def test_env_judge_and_noisy_flips(env):
    judge = registry.build("judge", "env", oracle=Oracle(env))
    same = registry.build("judge", {"name": "noisy", "flip": 0.0}, oracle=Oracle(env))
    inverted = registry.build("judge", {"name": "noisy", "flip": 1.0}, oracle=Oracle(env))
    half = registry.build("judge", {"name": "noisy", "flip": 0.3}, oracle=Oracle(env), seed=4)
    policy = registry.build("policy", {"name": "noisy_expert", "p": 0.7}, oracle=Oracle(env))
    verdicts, flips = set(), []
    for index, task in enumerate(load_suite("dev")[:24]):
        trajectory, final, success = _episode(env, task.id, policy, seed=index)
        value = judge.judge(final["goal"], trajectory, final)
        assert value == (1.0 if success else 0.0)
        assert same.judge(final["goal"], trajectory, final) == value
        assert inverted.judge(final["goal"], trajectory, final) == 1.0 - value
        noisy = half.judge(final["goal"], trajectory, final)
        assert noisy == half.judge(final["goal"], trajectory, final)  # deterministic
        flips.append(noisy != value)
        verdicts.add(value)
    assert verdicts == {0.0, 1.0}
    assert 0 < sum(flips) < len(flips)


def test_heuristic_judge_agrees_with_the_evaluator_on_finished_episodes(env):
    agree = []
    for p, seeds in ((0.4, 2), (0.8, 1)):
        policy = registry.build("policy", {"name": "noisy_expert", "p": p}, oracle=Oracle(env))
        for index, task in enumerate(load_suite("dev")[:45]):
            for seed in range(seeds):
                trajectory, final, success = _episode(env, task.id, policy, seed=100 * seed + index)
                value = HEURISTIC.judge(final["goal"], trajectory, final)
                assert 0.0 <= value <= 1.0
                agree.append((value >= 0.5) == success)
    assert np.mean(agree) > 0.9


def test_heuristic_judge_on_hand_checked_pages():
    goal = P.GOAL

    def judged(text: str, url: str, action: str, history: tuple[dict, ...] = ()) -> float:
        final = P.obs(text, url)
        trajectory = [Step(o, "click(1)") for o in history] + [Step(final, action)]
        return HEURISTIC.judge(goal, trajectory, {**final, "last_action": action})

    sold_out_results = P.obs(P.results(P.card("Jaipur Palace", 15, [("9:00 PM", 16), ("9:30 PM", None)])), P.RESULTS_URL)
    confirmed = judged(P.confirmation(), "/reservations/TT-UBVS6B", "click(5)", (sold_out_results,))
    assert confirmed >= 0.85
    unverified = judged(P.confirmation(), "/reservations/TT-UBVS6B", "click(5)")
    assert 0.4 < unverified < confirmed  # 9:00 PM instead of 9:30 PM, rule not seen to apply
    assert judged(P.confirmation(phone="312-555-9999"), "/reservations/TT-UBVS6B", "click(5)") < 0.3
    assert judged(P.confirmation(time="7:00 PM"), "/reservations/TT-UBVS6B", "click(5)") < 0.3
    full = P.restaurant_page([(f"{h}:00 PM", None) for h in range(5, 11)])
    assert judged(full, P.RESTAURANT_URL, P.STOP) >= 0.85
    assert judged(P.home(), "/", P.STOP) < 0.2
    review = judged(P.review(), "/book/review", "click(1)")
    assert 0.2 < review < 0.5 and judged(P.home(), "/", "click(1)") < review
