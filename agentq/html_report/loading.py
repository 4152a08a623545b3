"""Everything the HTML report shows, read from a run folder (a bad file costs its section, not the report)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agentq.planner.preferences import PairLine
from agentq.results import RunFolder, read_rows, summarize, unique_rows

from .models import Trace
from .trees import TreeView, read_tree

MAX_IMAGE_BYTES = 8 * 1024 * 1024  # larger images are linked, not inlined


@dataclass
class Summary:
    """``summary.json``: the per agent x sweep point groups, and the optional newer sections."""

    groups: list[dict[str, Any]]
    paired: Any = None
    schema_version: Any = None
    extra: dict[str, Any] = field(default_factory=dict)  # other top-level sections, shown as they are


@dataclass
class Episode:
    """One episode: its row, and the trace, tree and pairs saved for it (or why they could not be read)."""

    row: dict[str, Any]
    trace: Trace | None = None
    trace_name: str | None = None
    trace_error: str | None = None
    tree: TreeView | None = None
    tree_name: str | None = None
    tree_error: str | None = None
    step_trees: dict[int, TreeView] = field(default_factory=dict)  # later decisions' trees by step
    pairs: list[PairLine] | None = None
    pairs_error: str | None = None

    @property
    def index(self) -> int:
        return int(self.row["index"])


@dataclass
class RunData:
    """A run folder as the report sees it."""

    path: Path
    summary: Summary
    episodes: list[Episode]
    plots: list[tuple[str, str]]  # (file name, data: URI)
    orphans: list[str] = field(default_factory=list)  # files that name no episode of episodes.jsonl
    problems: list[str] = field(default_factory=list)  # files that could not be read at all


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()[:5])
    return f"{type(exc).__name__}: {exc}"


def read_summary(folder: RunFolder, rows: list[dict[str, Any]]) -> Summary:
    """Groups from ``summary.json`` (a list, or an object holding one); computed from the rows when absent."""
    if not folder.summary_json.is_file():
        return Summary(groups=summarize(rows))
    data = json.loads(folder.summary_json.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return Summary(groups=[g for g in data if isinstance(g, dict)])
    if not isinstance(data, dict):
        raise ValueError(f"{folder.summary_json}: neither a list nor an object")
    key = next((k for k in ("groups", "summary", "agents") if isinstance(data.get(k), list)), None)
    groups = [g for g in data.get(key, []) if isinstance(g, dict)] if key else summarize(rows)
    extra = {k: v for k, v in data.items() if k not in (key, "paired", "schema_version")}
    return Summary(groups=groups, paired=data.get("paired"), schema_version=data.get("schema_version"), extra=extra)


def index_of(path: Path) -> int | None:
    """The episode index a saved file names: ``000003-hybrid-dev-0002.json`` or ``00003.json`` -> 3."""
    m = re.match(r"(\d+)", path.name)
    return int(m.group(1)) if m else None


def inside(run_dir: Path, relative: str) -> Path:
    """``run_dir / relative`` when that stays inside the run folder, else a path that does not exist."""
    base = Path(run_dir).resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) else base / ".outside-the-run-folder"


def data_uri(path: Path, mime: str = "image/png") -> str | None:
    """The file as a ``data:`` URI, or None when it is missing or too large to inline."""
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        return None


STEP_TREE = re.compile(r"\.step-(\d+)\.json$")  # a later decision's tree beside the first one's


def _files(folder: Path, pattern: str) -> dict[int, Path]:
    out: dict[int, Path] = {}
    if folder.is_dir():
        for p in sorted(folder.glob(pattern)):
            i = index_of(p)
            if i is not None and p.is_file() and not STEP_TREE.search(p.name):
                out.setdefault(i, p)
    return out


def _step_trees(folder: Path) -> dict[int, dict[int, Path]]:
    """Per episode index, the trees of its later decisions by step (``<name>.step-NNN.json``)."""
    out: dict[int, dict[int, Path]] = {}
    if folder.is_dir():
        for p in sorted(folder.glob("*.step-*.json")):
            m, i = STEP_TREE.search(p.name), index_of(p)
            if m and i is not None and p.is_file():
                out.setdefault(i, {})[int(m.group(1))] = p
    return out


def _read_pairs(path: Path) -> list[PairLine]:
    pairs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                pairs.append(PairLine.model_validate_json(line))
            except ValidationError as exc:
                raise ValueError(f"line {n}: {_why(exc)}") from None
    return pairs


def load_run(run_dir: Path) -> RunData:
    """Read rows, summary, traces, trees, pairs and plots of ``run_dir``."""
    folder = RunFolder(Path(run_dir))
    rows = unique_rows(read_rows(folder.episodes))
    problems: list[str] = []
    try:
        summary = read_summary(folder, rows)
    except (OSError, ValueError) as exc:
        problems.append(f"summary.json: {_why(exc)}")
        summary = Summary(groups=summarize(rows))
    episodes = {int(r["index"]): Episode(row=r) for r in rows}
    traces = _files(folder.path / "traces", "*.json")
    trees = _files(folder.trees, "*.json")
    later = _step_trees(folder.trees)
    pairs = _files(folder.path / "pairs", "*.jsonl")
    orphans = [f"{kind}/{p.name}" for kind, files in (("traces", traces), ("trees", trees), ("pairs", pairs))
               for i, p in files.items() if i not in episodes]  # fmt: skip
    for i, ep in episodes.items():
        if i in traces:
            ep.trace_name = traces[i].name
            try:
                ep.trace = Trace.model_validate_json(traces[i].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                ep.trace_error = f"traces/{traces[i].name}: {_why(exc)}"
        if i in trees:
            ep.tree_name = trees[i].name
            try:
                ep.tree = read_tree(trees[i])
            except (OSError, ValueError) as exc:
                ep.tree_error = f"trees/{trees[i].name}: {_why(exc)}"
        for step, path in later.get(i, {}).items():
            try:
                ep.step_trees[step] = read_tree(path)
            except (OSError, ValueError) as exc:
                ep.tree_error = f"trees/{path.name}: {_why(exc)}"
        if i in pairs:
            try:
                ep.pairs = _read_pairs(pairs[i])
            except (OSError, ValueError) as exc:
                ep.pairs_error = f"pairs/{pairs[i].name}: {_why(exc)}"
    plots = []
    if folder.plots.is_dir():
        for p in sorted(folder.plots.glob("*.png")):
            uri = data_uri(p)
            if uri:
                plots.append((p.name, uri))
    return RunData(folder.path, summary, [episodes[i] for i in sorted(episodes)], plots, orphans, problems)
