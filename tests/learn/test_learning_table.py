"""The Agent Q results table: rows, order, env steps, paired tests, kept share, plot, CLI errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentq.learn.table import LearningTableError, build_table, main, render_markdown, write_outputs
from agentq.results import summary_document, summary_json

TASKS = 20
HASHES = {"policy": "p" * 64, "critic": "c" * 64, "judge": "j" * 64}
# agent: successes on the first k of TASKS tasks (so discordant counts are simple differences)
FULL = {
    "random": 2, "base": 4, "base_mcts": 6, "rft": 8, "rft_mcts": 12, "outcome_dpo": 10,
    "agentq_iter1": 11, "agentq_iter1_mcts": 14, "agentq": 13, "agentq_mcts": 16, "expert": 20,
}  # fmt: skip


def _rows(successes: dict[str, int]) -> list[dict[str, Any]]:
    """Episode rows as the runner writes them (only the keys the summary reads)."""
    rows = []
    for agent, k in successes.items():
        for t in range(TASKS):
            rows.append({"index": len(rows), "task_id": f"dev-{t:04d}", "agent": agent, "sweep_point": {},
                         "difficulty": "easy", "success": t < k, "steps": 5, "env_steps": 5,
                         "privileged": {"any": agent == "expert"}})  # fmt: skip
    return rows


def _run(tmp_path: Path, successes: dict[str, int], name: str = "run") -> Path:
    run = tmp_path / name
    run.mkdir()
    (run / "summary.json").write_text(summary_json(summary_document(_rows(successes))), encoding="utf-8")
    return run


def _stage(train: Path, unit: str, notes: dict[str, Any], **top: Any) -> None:
    folder = train / "checkpoints" / unit
    folder.mkdir(parents=True)
    record = {"stage": unit, "hashes": HASHES, "notes": notes, **top}
    (folder / "stage.json").write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")


@pytest.fixture
def train(tmp_path: Path) -> Path:
    """base, rft, one outcome-DPO iteration and two Agent Q iterations from rft, and final."""
    out = tmp_path / "train"
    _stage(out, "base", {"demos": 50, "policy": {"accuracy": 0.9}})
    _stage(out, "rft", {"init": "base", "rounds": [], "collection_env_steps": 1200})
    _stage(out, "outcome_dpo_iter1", {"iteration": 1, "init": "rft", "collection_env_steps": 500})
    _stage(out, "outcome_dpo", {"iteration": 1, "init": "rft", "collection_env_steps": 500},
           copy_of="outcome_dpo_iter1", iterations=1, collection_env_steps=500)  # fmt: skip
    _stage(out, "agentq_iter1", {"iteration": 1, "init": "rft", "collection_env_steps": 3000, "collection": {}})
    iter2 = {"iteration": 2, "init": "agentq_iter1", "collection_env_steps": 2500,
             "judge": {"hardening": {"held_out": {"search_judge_precision": 0.8}}},
             "collection": {"chosen_makes_progress": 0.7}}  # fmt: skip
    _stage(out, "agentq_iter2", iter2)
    _stage(out, "agentq", iter2, copy_of="agentq_iter2", iterations=2, collection_env_steps=5500)
    _stage(out, "final", iter2, copy_of="agentq", iterations=2, collection_env_steps=5500)
    (out / "checkpoints" / ".rft2.partial").mkdir()  # an unfinished stage: ignored
    return out


def test_rows_in_paper_order_with_values(train: Path, tmp_path: Path) -> None:
    table = build_table(train, _run(tmp_path, FULL))
    assert [r.key for r in table.rows] == ["base", "rft", "outcome_dpo", "agentq", "random", "expert"]
    assert [r.label for r in table.rows][:4] == ["base (behaviour cloning)", "RFT", "outcome DPO (trajectory)", "Agent Q"]
    by = {r.key: r for r in table.rows}
    assert by["base"].no_search.successes == 4 and by["base"].no_search.success_rate == pytest.approx(0.2)
    assert (by["base"].no_search.ci_low, by["base"].no_search.ci_high) == pytest.approx((0.0806, 0.4160), abs=5e-4)
    assert by["base"].no_search.ci_from == "summary"
    assert by["agentq"].mcts.agent == "agentq_mcts" and by["agentq"].mcts.success_rate == pytest.approx(0.8)
    assert by["outcome_dpo"].mcts is None
    assert [by[k].env_steps for k in ("base", "rft", "outcome_dpo", "agentq")] == [0, 1200, 500, 5500]
    assert (by["base"].paper_no_search_pct, by["base"].paper_mcts_pct) == (18.6, None)
    assert (by["rft"].paper_no_search_pct, by["rft"].paper_mcts_pct) == (67.2, 84.3)
    assert (by["agentq"].paper_no_search_pct, by["agentq"].paper_mcts_pct) == (81.7, 95.4)
    assert by["expert"].kind == "baseline" and by["expert"].no_search.successes == 20
    assert table.final_of == "agentq"


def test_paired_comparisons_oriented_and_kept_share(train: Path, tmp_path: Path) -> None:
    table = build_table(train, _run(tmp_path, FULL))
    pairs = {(c.a, c.b): c for c in table.comparisons}
    assert list(pairs) == [("agentq", "base"), ("agentq", "rft"), ("agentq", "outcome_dpo"), ("agentq_mcts", "agentq"),
                           ("agentq_mcts", "base_mcts")]
    vs_base = pairs["agentq", "base"]  # summary.json lists base first; the table turns it round
    assert (vs_base.successes_a, vs_base.successes_b, vs_base.only_a, vs_base.only_b) == (13, 4, 9, 0)
    assert vs_base.tasks == 20 and vs_base.p_value == pytest.approx(0.00390625)
    search = pairs["agentq_mcts", "agentq"]
    assert (search.only_a, search.only_b, search.p_value) == (3, 0, pytest.approx(0.25))
    assert table.kept is not None and table.kept.kept_pct == pytest.approx(81.25)
    text = render_markdown(table)
    assert "- kept: agentq without search / agentq_mcts = 81.2% (paper 86%, ExACT 87%)" in text
    assert "- agentq vs base: 13 vs 4 successes on 20 shared tasks; only agentq 9, only base 0" in text
    assert "- agentq_mcts vs agentq (no search):" in text


def test_markdown_rows(train: Path, tmp_path: Path) -> None:
    lines = render_markdown(build_table(train, _run(tmp_path, FULL))).splitlines()
    rows = [line for line in lines if line.startswith("| ") and "---" not in line]
    assert rows[1] == "| base (behaviour cloning) | 20.0 [8.1, 41.6] (4/20) | — | 30.0 [14.5, 51.9] (6/20) | — (—) | — | 0 | 18.6 | — |"
    assert rows[4] == ("| Agent Q | 65.0 [43.3, 81.9] (13/20) | — | 80.0 [58.4, 91.9] (16/20) | — (80.0) | 70.0 | 5,500 "
                       "| 81.7 | 95.4 |")  # fmt: skip
    assert rows[5] == "| random (floor) | 10.0 [2.8, 30.1] (2/20) | — | — | — | — | — | — | — |"
    assert rows[6].startswith("| expert (ceiling, privileged) | 100.0 [")
    assert "Agents with a privileged component in this evaluation: expert;" in "\n".join(lines)


def test_iterations_from_init_with_fallback_to_plain_stage(train: Path, tmp_path: Path) -> None:
    table = build_table(train, _run(tmp_path, FULL))
    series = {s.stage: s for s in table.series}
    assert list(series) == ["agentq", "outcome_dpo"]
    agentq = series["agentq"]
    assert agentq.init == "rft"
    assert [p.iteration for p in agentq.points] == [0, 1, 2]
    assert [p.no_search.successes for p in agentq.points] == [8, 11, 13]  # iteration 2: the plain agentq agent
    assert [p.mcts.successes for p in agentq.points] == [12, 14, 16]
    assert [p.no_search.successes for p in series["outcome_dpo"].points] == [8, 10]
    text = render_markdown(table)
    assert "| agentq | 2 | agentq_iter2 (evaluated as agentq) | 5,500 | 65.0 [43.3, 81.9] (13/20) |" in text
    assert "| agentq | 1 | agentq_iter1 | 3,000 | 55.0 [34.2, 74.2] (11/20) | 70.0 [48.1, 85.5] (14/20) |" in text
    assert [p.env_steps for p in agentq.points] == [0, 3000, 5500]  # the learning curve's x: collection env steps


def test_missing_agents_are_skipped(train: Path, tmp_path: Path) -> None:
    table = build_table(train, _run(tmp_path, {"base": 4, "expert": 20}))
    assert [r.key for r in table.rows] == ["base", "expert"]
    assert table.comparisons == [] and table.kept is None and table.series == []
    paths = write_outputs(table, tmp_path / "out")
    assert "kept:" not in paths["markdown"].read_text(encoding="utf-8")
    assert paths["plot"].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_wilson_when_summary_has_no_interval(train: Path, tmp_path: Path) -> None:
    run = _run(tmp_path, {"base": 4, "base_mcts": 6})
    doc = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    for group in doc["groups"]:
        del group["ci_low"], group["ci_high"]
    (run / "summary.json").write_text(json.dumps(doc), encoding="utf-8")
    rate = build_table(train, run).rows[0].no_search
    assert rate.ci_from == "wilson" and (rate.ci_low, rate.ci_high) == pytest.approx((0.0806, 0.4160), abs=5e-4)


def test_write_outputs(train: Path, tmp_path: Path) -> None:
    run = _run(tmp_path, FULL)
    assert main(["--train", str(train), "--run", str(run)]) == 0
    png = run / "learning_per_iteration.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    data = json.loads((run / "learning_table.json").read_text(encoding="utf-8"))
    assert [r["key"] for r in data["rows"]] == ["base", "rft", "outcome_dpo", "agentq", "random", "expert"]
    assert data["kept"]["kept_pct"] == pytest.approx(81.25)
    assert (run / "learning_table.md").read_text(encoding="utf-8").startswith("# Agent Q results table")


def test_cli_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    proc = subprocess.run([sys.executable, "-m", "agentq.learn.table", "--train", str(missing), "--run", str(tmp_path)],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {missing}: no such folder"


def test_cli_missing_or_malformed_summary(train: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "empty_run"
    run.mkdir()
    assert main(["--train", str(train), "--run", str(run)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {run / 'summary.json'}: no such file"
    (run / "summary.json").write_text("{not json", encoding="utf-8")
    assert main(["--train", str(train), "--run", str(run)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {run / 'summary.json'}: not valid JSON")


def test_bad_stage_record(train: Path, tmp_path: Path) -> None:
    marker = train / "checkpoints" / "rft" / "stage.json"
    marker.write_text(json.dumps({"stage": "rft", "hashes": HASHES, "notes": {}, "surprise": 1}), encoding="utf-8")
    with pytest.raises(LearningTableError) as err:
        build_table(train, _run(tmp_path, FULL))
    assert err.value.path == marker and "surprise" in err.value.problem
