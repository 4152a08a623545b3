"""Run one episode of an agent (pure policy, or hybrid MCTS) on the restaurant env.

Pure: the policy acts in the acting env. Hybrid: before each decision the acting env's state is
snapshotted into the search env (the http backend by default), MCTS plans there, and the chosen
action is executed in the acting env ("plan in the http backend, act in the browser").
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

import envs  # noqa: F401 - registers the gymnasium ids
from agentq.components import registry
from agentq.planner.config import MCTSConfig
from agentq.planner.export import save_node_link
from agentq.planner.mcts import MCTSPlanner
from agentq.results import atomic_write_bytes, row_line


def with_legal_actions(env: gym.Env, obs: dict) -> dict:
    """The observation components see: the env's obs plus the legal actions of the page."""
    return {**obs, "legal_actions": env.unwrapped.legal_actions()}


class TimedEnv(gym.Wrapper):
    """Counts steps and the seconds spent inside the env."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.seconds = 0.0
        self.steps = 0

    def step(self, action):
        started = time.perf_counter()
        try:
            return self.env.step(action)
        finally:
            self.seconds += time.perf_counter() - started
            self.steps += 1

    def reset(self, **kwargs):
        started = time.perf_counter()
        try:
            return self.env.reset(**kwargs)
        finally:
            self.seconds += time.perf_counter() - started


class RestaurantWorker:
    """Owns one acting env and one search env per process; runs episodes on them."""

    def __init__(self, env: Any, seed: int) -> None:
        self.config = env
        self.seed = seed
        self._acting: TimedEnv | None = None
        self._search: gym.Env | None = None

    # -- envs ------------------------------------------------------------------------------
    @classmethod
    def list_tasks(cls, env: Any, split: str) -> list[dict]:
        """Ids and difficulties of a frozen suite (the runner samples from these)."""
        from mock_sites.restaurant.tasks import load_suite

        return [{"id": t.id, "difficulty": t.difficulty} for t in load_suite(split)]

    def _make(self, backend: str) -> gym.Env:
        return gym.make(
            "agentq/Restaurant-v0",
            backend=backend,
            max_steps=self.config.max_steps,
            catalogue_seed=self.config.catalogue_seed,
            **self.config.options,
        )

    @property
    def acting(self) -> TimedEnv:
        if self._acting is None:
            self._acting = TimedEnv(self._make(self.config.backend))
        return self._acting

    @property
    def search(self) -> gym.Env:
        if self._search is None:
            self._search = self._make(self.config.search_backend)
        return self._search

    def close(self) -> None:
        for env in (self._acting, self._search):
            if env is not None:
                env.close()
        self._acting = self._search = None

    # -- agents ----------------------------------------------------------------------------
    def describe_agent(self, agent: Any) -> dict:
        parts = {"policy": agent.policy}
        if agent.planner is not None:
            parts["critic"] = agent.critic or {"name": "heuristic"}
            parts["judge"] = agent.judge or {"name": "heuristic"}
        described = {kind: registry.describe(kind, dict(spec)) for kind, spec in parts.items()}
        privileged = {kind: d["privileged"] for kind, d in described.items()}
        return {
            **{kind: d["name"] for kind, d in described.items()},
            "planner": agent.planner is not None,
            "privileged": privileged,
            "any_privileged": any(privileged.values()),
        }

    # -- episodes --------------------------------------------------------------------------
    def run(self, spec: Any) -> dict:
        started = time.perf_counter()
        agent = spec.agent
        acting = self.acting
        acting.seconds, acting.steps = 0.0, 0
        obs, _ = acting.reset(seed=spec.episode_seed % 2**31, options={"task_id": spec.task_id})
        task = acting.unwrapped.task
        rng = np.random.default_rng(spec.episode_seed)
        if agent.planner is None:
            result = self._run_pure(agent, obs, rng)
        else:
            result = self._run_hybrid(agent, obs, spec)
        evaluation = acting.unwrapped.evaluate()
        wall = time.perf_counter() - started
        env_s = acting.seconds + result.pop("search_env_s", 0.0)
        return {
            "difficulty": task.difficulty,
            "success": bool(evaluation.success and acting.unwrapped.terminated),
            "partial": round(float(evaluation.partial), 6),
            "steps": acting.steps,
            "env_steps": acting.steps + result.pop("search_env_steps", 0),
            "simulations": result.pop("simulations", 0),
            "timings": {"wall_s": wall, "env_s": env_s, "planner_s": result.pop("planner_s", 0.0)},
            **result,
        }

    def _run_pure(self, agent: Any, obs: dict, rng: np.random.Generator) -> dict:
        acting = self.acting
        policy = registry.build("policy", dict(agent.policy), env=acting.unwrapped, seed=0)
        actions: list[str] = []
        done = False
        while not done:
            action = policy.propose(with_legal_actions(acting, obs), 1, rng)[0][0]
            obs, _, terminated, truncated, _ = acting.step(action)
            actions.append(action)
            done = terminated or truncated
        return {"actions": actions, "final_url": obs["url"]}

    def _run_hybrid(self, agent: Any, obs: dict, spec: Any) -> dict:
        acting, search = self.acting, self.search
        env_for = search.unwrapped
        seed = spec.episode_seed % 2**31
        policy = registry.build("policy", dict(agent.policy), env=env_for, seed=seed)
        critic = registry.build("critic", dict(agent.critic or {"name": "heuristic"}), env=env_for, seed=seed)
        judge = registry.build("judge", dict(agent.judge or {"name": "heuristic"}), env=env_for, seed=seed)
        config = MCTSConfig.model_validate(agent.planner or {})
        planner = MCTSPlanner(policy, critic, judge, config, seed=seed)
        actions: list[str] = []
        pairs: list[dict] = []
        simulations = search_steps = 0
        search_env_s = planner_s = 0.0
        done = False
        while not done:
            snapshot = acting.unwrapped.snapshot()
            result = planner.plan(search, obs, root_state=snapshot)
            if spec.pairs_path:  # the decision's own siblings; deeper ones come back as later roots
                pairs.extend(
                    {"task_id": spec.task_id, "step": len(actions), **pair.model_dump()}
                    for pair in planner.preference_pairs()
                    if not pair.path
                )
            stats = result.stats
            simulations += stats.simulations
            search_steps += stats.env_steps_new
            search_env_s += stats.time_in_env_s
            planner_s += stats.time_outside_env_s
            if spec.save_tree and spec.tree_path and not actions:
                Path(spec.tree_path).parent.mkdir(parents=True, exist_ok=True)
                save_node_link(planner.to_networkx(), spec.tree_path)
            action = result.action
            if action is None:  # nothing to try (a dead end): give up honestly
                break
            obs, _, terminated, truncated, _ = acting.step(action)
            actions.append(action)
            planner.advance(action, obs)
            done = terminated or truncated
        outcome = {
            "actions": actions,
            "final_url": obs["url"],
            "simulations": simulations,
            "search_env_steps": search_steps,
            "search_env_s": search_env_s,
            "planner_s": planner_s,
        }
        if spec.pairs_path:
            atomic_write_bytes(Path(spec.pairs_path), b"".join(row_line(pair) for pair in pairs))
            outcome["preference_pairs"] = len(pairs)
        return outcome
