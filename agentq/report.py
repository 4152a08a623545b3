"""Summary tables and the run report; ``python -m agentq.report RUN_DIR`` rebuilds them from the JSONL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentq.results import ResultsError, RunFolder, atomic_write_text, read_rows, summarize, summary_json


def point_label(agent: str, point: dict[str, Any]) -> str:
    """``{"agents.hybrid.critic.accuracy": 0.9}`` -> ``critic.accuracy=0.9`` ("-" when empty)."""
    prefix = f"agents.{agent}."
    parts = [f"{k.removeprefix(prefix)}={v}" for k, v in point.items()]
    return ", ".join(parts) if parts else "-"


def _num(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _privileged(group: dict[str, Any]) -> str:
    names = [k for k, v in group.get("privileged", {}).items() if v and k != "any"]
    return ", ".join(names) if names else "none"


def table_rows(summary: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the per agent x sweep point table."""
    header = ["Agent", "Sweep point", "Success % (95% CI)", "Episodes", "Errors", "Steps", "Env steps",
              "Simulations", "Wall s", "Privileged"]  # fmt: skip
    cells = []
    for g in summary:
        success = f"{100 * g['success_rate']:.1f} ({100 * g['ci_low']:.1f}-{100 * g['ci_high']:.1f})"
        cells.append([
            g["agent"], point_label(g["agent"], g["sweep_point"]), success, str(g["episodes"]), str(g["errors"]),
            _num(g["mean_steps"]), _num(g["mean_env_steps"]), _num(g["mean_simulations"]),
            _num(g["mean_wall_s"], 3), _privileged(g),
        ])  # fmt: skip
    return header, cells


def rich_table(summary: list[dict[str, Any]], title: str | None = None) -> Table:
    """The summary as a rich table."""
    header, cells = table_rows(summary)
    table = Table(title=title)
    for i, h in enumerate(header):
        table.add_column(h, justify="right" if 2 <= i <= 8 else "left")
    for row in cells:
        table.add_row(*(Text(c) for c in row))
    return table


def _md(header: list[str], cells: list[list[str]]) -> list[str]:
    esc = [[c.replace("|", "\\|") for c in row] for row in [header, *cells]]
    lines = ["| " + " | ".join(esc[0]) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in esc[1:]]


def markdown(summary: list[dict[str, Any]], title: str) -> str:
    """The text of ``summary.md``."""
    out = [f"# {title}", "", f"{sum(g['episodes'] for g in summary)} episodes.", ""]
    out += _md(*table_rows(summary))
    diffs = list(dict.fromkeys(d for g in summary for d in g["by_difficulty"]))
    if diffs:
        out += ["", "## Success % by difficulty", ""]
        cells = []
        for g in summary:
            row = [g["agent"], point_label(g["agent"], g["sweep_point"])]
            for d in diffs:
                b = g["by_difficulty"].get(d)
                row.append("-" if not b else f"{100 * b['success_rate']:.1f} ({b['successes']}/{b['episodes']})")
            cells.append(row)
        out += _md(["Agent", "Sweep point", *diffs], cells)
    out += ["", "Success counts every episode (errors as failures); means are over episodes without error.",
            "Intervals are Wilson 95%. Privileged components read hidden task knowledge (expert, goal)."]  # fmt: skip
    return "\n".join(out) + "\n"


def run_title(folder: RunFolder) -> str:
    """The experiment name from ``config.yaml``, else the folder name."""
    try:
        data = yaml.safe_load(folder.config.read_text(encoding="utf-8"))
        return str(data["name"])
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return folder.path.name


def write_report(run_dir: str | Path, plots: bool = True) -> list[dict[str, Any]]:
    """Rebuild ``summary.json``, ``summary.md`` (and plots) from ``episodes.jsonl``; returns the summary."""
    folder = RunFolder(Path(run_dir))
    if not folder.path.is_dir():
        raise ResultsError(f"{run_dir}: no such run folder")
    summary = summarize(read_rows(folder.episodes))
    atomic_write_text(folder.summary_json, summary_json(summary))
    atomic_write_text(folder.summary_md, markdown(summary, run_title(folder)))
    if plots:
        from agentq.plots import write_plots

        try:
            write_plots(folder, summary)
        except Exception as exc:  # a plot must never cost the run its summary
            print(f"warning: plots not written: {type(exc).__name__}: {exc}", file=sys.stderr)
    return summary


def main(argv: list[str] | None = None) -> int:
    """``python -m agentq.report RUN_DIR [--no-plots]``."""
    parser = argparse.ArgumentParser(prog="python -m agentq.report", description=__doc__)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--no-plots", action="store_true", help="only summary.json and summary.md")
    args = parser.parse_args(argv)
    try:
        summary = write_report(args.run_dir, plots=not args.no_plots)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    console = Console()
    console.print(rich_table(summary, title=run_title(RunFolder(args.run_dir))))
    console.print(f"Report written to {args.run_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
