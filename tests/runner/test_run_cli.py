"""``python -m agentq.run`` end to end: SIGKILL + --resume, Ctrl-C, errors, report rebuild."""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path

from runner_helpers import base_config, read_jsonl, run_module, start_cli, write_yaml

from agentq.results import summarize

N_EPISODES = 24  # 12 tasks x 2 agents


def _config(tmp_path: Path, sleep_ms: int = 25, plots: bool = True) -> Path:
    data = base_config()
    data["tasks"]["n"] = None
    data["env"]["options"]["sleep_ms"] = sleep_ms
    data["output"]["plots"] = plots
    return write_yaml(tmp_path / "exp.yaml", data)


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _wait_for_rows(proc, path: Path, n: int, limit: float = 30.0) -> None:
    end = time.monotonic() + limit
    while proc.poll() is None and _complete_lines(path) < n and time.monotonic() < end:
        time.sleep(0.005)


def _check_finished_run(run: Path, plots: bool = True) -> None:
    raw = (run / "episodes.jsonl").read_bytes()
    assert raw.endswith(b"\n")
    rows = read_jsonl(run / "episodes.jsonl")
    assert [r["index"] for r in rows] == list(range(N_EPISODES))  # each exactly once, in order
    summary = json.loads((run / "summary.json").read_text())["groups"]
    assert summary == summarize(rows)
    assert sum(g["episodes"] for g in summary) == N_EPISODES
    assert (run / "plots" / "success_by_difficulty.png").exists() == plots


def test_sigkill_at_random_moments_then_resume(tmp_path, procs):
    cfg, run = _config(tmp_path), tmp_path / "run"
    rng = random.Random(1234)
    kills, seen = 0, []
    proc = start_cli("--config", str(cfg), "--workers", "2", "--out", str(run), cwd=tmp_path)
    procs.append(proc)
    for attempt in range(8):
        if attempt < 3:
            target = _complete_lines(run / "episodes.jsonl") + rng.randint(1, 5)
            _wait_for_rows(proc, run / "episodes.jsonl", target)
            time.sleep(rng.uniform(0, 0.03))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
        rc = proc.wait(60)
        seen.append(_complete_lines(run / "episodes.jsonl"))
        if rc == 0:
            break
        assert rc == -signal.SIGKILL, proc.stderr.read()
        proc = start_cli("--resume", str(run), cwd=tmp_path)
        procs.append(proc)
    assert rc == 0, proc.stderr.read()
    assert kills >= 2 and 0 < seen[0] < N_EPISODES, seen  # really killed mid-run
    _check_finished_run(run)
    assert "Run folder:" in proc.stdout.read()


def test_ctrl_c_exits_130_and_is_resumable(tmp_path, procs):
    cfg, run = _config(tmp_path, sleep_ms=40, plots=False), tmp_path / "run"
    proc = start_cli("--config", str(cfg), "--out", str(run), cwd=tmp_path)
    procs.append(proc)
    _wait_for_rows(proc, run / "episodes.jsonl", 3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"--resume {run}" in err
    rows = read_jsonl(run / "episodes.jsonl")
    assert 3 <= len(rows) < N_EPISODES
    assert json.loads((run / "summary.json").read_text())["groups"] == summarize(rows)  # partial summary written
    done = subprocess_ok(run_module("agentq.run", "--resume", str(run), cwd=tmp_path))
    assert "24/24 episodes" in done.stdout
    _check_finished_run(run, plots=False)
    before = (run / "summary.json").read_bytes()
    (run / "summary.json").unlink()
    subprocess_ok(run_module("agentq.report", str(run), cwd=tmp_path))
    assert (run / "summary.json").read_bytes() == before


def subprocess_ok(result):
    assert result.returncode == 0, result.stderr
    return result


def test_cli_errors_are_clear(tmp_path):
    cfg = _config(tmp_path)
    bad = run_module("agentq.run", "--config", str(cfg), "--set", "agents.hybrid.planer.simulations=3", cwd=tmp_path)
    assert bad.returncode == 2
    assert "agents[1].planer" in bad.stderr and "did you mean 'planner'?" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = run_module("agentq.run", "--config", str(cfg), "--env", "agentq.nothere:Worker", cwd=tmp_path)
    assert missing.returncode == 2 and "cannot import worker agentq.nothere:Worker" in missing.stderr
    assert "Traceback" not in missing.stderr
    run = tmp_path / "run"
    subprocess_ok(run_module("agentq.run", "--config", str(cfg), "--set", "env.options.sleep_ms=0", "--tasks", "2",
                             "--out", str(run), cwd=tmp_path))  # fmt: skip
    other = run_module("agentq.run", "--resume", str(run), "--seed", "5", cwd=tmp_path)
    assert other.returncode == 2 and "config differs" in other.stderr
    again = run_module("agentq.run", "--config", str(cfg), "--out", str(run), cwd=tmp_path)
    assert again.returncode == 2 and f"--resume {run}" in again.stderr
