"""Summary from a handmade JSONL, crash-safe JSONL reading, and the report rebuild."""

from __future__ import annotations

import json

import pytest

from agentq.report import main as report_main
from agentq.results import ResultsError, RunFolder, read_rows, repair_jsonl, summarize, summary_document


def row(index, agent, success, *, point=None, difficulty="easy", steps=5, sims=0, wall=1.0, error=None):
    return {
        "index": index, "task_id": f"t{index}", "agent": agent, "sweep_point": point or {},
        "components": {"policy": "p", "planner": sims > 0}, "privileged": {"policy": True, "any": True},
        "difficulty": difficulty, "success": success, "partial": 1.0 if success else 0.0, "steps": steps,
        "env_steps": steps * 2, "simulations": sims, "timings": {"wall_s": wall}, "error": error,
    }  # fmt: skip


ROWS = [
    row(0, "pure", True, steps=4, wall=1.0),
    row(1, "hybrid", True, point={"agents.hybrid.x": 1}, sims=8, steps=6, wall=3.0),
    row(2, "hybrid", False, point={"agents.hybrid.x": 2}, sims=8, difficulty="hard"),
    row(3, "pure", False, steps=8, wall=2.0, difficulty="hard"),
    row(4, "hybrid", False, point={"agents.hybrid.x": 1}, error="RuntimeError: boom", steps=0, wall=0.0),
    row(5, "hybrid", True, point={"agents.hybrid.x": 2}, sims=16, difficulty="medium"),
    row(6, "pure", True, steps=6, wall=3.0, difficulty="medium"),
    row(7, "pure", True, steps=6, wall=3.0, difficulty="medium"),
    row(3, "pure", True, steps=99),  # a repeated index: the first row wins
]


def test_summary_groups_rates_and_means():
    summary = summarize(ROWS)
    assert [(g["agent"], g["sweep_point"]) for g in summary] == [
        ("pure", {}), ("hybrid", {"agents.hybrid.x": 1}), ("hybrid", {"agents.hybrid.x": 2}),
    ]  # fmt: skip
    pure, h1, h2 = summary
    assert (pure["episodes"], pure["successes"], pure["errors"]) == (4, 3, 0)
    assert pure["success_rate"] == 0.75
    assert (round(pure["ci_low"], 3), round(pure["ci_high"], 3)) == (0.301, 0.954)
    assert pure["mean_steps"] == 6.0 and pure["mean_wall_s"] == 2.25 and pure["mean_env_steps"] == 12.0
    assert list(pure["by_difficulty"]) == ["easy", "medium", "hard"]
    assert pure["by_difficulty"]["medium"]["successes"] == 2 and pure["by_difficulty"]["hard"]["successes"] == 0
    assert pure["privileged"] == {"policy": True, "any": True}
    # the error row counts as a failed episode but not in the means
    assert (h1["episodes"], h1["successes"], h1["errors"], h1["success_rate"]) == (2, 1, 1, 0.5)
    assert h1["mean_steps"] == 6.0 and h1["mean_simulations"] == 8.0 and h1["mean_wall_s"] == 3.0
    assert h2["mean_simulations"] == 12.0


def _write_lines(path, rows, tail=b""):
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in rows) + tail)


def test_repair_cuts_partial_trailing_line(tmp_path):
    path = tmp_path / "episodes.jsonl"
    _write_lines(path, ROWS[:3], tail=b'{"index": 3, "task_')
    assert [r["index"] for r in read_rows(path)] == [0, 1, 2]
    assert path.read_bytes().endswith(b'"task_')  # reading alone changes nothing
    rows = repair_jsonl(path)
    assert [r["index"] for r in rows] == [0, 1, 2]
    assert path.read_bytes().endswith(b"}\n") and len(path.read_bytes().splitlines()) == 3


def test_corrupt_complete_line_is_an_error(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_bytes(b'{"index": 0}\nnot json\n')
    with pytest.raises(ResultsError, match=r"episodes.jsonl:2: not a JSON line"):
        read_rows(path)


def test_report_rebuilds_summary_from_jsonl_alone(tmp_path):
    folder = RunFolder(tmp_path / "run")
    folder.path.mkdir()
    _write_lines(folder.episodes, ROWS)
    assert report_main([str(folder.path)]) == 0
    first = folder.summary_json.read_bytes()
    assert json.loads(first) == summary_document(ROWS) and json.loads(first)["schema_version"] == 2
    md = folder.summary_md.read_text()
    assert "| pure | - | 75.0 (30.1-95.4) | 4 | 0 |" in md and "| hybrid | x=1 | 50.0" in md
    assert (folder.plots / "success_vs_x.png").stat().st_size > 1000
    assert (folder.plots / "success_by_difficulty.png").exists()
    folder.summary_json.write_text("stale")
    assert report_main([str(folder.path), "--no-plots"]) == 0
    assert folder.summary_json.read_bytes() == first
    assert not list(folder.path.glob(".*.tmp"))
    assert report_main([str(tmp_path / "missing")]) == 2
