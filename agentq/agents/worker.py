"""The episode worker of any site: owns the envs of one worker process and runs episodes on them.

The site is reached through its adapter (``SITES`` maps an env name to it): making envs, listing
and generating tasks. Everything else (building agents, the loop, measuring, writing artifacts)
is generic.
"""

from __future__ import annotations

import time
from typing import Any

from envs.oracle import Oracle

from . import artifacts
from .base import EpisodeContext, TimedEnv
from .building import build_agent, build_components, describe
from .counting import ModelCalls
from .loop import run_episode
from .pair_progress import mark_progress
from .quality import QualityMeter
from .sites import SITES, load_site, site_backends

__all__ = ["SITES", "SiteWorker", "load_site", "site_backends", "unavailable_components"]

def unavailable_components(site: Any, agent_cfg: Any) -> list[str]:
    """Why each component the agent names (ensemble members and judge bases included) cannot run on `site`."""
    table = getattr(site, "unavailable_components", dict)()
    found: list[str] = []

    def visit(kind: str, spec: Any) -> None:
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, dict):
            return
        reason = table.get((kind, spec.get("name")))
        if reason:
            found.append(f"{kind} {spec.get('name')!r} {reason}")
        for key, value in spec.items():
            if key != "name":
                for item in value if isinstance(value, list) else [value]:
                    visit(kind, item)

    for kind in ("policy", "critic", "judge"):
        visit(kind, getattr(agent_cfg, kind, None))
    return found


def _replayed(env: Any) -> int | None:
    """Actions an env replayed to restore states (envs whose restore is reset + replay count them)."""
    counters = getattr(getattr(env, "unwrapped", env), "counters", {})
    return counters.get("replayed") if isinstance(counters, dict) else None


def _usage(components: dict[str, Any]) -> dict[str, float]:
    """Summed usage counters of the components that report them (model calls, tokens, ...)."""
    total: dict[str, float] = {}
    for component in components.values():
        usage = getattr(component, "usage", None)
        if callable(usage):
            for key, value in usage().items():
                total[key] = total.get(key, 0) + value
    return total


class SiteWorker:
    """One per worker process; holds the acting env, the search env and an oracle for the run."""

    def __init__(self, env: Any, seed: int) -> None:
        self.config = env
        self.seed = seed
        self.site = load_site(env.name)
        self._acting: TimedEnv | None = None
        self._search: Any = None
        self._oracle: Oracle | None = None
        self._pair_oracle: Oracle | None = None

    # -- tasks -----------------------------------------------------------------------------
    @classmethod
    def list_tasks(cls, env: Any, split: str) -> list[dict]:
        """Ids and difficulties of a frozen suite (the site refuses a catalogue its suites are not on)."""
        return load_site(env.name).list_tasks(split, catalogue_seed=env.catalogue_seed)

    @classmethod
    def generate_tasks(cls, env: Any, seed: int, n: int) -> list[dict]:
        """Ids and difficulties of `n` tasks freshly generated with `seed` on the env's catalogue."""
        return load_site(env.name).generate_tasks(seed, n, catalogue_seed=env.catalogue_seed)

    # -- envs ------------------------------------------------------------------------------
    def _make(self, backend: str) -> Any:
        cfg = self.config
        return self.site.make_env(backend, max_steps=cfg.max_steps, catalogue_seed=cfg.catalogue_seed, **cfg.options)

    @property
    def acting(self) -> TimedEnv:
        if self._acting is None:
            self._acting = TimedEnv(self._make(self.config.backend))
        return self._acting

    @property
    def search(self) -> Any:
        if self._search is None:
            self._search = self._make(self.config.search_backend)
        return self._search

    @property
    def oracle(self) -> Oracle:
        """The oracle of the search env (privileged components and the measurements read it)."""
        if self._oracle is None:
            self._oracle = Oracle(self.search)
        return self._oracle

    @property
    def pair_oracle(self) -> Oracle:
        """An oracle of its own for marking saved pairs, so its memo never changes what the
        episodes' oracle (privileged components read it) computes."""
        if self._pair_oracle is None:
            self._pair_oracle = Oracle(self.search)
        return self._pair_oracle

    def close(self) -> None:
        for oracle in (self._oracle, self._pair_oracle):
            if oracle is not None:
                oracle.close()
        for env in (self._acting, self._search):
            if env is not None:
                env.close()
        self._acting = self._search = self._oracle = self._pair_oracle = None

    # -- episodes --------------------------------------------------------------------------
    def describe_agent(self, agent: Any) -> dict:
        return describe(agent)

    def run(self, spec: Any) -> dict:
        started = time.perf_counter()
        agent_cfg = spec.agent
        unavailable = unavailable_components(self.site, agent_cfg)
        if unavailable:
            raise ValueError(f"agent {agent_cfg.name!r} cannot run on env {self.config.name!r}: " + "; ".join(unavailable))
        acting = self.acting
        acting.seconds, acting.steps = 0.0, 0
        obs, _ = acting.reset(seed=spec.episode_seed % 2**31, options={"task_id": spec.task_id})
        # the search env starts on this episode's task (gymnasium's order enforcement wants a reset)
        self.search.reset(seed=spec.episode_seed % 2**31, options={"task_id": spec.task_id})
        meter = QualityMeter(self.oracle)
        ctx = EpisodeContext(acting, self.search, self.oracle, max_steps=self.config.max_steps,
                             on_search_verdict=meter.search_verdict)  # fmt: skip
        components = build_components(agent_cfg, self.oracle, spec.episode_seed % 2**31)
        calls = ModelCalls()
        agent = build_agent(
            agent_cfg, calls.wrap(components), spec.episode_seed, keep_tree=bool(spec.save_tree and spec.tree_path),
            keep_pairs=bool(spec.pairs_path),
        )
        usage_before = _usage(components)
        replayed_before = _replayed(self.search)
        shots = artifacts.screenshot_dir(spec) if spec.screenshots else None
        record = run_episode(
            agent, ctx, obs, max_steps=self.config.max_steps, meter=meter, judge=components.get("judge"),
            screenshots=shots,
        )
        truth = self.oracle.evaluate(acting.unwrapped.snapshot())
        usage = {k: v - usage_before.get(k, 0) for k, v in _usage(components).items()}
        row = {
            "difficulty": acting.unwrapped.task.difficulty,
            "success": bool(truth.success and acting.unwrapped.terminated),
            "partial": round(float(truth.partial), 6),
            "steps": acting.steps,
            "env_steps": acting.steps + record.search_env_steps,
            "simulations": record.simulations,
            "timings": {
                "wall_s": time.perf_counter() - started,
                "env_s": acting.seconds + record.search_env_s,
                "planner_s": record.planner_s,
                "sync_s": ctx.sync_s,  # copying the acting state into the search env
                "components_s": calls.seconds,  # inside the agent's policy, critic and judge
            },
            "actions": record.actions,
            "final_url": record.final_obs["url"] if record.final_obs else None,
            "failed_decisions": record.failed_decisions,
            "quality_counts": meter.counts,
            "model_calls": calls.counts,  # the agent's calls (the quality meter's own are not counted)
            **agent.extra(),
        }
        if spec.pairs_path and hasattr(agent, "pairs"):  # measured at each pair's state, never used to build them
            row["pair_progress"] = mark_progress(agent.pairs, getattr(agent, "pair_states", ()), self.pair_oracle)
        if replayed_before is not None:  # the cost of restores by replay in the search env, beside env_steps
            row["replayed_steps"] = _replayed(self.search) - replayed_before
        if usage:
            row["llm"] = usage
        artifacts.write_episode(spec, agent, record, row)
        return row
