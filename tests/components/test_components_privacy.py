"""Non-privileged components never see the hidden goal or the expert."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

from agentq.components import registry
from agentq.planner.protocols import Step
from mock_sites.restaurant.tasks import load_suite
from component_states import with_legal
from twin_helpers import component_output, twin_task
from envs.oracle import Oracle

PACKAGE = Path(registry.__file__).resolve().parent
HEURISTICS = PACKAGE.parents[1] / "mock_sites" / "restaurant" / "heuristics"  # the restaurant's own components
PUBLIC_MODULES = ("obs_reading", "noise")
HIDDEN = ("mock_sites",)
NON_PRIVILEGED = [
    ("policy", {"name": "random"}),
    ("policy", {"name": "heuristic"}),
    ("critic", {"name": "heuristic"}),
    ("critic", {"name": "ensemble", "members": ["heuristic", {"name": "heuristic", "scale": 5.0}]}),
    ("judge", {"name": "heuristic"}),
    ("judge", {"name": "noisy", "base": "heuristic", "flip": 0.2}),
]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_component_modules_do_not_import_the_site():
    for path in PACKAGE.glob("*.py"):
        bad = {name for name in _imports(path) if name.startswith(HIDDEN)}
        assert not bad, f"{path.name} imports {bad}"
    for module in PUBLIC_MODULES:
        imported = _imports(PACKAGE / f"{module}.py")
        assert not any(name.endswith("privileged") or name.startswith("envs") for name in imported), module


def test_the_restaurant_heuristics_import_public_readers_only():
    """Their own package and agentq's generic readers: never the env, the oracle, or the site's
    tasks, expert, evaluator, user model or database."""
    modules = sorted(HEURISTICS.glob("*.py"))
    assert {"scoring.py", "judge.py", "page.py", "request.py"} <= {p.name for p in modules}
    for path in modules:
        for name in _imports(path):
            assert not name.startswith("mock_sites") or name.startswith("mock_sites.restaurant.heuristics"), (path.name, name)
            assert not name.startswith("envs") and "privileged" not in name and "oracle" not in name, (path.name, name)


def test_importing_the_components_loads_no_site_module():
    code = (  # agentq's own components never load a site; only a site's component names do
        "import sys\n"
        "from agentq.components import registry\n"
        "registry.build('policy', 'random'), registry.validate('critic', {'name': 'expert'})\n"
        "bad = sorted(m for m in sys.modules if m.startswith('mock_sites'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[1])


@pytest.mark.parametrize("kind, spec", NON_PRIVILEGED)
def test_non_privileged_components_are_built_without_the_env(kind, spec, env):
    assert registry.describe(kind, spec)["privileged"] is False
    component = registry.build(kind, spec)  # no env needed
    assert component.privileged is False
    given = registry.build(kind, spec, oracle=Oracle(env))  # and an offered env is not passed on
    seen: set[int] = set()

    def holds_env(obj: object, depth: int = 0) -> bool:
        if obj is env or obj is env.unwrapped:
            return True
        if depth > 3 or id(obj) in seen or not hasattr(obj, "__dict__"):
            return False
        seen.add(id(obj))
        values = list(vars(obj).values())
        values += [v for value in values if isinstance(value, (list, tuple)) for v in value]
        return any(holds_env(v, depth + 1) for v in values)

    assert not holds_env(given)


def test_same_instruction_different_hidden_goal_gives_identical_outputs(env):
    task = next(t for t in load_suite("dev") if t.difficulty == "hard" and "ask_seating" in t.obstacles)
    twin = twin_task(task)
    assert twin.instruction == task.instruction and twin.goal != task.goal
    other_env = gym.make("agentq/Restaurant-v0", backend="http", split="dev", max_steps=30)
    try:
        components = [(kind, registry.build(kind, spec, seed=3)) for kind, spec in NON_PRIVILEGED]
        expert_a = registry.build("policy", {"name": "noisy_expert", "p": 1.0}, oracle=Oracle(env))
        expert_b = registry.build("policy", {"name": "noisy_expert", "p": 1.0}, oracle=Oracle(other_env))
        obs_a, _ = env.reset(seed=0, options={"task": task})
        obs_b, _ = other_env.reset(seed=0, options={"task": twin})
        trajectory: list[Step] = []
        expert_differs = 0
        for _ in range(30):
            obs_a, obs_b = with_legal(env, obs_a), with_legal(other_env, obs_b)
            assert obs_a == obs_b  # the pages do not show the hidden goal
            for kind, component in components:
                assert component_output(kind, component, obs_a, trajectory) == component_output(
                    kind, component, obs_b, trajectory), kind  # fmt: skip
            action = expert_a.propose(obs_a, 1, np.random.default_rng(0))[0][0]
            expert_differs += action != expert_b.propose(obs_b, 1, np.random.default_rng(0))[0][0]
            trajectory.append(Step(obs_a, action))
            obs_a, _, done_a, cut_a, _ = env.step(action)
            obs_b, _, done_b, cut_b, _ = other_env.step(action)
            if done_a or done_b or cut_a or cut_b:
                break
        final_a, final_b = with_legal(env, obs_a), with_legal(other_env, obs_b)
        assert final_a == final_b
        for kind, component in components:
            if kind == "judge":
                assert component.judge(task.instruction, trajectory, final_a) == component.judge(
                    twin.instruction, trajectory, final_b
                )
        assert expert_differs > 0  # the privileged expert does read the hidden goal: the test can tell
        assert Oracle(env).evaluate().success != Oracle(other_env).evaluate().success
    finally:
        other_env.close()
