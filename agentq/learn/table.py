"""The Agent Q results table from a training folder and an evaluation run folder.

``python -m agentq.learn.table --train DIR --run RUN [--out FOLDER]`` writes, into FOLDER (default RUN):

* ``learning_table.md``: one row per stage (base, RFT, outcome DPO, step DPO with MCTS Q only,
  Agent Q) with success without search (sampled at temperature 1 and greedily) and inside MCTS
  (Wilson 95% CI), the precision of the learned judge on the pages that search judged (measured
  in the evaluation, and on held-out train tasks at training), the share of the stage's step pairs
  whose chosen action makes progress, the env steps spent collecting the stage's training data and
  the paper's OpenTable numbers; then the random floor and the privileged expert ceiling; then the
  paired McNemar tests and the share of search's success that the Agent Q policy keeps without search.
* ``learning_per_iteration.png``: the learning curve: success against the collection env steps
  spent so far (0 = the init stage), per iterated stage, with and without search.
* ``learning_table.json``: the same data, machine-readable.

Evaluation agents are named ``<unit>`` (the unit's policy alone, temperature 1), ``<unit>_greedy``
(temperature 0.01) and ``<unit>_mcts`` (its policy, critic and judge inside MCTS), plus ``random``
and ``expert``; missing agents are skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field, ValidationError  # noqa: E402

from agentq.plots import save_figure  # noqa: E402
from agentq.results import atomic_write_text  # noqa: E402
from agentq.stats import wilson_interval  # noqa: E402

STAGE_FILE = "stage.json"
SUMMARY_FILE = "summary.json"
TABLE_MD, TABLE_JSON, ITERATION_PNG = "learning_table.md", "learning_table.json", "learning_per_iteration.png"
MCTS = "_mcts"
GREEDY = "_greedy"
DASH = "—"

# (unit, label, paper success % without search, paper success % with MCTS): Agent Q, OpenTable.
STAGES: tuple[tuple[str, str, float | None, float | None], ...] = (
    ("base", "base (behaviour cloning)", 18.6, None),
    ("rft", "RFT", 67.2, 84.3),
    ("outcome_dpo", "outcome DPO (trajectory)", 71.8, None),
    ("step_dpo_q_only", "step DPO, MCTS Q only (alpha = 1)", 75.2, None),
    ("agentq", "Agent Q", 81.7, 95.4),
)
LABELS = {unit: label for unit, label, _, _ in STAGES}
BASELINES = (("random", "random (floor)"), ("expert", "expert (ceiling, privileged)"))
COMPARISONS = (
    ("agentq", "base"), ("agentq", "rft"), ("agentq", "outcome_dpo"), ("agentq", "step_dpo_q_only"),
    ("agentq_mcts", "agentq"), ("agentq_greedy", "base_greedy"), ("agentq_mcts", "base_mcts"),
)  # fmt: skip
ITERATED = ("agentq", "step_dpo_q_only", "outcome_dpo")  # the first is the main series of the plot
PAPER_KEPT_PCT, EXACT_KEPT_PCT = 86.0, 87.0


class LearningTableError(ValueError):
    """An input that cannot be used; ``path`` is the file or folder at fault."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = Path(path), problem


# ---------------------------------------------------------------------------- inputs


class StageNotes(BaseModel):
    """The parts of a stage's notes the table reads (other notes are kept, not checked)."""

    model_config = ConfigDict(extra="allow")

    collection_env_steps: int | None = None
    init: str | None = None
    iteration: int | None = None


class StageRecord(BaseModel):
    """A ``checkpoints/<unit>/stage.json`` record (see :mod:`agentq.learn.pipeline`)."""

    model_config = ConfigDict(extra="forbid")

    stage: str
    hashes: dict[str, str]
    notes: StageNotes = Field(default_factory=StageNotes)
    copy_of: str | None = None
    collection_env_steps: int | None = None
    iterations: int | None = None
    wall_s: float | None = None  # training wall time (an iterated stage's copy: summed over its iterations)


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SummaryGroup(_Read):
    """One group of ``summary.json`` (only what the table uses)."""

    agent: str
    sweep_point: dict[str, Any] = Field(default_factory=dict)
    episodes: int = Field(ge=0)
    successes: int = Field(ge=0)
    ci_low: float | None = None
    ci_high: float | None = None
    privileged: dict[str, bool] = Field(default_factory=dict)
    quality: dict[str, Any] = Field(default_factory=dict)


class PairedSide(_Read):
    agent: str
    sweep_point: dict[str, Any] = Field(default_factory=dict)
    successes: int


class PairedEntry(_Read):
    """One McNemar comparison of ``summary.json``."""

    a: PairedSide
    b: PairedSide
    tasks: int
    only_a: int
    only_b: int
    p_value: float


class Summary(_Read):
    """``summary.json`` (schema 2; a schema-1 bare list of groups is read with no paired tests)."""

    schema_version: int = 2
    groups: list[SummaryGroup]
    paired: list[PairedEntry] = Field(default_factory=list)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LearningTableError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LearningTableError(path, f"cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise LearningTableError(path, f"not valid JSON ({exc})") from None


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise LearningTableError(path, f"{where}: {err['msg']}") from None


def _folder(path: Path) -> Path:
    if not path.is_dir():
        raise LearningTableError(path, "no such folder")
    return path


def read_stages(train_dir: Path) -> dict[str, StageRecord]:
    """The finished units of a training folder (those with a ``stage.json``), by folder name."""
    checkpoints = _folder(_folder(Path(train_dir)) / "checkpoints")
    out = {}
    for unit in sorted(p for p in checkpoints.iterdir() if p.is_dir() and not p.name.startswith(".")):
        marker = unit / STAGE_FILE
        if marker.is_file():
            out[unit.name] = _validate(StageRecord, _read_json(marker), marker)
    return out


def read_summary(run_dir: Path) -> Summary:
    """The ``summary.json`` of an evaluation run folder."""
    path = _folder(Path(run_dir)) / SUMMARY_FILE
    data = _read_json(path)
    if isinstance(data, list):
        data = {"schema_version": 1, "groups": data}
    if not isinstance(data, dict):
        raise LearningTableError(path, "not a summary (expected an object with 'groups')")
    return _validate(Summary, data, path)


# ---------------------------------------------------------------------------- the table


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rate(_Out):
    """One agent's success with its 95% interval (fractions, as in ``summary.json``)."""

    agent: str
    episodes: int
    successes: int
    success_rate: float
    ci_low: float
    ci_high: float
    ci_from: Literal["summary", "wilson"]


class TableRow(_Out):
    """A stage row (or the random / expert baseline rows)."""

    key: str
    label: str
    kind: Literal["stage", "baseline"]
    no_search: Rate | None = None
    greedy: Rate | None = None
    mcts: Rate | None = None
    search_judge_precision: float | None = None  # the MCTS agent's learned judge, on the pages search judged
    held_out_judge_precision: float | None = None  # the same, measured at training on held-out train tasks
    chosen_makes_progress: float | None = None  # share of the stage's step pairs (last iteration)
    env_steps: int | None = None
    paper_no_search_pct: float | None = None
    paper_mcts_pct: float | None = None


class Comparison(_Out):
    """A paired McNemar test, oriented as ``a`` vs ``b``."""

    a: str
    b: str
    tasks: int
    successes_a: int
    successes_b: int
    only_a: int
    only_b: int
    p_value: float


class Kept(_Out):
    """The share of search's success the policy keeps without search."""

    policy: str
    search: str
    kept_pct: float
    paper_pct: float = PAPER_KEPT_PCT
    exact_pct: float = EXACT_KEPT_PCT


class IterationPoint(_Out):
    iteration: int
    unit: str
    env_steps: int | None = None  # collection env steps spent up to and including this iteration
    no_search: Rate | None = None
    mcts: Rate | None = None


class IterationSeries(_Out):
    """Success per iteration of one iterated stage (iteration 0 is its init stage)."""

    stage: str
    init: str
    points: list[IterationPoint]


class LearningTable(_Out):
    """Everything the outputs show."""

    schema_version: int = 1
    train_dir: str
    run_dir: str
    final_of: str | None = None
    rows: list[TableRow]
    comparisons: list[Comparison]
    kept: Kept | None = None
    series: list[IterationSeries]
    privileged_agents: list[str] = Field(default_factory=list)  # evaluated agents with any privileged component


def _groups(summary: Summary) -> dict[str, SummaryGroup]:
    """One group per agent: the one without a sweep point if any, else its first."""
    out: dict[str, SummaryGroup] = {}
    for g in summary.groups:
        if g.agent not in out or (out[g.agent].sweep_point and not g.sweep_point):
            out[g.agent] = g
    return out


def _rate(groups: dict[str, SummaryGroup], agent: str) -> Rate | None:
    g = groups.get(agent)
    if g is None:
        return None
    if g.ci_low is not None and g.ci_high is not None:
        lo, hi, source = g.ci_low, g.ci_high, "summary"
    else:
        (lo, hi), source = wilson_interval(g.successes, g.episodes), "wilson"
    rate = g.successes / g.episodes if g.episodes else 0.0
    return Rate(agent=agent, episodes=g.episodes, successes=g.successes, success_rate=rate, ci_low=lo, ci_high=hi,
                ci_from=source)  # fmt: skip


def env_steps(unit: str, record: StageRecord | None) -> int | None:
    """Env steps spent collecting the unit's training data (base: 0, expert demos only; unknown: None)."""
    if record is None:
        return None
    if record.collection_env_steps is not None:  # an iterated stage's plain folder: the sum over iterations
        return record.collection_env_steps
    if record.notes.collection_env_steps is not None:
        return record.notes.collection_env_steps
    return 0 if unit == "base" else None


def _note(record: StageRecord | None, *path: str) -> Any:
    """A value deep in a stage's notes (None where any step is missing)."""
    value: Any = record.notes.model_dump() if record is not None else None
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _stage_rows(records: dict[str, StageRecord], groups: dict[str, SummaryGroup]) -> list[TableRow]:
    rows = []
    for unit, label, paper, paper_mcts in STAGES:
        plain, greedy, mcts = _rate(groups, unit), _rate(groups, unit + GREEDY), _rate(groups, unit + MCTS)
        if plain is None and mcts is None and greedy is None:
            continue
        searched = groups.get(unit + MCTS)
        record = records.get(unit)
        rows.append(TableRow(key=unit, label=label, kind="stage", no_search=plain, greedy=greedy, mcts=mcts,
                             search_judge_precision=searched.quality.get("search_judge_precision") if searched else None,
                             held_out_judge_precision=_note(record, "judge", "hardening", "held_out", "search_judge_precision"),
                             chosen_makes_progress=_note(record, "collection", "chosen_makes_progress"),
                             env_steps=env_steps(unit, record), paper_no_search_pct=paper,
                             paper_mcts_pct=paper_mcts))  # fmt: skip
    for agent, label in BASELINES:
        rate = _rate(groups, agent)
        if rate is not None:
            rows.append(TableRow(key=agent, label=label, kind="baseline", no_search=rate))
    return rows


def _comparison(summary: Summary, groups: dict[str, SummaryGroup], a: str, b: str) -> Comparison | None:
    if a not in groups or b not in groups:
        return None
    want = {a: groups[a].sweep_point, b: groups[b].sweep_point}
    for p in summary.paired:
        if {p.a.agent, p.b.agent} != {a, b} or any(s.sweep_point != want[s.agent] for s in (p.a, p.b)):
            continue
        x, y, only_x, only_y = (p.a, p.b, p.only_a, p.only_b) if p.a.agent == a else (p.b, p.a, p.only_b, p.only_a)
        return Comparison(a=a, b=b, tasks=p.tasks, successes_a=x.successes, successes_b=y.successes, only_a=only_x,
                          only_b=only_y, p_value=p.p_value)  # fmt: skip
    return None


def _kept(groups: dict[str, SummaryGroup], policy: str = "agentq") -> Kept | None:
    plain, search = _rate(groups, policy), _rate(groups, policy + MCTS)
    if plain is None or search is None or search.success_rate == 0:
        return None
    return Kept(policy=policy, search=policy + MCTS, kept_pct=100.0 * plain.success_rate / search.success_rate)


def _iterations(stage: str, names: set[str]) -> set[int]:
    pattern = re.compile(rf"^{re.escape(stage)}_iter(\d+)(?:{MCTS})?$")
    return {int(m.group(1)) for m in map(pattern.match, names) if m}


def _series(stage: str, records: dict[str, StageRecord], groups: dict[str, SummaryGroup]) -> IterationSeries | None:
    """Iteration i is ``<stage>_iter<i>`` (the last falls back to the plain ``<stage>`` agents)."""
    iters = _iterations(stage, set(records) | set(groups))
    last = records[stage].iterations if stage in records else None
    if last is None and not iters and (stage in groups or stage + MCTS in groups):
        last = 1
    if last is not None:
        iters.add(last)
    first = records.get(f"{stage}_iter1")
    init = (first.notes.init if first else None) or "base"
    points = [IterationPoint(iteration=0, unit=init, env_steps=0, no_search=_rate(groups, init),
                             mcts=_rate(groups, init + MCTS))]  # fmt: skip
    spent: int | None = 0
    for i in sorted(iters):
        unit = f"{stage}_iter{i}"
        fallback = stage if i == last else unit
        plain = _rate(groups, unit) or _rate(groups, fallback)
        mcts = _rate(groups, unit + MCTS) or _rate(groups, fallback + MCTS)
        steps = records[unit].notes.collection_env_steps if unit in records else None
        spent = spent + steps if spent is not None and steps is not None else None
        points.append(IterationPoint(iteration=i, unit=unit, env_steps=spent, no_search=plain, mcts=mcts))
    points = [p for p in points if p.no_search or p.mcts]
    if not any(p.iteration > 0 for p in points):
        return None
    return IterationSeries(stage=stage, init=init, points=points)


def build_table(train_dir: Path | str, run_dir: Path | str) -> LearningTable:
    """Read both folders and assemble the table (raises :class:`LearningTableError` on bad input)."""
    records = read_stages(Path(train_dir))
    summary = read_summary(Path(run_dir))
    groups = _groups(summary)
    comparisons = [c for a, b in COMPARISONS if (c := _comparison(summary, groups, a, b)) is not None]
    series = [s for stage in ITERATED if (s := _series(stage, records, groups)) is not None]
    final = records.get("final")
    return LearningTable(train_dir=str(train_dir), run_dir=str(run_dir), final_of=final.copy_of if final else None,
                         rows=_stage_rows(records, groups), comparisons=comparisons, kept=_kept(groups),
                         series=series, privileged_agents=sorted(a for a, g in groups.items() if g.privileged.get("any")))  # fmt: skip


# ---------------------------------------------------------------------------- markdown


def _pct(x: float | None) -> str:
    return DASH if x is None else f"{x:.1f}"


def _frac(x: float | None) -> str:
    return DASH if x is None else f"{100 * x:.1f}"


def _cell(rate: Rate | None) -> str:
    if rate is None:
        return DASH
    return (f"{100 * rate.success_rate:.1f} [{100 * rate.ci_low:.1f}, {100 * rate.ci_high:.1f}] "
            f"({rate.successes}/{rate.episodes})")  # fmt: skip


def _steps(n: int | None) -> str:
    return DASH if n is None else f"{n:,}"


def _comparison_line(c: Comparison) -> str:
    b = f"{c.b} (no search)" if c.a == c.b + MCTS else c.b
    return (f"- {c.a} vs {b}: {c.successes_a} vs {c.successes_b} successes on {c.tasks} shared tasks; "
            f"only {c.a} {c.only_a}, only {c.b} {c.only_b}; exact McNemar p = {c.p_value:.3g}")  # fmt: skip


def _kept_line(k: Kept) -> str:
    return (f"- kept: {k.policy} without search / {k.search} = {k.kept_pct:.1f}% "
            f"(paper {k.paper_pct:.0f}%, ExACT {k.exact_pct:.0f}%)")  # fmt: skip


def _iteration_lines(series: list[IterationSeries]) -> list[str]:
    if not series:
        return []
    lines = ["", "## Learning curve (per iteration)", "",
             "| stage | iteration | unit | collection env steps | no search % [95% CI] | MCTS % [95% CI] |",
             "|---|---:|---|---:|---|---|"]  # fmt: skip
    for s in series:
        lines += [f"| {s.stage} | {p.iteration} | {_unit(p)} | {_steps(p.env_steps)} | {_cell(p.no_search)} | {_cell(p.mcts)} |"
                  for p in s.points]  # fmt: skip
    return lines


def _unit(point: IterationPoint) -> str:
    """The iteration's unit, and the agent that stands for it when that is the plain stage."""
    agent = (point.no_search or point.mcts).agent.removesuffix(MCTS)  # type: ignore[union-attr]
    return point.unit if agent == point.unit else f"{point.unit} (evaluated as {agent})"


def render_markdown(table: LearningTable) -> str:
    """The text of ``learning_table.md``."""
    lines = [
        "# Agent Q results table", "",
        f"Training folder `{table.train_dir}`, evaluation run `{table.run_dir}`. Success % with Wilson 95% CI "
        "(successes/episodes); env steps: those spent collecting the stage's own training data. "
        "Paper: Agent Q's OpenTable success %.", "",
        "Training used the environment's reward (the evaluator's verdict) on train tasks only. Agents with a "
        f"privileged component in this evaluation: {', '.join(table.privileged_agents) or 'none'}; every other "
        "row's policy, critic and judge are the learned, non-privileged models.", "",
        "No search: the policy alone, sampled at temperature 1 and greedily (T = 0.01). Judge precision: "
        "the MCTS agent's learned judge on every page its search judged, against the environment's reward "
        "(evaluation; in brackets: the same on held-out train tasks at training). Pairs: share of the "
        "stage's step pairs whose chosen action makes progress (the oracle's measure, training only).", "",
        "| stage | no search, T = 1 % [95% CI] | no search, greedy % [95% CI] | MCTS % [95% CI] "
        "| judge precision % (held-out) | pairs chosen progress % | env steps (training data) "
        "| paper, no search % | paper, MCTS % |",
        "|---|---|---|---|---|---:|---:|---:|---:|",
    ]  # fmt: skip
    for r in table.rows:
        steps = _steps(r.env_steps) if r.kind == "stage" else DASH
        precision = f"{_frac(r.search_judge_precision)} ({_frac(r.held_out_judge_precision)})" if r.kind == "stage" else DASH
        lines.append(f"| {r.label} | {_cell(r.no_search)} | {_cell(r.greedy)} | {_cell(r.mcts)} | {precision} | "
                     f"{_frac(r.chosen_makes_progress)} | {steps} | "
                     f"{_pct(r.paper_no_search_pct)} | {_pct(r.paper_mcts_pct)} |")  # fmt: skip
    tests = [_comparison_line(c) for c in table.comparisons] + ([_kept_line(table.kept)] if table.kept else [])
    if tests:
        lines += ["", "## Comparisons", "", *tests]
    lines += _iteration_lines(table.series)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- plot


def _errorbar(ax: Any, points: list[tuple[float, Rate]], offset: float, **style: Any) -> None:
    if not points:
        return
    xs = [i * (1 + offset) for i, _ in points]
    ys = [100 * r.success_rate for _, r in points]
    low = [100 * (r.success_rate - r.ci_low) for _, r in points]
    high = [100 * (r.ci_high - r.success_rate) for _, r in points]
    ax.errorbar(xs, ys, yerr=[low, high], capsize=3, marker="o", **style)


def _plot_series(ax: Any, s: IterationSeries, main: bool, colours: tuple[str, str], offset: float) -> None:
    x = {p.iteration: (p.env_steps if p.env_steps is not None else p.iteration) / 1000 for p in s.points}
    plain = [(x[p.iteration], p.no_search) for p in s.points if p.no_search]
    mcts = [(x[p.iteration], p.mcts) for p in s.points if p.mcts]
    plain, mcts = ([] if all(i == 0 for i, _ in line) else line for line in (plain, mcts))  # no lone init point
    width, size = (2.0, 6) if main else (1.0, 3)
    label = LABELS.get(s.stage, s.stage)
    _errorbar(ax, plain, offset, color=colours[0], linewidth=width, markersize=size, label=f"{label}, no search")
    _errorbar(ax, mcts, offset + 0.01, color=colours[1], linewidth=width, markersize=size,
              linestyle="-" if main else "--", label=f"{label} + MCTS")  # fmt: skip


def plot_iterations(table: LearningTable, path: Path) -> Path:
    """``learning_per_iteration.png``: success % per iteration, with and without search."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    colours = {"agentq": ("C0", "C1"), "step_dpo_q_only": ("C2", "C3"), "outcome_dpo": ("C4", "C5")}
    for n, s in enumerate(table.series):
        _plot_series(ax, s, s.stage == ITERATED[0], colours.get(s.stage, ("C6", "C7")), 0.02 * n)
    for r in table.rows:
        if r.kind == "baseline" and r.no_search is not None:
            ax.axhline(100 * r.no_search.success_rate, color="grey", linestyle=":", linewidth=1, label=r.label)
    if not table.series:
        ax.text(0.5, 0.5, "no iteration was evaluated", ha="center", va="center", transform=ax.transAxes)
    inits = sorted({s.init for s in table.series}) or ["base"]
    ax.set(xlabel=f"collection env steps, thousands (0 = {', '.join(inits)})", ylabel="success (%)", ylim=(-2, 102),
           title="Learning curve: success against collection env steps (Wilson 95% CI)")  # fmt: skip
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(alpha=0.3)
    return save_figure(fig, path)


# ---------------------------------------------------------------------------- outputs and CLI


def write_outputs(table: LearningTable, out_dir: Path | str) -> dict[str, Path]:
    """Write the markdown, the JSON and the PNG into ``out_dir``; their paths by kind."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out / TABLE_MD, "json": out / TABLE_JSON, "plot": out / ITERATION_PNG}
    atomic_write_text(paths["markdown"], render_markdown(table))
    atomic_write_text(paths["json"], json.dumps(table.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n")
    plot_iterations(table, paths["plot"])
    return paths


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m agentq.learn.table", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--train", type=Path, required=True, metavar="DIR", help="training folder (python -m agentq.train)")
    p.add_argument("--run", type=Path, required=True, metavar="RUN", help="evaluation run folder (python -m agentq.run)")
    p.add_argument("--out", type=Path, metavar="FOLDER", help="where the outputs go (default: RUN)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        paths = write_outputs(build_table(args.train, args.run), args.out or args.run)
    except LearningTableError as exc:
        print(f"error: {exc.path}: {exc.problem}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or args.out or args.run}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
