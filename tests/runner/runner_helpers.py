"""Helpers for the runner tests: fake-worker configs and the CLI in a subprocess."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
FAKE = "agentq.testing.fake_worker:FakeWorker"

BASE: dict[str, Any] = {
    "name": "fake_exp",
    "seed": 7,
    "workers": 1,
    "env": {"name": FAKE, "backend": "http", "options": {"n_tasks": 12}},
    "tasks": {"split": "dev", "n": 6, "sample_seed": 0},
    "agents": [
        {"name": "pure", "policy": {"name": "noisy_expert", "p": 0.4}},
        {
            "name": "hybrid",
            "policy": {"name": "noisy_expert", "p": 0.7},
            "critic": {"name": "noisy_expert", "accuracy": 0.8},
            "judge": {"name": "env"},
            "planner": {"simulations": 4},
        },
    ],
    "sweep": {},
    "output": {"dir": "runs", "plots": False, "save_trees": "first"},
}


def base_config(**top: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(top))
    return data


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def without_timings(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "timings"} for r in sorted(rows, key=lambda r: r["index"])]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(REPO), env.get("PYTHONPATH", "")] if p)
    return env


def start_cli(*args: str, cwd: Path) -> subprocess.Popen:
    """``python -m agentq.run ARGS`` in its own session (so cleanup can kill the whole group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "agentq.run", *args], cwd=cwd, env=cli_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def run_module(module: str, *args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=cli_env(), capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip
