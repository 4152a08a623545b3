"""Benchmark the MCTS planner on the restaurant env (http backend), side by side in one run.

- simulations per second and env steps per simulation, with and without the transition cache;
- restore-based search vs replay-based search (reset + replay of the prefix): time per simulation;
- the share of time spent outside the env (planner + components overhead);
- per agent kind, whole episodes at one env-step budget: env steps per second and the planner's own
  share of the time (what is neither env, nor components, nor copying the acting state).

The variants run Agent Q's original rules (sampled rollouts) so that the cache and restore figures
stay comparable; the kinds run their defaults.

    python bench/planner.py [--tasks 4] [--simulations 16] [--kinds-only]
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
from rich.console import Console
from rich.table import Table

import mock_sites.restaurant  # noqa: F401 - registers agentq/Restaurant-v0
from agentq.components import registry
from agentq.agents.base import EpisodeContext
from agentq.agents.building import build_agent, build_components
from agentq.agents.counting import ModelCalls
from agentq.agents.loop import run_episode
from agentq.agents.worker import SiteWorker
from agentq.config import AgentConfig, EnvConfig
from agentq.planner.config import AGENTQ_ORIGINAL, MCTSConfig
from agentq.planner.mcts import MCTSPlanner
from envs.oracle import Oracle
from mock_sites.restaurant.tasks import load_suite

VARIANTS = {
    "restore + cache": {"transition_cache": True, "use_snapshots": True},
    "restore, no cache": {"transition_cache": False, "use_snapshots": True},
    "replay + cache": {"transition_cache": True, "use_snapshots": False},
    # without rollouts the tree walk dominates, which is where restore and the cache matter most
    "critic leaf: restore + cache": {"transition_cache": True, "use_snapshots": True, "leaf_value": "critic"},
    "critic leaf: restore, no cache": {"transition_cache": False, "use_snapshots": True, "leaf_value": "critic"},
    "critic leaf: replay + cache": {"transition_cache": True, "use_snapshots": False, "leaf_value": "critic"},
}


def search_episode(task_id: str, settings: dict, simulations: int, decisions: int) -> dict:
    """Plan `decisions` steps of one episode (acting with the expert so every variant sees the same states)."""
    search = gym.make("agentq/Restaurant-v0", backend="http")
    acting = gym.make("agentq/Restaurant-v0", backend="http")
    obs, _ = acting.reset(seed=0, options={"task_id": task_id})
    search.reset(seed=0, options={"task_id": task_id})
    oracle = Oracle(search)
    policy = registry.build("policy", {"name": "noisy_expert", "p": 0.6}, oracle=oracle, seed=0)
    critic = registry.build("critic", {"name": "noisy_expert", "accuracy": 0.8}, oracle=oracle, seed=0)
    judge = registry.build("judge", {"name": "env"}, oracle=oracle, seed=0)
    config = MCTSConfig(**{**AGENTQ_ORIGINAL, **settings}, simulations=simulations, reuse_subtree=False)
    planner = MCTSPlanner(policy, critic, judge, config, seed=0)
    acting_oracle = Oracle(acting)
    history: list[str] = []
    totals = {"simulations": 0, "new": 0, "cached": 0, "replayed": 0, "env_s": 0.0, "components_s": 0.0, "total_s": 0.0}

    def reset_fn():
        return search.reset(seed=0, options={"task_id": task_id})

    for _ in range(decisions):
        if settings["use_snapshots"]:
            result = planner.plan(search, obs, root_state=acting.unwrapped.snapshot())
        else:
            reset_fn()
            for action in history:
                search.step(action)
            result = planner.plan(search, obs, reset_fn=reset_fn, history=list(history))
        stats = result.stats
        totals["simulations"] += stats.simulations
        totals["new"] += stats.env_steps_new
        totals["cached"] += stats.env_steps_cached
        totals["replayed"] += stats.env_steps_replayed
        totals["env_s"] += stats.time_in_env_s
        totals["components_s"] += stats.time_in_components_s
        totals["total_s"] += stats.time_total_s
        action = acting_oracle.expert_action()
        obs, _, terminated, truncated, _ = acting.step(action)
        history.append(action)
        planner.advance(action, obs)
        if terminated or truncated:
            break
    oracle.close()
    search.close()
    acting.close()
    return totals


THREE = {"policy": {"name": "noisy_expert", "p": 0.6}, "critic": {"name": "noisy_expert", "accuracy": 0.7},
         "judge": {"name": "noisy", "flip": 0.1}}
KINDS = {
    "best_of_n": {"kind": "best_of_n", "policy": THREE["policy"], "judge": THREE["judge"]},
    "guided_best_of_n": {"kind": "guided_best_of_n", **THREE},
    "beam": {"kind": "beam", **THREE},
    "best_first": {"kind": "best_first", **THREE},
    "mcts": {"kind": "mcts", **THREE},
    "mcts (Agent Q rules)": {"kind": "mcts", **THREE, "planner": {**AGENTQ_ORIGINAL, "simulations": 16, "max_env_steps": 60}},
}


def kind_episode(worker: SiteWorker, task_id: str, spec: dict, budget: int) -> dict:
    """One whole episode of an agent kind (no quality measuring): its env steps and where the time went."""
    planner = {"max_depth": 30, "episode_env_steps": budget, **spec.get("planner", {})}
    agent_cfg = AgentConfig.model_validate({**spec, "name": "bench", "planner": planner})
    acting = worker.acting
    obs, _ = acting.reset(seed=0, options={"task_id": task_id})
    worker.search.reset(seed=0, options={"task_id": task_id})
    acting.seconds, acting.steps = 0.0, 0
    started = time.perf_counter()
    ctx = EpisodeContext(acting, worker.search, worker.oracle, max_steps=worker.config.max_steps)
    calls = ModelCalls()
    components = calls.wrap(build_components(agent_cfg, worker.oracle, 0))
    agent = build_agent(agent_cfg, components, 0, keep_tree=False, keep_pairs=False)
    record = run_episode(agent, ctx, obs, max_steps=worker.config.max_steps)
    wall = time.perf_counter() - started
    env_s = acting.seconds + record.search_env_s
    return {"env_steps": acting.steps + record.search_env_steps, "wall_s": wall, "env_s": env_s,
            "components_s": calls.seconds, "sync_s": ctx.sync_s,
            "own_s": max(0.0, wall - env_s - calls.seconds - ctx.sync_s)}  # fmt: skip


def bench_kinds(tasks: list[str], budget: int, console: Console) -> None:
    """Every kind on the same tasks at one budget, interleaved task by task, after one unmeasured
    pass that warms the oracle's memo (the privileged stand-ins ask it), so no kind pays for another."""
    worker = SiteWorker(EnvConfig(name="restaurant", backend="http", search_backend="http", max_steps=30), seed=0)
    totals = {name: {} for name in KINDS}
    for task_id in tasks:
        for spec in KINDS.values():
            kind_episode(worker, task_id, spec, budget)
        for name, spec in KINDS.items():
            for key, value in kind_episode(worker, task_id, spec, budget).items():
                totals[name][key] = totals[name].get(key, 0) + value
    worker.close()
    table = Table(title=f"Agent kinds on {len(tasks)} hard dev tasks, {budget} env steps per episode (http)")
    for column in ("kind", "env steps/episode", "env steps/s", "env", "components", "sync", "planner own"):
        table.add_column(column)
    for name, r in totals.items():
        wall = r["wall_s"]
        table.add_row(
            name, f"{r['env_steps'] / len(tasks):.0f}", f"{r['env_steps'] / wall:.0f}", f"{r['env_s'] / wall:.0%}",
            f"{r['components_s'] / wall:.0%}", f"{r['sync_s'] / wall:.0%}", f"{r['own_s'] / wall:.0%}",
        )
    console.print(table)
    base = totals["best_of_n"]
    for name, r in totals.items():
        console.print(f"{name}: {r['env_steps'] / r['wall_s'] / (base['env_steps'] / base['wall_s']):.2f}x best_of_n's env steps/s, "
                      f"planner own {r['own_s'] / r['wall_s']:.1%} of its time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--simulations", type=int, default=16)
    parser.add_argument("--decisions", type=int, default=8)
    parser.add_argument("--budget", type=int, default=300, help="env steps per episode for the kinds")
    parser.add_argument("--kinds-only", action="store_true", help="only the per-kind table")
    args = parser.parse_args()
    tasks = [t.id for t in load_suite("dev") if t.difficulty == "hard" and t.expected.kind == "booking"][: args.tasks]
    console = Console(width=150)
    bench_kinds(tasks, args.budget, console)
    if args.kinds_only:
        return
    results = {name: {} for name in VARIANTS}
    for task_id in tasks:  # interleave the variants task by task so noise hits them alike
        for name, settings in VARIANTS.items():
            one = search_episode(task_id, settings, args.simulations, args.decisions)
            for key, value in one.items():
                results[name][key] = results[name].get(key, 0) + value

    table = Table(title=f"MCTS on {len(tasks)} hard dev tasks, {args.simulations} simulations x {args.decisions} decisions (http)")
    for column in ("variant", "sims/s", "env steps/sim (new+replayed)", "cached steps/sim", "ms/sim", "outside env", "planner own"):
        table.add_column(column)
    for name, r in results.items():
        sims = max(r["simulations"], 1)
        outside = r["total_s"] - r["env_s"]
        own = outside - r["components_s"]
        table.add_row(
            name, f"{sims / r['total_s']:.0f}", f"{(r['new'] + r['replayed']) / sims:.2f}", f"{r['cached'] / sims:.2f}",
            f"{1000 * r['total_s'] / sims:.2f}", f"{outside / r['total_s']:.0%}", f"{own / r['total_s']:.0%}",
        )
    console.print(table)
    names = list(VARIANTS)
    for label, (cached, uncached, replay) in (("rollout leaf", names[:3]), ("critic leaf", names[3:])):
        cached, uncached, replay = results[cached], results[uncached], results[replay]
        console.print(
            f"{label}: transition cache {cached['simulations'] / cached['total_s'] / (uncached['simulations'] / uncached['total_s']):.2f}x "
            f"simulations/s and {(uncached['new'] / uncached['simulations']) / max(cached['new'] / cached['simulations'], 1e-9):.1f}x "
            f"fewer new env steps per simulation; restore {(replay['total_s'] / replay['simulations']) / (cached['total_s'] / cached['simulations']):.1f}x "
            "less time per simulation than replay"
        )
    cached = results[names[0]]
    console.print(
        "time outside the env (restore + cache): "
        f"{(cached['total_s'] - cached['env_s']) / cached['total_s']:.0%} incl. components, "
        f"{(cached['total_s'] - cached['env_s'] - cached['components_s']) / cached['total_s']:.0%} planner alone (target < 5%)"
    )


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
