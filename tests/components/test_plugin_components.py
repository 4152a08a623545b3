"""Components named by import path (agentq/components/plugins.py), on the example package
examples/my_plugins: how they are built, what they are given, and the twin-task privacy check."""

from __future__ import annotations

import sys
from pathlib import Path

import gymnasium as gym
import pytest
from component_states import with_legal
from twin_helpers import component_output, twin_task

from agentq.components import ComponentSpecError, registry
from agentq.planner.protocols import Step
from envs.oracle import Oracle
from mock_sites.restaurant.tasks import load_suite

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the example package is importable from the repository root
    sys.path.insert(0, str(ROOT))

PKG = "examples.my_plugins.components"
PUBLIC = [("policy", {"name": f"{PKG}:GoalWordsPolicy", "temperature": 0.5}),
          ("critic", {"name": f"{PKG}:OverlapCritic"}), ("judge", {"name": f"{PKG}:GoalCoverageJudge"})]  # fmt: skip


def test_names_privilege_and_settings_come_from_the_class():
    assert registry.describe("policy", PUBLIC[0][1]) == {"name": f"{PKG}:GoalWordsPolicy", "privileged": False}
    assert registry.describe("critic", PUBLIC[1][1]) == {"name": "overlap", "privileged": False}
    hint = {"name": f"{PKG}:ExpertHintCritic"}
    assert registry.describe("critic", hint) == {"name": "expert_hint", "privileged": True}  # undeclared: privileged
    assert registry.validate("policy", {"name": f"{PKG}:GoalWordsPolicy"}) == {"name": f"{PKG}:GoalWordsPolicy",
                                                                             "temperature": 1.0}  # fmt: skip
    policy = registry.build("policy", PUBLIC[0][1])
    assert (policy.temperature, policy.name, policy.privileged) == (0.5, f"{PKG}:GoalWordsPolicy", False)


def test_only_a_privileged_class_is_given_the_oracle(env):
    oracle = Oracle(env)
    critic = registry.build("critic", {"name": f"{PKG}:ExpertHintCritic", "other": 0.2}, oracle=oracle)
    assert critic.oracle is oracle and critic.other == 0.2
    with pytest.raises(ComponentSpecError, match="privileged.*needs an oracle"):
        registry.build("critic", {"name": f"{PKG}:ExpertHintCritic"})
    for kind, spec in PUBLIC:
        built = registry.build(kind, spec, oracle=oracle)  # an offered oracle is not passed on
        assert oracle not in vars(built).values()


@pytest.mark.parametrize("kind, spec, message", [
    ("policy", {"name": f"{PKG}:GoalWordsPolicy", "temperature": -1}, r"temperature: Input should be greater than 0"),
    ("critic", {"name": f"{PKG}:ExpertHintCritic", "othr": 0.1}, r"unknown setting 'othr'.*did you mean 'other'"),
    ("policy", {"name": f"{PKG}:GoalWordsPolicy", "oracle": 1}, r"'oracle' is given by the runner"),
    ("critic", {"name": "json:JSONDecoder"}, r"json:JSONDecoder is not a critic: it has no score\(\)"),
    ("judge", {"name": f"{PKG}:words"}, r"is a function, not a class"),
    ("judge", {"name": "examples.my_plugins.nothing:Judge"}, r"no module named 'examples.my_plugins.nothing'"),
])  # fmt: skip
def test_bad_settings_and_classes_are_spec_errors(kind, spec, message):
    with pytest.raises(ComponentSpecError, match=message):
        registry.validate(kind, spec)


def test_a_plugin_can_be_a_member_of_a_built_in_ensemble():
    spec = {"name": "ensemble", "members": ["heuristic", {"name": f"{PKG}:OverlapCritic"}]}
    assert registry.describe("critic", spec)["privileged"] is False
    critic = registry.build("critic", spec)
    assert len(critic.score({"text": "", "goal": "x", "url": "/", "legal_actions": []}, [])) == 0


def test_the_example_components_do_not_read_the_hidden_goal(env):
    task = next(t for t in load_suite("dev") if t.difficulty == "hard" and "ask_seating" in t.obstacles)
    twin = twin_task(task)
    other_env = gym.make("agentq/Restaurant-v0", backend="http", split="dev", max_steps=30)
    try:
        components = [(kind, registry.build(kind, spec, seed=3)) for kind, spec in PUBLIC]
        oracle_a, oracle_b = Oracle(env), Oracle(other_env)
        obs_a, _ = env.reset(seed=0, options={"task": task})
        obs_b, _ = other_env.reset(seed=0, options={"task": twin})
        trajectory: list[Step] = []
        expert_differs = 0
        for _ in range(30):
            obs_a, obs_b = with_legal(env, obs_a), with_legal(other_env, obs_b)
            assert obs_a == obs_b
            for kind, component in components:
                assert component_output(kind, component, obs_a, trajectory) == component_output(
                    kind, component, obs_b, trajectory), kind  # fmt: skip
            action = oracle_a.expert_action(obs_a["legal_actions"])
            expert_differs += action != oracle_b.expert_action(obs_b["legal_actions"])
            trajectory.append(Step(obs_a, action))
            obs_a, _, done_a, cut_a, _ = env.step(action)
            obs_b, _, done_b, cut_b, _ = other_env.step(action)
            if done_a or done_b or cut_a or cut_b:
                break
        assert expert_differs > 0  # the twins do differ where it matters: the test can tell
        hint_a = registry.build("critic", {"name": f"{PKG}:ExpertHintCritic"}, oracle=oracle_a)
        assert hint_a.privileged is True  # and the privileged one is declared so in every row
    finally:
        other_env.close()
