"""The terminal summary stays readable in pipes and narrow terminals: text folds, numbers are never cut."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from report_fixtures import row
from rich.console import Console

from agentq.report import rich_table, table_rows
from agentq.results import row_line, summarize

REPO = Path(__file__).resolve().parents[2]


def _rows() -> list[dict]:
    out = []
    for i in range(12):
        agent = ("pure", "hybrid")[i % 2]
        r = row(i, f"dev-{i // 2:04d}", agent, ("easy", "medium", "hard")[i % 3], i % 3 != 0)
        if agent == "hybrid":
            r["sweep_point"] = {"agents.hybrid.planner.simulations": 16 if i < 6 else 64}
            r["privileged"] = {"policy": True, "critic": True, "judge": True, "any": True}
            r["timings"]["wall_s"] = 123.4567
            r["env_steps"] = 1422.8 + i
        out.append(r)
    return out


SUMMARY = summarize(_rows())


def render(width: int) -> str:
    buf = io.StringIO()
    Console(file=buf, width=width, force_terminal=False, color_system=None).print(rich_table(SUMMARY, title="sweep"))
    return buf.getvalue()


def numbers() -> list[str]:
    _, cells = table_rows(SUMMARY)
    return [c for r in cells for c in r[2:9]]


@pytest.mark.parametrize("width", [200, 120, 80, 60, 40])
def test_no_cell_is_cut_at_any_width(width):
    text = render(width)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width
    flat = " ".join(text.split())
    for n in numbers():
        assert n in flat, (n, text)  # every number whole, on one line
    assert "hybrid" in text and "pure" in text


def test_wide_terminal_gets_one_table_narrow_one_block_per_group():
    wide = render(200)
    header = next(line for line in wide.splitlines() if "Agent" in line)
    assert "Success % (95% CI)" in header and "Privileged" in header
    narrow = render(60)
    assert sum("Success % (95% CI)" in line for line in narrow.splitlines()) == len(SUMMARY)
    assert "hybrid at planner.simulations=16" in narrow


def test_piped_report_cli_is_readable(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text("name: piped\n", encoding="utf-8")
    (run / "episodes.jsonl").write_bytes(b"".join(row_line(r) for r in _rows()))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    done = subprocess.run([sys.executable, "-m", "agentq.report", str(run), "--no-plots"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    for n in numbers():
        assert n in done.stdout
    assert "policy, critic, judge" in done.stdout
