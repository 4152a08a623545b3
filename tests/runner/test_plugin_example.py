"""The plug-in example (examples/my_plugins): its experiment runs by import path on the process pool
and on Ray with the same rows, and its bad variants are config errors (exit 2, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from runner_helpers import read_jsonl, run_module, without_timings

from agentq.config import load_config
from agentq.runner import run_experiment

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENT = ROOT / "examples" / "my_plugins" / "experiment.yaml"
SMALL = ["tasks.n=2"]

pytestmark = pytest.mark.timeout(300)


def test_the_example_runs_on_the_process_pool_and_on_ray_alike(tmp_path, monkeypatch):
    from agentq.runner.ray_executor import start_ray

    monkeypatch.chdir(ROOT)  # the example package is importable from the repository root
    monkeypatch.syspath_prepend(str(ROOT))

    cfg = load_config(EXPERIMENT, SMALL)
    proc = run_experiment(cfg, tmp_path / "proc", workers=2, plots=False)
    end = start_ray(None, 2)
    try:
        ray = run_experiment(cfg, tmp_path / "ray", workers=2, executor="ray", plots=False)
    finally:
        end()
    assert proc.errors == ray.errors == 0 and proc.completed == ray.completed == 6
    rows = read_jsonl(tmp_path / "proc" / "episodes.jsonl")
    assert without_timings(read_jsonl(tmp_path / "ray" / "episodes.jsonl")) == without_timings(rows)
    by_agent = {r["agent"]: r for r in rows}
    vote = by_agent["critic_vote"]
    assert vote["components"] == {"kind": "examples.my_plugins.agent:CriticVoteAgent", "planner": False,
                                  "policy": "examples.my_plugins.components:GoalWordsPolicy", "critic": "overlap"}
    assert vote["privileged"] == {"policy": False, "critic": False, "any": False} and vote["votes"] > 0
    hinted = by_agent["mcts_hinted"]
    assert hinted["privileged"]["critic"] is True and hinted["privileged"]["any"] is True
    assert hinted["simulations"] > 0 and hinted["components"]["judge"] == "goal_coverage"


BAD = """\
name: bad
env: {name: restaurant, backend: http}
agents:
  - name: a
    policy: {name: "no_such_pkg.mod:Policy"}
  - name: b
    policy: {name: "examples.my_plugins.components:GoalWordPolicy"}
  - name: c
    policy: {name: "examples.my_plugins.components:OverlapCritic"}
  - name: d
    policy: {name: "examples.my_plugins.components:GoalWordsPolicy", temprature: 2}
  - name: e
    kind: "examples.my_plugins.agent:CriticVoteAgnt"
  - name: f
    kind: "examples.my_plugins.agent:CriticVoteAgent"
    policy: {name: random}
    judge: {name: heuristic}
    planner: {num_candidate: 3}
  - name: g
    kind: mctz
"""


def test_bad_import_paths_are_config_errors_naming_file_line_field_and_value(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    done = run_module("agentq.run", "--config", str(path), "--out", str(tmp_path / "run"), cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith(str(path))]
    expected = [
        (5, "agents[0].policy.name: no module named 'no_such_pkg'", "(got 'no_such_pkg.mod:Policy')"),
        (7, "agents[1].policy.name: examples.my_plugins.components has no attribute 'GoalWordPolicy'; "
            "did you mean 'GoalWordsPolicy'?", "GoalWordPolicy')"),
        (9, "agents[2].policy.name: examples.my_plugins.components:OverlapCritic is not a policy: it has no propose()",
         "OverlapCritic')"),
        (11, "agents[3].policy.temprature: unknown setting 'temprature'", "did you mean 'temperature'?"),
        (13, "agents[4].kind: examples.my_plugins.agent has no attribute 'CriticVoteAgnt'", "CriticVoteAgnt')"),
        (14, "agents[5].critic: agent 'f' of kind 'examples.my_plugins.agent:CriticVoteAgent' needs a 'critic'", ""),
        (17, "agents[5].judge: agent of kind 'examples.my_plugins.agent:CriticVoteAgent' does not use a 'judge'", ""),
        (18, "agents[5].planner.num_candidate: unknown key 'num_candidate'", "did you mean 'num_candidates'?"),
        (20, "agents[6].kind: unknown agent kind 'mctz' (did you mean 'mcts'?)", ""),
    ]
    assert len(lines) == len(expected), done.stderr
    for line, (lineno, start, part) in zip(lines, expected):
        assert line.startswith(f"{path}:{lineno}: {start}"), line
        assert part in line, line
    assert not (tmp_path / "run").exists()
