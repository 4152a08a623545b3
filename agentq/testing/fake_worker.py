"""A deterministic stand-in for an episode worker, for runner tests and benchmarks.

Success is drawn from the episode seed with probability ``policy.p`` (default 0.5). Settings come
from ``env.options`` and, per agent, from the policy params (the policy's list wins):

- ``sleep_ms`` / ``work_ms``: idle / busy (CPU) time per episode;
- ``raise_on``: task ids whose episode raises RuntimeError;
- ``crash_on``: task ids whose episode kills the worker process (``os._exit(3)``);
- ``n_tasks`` (env only): tasks per split (default 30), ids ``t000``.., difficulty easy/medium/hard;
- ``fail_init`` (env only): the constructor raises.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

import networkx as nx

from agentq.config import AgentConfig, EnvConfig
from agentq.results import atomic_write_text

DIFFICULTIES = ("easy", "medium", "hard")


class FakeWorker:
    """Implements the EpisodeWorker protocol without any environment."""

    def __init__(self, env: EnvConfig, seed: int) -> None:
        if env.options.get("fail_init"):
            raise RuntimeError("FakeWorker: fail_init is set")
        self.env = env
        self.seed = seed
        self.closed = False

    @classmethod
    def list_tasks(cls, env: EnvConfig, split: str) -> list[dict[str, Any]]:
        """``n_tasks`` synthetic tasks; the split name shifts nothing but is checked."""
        if split not in ("train", "dev", "test"):
            raise ValueError(f"unknown split {split!r}")
        n = int(env.options.get("n_tasks", 30))
        return [{"id": f"t{i:03d}", "difficulty": DIFFICULTIES[i % 3]} for i in range(n)]

    def describe_agent(self, agent: AgentConfig) -> dict[str, Any]:
        """Component names; the fake 'noisy_expert'/'expert'/'env' components count as privileged."""
        names = {k: (getattr(agent, k) or {}).get("name") for k in ("policy", "critic", "judge")}
        priv = {k: v in ("expert", "noisy_expert", "env") for k, v in names.items()}
        return {**names, "planner": agent.planner is not None, "privileged": priv, "any_privileged": any(priv.values())}

    def _option(self, agent: AgentConfig, key: str, default: Any) -> Any:
        return agent.policy.get(key, self.env.options.get(key, default))

    def run(self, spec: Any) -> dict[str, Any]:
        """One fake episode, a pure function of the spec (timings aside)."""
        t0 = time.perf_counter()
        agent = spec.agent
        if spec.task_id in self._option(agent, "crash_on", []):
            os._exit(3)
        if spec.task_id in self._option(agent, "raise_on", []):
            raise RuntimeError(f"FakeWorker: raise_on {spec.task_id}")
        time.sleep(float(self._option(agent, "sleep_ms", 0)) / 1000)
        busy_until = time.perf_counter() + float(self._option(agent, "work_ms", 0)) / 1000
        x = 0
        while time.perf_counter() < busy_until:
            x += 1
        rng = random.Random(spec.episode_seed)
        success = rng.random() < float(agent.policy.get("p", 0.5))
        steps = rng.randint(3, 12)
        sims = int((agent.planner or {}).get("simulations", 0)) * steps
        if spec.save_tree and spec.tree_path:
            self._write_tree(spec.tree_path, rng)
        index = int(spec.task_id[1:]) if spec.task_id[1:].isdigit() else 0
        wall = time.perf_counter() - t0
        return {
            "difficulty": DIFFICULTIES[index % 3],
            "success": success,
            "partial": 1.0 if success else round(rng.random(), 3),
            "steps": steps,
            "env_steps": steps + sims,
            "simulations": sims,
            "timings": {"wall_s": wall, "env_s": wall / 2, "planner_s": wall / 4},
            "final_url": f"/done/fake-{spec.episode_seed % 1000:03d}" if success else "/search",
            "actions": [f"click({rng.randint(1, 40)})" for _ in range(steps)],
        }

    @staticmethod
    def _write_tree(path: str, rng: random.Random) -> None:
        g = nx.DiGraph()
        g.add_node(0, action=None, visits=20, q=0.5, depth=0)
        frontier, nid = [0], 1
        for depth in range(1, 4):
            nxt = []
            for parent in frontier:
                for _ in range(rng.randint(1, 3)):
                    visits, q = rng.randint(0, 10), round(rng.random(), 3)
                    g.add_node(nid, action=f"click({nid})", visits=visits, q=q, depth=depth)
                    g.add_edge(parent, nid)
                    nxt.append(nid)
                    nid += 1
            frontier = nxt
        atomic_write_text(Path(path), json.dumps(nx.node_link_data(g, edges="edges")))

    def close(self) -> None:
        self.closed = True
