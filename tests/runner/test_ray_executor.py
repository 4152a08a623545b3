"""The Ray executor against the process pool: same rows, errors, dead actors, loopback-only local Ray."""

from __future__ import annotations

import sys

import psutil
import pytest
from runner_helpers import base_config, read_jsonl, without_timings
from process_helpers import is_running

from agentq.config import config_from_dict, config_hash
from agentq.runner import RunnerError, run_experiment

import ray  # noqa: E402 - in the [dev] extra, so every test run has it

from agentq.runner.ray_executor import import_ray, start_ray  # noqa: E402

pytestmark = pytest.mark.timeout(240)

LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray of 2 CPUs for this module (runs reuse it instead of starting their own)."""
    end = start_ray(None, 2)
    try:
        yield ray
    finally:
        end()
    assert not ray.is_initialized()


def cfg_with(*sets: str, **top):
    return config_from_dict(base_config(**top), overrides=list(sets))


def test_local_ray_binds_loopback_only_with_two_cpus(local_ray):
    assert local_ray.cluster_resources().get("CPU") == 2
    assert {n["NodeManagerAddress"] for n in local_ray.nodes()} == {"127.0.0.1"}
    ours = {p.pid for p in psutil.Process().children(recursive=True)}
    listening = [c for c in psutil.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN and c.pid in ours]
    assert listening, "the local Ray's servers were not found among this process's children"
    assert {c.laddr.ip for c in listening} <= LOOPBACK, listening


def test_ray_gives_the_same_rows_as_the_process_pool(tmp_path, local_ray):
    cfg = cfg_with("env.options.sleep_ms=2", "output.save_trees=all", "agents.hybrid.policy.raise_on=[t003]",
                   "tasks.n=", "env.options.n_tasks=6")
    seen: list[tuple[int, int]] = []
    proc = run_experiment(cfg, tmp_path / "proc", workers=2)
    out = run_experiment(cfg, tmp_path / "ray", workers=2, executor="ray",
                         on_row=lambda done, total, row: seen.append((done, total)))  # fmt: skip
    assert (out.total, out.completed, out.ran, out.errors) == (12, 12, 12, 1) == (proc.total, proc.completed,
                                                                                  proc.ran, proc.errors)  # fmt: skip
    assert seen == [(i, 12) for i in range(1, 13)]  # the progress bar sees every row once
    rows_p = read_jsonl(tmp_path / "proc" / "episodes.jsonl")
    rows_r = read_jsonl(tmp_path / "ray" / "episodes.jsonl")
    assert [r["index"] for r in rows_r] == list(range(12))
    assert without_timings(rows_r) == without_timings(rows_p)
    assert not any("executor" in r or "ray_address" in r for r in rows_r)
    bad = [r for r in rows_r if r["error"]]
    assert [(r["task_id"], r["agent"]) for r in bad] == [("t003", "hybrid")] and "Traceback" in bad[0]["traceback"]
    trees = [sorted(p.name for p in (tmp_path / d / "trees").glob("*.json")) for d in ("proc", "ray")]
    assert len(trees[0]) == 5 and trees[0] == trees[1]  # the raising episode saved none
    assert len(out.row_times) == 12


def test_executor_and_address_stay_out_of_the_hash(tmp_path):
    plain = cfg_with()
    assert config_hash(plain) == config_hash(cfg_with(executor="ray", ray_address="10.0.0.1:6379"))
    assert config_hash(plain) != config_hash(cfg_with(seed=8))
    with pytest.raises(RunnerError, match="executor is 'process'"):
        run_experiment(cfg_with(ray_address="10.0.0.1:6379"), tmp_path / "run")


def test_dead_actor_is_recorded_and_replaced(tmp_path, local_ray):
    cfg = cfg_with("agents.pure.policy.crash_on=[t002]", "tasks.n=", "env.options.n_tasks=5")
    out = run_experiment(cfg, tmp_path / "run", workers=2, executor="ray")
    rows = read_jsonl(tmp_path / "run" / "episodes.jsonl")
    assert [r["index"] for r in rows] == list(range(10)) and out.errors == 1
    bad = next(r for r in rows if r["error"])
    assert (bad["task_id"], bad["agent"]) == ("t002", "pure") and "worker actor died" in bad["error"]
    assert all(r["error"] is None for r in rows if r is not bad)


def test_worker_that_cannot_start_stops_the_run_clearly(tmp_path, local_ray):
    cfg = cfg_with("env.options.fail_init=true")
    with pytest.raises(RunnerError, match="(?s)failed to start.*fail_init is set"):
        run_experiment(cfg, tmp_path / "run", workers=2, executor="ray")
    assert local_ray.is_initialized()  # a Ray this run did not start is left running


def test_resume_on_ray_runs_only_the_missing_episodes(tmp_path, local_ray):
    cfg = cfg_with()
    run_experiment(cfg, tmp_path / "proc", workers=1)
    full = read_jsonl(tmp_path / "proc" / "episodes.jsonl")
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_bytes((tmp_path / "proc" / "config.yaml").read_bytes())
    kept = full[:5]
    text = (tmp_path / "proc" / "episodes.jsonl").read_text().splitlines(keepends=True)
    (run / "episodes.jsonl").write_text("".join(text[:5]) + text[5][:17])  # a half-written row
    out = run_experiment(cfg, run, resume=True, workers=2, executor="ray")
    rows = read_jsonl(run / "episodes.jsonl")
    assert out.ran == 7 and [r["index"] for r in rows] == list(range(12))
    assert rows[:5] == kept and without_timings(rows) == without_timings(full)


def test_cli_flags_choose_the_executor(tmp_path):
    from agentq.run import build_parser, resolve
    from runner_helpers import write_yaml

    cfg_file = write_yaml(tmp_path / "exp.yaml", base_config())
    parse = build_parser().parse_args
    cfg, _, _ = resolve(parse(["--config", str(cfg_file), "--out", str(tmp_path / "a")]))
    assert (cfg.executor, cfg.ray_address) == ("process", None)
    cfg, _, _ = resolve(parse(["--config", str(cfg_file), "--out", str(tmp_path / "b"), "--executor", "ray"]))
    assert (cfg.executor, cfg.ray_address) == ("ray", None)
    cfg, _, _ = resolve(parse(["--config", str(cfg_file), "--out", str(tmp_path / "c"), "--ray-address", "auto"]))
    assert (cfg.executor, cfg.ray_address) == ("ray", "auto")  # an address implies the Ray executor


def test_missing_ray_is_explained(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(RunnerError, match=r"needs Ray.*\.\[ray\]"):
        import_ray()


@pytest.mark.slow
def test_small_restaurant_run_is_the_same_on_ray(tmp_path, local_ray):
    from test_restaurant_runs import CONFIG

    data = {**CONFIG, "tasks": {**CONFIG["tasks"], "n": 2}}
    cfg = config_from_dict(data)
    run_experiment(cfg, tmp_path / "proc", workers=2)
    out = run_experiment(cfg, tmp_path / "ray", workers=2, executor="ray")
    rows_p = read_jsonl(tmp_path / "proc" / "episodes.jsonl")
    rows_r = read_jsonl(tmp_path / "ray" / "episodes.jsonl")
    assert out.completed == 6 and out.errors == 0
    assert without_timings(rows_r) == without_timings(rows_p)
    assert any(r["simulations"] > 0 for r in rows_r)


@pytest.mark.browser
@pytest.mark.slow
def test_browsers_live_and_close_inside_the_actors(tmp_path, local_ray):
    from test_restaurant_runs import CONFIG

    data = {**CONFIG, "env": {**CONFIG["env"], "backend": "browser"}, "tasks": {**CONFIG["tasks"], "n": 2},
            "agents": [CONFIG["agents"][0]]}  # fmt: skip
    seen: set[int] = set()

    def browsers(*_: object) -> None:
        for p in psutil.Process().children(recursive=True):
            try:
                if "chrom" in p.name().lower():
                    seen.add(p.pid)
            except psutil.NoSuchProcess:
                pass

    out = run_experiment(config_from_dict(data), tmp_path / "run", workers=1, executor="ray", on_row=browsers)
    assert out.completed == 2 and out.errors == 0
    assert seen, "no Chromium ran under the Ray actor"
    alive = [p for p in seen if is_running(p)]
    assert alive == []  # closed by the actor's worker before the actor ended
