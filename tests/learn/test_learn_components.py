"""The learned components: built by name, never privileged, blind to the hidden goal, and the
learning code reads the raw text only (no hand-written component, no site code)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from twin_helpers import component_output, twin_task

import mock_sites.restaurant  # noqa: F401 - registers agentq/Restaurant-v0
from agentq.components import registry
from agentq.learn.checkpoint import CheckpointError
from agentq.planner.protocols import Step
from envs.oracle import Oracle
from mock_sites.restaurant.tasks import load_suite

REPO = Path(registry.__file__).resolve().parents[2]
LEARNED = [REPO / "agentq" / "learn", REPO / "agentq" / "components" / "learned", REPO / "agentq" / "train.py"]
# the hand-written page reader (the site heuristics' base) and every site module
FORBIDDEN = ("agentq.components.obs_reading",)
# The one door to the env: the data collector makes the site's env by name through the worker's
# load_site (and holds an Oracle) to record the expert and the evaluator on train tasks.
ENV_DOOR: dict[str, set[str]] = {}  # modules allowed one import the scan does not follow (none now)


def _specs(folder: Path) -> list[tuple[str, dict]]:
    stage = str(folder / "checkpoints" / "rft")
    return [("policy", {"name": "learned", "checkpoint": stage}), ("critic", {"name": "learned", "checkpoint": stage}),
            ("judge", {"name": "learned", "checkpoint": stage})]  # fmt: skip


def _module_path(module: str) -> Path | None:
    base = REPO.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    """The modules a file's import statements name (relative ones resolved; `from a import b` adds a.b when a module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names if _module_path(f"{base}.{a.name}")}
    return out


def _closure(start: list[str]) -> dict[str, set[str]]:
    """Every agentq/mock_sites module reachable from `start` by import statements -> what it imports."""
    seen: dict[str, set[str]] = {}
    todo = list(start)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = _module_path(module)
        seen[module] = set() if path is None else _imports(path, module)
        for name in seen[module] - ENV_DOOR.get(module, set()):
            if name.startswith(("agentq", "mock_sites")):
                todo.append(name)
    return seen


def _learned_modules() -> list[str]:
    files = [p for root in LEARNED for p in ([root] if root.is_file() else sorted(root.rglob("*.py")))]
    return [".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__") for p in files]


def test_the_learning_code_imports_no_hand_written_reader_nor_the_site():
    modules = _learned_modules()
    assert "agentq.learn.features" in modules and "agentq.components.learned.policy" in modules and "agentq.train" in modules
    graph = _closure(modules)
    bad = {m: sorted(n for n in names if n.startswith(FORBIDDEN + ("mock_sites",)))
           for m, names in graph.items() if m not in ENV_DOOR}  # fmt: skip
    assert not {m: b for m, b in bad.items() if b}
    assert not [m for m in graph if m.startswith(FORBIDDEN + ("mock_sites",))]
    door = _imports(_module_path("agentq.learn.collect"), "agentq.learn.collect")
    assert not [n for n in door if n.startswith(FORBIDDEN + ("mock_sites",))]


def test_the_boundary_scan_would_catch_a_forbidden_import():
    graph = _closure(["mock_sites.restaurant.heuristics.judge"])  # the site's hand-written judge reads the page with it
    assert any(m.startswith(FORBIDDEN) for m in graph)
    assert not any(m.startswith(FORBIDDEN) for m in _closure(["agentq.learn.features"]))


def test_the_decision_time_code_loads_no_reader_and_no_site_module():
    code = (
        "import sys\n"
        "import agentq.learn.inference, agentq.learn.features, agentq.learn.checkpoint\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({FORBIDDEN + ('mock_sites',)!r}))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_learned_components_are_built_by_name_and_not_privileged(trained):
    for kind, spec in _specs(trained):
        assert registry.describe(kind, spec) == {"name": "learned", "privileged": False}
        component = registry.build(kind, spec)
        assert component.privileged is False and component.name == "learned"
    with pytest.raises(registry.ComponentSpecError, match="unknown parameter 'checkpont'"):
        registry.validate("policy", {"name": "learned", "checkpont": "x"})


def test_the_policy_samples_k_distinct_legal_actions_and_exposes_its_distribution(trained):
    policy = registry.build("policy", _specs(trained)[0][1])
    legal = ['select(1, "Denver")', "click(3)", "click(4)", 'fill(2, "Ana")']
    obs = {"goal": "A table in Denver.", "text": 'page "T"\nmain\n  [1] combobox "City"\n  [3] button "Go"\n',
           "url": "/", "legal_actions": legal + ["click(3)"], "history": []}  # fmt: skip
    actions, probs = policy.distribution(obs)
    assert actions == legal and np.isclose(probs.sum(), 1.0) and (probs > 0).all()
    assert np.allclose(np.exp(policy.log_probs(obs, actions)), probs)
    proposals = policy.propose(obs, 3, np.random.default_rng(0))
    assert len(proposals) == 3 and len({a for a, _ in proposals}) == 3
    assert all(p == pytest.approx(probs[actions.index(a)]) for a, p in proposals)
    assert policy.propose(obs, 10, np.random.default_rng(0))[0] == policy.propose(obs, 10, np.random.default_rng(0))[0]
    scores = registry.build("critic", _specs(trained)[1][1]).score(obs, legal)
    assert len(scores) == len(legal) and all(0.0 < s < 1.0 for s in scores)


def test_a_missing_or_wrong_checkpoint_fails_when_built_naming_the_file(trained, tmp_path):
    with pytest.raises(CheckpointError, match=f"{tmp_path / 'absent'}: checkpoint folder not found"):
        registry.build("policy", {"name": "learned", "checkpoint": str(tmp_path / "absent")})
    judge_file = trained / "checkpoints" / "base" / "judge.safetensors"
    with pytest.raises(CheckpointError, match=r"judge\.json: this is a judge checkpoint, not a policy one"):
        registry.build("policy", {"name": "learned", "checkpoint": str(judge_file)})


def _seen(env, obs, history):
    return {**obs, "legal_actions": env.unwrapped.legal_actions(), "history": list(history)}


def test_same_instruction_different_hidden_goal_gives_identical_outputs(trained):
    task = next(t for t in load_suite("dev") if t.difficulty == "hard" and "ask_seating" in t.obstacles)
    twin = twin_task(task)
    assert twin.instruction == task.instruction and twin.goal != task.goal
    env_a = gym.make("agentq/Restaurant-v0", backend="http", split="dev", max_steps=30)
    env_b = gym.make("agentq/Restaurant-v0", backend="http", split="dev", max_steps=30)
    try:
        components = [(kind, registry.build(kind, spec, seed=3)) for kind, spec in _specs(trained)]
        oracle_a, oracle_b = Oracle(env_a), Oracle(env_b)
        obs_a, _ = env_a.reset(seed=0, options={"task": task})
        obs_b, _ = env_b.reset(seed=0, options={"task": twin})
        trajectory: list[Step] = []
        history: list[str] = []
        expert_differs = 0
        for _ in range(30):
            obs_a, obs_b = _seen(env_a, obs_a, history), _seen(env_b, obs_b, history)
            assert obs_a == obs_b  # the pages do not show the hidden goal
            for kind, component in components:
                assert component_output(kind, component, obs_a, trajectory) == component_output(
                    kind, component, obs_b, trajectory), kind  # fmt: skip
            action = oracle_a.expert_action(obs_a["legal_actions"])
            expert_differs += action != oracle_b.expert_action(obs_b["legal_actions"])
            trajectory.append(Step(obs_a, action))
            history.append(action)
            obs_a, _, done_a, cut_a, _ = env_a.step(action)
            obs_b, _, done_b, cut_b, _ = env_b.step(action)
            if done_a or done_b or cut_a or cut_b:
                break
        final_a, final_b = _seen(env_a, obs_a, history), _seen(env_b, obs_b, history)
        assert final_a == final_b
        judge = dict(components)["judge"]
        assert judge.judge(task.instruction, trajectory, final_a) == judge.judge(twin.instruction, trajectory, final_b)
        assert expert_differs > 0  # the privileged expert does read the hidden goal: the test can tell
        assert oracle_a.success() != oracle_b.success()
    finally:
        env_a.close()
        env_b.close()
