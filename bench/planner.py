"""Benchmark the MCTS planner on the restaurant env (http backend), side by side in one run.

- simulations per second and env steps per simulation, with and without the transition cache;
- restore-based search vs replay-based search (reset + replay of the prefix): time per simulation;
- the share of time spent outside the env (planner + components overhead).

    python bench/planner.py [--tasks 4] [--simulations 16]
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
from rich.console import Console
from rich.table import Table

import mock_sites.restaurant  # noqa: F401 - registers agentq/Restaurant-v0
from agentq.components import registry
from agentq.planner.config import MCTSConfig
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
    config = MCTSConfig(simulations=simulations, reuse_subtree=False, **settings)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--simulations", type=int, default=16)
    parser.add_argument("--decisions", type=int, default=8)
    args = parser.parse_args()
    tasks = [t.id for t in load_suite("dev") if t.difficulty == "hard" and t.expected.kind == "booking"][: args.tasks]
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
    console = Console(width=150)
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
