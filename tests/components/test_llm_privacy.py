"""The llm components are non-privileged: they never hold the env, never import the site, and send
the model exactly the same requests for two tasks that differ only in their hidden goal."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import gymnasium as gym
import numpy as np
from component_states import with_legal
from llm_fixtures import llm_env  # noqa: F401 - fixture
from llm_server import chat, scripted_server
from twin_helpers import component_output, twin_task

from agentq.components import registry
from agentq.planner.protocols import Step
from envs.oracle import Oracle
from mock_sites.restaurant.tasks import load_suite

LLM_PACKAGE = Path(registry.__file__).resolve().parent / "llm"


def _digest(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def deterministic_model(body: dict) -> object:
    """Answers as a function of the prompt only, so different prompts would show in the outputs."""
    prompt = body["messages"][-1]["content"]
    h = _digest(prompt)
    if "CANDIDATE NEXT ACTIONS" in prompt:
        n = len(re.findall(r"^\d+\. ", prompt.split("CANDIDATE NEXT ACTIONS:")[1], re.M))
        return chat(f"BEST: {h % n + 1}")
    if "VERDICT" in prompt:
        return chat(f"VERDICT: FAILURE\nPROBABILITY: {h % 100 / 100}")
    ids = re.findall(r"\[(\d+)\]", prompt) or ["1"]
    return chat("ACTIONS:\n" + "\n".join(f"click({ids[(h + i) % len(ids)]})" for i in range(3)))


def test_the_llm_modules_import_neither_the_site_nor_privileged_helpers():
    for path in LLM_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])  # fmt: skip
            for name in names:
                assert not name.startswith("mock_sites") and "privileged" not in name, (path.name, name)
                assert not name.startswith("envs") or name == "envs.actions", (path.name, name)


def test_twin_tasks_send_identical_requests_and_get_identical_outputs(env, llm_env):
    task = next(t for t in load_suite("dev") if t.difficulty == "hard" and "ask_seating" in t.obstacles)
    twin = twin_task(task)
    assert twin.instruction == task.instruction and twin.goal != task.goal
    other_env = gym.make("agentq/Restaurant-v0", backend="http", split="dev", max_steps=30)
    with scripted_server(deterministic_model) as server_a, scripted_server(deterministic_model) as server_b:
        try:
            def components(server, offered):
                common = {"name": "llm", "base_url": server.base_url, "model": "m", "cache": False}
                built = [(kind, registry.build(kind, {**common, **extra}, oracle=offered, seed=3))
                         for kind, extra in (("policy", {}), ("critic", {}), ("critic", {"mode": "single"}), ("judge", {}))]
                for _, component in built:  # an offered oracle is not passed on
                    assert component.privileged is False
                    held = [*vars(component).values(), *vars(component.client).values()]
                    assert not any(v is offered or v is env or v is other_env for v in held)
                return built  # fmt: skip

            side_a, side_b = components(server_a, Oracle(env)), components(server_b, Oracle(other_env))
            expert = registry.build("policy", {"name": "noisy_expert", "p": 1.0}, oracle=Oracle(env))
            obs_a, _ = env.reset(seed=0, options={"task": task})
            obs_b, _ = other_env.reset(seed=0, options={"task": twin})
            trajectory: list[Step] = []
            history: list[str] = []
            for _ in range(12):
                obs_a = {**with_legal(env, obs_a), "history": list(history)}
                obs_b = {**with_legal(other_env, obs_b), "history": list(history)}
                assert obs_a == obs_b
                outputs = []
                for (kind, a), (_, b) in zip(side_a, side_b):
                    pair = (component_output(kind, a, obs_a, trajectory, obs_a["legal_actions"][:4]),
                            component_output(kind, b, obs_b, trajectory, obs_b["legal_actions"][:4]))  # fmt: skip
                    assert pair[0] == pair[1], kind
                    outputs.append(pair[0])
                action = expert.propose(obs_a, 1, np.random.default_rng(0))[0][0]
                trajectory.append(Step(obs_a, action))
                history.append(action)
                obs_a, _, done_a, cut_a, _ = env.step(action)
                obs_b, _, done_b, cut_b, _ = other_env.step(action)
                if done_a or done_b or cut_a or cut_b:
                    break
            assert [r.body for r in server_a.requests] == [r.body for r in server_b.requests]
            assert len(server_a.requests) > 12
            prompts = "\n".join(r.prompt for r in server_a.requests)
            assert task.instruction in prompts  # the public instruction is what the model sees
        finally:
            other_env.close()
