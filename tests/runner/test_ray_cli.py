"""``python -m agentq.run --executor ray`` end to end: SIGKILL mid-run, then --resume, each episode exactly once."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import psutil
import pytest
from runner_helpers import base_config, read_jsonl, start_cli, write_yaml
from process_helpers import is_running

from agentq.results import summarize

import ray  # noqa: E402, F401 - in the [dev] extra: a missing Ray fails these tests, never skips them

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

N_EPISODES = 24  # 12 tasks x 2 agents


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _gone(pids: list[int], limit: float) -> list[int]:
    end = time.monotonic() + limit
    alive = pids
    while alive and time.monotonic() < end:
        alive = [p for p in alive if is_running(p)]
        time.sleep(0.2)
    return alive


def test_sigkill_on_ray_then_resume_runs_each_episode_once(tmp_path, procs):
    data = base_config()
    data["tasks"]["n"] = None
    data["env"]["options"]["sleep_ms"] = 150
    cfg, run = write_yaml(tmp_path / "exp.yaml", data), tmp_path / "run"
    proc = start_cli("--config", str(cfg), "--workers", "2", "--executor", "ray", "--out", str(run), cwd=tmp_path)
    procs.append(proc)
    end = time.monotonic() + 120
    while proc.poll() is None and _lines(run / "episodes.jsonl") < 4 and time.monotonic() < end:
        time.sleep(0.01)
    assert proc.poll() is None, proc.stderr.read()
    core = ("raylet", "gcs_server", "ray::EpisodeActor")  # Ray's agents notice later and exit by themselves
    helpers = [p.pid for p in psutil.Process(proc.pid).children(recursive=True) if p.name().startswith(core)]
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    killed_at = _lines(run / "episodes.jsonl")
    assert 4 <= killed_at < N_EPISODES
    assert len(helpers) >= 4 and _gone(helpers, 30) == []  # the local Ray and its actors die with the driver

    resumed = start_cli("--resume", str(run), cwd=tmp_path)  # the executor comes from config.yaml
    procs.append(resumed)
    out, err = resumed.communicate(timeout=180)
    assert resumed.returncode == 0, err
    assert f"{N_EPISODES}/{N_EPISODES} episodes" in out
    rows = read_jsonl(run / "episodes.jsonl")
    assert [r["index"] for r in rows] == list(range(N_EPISODES))  # each exactly once, in order
    summary = json.loads((run / "summary.json").read_text())
    assert (summary["groups"] if isinstance(summary, dict) else summary) == summarize(rows)
    assert "executor: ray" in (run / "config.yaml").read_text()
