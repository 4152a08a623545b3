"""Folders depend one way: sites on envs, never envs on a site; the agent side reaches a site only
through its adapter; runner modules import no private names from each other."""

from __future__ import annotations

import ast
from pathlib import Path

import gymnasium as gym

import mock_sites.restaurant  # noqa: F401

REPO = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            out.append((module, [alias.name for alias in node.names]))
    return out


def test_envs_never_import_a_site():
    offenders = [
        (str(p.relative_to(REPO)), m)
        for p in (REPO / "envs").rglob("*.py")
        for m, _ in _imports(p)
        if m.startswith("mock_sites")
    ]
    assert offenders == []


def test_the_agent_side_reaches_sites_only_through_the_adapter_table():
    for folder in ("agents", "planner", "runner", "components", "config"):
        for path in (REPO / "agentq" / folder).rglob("*.py"):
            assert not [m for m, _ in _imports(path) if m.startswith("mock_sites")], path


def test_runner_modules_import_no_private_names_from_each_other():
    for path in (REPO / "agentq" / "runner").glob("*.py"):
        for module, names in _imports(path):
            if module.startswith(".") or module.startswith("agentq"):
                assert not [n for n in names if n.startswith("_")], (path.name, module, names)


def test_the_env_is_registered_with_the_checker_and_order_enforcement_on():
    spec = gym.spec("agentq/Restaurant-v0")
    assert spec.disable_env_checker is False and spec.order_enforce is True
    env = gym.make("agentq/Restaurant-v0", backend="http")
    try:
        wrappers = []
        layer = env
        while hasattr(layer, "env"):
            wrappers.append(type(layer).__name__)
            layer = layer.env
        assert {"OrderEnforcing", "PassiveEnvChecker"} <= set(wrappers)
    finally:
        env.close()
