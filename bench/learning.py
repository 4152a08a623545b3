"""Learning benchmark: training throughput (behaviour cloning examples/s beside step-level DPO
pairs/s on the same model, one thread), milliseconds per decision of the learned policy against the
hand-written heuristic one, side by side on the same dev states, and (with --loop) the whole
Agent Q loop's wall time, one command, stage by stage.

A decision scores every legal candidate (the full distribution). The states are those the expert
visits on dev tasks. Also printed: how often the learned policy's top action agrees with the
heuristic policy's and with the expert's on those states.

    python bench/learning.py                                   # trains a small base model first
    python bench/learning.py --checkpoint runs/train/checkpoints/base --tasks 20
    python bench/learning.py --loop experiments/agentq_learning.yaml   # + the whole loop's wall time (--workers 2)
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
from mock_sites.restaurant.heuristics.components import HeuristicPolicy  # noqa: E402
from agentq.learn.checkpoint import save  # noqa: E402
from agentq.learn.collect import TrainEnv  # noqa: E402
from agentq.learn.config import CollectionPlanner, load_train_config  # noqa: E402
from agentq.learn.dpo import fit_dpo  # noqa: E402
from agentq.learn.inference import CandidateModel  # noqa: E402
from agentq.learn.pipeline import run_training  # noqa: E402
from agentq.learn.search import collect_with_search  # noqa: E402
from agentq.learn.config import train_config_from_dict  # noqa: E402
from agentq.learn.expert_states import expert_path  # noqa: E402
from agentq.learn.features import Featuriser  # noqa: E402
from agentq.learn.fitting import fit_policy  # noqa: E402
from agentq.learn.model import make_model  # noqa: E402
from agentq.learn.stages import collect_demos, task_order  # noqa: E402


def dev_states(env: TrainEnv, first: int, n_tasks: int) -> list[tuple[dict[str, Any], str]]:
    """(observation with legal actions and history, expert action) along the expert's path on dev tasks."""
    return [(obs, expert) for _, obs, expert in expert_path(env, env.task_ids("dev")[first:first + n_tasks])]


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


def judge_ms(checkpoint: Path, states: list[tuple[dict, str]], repeats: int) -> float | None:
    """Median milliseconds of one learned-judge call on each expert state as a final page, the pages
    before it on its task as the pages on the way (None: the checkpoint has no judge)."""
    from agentq.components.learned.judge import LearnedJudge
    from agentq.planner.protocols import Step

    if not (checkpoint / "judge.safetensors").is_file():
        return None
    judge = LearnedJudge.load(str(checkpoint))
    calls, trajectory = [], []
    for obs, expert in states:
        trajectory = [] if not obs["history"] else trajectory
        calls.append((obs["goal"], list(trajectory), obs))
        trajectory.append(Step(obs, expert))
    runs = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        for goal, steps, final in calls:
            judge.judge(goal, steps, final)
        runs.append((time.perf_counter() - started) * 1000 / len(calls))
    return float(np.median(runs[1:]))


def dpo_throughput(env: TrainEnv, model: Any, critic: Any, cfg: Any, fit: Any, env_steps: int) -> tuple[int, float, float]:
    """(pairs, pairs/s, s) of one DPO epoch on step pairs an MCTS collection of `env_steps` mined."""
    order = task_order(cfg, env)
    data = collect_with_search(env, CandidateModel(model, cfg.features), CandidateModel(critic, cfg.features),
                               CollectionPlanner(), order, env_steps, lambda *p: 0, Featuriser(cfg.features))  # fmt: skip
    copy = make_model("policy", cfg.features.buckets, cfg.model)
    copy.load_state_dict(model.state_dict())
    report = fit_dpo(copy, data.step_pairs, fit, beta=0.5, seed=0)
    return len(data.step_pairs), report.examples_per_s, report.seconds


def whole_loop(config: Path, workers: int) -> list[tuple[str, float]]:
    """Seconds per finished stage of one training run of `config` (in a temporary folder, `workers`
    stages at once), then the total."""
    import tempfile

    cfg = load_train_config(config)
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        run_training(cfg, Path(tmp) / "run", workers=workers, on_stage=lambda name, record, skipped: marks.append(
            (name, time.perf_counter() - started)))  # fmt: skip
    return [*marks, ("total", time.perf_counter() - started)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path, help="a stage folder to time (default: train a base model here)")
    p.add_argument("--demos", type=int, default=50, help="demonstrations for the throughput run (and the model)")
    p.add_argument("--tasks", type=int, default=20, help="dev tasks whose expert states are timed")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--dpo-env-steps", type=int, default=20000, help="MCTS env steps that mine the DPO pairs")
    p.add_argument("--loop", type=Path, help="also time this training config end to end (e.g. experiments/agentq_learning.yaml)")
    p.add_argument("--workers", type=int, default=2, help="stages trained at once in the --loop run (agentq.train --workers)")
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
        critic = make_model("critic", cfg.features.buckets, cfg.model)
        report = fit_policy(model, decisions, fit, seed=0)
        one_epoch = fit.model_copy(update={"epochs": 1})
        n_pairs, pairs_per_s, dpo_s = dpo_throughput(env, model, critic, cfg, one_epoch, args.dpo_env_steps)
        checkpoint = args.checkpoint
        if checkpoint is None:
            checkpoint = Path("runs") / "bench_learning"
            save(checkpoint, "policy", model, cfg.features, cfg.model, {"stage": "bench"})
        states = dev_states(env, 0, args.tasks)
        warm_up = dev_states(env, args.tasks, 2)
    finally:
        env.close()
    learned, heuristic = LearnedPolicy.load(str(checkpoint)), HeuristicPolicy()
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
    print(f"DPO: {n_pairs} step pairs from {args.dpo_env_steps} MCTS env steps, one epoch: {pairs_per_s:.0f} pairs/s "
          f"({dpo_s:.1f} s) = {pairs_per_s / report.examples_per_s:.2f}x behaviour cloning's examples/s "
          "(a pair scores its state's legal actions twice)")
    print(f"decisions: {n} expert states on {args.tasks} dev tasks, {candidates:.0f} legal candidates on average; "
          f"learned checkpoint {checkpoint}")
    print("| measure | heuristic (A) | learned (B) | B/A | target |")
    print("|---|---|---|---|---|")
    print(f"| ms per decision, first sight of the page | {cold_h:.2f} | {cold_l:.2f} | "
          f"{cold_l / cold_h:.2f}x | learned <= 2 ms |")
    print(f"| ms per decision, page seen before | {ms_heuristic:.2f} | {ms_learned:.2f} | "
          f"{ms_learned / ms_heuristic:.2f}x | |")
    print(f"| top action = expert's | {heuristic_expert / n:.1%} | {agree_expert / n:.1%} | | |")
    ms_judge = judge_ms(checkpoint, states, args.repeats)
    if ms_judge is not None:
        print(f"| ms per learned-judge call (final page + the pages on the way) | | {ms_judge:.2f} | | |")
    print(f"| learned top action = heuristic's | | {agree_heuristic / n:.1%} | | |")
    if args.loop is not None:
        marks = whole_loop(args.loop, args.workers)
        print(f"whole loop ({args.loop}), one command, {args.workers} stages at once, {torch.get_num_threads()} thread(s) each:")
        for name, at in marks:
            print(f"  {name}: done at {at / 60:.1f} min")
    return 0 if cold_l <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
