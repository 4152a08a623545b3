"""The runner with the fake worker: determinism across worker counts, errors, trees, resume checks."""

from __future__ import annotations

import json

import pytest
from runner_helpers import base_config, read_jsonl, without_timings

from agentq.config import config_from_dict
from agentq.results import RunFolder
from agentq.runner import (
    EpisodeSpec,
    RunnerError,
    build_row,
    import_worker,
    list_tasks,
    plan_episodes,
    run_experiment,
)


def cfg_with(*sets: str, **top):
    return config_from_dict(base_config(**top), overrides=list(sets))


def test_plan_order_and_tree_flags(tmp_path):
    cfg = cfg_with("agents.hybrid.planner.simulations=2")
    cfg = config_from_dict({**cfg.model_dump(), "sweep": {"agents.hybrid.critic.accuracy": [0.5, 1.0]}})
    tasks = list_tasks(import_worker(cfg.env.name), cfg.env, "dev")[:2]
    specs = plan_episodes(cfg, tasks, tmp_path)
    assert [(s.index, s.task_id, s.agent.name, s.sweep_point.get("agents.hybrid.critic.accuracy")) for s in specs] == [
        (0, "t000", "pure", None), (1, "t000", "hybrid", 0.5), (2, "t000", "hybrid", 1.0),
        (3, "t001", "pure", None), (4, "t001", "hybrid", 0.5), (5, "t001", "hybrid", 1.0),
    ]  # fmt: skip
    assert [s.save_tree for s in specs] == [False, True, True, False, False, False]
    assert specs[1].tree_path == str(tmp_path.resolve() / "trees" / "000001-hybrid-t000.json")
    assert specs[2].agent.critic["accuracy"] == 1.0 and specs[1].agent.critic["accuracy"] == 0.5
    assert all(isinstance(s, EpisodeSpec) and s.split == "dev" for s in specs)


def test_one_and_two_workers_give_identical_rows(tmp_path):
    cfg = cfg_with("env.options.sleep_ms=2", "output.save_trees=all")
    one = run_experiment(cfg, tmp_path / "one", workers=1)
    two = run_experiment(cfg, tmp_path / "two", workers=2)
    assert (one.total, one.completed, one.errors, two.completed) == (12, 12, 0, 12)
    rows1 = read_jsonl(tmp_path / "one" / "episodes.jsonl")
    rows2 = read_jsonl(tmp_path / "two" / "episodes.jsonl")
    assert [r["index"] for r in rows1] == list(range(12)) == [r["index"] for r in rows2]  # sorted at the end
    assert without_timings(rows1) == without_timings(rows2)
    assert {r["success"] for r in rows1} == {True, False}
    r = rows1[1]
    assert r["agent"] == "hybrid" and r["run_seed"] == 7 and len(r["config_hash"]) == 64
    assert r["components"] == {"policy": "noisy_expert", "critic": "noisy_expert", "judge": "env", "planner": True}
    assert r["privileged"] == {"policy": True, "critic": True, "judge": True, "any": True}
    assert set(r["timings"]) >= {"wall_s", "env_s", "planner_s"}
    trees = [sorted(p.name for p in (tmp_path / d / "trees").glob("*.json")) for d in ("one", "two")]
    assert len(trees[0]) == 6 and trees[0] == trees[1]
    summary = json.loads((tmp_path / "two" / "summary.json").read_text())["groups"]
    assert [g["agent"] for g in summary] == ["pure", "hybrid"] and sum(g["episodes"] for g in summary) == 12


def test_exception_in_episode_is_recorded_and_run_goes_on(tmp_path):
    cfg = cfg_with("agents.hybrid.policy.raise_on=[t001, t004]", "tasks.n=", "env.options.n_tasks=6")
    out = run_experiment(cfg, tmp_path / "run", workers=2)
    rows = read_jsonl(tmp_path / "run" / "episodes.jsonl")
    assert [r["index"] for r in rows] == list(range(12)) and out.errors == 2
    bad = [r for r in rows if r["error"]]
    assert [(r["task_id"], r["agent"]) for r in bad] == [("t001", "hybrid"), ("t004", "hybrid")]
    for r in bad:
        assert r["error"] == f"RuntimeError: FakeWorker: raise_on {r['task_id']}"
        assert r["success"] is False and "Traceback" in r["traceback"]
        assert r["components"]["planner"] is True and r["difficulty"] in ("medium", "easy")
    hybrid = next(g for g in out.summary if g["agent"] == "hybrid")
    assert (hybrid["episodes"], hybrid["errors"]) == (6, 2)


def test_dead_worker_process_is_recorded_and_replaced(tmp_path):
    cfg = cfg_with("agents.pure.policy.crash_on=[t002]", "tasks.n=", "env.options.n_tasks=5")
    out = run_experiment(cfg, tmp_path / "run", workers=2)
    rows = read_jsonl(tmp_path / "run" / "episodes.jsonl")
    assert [r["index"] for r in rows] == list(range(10)) and out.errors == 1
    dead = [r for r in rows if r["error"]]
    assert [(r["task_id"], r["agent"]) for r in dead] == [("t002", "pure")]
    assert "worker process died (exit code 3)" in dead[0]["error"] and dead[0]["success"] is False


def test_worker_that_cannot_start_stops_the_run(tmp_path):
    with pytest.raises(RunnerError, match="fail_init is set"):
        run_experiment(cfg_with("env.options.fail_init=true"), tmp_path / "run", workers=2)


def test_bad_worker_results_become_error_rows():
    cfg = cfg_with()
    spec = plan_episodes(cfg, list_tasks(import_worker(cfg.env.name), cfg.env, "dev")[:1])[0]
    row = build_row(spec, run_seed=0, cfg_hash="h", difficulty="easy", describe={}, result={"success": "maybe"})
    assert row["success"] is False and row["error"].startswith("worker returned a bad result")
    assert "success" in row["error"] and "steps" in row["error"]


def test_missing_worker_module_is_a_clear_error():
    with pytest.raises(RunnerError, match=r"cannot import worker agentq.nothere:Worker: No module named 'agentq"):
        import_worker("agentq.nothere:Worker")
    with pytest.raises(RunnerError, match="has no class 'Nope'"):
        import_worker("agentq.testing.fake_worker:Nope")


def test_resume_refuses_other_config_and_fresh_run_refuses_used_folder(tmp_path):
    cfg = cfg_with("tasks.n=2")
    run_experiment(cfg, tmp_path / "run")
    with pytest.raises(RunnerError, match="already holds a run"):
        run_experiment(cfg, tmp_path / "run")
    with pytest.raises(RunnerError, match="config differs"):
        run_experiment(cfg_with("tasks.n=2", "seed=99"), tmp_path / "run", resume=True)
    again = run_experiment(cfg_with("tasks.n=2", "workers=3"), tmp_path / "run", resume=True)  # workers: not hashed
    assert (again.ran, again.completed) == (0, 4)


def test_resume_runs_only_missing_indices(tmp_path):
    cfg = cfg_with("tasks.n=3")
    run_experiment(cfg, tmp_path / "run")
    folder = RunFolder(tmp_path / "run")
    lines = folder.episodes.read_bytes().splitlines(keepends=True)
    folder.episodes.write_bytes(lines[0] + lines[3] + lines[4][:25])  # rows 0 and 3 kept, a torn row 4
    out = run_experiment(cfg, folder.path, resume=True)
    rows = read_jsonl(folder.episodes)
    assert out.ran == 4 and [r["index"] for r in rows] == list(range(6))
    assert rows[0] == json.loads(lines[0]) and rows[3] == json.loads(lines[3])
