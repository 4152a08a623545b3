"""`python -m agentq.run` with llm components: the cache folder is announced, a rerun is answered
from the cache, --no-cache sends the requests again, and the API key is written nowhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from llm_fixtures import FAKE_KEY, llm_env, server  # noqa: F401 - fixtures
from llm_server import chat

from agentq.components.llm.settings import CACHE_SWITCH_ENV

ROOT = Path(__file__).resolve().parents[2]
# One reply every component can read: the policy's actions, the critic's pick and ranking, the verdict.
UNIVERSAL = "ACTIONS:\nclick(1)\nstop(\"I cannot book this.\")\nBEST: 1\nRANKING: 1, 2\nVERDICT: FAILURE\nPROBABILITY: 0.2"


def _config(base_url: str, path: Path) -> Path:
    llm = {"name": "llm", "base_url": base_url, "model": "scripted", "max_retries": 0}
    config = {
        "name": "llm_run_test", "seed": 0, "workers": 1,
        "env": {"name": "restaurant", "backend": "http", "search_backend": "http", "max_steps": 3},
        "tasks": {"split": "dev", "n": 2},
        "agents": [
            {"name": "pure", "kind": "pure", "policy": llm},
            {"name": "mcts", "kind": "mcts", "policy": llm, "critic": {**llm, "mode": "single"}, "judge": llm,
             "planner": {"simulations": 2, "num_candidates": 2, "max_depth": 3}},
        ],
        "output": {"dir": str(path.parent / "runs"), "plots": False, "save_trees": "none"},
    }  # fmt: skip
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _run(config: Path, out: Path, *flags: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop(CACHE_SWITCH_ENV, None)
    return subprocess.run([sys.executable, "-m", "agentq.run", "--config", str(config), "--out", str(out), *flags],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip


def _actions(out: Path) -> list:
    rows = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    return sorted((r["agent"], r["task_id"], r.get("actions"), r.get("error")) for r in rows)


def _llm_totals(out: Path) -> dict:
    rows = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    return {key: sum(r["llm"][key] for r in rows) for key in ("calls", "cache_hits", "prompt_tokens")}


def test_a_run_announces_the_cache_reruns_from_it_and_never_writes_the_key(server, llm_env, tmp_path):
    server.default = lambda body: chat(UNIVERSAL)
    config = _config(server.base_url, tmp_path / "exp.yaml")
    first = _run(config, tmp_path / "first")
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"LLM response cache: {llm_env}" in first.stderr
    sent = len(server.requests)
    assert sent > 0 and list(llm_env.rglob("*.json"))
    assert all(a[3] is None for a in _actions(tmp_path / "first"))
    first_usage = _llm_totals(tmp_path / "first")  # the episode rows carry each episode's usage
    assert first_usage["calls"] == sent and first_usage["prompt_tokens"] == 100 * sent

    again = _run(config, tmp_path / "again")
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(server.requests) == sent  # every reply came from the cache
    assert _actions(tmp_path / "again") == _actions(tmp_path / "first")
    assert _llm_totals(tmp_path / "again") == {
        "calls": 0, "cache_hits": first_usage["calls"] + first_usage["cache_hits"], "prompt_tokens": 0}

    fresh = _run(config, tmp_path / "fresh", "--no-cache")
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert "LLM response cache: off" in fresh.stderr
    assert len(server.requests) - sent == sent + first_usage["cache_hits"]  # within-run hits asked too
    assert _llm_totals(tmp_path / "fresh")["cache_hits"] == 0
    assert _actions(tmp_path / "fresh") == _actions(tmp_path / "first")

    for output in (first, again, fresh):
        assert FAKE_KEY not in output.stdout + output.stderr
    written = [p for folder in (tmp_path, llm_env) for p in folder.rglob("*") if p.is_file()]
    assert written and not any(FAKE_KEY.encode() in p.read_bytes() for p in written)


def test_a_failing_server_is_recorded_as_an_episode_error_and_the_run_goes_on(server, llm_env, tmp_path):
    from llm_server import Reply

    server.default = lambda body: Reply(500, {"error": "down"})
    config = _config(server.base_url, tmp_path / "exp.yaml")
    result = _run(config, tmp_path / "out")
    rows = _actions(tmp_path / "out")
    assert len(rows) == 4, result.stderr[-3000:]
    assert all(r[3] and "LLMRequestError" in r[3] and FAKE_KEY not in r[3] for r in rows)
