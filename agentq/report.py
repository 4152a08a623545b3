"""Summary tables and the run report; ``python -m agentq.report RUN_DIR`` rebuilds them from the JSONL."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from agentq.results import ResultsError, RunFolder, atomic_write_text, read_rows, summary_document, summary_json
from agentq.summary_sections import (
    PAIRED_HEADER, PAIRS_HEADER, QUALITY_HEADER, has_quality, paired_cells, pairs_cells, quality_cells,
)  # fmt: skip


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


def _calls(calls: dict[str, float] | None) -> str:
    """Mean policy samples / critic calls / judge calls per episode ("-" when not counted)."""
    if not calls:
        return "-"
    return "/".join(f"{calls.get(k, 0):.0f}" for k in ("policy_samples", "critic_calls", "judge_calls"))


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


TEXT_WORD_LIMIT = 16  # longer words in text columns may be folded


class SummaryTable:
    """The summary for a terminal: one wide table when it fits the width, else one block per agent
    and sweep point (label: value lines). Text folds; numbers are never cut."""

    def __init__(self, summary: list[dict[str, Any]], title: str | None = None) -> None:
        self.header, self.cells = table_rows(summary)
        self.title = title

    def wide(self) -> Table:
        """All groups in one table, a column per field."""
        table = Table(title=self.title)
        for i, h in enumerate(self.header):
            if 2 <= i <= 8:  # numbers: kept whole, right-aligned
                width = max(len(row[i]) for row in self.cells) if self.cells else 0
                table.add_column(h, justify="right", no_wrap=True, min_width=width, overflow="fold")
            else:
                table.add_column(h, justify="left", overflow="fold")
        for row in self.cells:
            table.add_row(*(Text(c) for c in row))
        return table

    def tall(self) -> Group:
        """One two-column block per group, for narrow terminals."""
        blocks: list[Any] = [Text(self.title, style="bold")] if self.title else []
        for row in self.cells:
            name = row[0] if row[1] == "-" else f"{row[0]} at {row[1]}"
            block = Table(show_header=False, title=name, title_justify="left", title_style="bold")
            block.add_column("field", style="bold", overflow="fold")
            block.add_column("value", overflow="fold")
            for h, c in zip(self.header[2:], row[2:]):
                block.add_row(Text(h), Text(c))
            blocks.append(block)
        return Group(*blocks)

    def min_width(self) -> int:
        """Columns the wide table needs: whole numbers, and no word of a header or text cell split."""
        widths = []
        for i, h in enumerate(self.header):
            words = [w for text in [h, *(row[i] for row in self.cells)] for w in text.split()]
            longest = max((len(w) for w in words), default=1)
            if 2 <= i <= 8:
                widths.append(max([longest, *(len(row[i]) for row in self.cells)]))
            else:
                widths.append(min(longest, TEXT_WORD_LIMIT))
        return sum(widths) + 3 * len(widths) + 1  # padding and borders

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide() if self.min_width() <= options.max_width else self.tall()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        wide = Measurement.get(console, options, self.wide())
        return Measurement(min(self.min_width(), options.max_width), wide.maximum).clamp(max_width=options.max_width)


def rich_table(summary: list[dict[str, Any]], title: str | None = None) -> SummaryTable:
    """The summary as a rich renderable that stays readable at any width (see :class:`SummaryTable`)."""
    return SummaryTable(summary, title)


def summary_console() -> Console:
    """A console for the summary: the terminal's width, or 160 columns when writing to a pipe or file."""
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=160)
    return console


def _md(header: list[str], cells: list[list[str]]) -> list[str]:
    esc = [[c.replace("|", "\\|") for c in row] for row in [header, *cells]]
    lines = ["| " + " | ".join(esc[0]) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in esc[1:]]


def markdown(summary: list[dict[str, Any]], title: str, paired: list[dict[str, Any]] | None = None) -> str:
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
    if any(g.get("mean_model_calls") for g in summary):
        out += ["", "## Model calls per episode", "",
                "What a real model would bill, counted the same way for every kind: policy samples, critic",
                "calls and judge calls of the agent (the quality measurements' own calls are not counted).", ""]
        out += _md(["Agent", "Sweep point", "Env steps", "Policy samples / critic calls / judge calls"],
                   [[g["agent"], point_label(g["agent"], g["sweep_point"]), _num(g["mean_env_steps"]),
                     _calls(g.get("mean_model_calls"))] for g in summary])  # fmt: skip
    if has_quality(summary):
        out += ["", "## Measured component quality (%)", "",
                "On the states the acting env visited: the share of the policy's samples that made progress (and",
                "that were the expert's own action), of decisions where the critic's top pick made progress (among",
                "those with such a candidate; coverage is their share), and the judge's precision and recall",
                "against the evaluator on the final states. Search judge: the same on every page the agent's",
                "search asked its judge about, against the environment's reward there (the episode ended and the",
                "evaluator accepts it); '-' where no search judged anything.", ""]  # fmt: skip
        out += _md(QUALITY_HEADER, quality_cells(summary, point_label))
    pairs = pairs_cells(summary, point_label)
    if pairs:
        out += ["", "## Preference pairs", "",
                "The pairs the agents' searches saved (pairs/): how many, how many were measured at the pair's",
                "state by the runner's oracle (none on a site without an expert), and the share (%) whose chosen",
                "and whose rejected action makes progress there (measured only, never used to build the pairs).", ""]
        out += _md(PAIRS_HEADER, pairs)
    if paired:
        out += ["", "## Paired comparisons (same tasks)", "",
                "Only A / Only B: tasks one agent solved and the other did not; exact two-sided McNemar test.", ""]
        out += _md(PAIRED_HEADER, paired_cells(paired, point_label))
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


def write_report(run_dir: str | Path, plots: bool = True, html: bool = True) -> list[dict[str, Any]]:
    """Rebuild ``summary.json``, ``summary.md`` (and plots, and ``report.html``) from ``episodes.jsonl``;
    returns the summary. A plot or HTML failure is a warning, never the loss of the summary."""
    folder = RunFolder(Path(run_dir))
    if not folder.path.is_dir():
        raise ResultsError(f"{run_dir}: no such run folder")
    if not folder.episodes.exists() and not folder.config.exists():
        raise ResultsError(f"{run_dir}: not a run folder (it has neither episodes.jsonl nor config.yaml)")
    document = summary_document(read_rows(folder.episodes))
    summary = document["groups"]
    atomic_write_text(folder.summary_json, summary_json(document))
    atomic_write_text(folder.summary_md, markdown(summary, run_title(folder), document["paired"]))
    if plots:
        from agentq.plots import write_plots

        try:
            write_plots(folder, summary)
        except Exception as exc:  # a plot must never cost the run its summary
            print(f"warning: plots not written: {type(exc).__name__}: {exc}", file=sys.stderr)
    if html:
        from agentq.html_report import write_html_report

        try:
            write_html_report(folder.path)
        except Exception as exc:
            print(f"warning: report.html not written: {type(exc).__name__}: {exc}", file=sys.stderr)
    return summary


def main(argv: list[str] | None = None) -> int:
    """``python -m agentq.report RUN_DIR [--no-plots] [--html]``."""
    parser = argparse.ArgumentParser(prog="python -m agentq.report", description=__doc__)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--no-plots", action="store_true", help="only summary.json and summary.md")
    parser.add_argument("--html", action="store_true", help="also write RUN_DIR/report.html, one self-contained page")
    args = parser.parse_args(argv)
    try:
        summary = write_report(args.run_dir, plots=not args.no_plots, html=args.html)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    console = summary_console()
    console.print(rich_table(summary, title=run_title(RunFolder(args.run_dir))))
    console.print(f"Report written to {args.run_dir}", highlight=False, markup=False, soft_wrap=True)
    if args.html:
        page = RunFolder(args.run_dir).path / "report.html"
        if page.is_file():
            console.print(f"HTML report: {page}", highlight=False, markup=False, soft_wrap=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
