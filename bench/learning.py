"""Learning benchmark: training throughput, and milliseconds per decision of the learned policy
against the hand-written heuristic one, side by side on the same dev states, on one core.

A decision scores every legal candidate (the full distribution). The states are those the expert
visits on dev tasks. Also printed: how often the learned policy's top action agrees with the
heuristic policy's and with the expert's on those states.

    python bench/learning.py                                   # trains a small base model first
    python bench/learning.py --checkpoint runs/train/checkpoints/base --tasks 20
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agentq.components.learned.policy import LearnedPolicy  # noqa: E402
from agentq.components.policies import HeuristicPolicy  # noqa: E402
from agentq.learn.checkpoint import save  # noqa: E402
from agentq.learn.collect import TrainEnv  # noqa: E402
from agentq.learn.config import train_config_from_dict  # noqa: E402
from agentq.learn.features import Featuriser  # noqa: E402
from agentq.learn.fitting import fit_policy  # noqa: E402
from agentq.learn.model import make_model  # noqa: E402
from agentq.learn.stages import collect_demos, task_order  # noqa: E402


def dev_states(env: TrainEnv, first: int, n_tasks: int) -> list[tuple[dict[str, Any], str]]:
    """(observation with legal actions and history, expert action) along the expert's path on dev tasks."""
    states = []
    for task_id in env.task_ids("dev")[first:first + n_tasks]:
        obs, _ = env.env.reset(seed=0, options={"task_id": task_id})
        history: list[str] = []
        for _ in range(env.max_steps):
            legal = list(dict.fromkeys(env.env.unwrapped.legal_actions()))
            if not legal:
                break
            expert = env.oracle.expert_action(legal)
            states.append(({**obs, "legal_actions": legal, "history": list(history)}, expert))
            obs, _, done, cut, _ = env.env.step(expert)
            history.append(expert)
            if done or cut:
                break
    return states


def time_per_decision(policy: Any, states: list[tuple[dict, str]], repeats: int) -> tuple[float, float]:
    """Mean milliseconds of one `distribution` call: on first sight of each state (cold: nothing
    memoised for that page yet), and the median over `repeats` more passes (warm)."""
    runs = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        for obs, _ in states:
            policy.distribution(obs)
        runs.append((time.perf_counter() - started) * 1000 / len(states))
    return runs[0], float(np.median(runs[1:]))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path, help="a stage folder to time (default: train a base model here)")
    p.add_argument("--demos", type=int, default=50, help="demonstrations for the throughput run (and the model)")
    p.add_argument("--tasks", type=int, default=20, help="dev tasks whose expert states are timed")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    cfg = train_config_from_dict({"name": "bench", "stages": [{"name": "base", "kind": "base", "demos": args.demos}]})
    env = TrainEnv("restaurant", 30)
    try:
        featuriser = Featuriser(cfg.features)
        started = time.perf_counter()
        demos = collect_demos(cfg, env, task_order(cfg, env), args.demos, featuriser, 0)
        collect_s = time.perf_counter() - started
        decisions = [d for t in demos for d in t.decisions]
        torch.manual_seed(0)
        model = make_model("policy", cfg.features.buckets, cfg.model)
        fit = cfg.stages[0].fit.policy
        report = fit_policy(model, decisions, fit, seed=0)
        checkpoint = args.checkpoint
        if checkpoint is None:
            checkpoint = Path("runs") / "bench_learning"
            save(checkpoint, "policy", model, cfg.features, cfg.model, {"stage": "bench"})
        states = dev_states(env, 0, args.tasks)
        warm_up = dev_states(env, args.tasks, 2)
    finally:
        env.close()
    learned, heuristic = LearnedPolicy(str(checkpoint)), HeuristicPolicy()
    for obs, _ in warm_up:  # two other tasks: imports, first calls
        learned.distribution(obs), heuristic.distribution(obs)
    cold_l, ms_learned = time_per_decision(learned, states, args.repeats)
    cold_h, ms_heuristic = time_per_decision(heuristic, states, args.repeats)
    agree_heuristic = agree_expert = heuristic_expert = 0
    for obs, expert in states:
        actions, p_l = learned.distribution(obs)
        _, p_h = heuristic.distribution(obs)
        top_l, top_h = actions[int(np.argmax(p_l))], actions[int(np.argmax(p_h))]
        agree_heuristic += top_l == top_h
        agree_expert += top_l == expert
        heuristic_expert += top_h == expert
    n = len(states)
    candidates = np.mean([len(o["legal_actions"]) for o, _ in states])
    print(f"training: {args.demos} expert demos collected in {collect_s:.1f} s; {len(decisions)} decisions x "
          f"{fit.epochs} epochs: {report.examples_per_s:.0f} examples/s ({report.seconds:.1f} s), 1 thread")
    print(f"decisions: {n} expert states on {args.tasks} dev tasks, {candidates:.0f} legal candidates on average; "
          f"learned checkpoint {checkpoint}")
    print("| measure | heuristic (A) | learned (B) | B/A | target |")
    print("|---|---|---|---|---|")
    print(f"| ms per decision, first sight of the page | {cold_h:.2f} | {cold_l:.2f} | "
          f"{cold_l / cold_h:.2f}x | learned <= 2 ms |")
    print(f"| ms per decision, page seen before | {ms_heuristic:.2f} | {ms_learned:.2f} | "
          f"{ms_learned / ms_heuristic:.2f}x | |")
    print(f"| top action = expert's | {heuristic_expert / n:.1%} | {agree_expert / n:.1%} | | |")
    print(f"| learned top action = heuristic's | | {agree_heuristic / n:.1%} | | |")
    return 0 if cold_l <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
