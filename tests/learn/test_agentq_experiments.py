"""The shipped Agent Q experiments: the quick config runs end to end (smaller), its final models
work as learned components inside a real run, and the learning / evaluation configs say what the
README says (same collection budget for every ablation, eval at the baselines' search budget)."""

from __future__ import annotations

import json
from pathlib import Path

from agentq.config import load_config
from agentq.learn.config import AgentQStage, OutcomeDPOStage, RFTStage, load_train_config
from agentq.learn.pipeline import run_training

REPO = Path(__file__).resolve().parents[2]
QUICK = REPO / "experiments" / "agentq_learning_quick.yaml"
SMALLER = [
    "stages.base.demos=8", "stages.base.judge_rollouts=8", "stages.base.fit.policy.epochs=2",
    "stages.base.fit.critic.epochs=1", "stages.base.fit.judge.epochs=1", "stages.agentq.env_steps=1500",
    "stages.agentq.planner.simulations=6", "stages.agentq.planner.max_env_steps=12",
    "stages.agentq.planner.theta=0.1", "tasks.n=12", "tasks.holdout=4", "judge_hardening.rounds=1",
    "judge_hardening.tasks=3", "judge_hardening.measure_tasks=3", "judge_hardening.planner.episode_env_steps=60",
    "stages.base.fit.policy.patience=1", "stages.agentq.fit.policy.epochs=2",
]  # fmt: skip


def test_quick_config_smaller_writes_base_and_final_that_run_as_learned_components(tmp_path):
    cfg = load_train_config(QUICK, SMALLER)
    out = tmp_path / "quick"
    outcome = run_training(cfg, out)
    final = json.loads((out / "checkpoints" / "final" / "stage.json").read_text())
    assert final["copy_of"] == "agentq" and final["hashes"] == outcome.stages["agentq_iter1"]["hashes"]
    assert (out / "checkpoints" / "base" / "policy.safetensors").is_file()
    notes = outcome.stages["agentq_iter1"]["notes"]
    assert 1499 <= notes["collection_env_steps"] <= 1500 and notes["collection"]["pairs"] > 0
    assert 0.0 <= notes["collection"]["chosen_makes_progress"] <= 1.0 and notes["collection"]["pairs_per_env_step"] > 0
    assert notes["policy"]["anchor_decisions"] > 0 and "after" in notes["policy"]["held_out_expert_states"]
    base = outcome.stages["base"]["notes"]
    assert base["held_out_tasks"] == 4 and base["policy"]["best_epoch"] is not None
    for unit in ("base", "agentq_iter1"):  # the judge measured where it is used: search on held-out train tasks
        hardening = outcome.stages[unit]["notes"]["judge"]["hardening"]
        assert hardening["held_out"]["episodes"] == 3 and 1 <= len(hardening["rounds"]) <= 2
    pairs = (out / "data" / "agentq_iter1" / "pairs.jsonl").read_text().splitlines()
    trl = (out / "data" / "agentq_iter1" / "dpo_standard.jsonl").read_text().splitlines()
    assert len(pairs) == len(trl) == notes["collection"]["pairs"]

    from agentq.run import main as run_main

    stage = str(out / "checkpoints" / "final")
    experiment = tmp_path / "eval.yaml"
    experiment.write_text(
        "name: quick_eval\nseed: 0\nworkers: 1\nenv: {name: restaurant, backend: http, max_steps: 12}\n"
        "tasks: {split: dev, n: 2}\nagents:\n"
        f"  - {{name: final, policy: {{name: learned, checkpoint: {stage}}}}}\n"
        f"  - name: final_mcts\n    kind: mcts\n    policy: {{name: learned, checkpoint: {stage}}}\n"
        f"    critic: {{name: learned, checkpoint: {stage}}}\n    judge: {{name: learned, checkpoint: {stage}}}\n"
        "    planner: {simulations: 4, num_candidates: 3, max_depth: 12, max_env_steps: 20}\n"
        f"output: {{dir: {tmp_path / 'runs'}, plots: false}}\n"
    )  # fmt: skip
    assert run_main(["--config", str(experiment), "--out", str(tmp_path / "run")]) == 0
    rows = [json.loads(line) for line in (tmp_path / "run" / "episodes.jsonl").read_text().splitlines()]
    assert {r["agent"] for r in rows} == {"final", "final_mcts"} and len(rows) == 4
    for row in rows:
        assert row["privileged"]["any"] is False
    assert {r["components"]["kind"] for r in rows} == {"pure", "mcts"}


def test_learning_config_gives_every_ablation_the_same_collection_budget():
    cfg = load_train_config(REPO / "experiments" / "agentq_learning.yaml")
    budgets = {}
    for stage in cfg.stages:
        if isinstance(stage, RFTStage):
            budgets[stage.name] = stage.rounds * stage.env_steps
            assert stage.prefix_every == 0  # stop probes would spend steps outside the budget
        elif isinstance(stage, AgentQStage | OutcomeDPOStage):
            budgets[stage.name] = stage.iterations * stage.env_steps
            assert stage.init == "base"
    assert set(budgets) == {"rft", "outcome_dpo", "step_dpo_q_only", "agentq"}
    assert len(set(budgets.values())) == 1
    q_only, agentq = cfg.stage("step_dpo_q_only"), cfg.stage("agentq")
    assert q_only.planner.alpha == 1.0 and agentq.planner.alpha < 1.0
    assert q_only.planner.model_dump(exclude={"alpha"}) == agentq.planner.model_dump(exclude={"alpha"})
    assert cfg.final_stage() == "agentq"
    quick = load_train_config(QUICK)
    assert quick.stage("agentq").planner == agentq.planner and quick.final_stage() == "agentq"


def test_learning_eval_runs_every_stage_at_two_temperatures_and_in_mcts_with_the_planner_defaults():
    evaluation = load_config(REPO / "experiments" / "agentq_learning_eval.yaml")
    assert evaluation.tasks.generate_seed is not None and evaluation.tasks.n >= 100  # a fresh suite, seed in the file
    names = {a.name: a.kind for a in evaluation.agents}
    assert names.pop("random") == "random" and names.pop("expert") == "expert"
    units = {n for n in names if not n.endswith(("_mcts", "_greedy"))}
    assert units == {"base", "rft", "outcome_dpo", "step_dpo_q_only", "agentq_iter1", "agentq"}
    for unit in units:
        alone, greedy, searched = (evaluation.agent(unit + s) for s in ("", "_greedy", "_mcts"))
        assert alone.kind == greedy.kind == "pure" and searched.kind == "mcts"
        assert alone.policy.get("temperature", 1.0) == 1.0 and greedy.policy["temperature"] <= 0.01
        assert searched.planner == {"num_candidates": 5, "max_depth": 30, "episode_env_steps": 600}
        folder = f"runs/agentq_learning/checkpoints/{unit}"
        assert alone.policy["checkpoint"] == greedy.policy["checkpoint"] == folder
        assert {searched.policy["checkpoint"], searched.critic["checkpoint"], searched.judge["checkpoint"]} == {folder}
