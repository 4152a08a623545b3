"""Building ``report.html``: one self-contained page (inline CSS/JS, images as data: URIs, no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from agentq.report import point_label, run_title, table_rows
from agentq.results import DIFFICULTY_ORDER, RunFolder, atomic_write_text, is_error
from agentq.summary_sections import (
    PAIRED_HEADER, PAIRS_HEADER, QUALITY_HEADER, has_quality, paired_cells, pairs_cells, quality_cells,
)  # fmt: skip

from .loading import Episode, RunData, data_uri, inside, load_run
from .tree_html import render_tree

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_NAME = "report.html"
MAX_PAIRS = 300  # pairs shown per episode
MAX_TRAJECTORIES = 50  # judged trajectories shown per plan-once search
MAX_TASK_LINKS = 30  # tasks linked from a paired comparison's "only A" / "only B" cell
# Page text inlined in the whole report (characters); beyond it, later steps link to their trace
# file instead. Measured on a 400-episode run (test split, pure and critic_greedy, http; 15 MB of
# traces): every page inlined, report.html is 19.3 MB; with this budget 12.6 MB (7.3 MB of it
# candidate tables and the rest); both load in about 1.1 s in headless Chromium on 2 shared cores.
MAX_PAGE_CHARS = 4_000_000


class PageBudget:
    """The page text still allowed inline, spent in episode order."""

    def __init__(self, chars: int | None = None) -> None:
        self.left = MAX_PAGE_CHARS if chars is None else chars
        self.withheld = 0  # steps whose page was left in the trace file

    def take(self, page: str) -> str | None:
        if len(page) > self.left:
            self.withheld += 1
            return None
        self.left -= len(page)
        return page


def _fmt(x: Any, digits: int = 3) -> str:
    if isinstance(x, bool) or x is None:
        return "-" if x is None else ("yes" if x else "no")
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested dicts as ``{"a.b": "text"}``; lists of scalars joined, other lists as JSON."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return {prefix or "value": ", ".join(_fmt(v) for v in value)}
        return {prefix or "value": json.dumps(value, ensure_ascii=False)}
    return {prefix or "value": _fmt(value)}


def _keyed_table(title: str, caption: str, entries: list[tuple[list[str], dict[str, str]]],
                 lead: list[str]) -> dict[str, Any]:  # fmt: skip
    keys = list(dict.fromkeys(k for _, flat in entries for k in flat))
    return {"title": title, "caption": caption, "header": [*lead, *keys],
            "rows": [[*first, *(flat.get(k, "-") for k in keys)] for first, flat in entries]}  # fmt: skip


def _quality_table(groups: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not has_quality(groups):
        return None
    try:
        rows = quality_cells(groups, point_label)
    except (KeyError, TypeError, AttributeError, ValueError):  # another shape: show its fields as they are
        entries = [([str(g.get("agent")), point_label(str(g.get("agent")), g.get("sweep_point") or {})],
                    flatten(g.get("quality") or {})) for g in groups]  # fmt: skip
        return _keyed_table("Measured component quality", "Quality measures per agent", entries,
                            ["Agent", "Sweep point"])  # fmt: skip
    return {"title": "Measured component quality (%)", "header": QUALITY_HEADER, "rows": rows,
            "caption": "On the states the acting env visited: policy samples that made progress (and that were the "
                       "expert's action), critic top picks that made progress (coverage: decisions with such a "
                       "candidate), judge precision and recall against the evaluator on the final state; search "
                       "judge: the same on every page the agent's search judged, against the environment's reward "
                       "there ('-': no search judged anything)"}  # fmt: skip


def _pairs_table(groups: list[dict[str, Any]]) -> dict[str, Any] | None:
    try:
        rows = pairs_cells(groups, point_label)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    if not rows:
        return None
    return {"title": "Preference pairs", "header": PAIRS_HEADER, "rows": rows,
            "caption": "Pairs the searches saved; measured: at the pair's state by the runner's oracle (not on a "
                       "site without an expert); the share (%) whose chosen and rejected action makes "
                       "progress"}  # fmt: skip


def _group_key(agent: Any, point: Any) -> tuple[str, str]:
    return str(agent), json.dumps(point or {}, sort_keys=True)


def _only_links(data: RunData, paired: list[dict[str, Any]]) -> list[tuple[Markup, Markup]]:
    """Per compared pair, the "only A" and "only B" cells: the count, then a link to each task's
    episode of the agent that solved it (at most MAX_TASK_LINKS per cell)."""
    episodes: dict[tuple[str, str], dict[str, tuple[int, bool]]] = {}
    for ep in data.episodes:
        r = ep.row
        key = _group_key(r.get("agent"), r.get("sweep_point"))
        episodes.setdefault(key, {})[str(r.get("task_id"))] = (ep.index, bool(r.get("success")) and not is_error(r))
    out = []
    for p in paired:
        a = episodes.get(_group_key(p["a"]["agent"], p["a"]["sweep_point"]), {})
        b = episodes.get(_group_key(p["b"]["agent"], p["b"]["sweep_point"]), {})
        shared = [t for t in a if t in b]
        cells = []
        for mine, other, count in ((a, b, p["only_a"]), (b, a, p["only_b"])):
            solved = [t for t in shared if mine[t][1] and not other[t][1]]
            links = [f'<a href="#ep-{mine[t][0]}">{escape(t)}</a>' for t in solved[:MAX_TASK_LINKS]]
            more = f" and {len(solved) - MAX_TASK_LINKS} more" if len(solved) > MAX_TASK_LINKS else ""
            cells.append(Markup(f"{escape(str(count))}" + (f": {', '.join(links)}{more}" if links else "")))
        out.append((cells[0], cells[1]))
    return out


def _paired_table(paired: Any, data: RunData | None = None) -> dict[str, Any]:
    try:
        rows = paired_cells(paired, point_label)
        if data is not None:
            for row, (only_a, only_b) in zip(rows, _only_links(data, paired)):
                row[5], row[6] = only_a, only_b
        return {"title": "Paired comparisons (same tasks)", "header": PAIRED_HEADER, "rows": rows,
                "caption": "Only A / Only B: tasks one agent solved and the other did not; "
                           "exact two-sided McNemar test; each task links to the episode of the agent that solved it"}  # fmt: skip
    except (KeyError, TypeError, AttributeError, ValueError):
        return _generic_table("Paired comparisons", "paired", paired)


def _generic_table(title: str, key: str, value: Any) -> dict[str, Any]:
    caption = f"The '{key}' section of summary.json"
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return _keyed_table(title, caption, [([], flatten(v)) for v in value], [])
    return {"title": title, "caption": caption, "header": ["Field", "Value"],
            "rows": [[k, v] for k, v in flatten(value).items()]}  # fmt: skip


def extra_tables(data: RunData) -> list[dict[str, Any]]:
    """Tables for the optional summary sections: per-group ``quality``, top-level ``paired`` and any other."""
    blocks = []
    quality = _quality_table(data.summary.groups)
    if quality:
        blocks.append(quality)
    pairs = _pairs_table(data.summary.groups)
    if pairs:
        blocks.append(pairs)
    if data.summary.paired:
        blocks.append(_paired_table(data.summary.paired, data))
    for key, value in data.summary.extra.items():
        blocks.append(_generic_table(key.replace("_", " ").capitalize(), key, value))
    return blocks


def _difficulty_table(groups: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    diffs = list(dict.fromkeys(d for g in groups for d in (g.get("by_difficulty") or {})))
    cells = []
    for g in groups:
        row = [str(g.get("agent")), point_label(str(g.get("agent")), g.get("sweep_point") or {})]
        for d in diffs:
            b = (g.get("by_difficulty") or {}).get(d)
            row.append("-" if not b else f"{100 * b['success_rate']:.1f} ({b['successes']}/{b['episodes']})")
        cells.append(row)
    return diffs, cells


def _outcome(row: dict[str, Any]) -> tuple[str, str]:
    if is_error(row):
        return "error", "Error"
    return ("success", "Success") if row.get("success") else ("failure", "Failure")


def _plot_alt(name: str) -> str:
    stem = Path(name).stem
    if stem.startswith("tree_"):
        return (f"Drawing of the saved search tree {stem[5:]}: nodes coloured by Q, sized by visits, "
                "the chosen path highlighted")
    return "Plot: " + stem.replace("_", " ")


def _step_tree(ep: Episode, step: int) -> dict[str, Any]:
    """The search tree of a later decision (saved beside the first decision's), drawn."""
    view = ep.step_trees.get(step) if step > 0 else None
    if view is None:
        return {"tree_html": None, "tree_nodes": 0}
    label = f"Search tree of episode {ep.index} at step {step + 1}"
    return {"tree_html": render_tree(view, f"ep-{ep.index}-tree-{step}", label), "tree_nodes": len(view.nodes)}


def _trajectories(judged: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A plan-once search's judged trajectories, the chosen one first, at most MAX_TRAJECTORIES."""
    if not judged:
        return {"trajectories": [], "trajectories_more": 0}
    ordered = sorted(judged, key=lambda t: not t.get("chosen"))  # stable: the rest in the order found
    rows = [{"actions": " > ".join(t.get("actions") or []) or "(none)", "verdict": _fmt(t.get("verdict")),
             "chosen": bool(t.get("chosen")), "length": len(t.get("actions") or [])}
            for t in ordered[:MAX_TRAJECTORIES]]  # fmt: skip
    return {"trajectories": rows, "trajectories_more": max(0, len(judged) - MAX_TRAJECTORIES)}


def _steps(data: RunData, ep: Episode, budget: PageBudget) -> list[dict[str, Any]]:
    steps = []
    for k, s in enumerate(ep.trace.steps if ep.trace else []):
        proposals = []
        aligned = s.critic_scores is not None and s.proposals is not None and len(s.critic_scores) == len(s.proposals)
        stats = s.candidate_stats if s.candidate_stats and len(s.candidate_stats) == len(s.proposals or []) else None
        for i, (action, prob) in enumerate(s.proposals or []):
            critic = s.critic_scores[i] if aligned and s.critic_scores else None
            searched = stats[i] if stats else {}
            proposals.append({"action": action, "prob": _fmt(prob), "critic": _fmt(critic),
                              "visits": _fmt(searched.get("visits")), "q": _fmt(searched.get("q")),
                              "taken": action == s.action})  # fmt: skip
        loose = None if aligned or not s.critic_scores else ", ".join(_fmt(c) for c in s.critic_scores)
        shot, note = None, None
        if s.screenshot:
            shot = data_uri(inside(data.path, s.screenshot))
            note = None if shot else f"Screenshot {s.screenshot} is missing or too large to inline."
        steps.append({"action": s.action, "url": s.url, "error": s.error, "page": budget.take(s.page or ""),
                      "proposals": proposals,
                      "searched": stats is not None, "screenshot": shot, "screenshot_note": note,
                      "critic_scores": loose, **_trajectories(s.trajectories), **_step_tree(ep, k)})  # fmt: skip
    return steps


def _node_path(pair: Any) -> str:
    """The actions from the episode's start to the pair's node (the prompt's history; the pair's own
    `path` is relative to the tree's root, which moves with every decision)."""
    actions = list(pair.prompt.history) or list(pair.path)
    return " > ".join(actions) or "(episode start)"


def _episode(data: RunData, ep: Episode, budget: PageBudget) -> dict[str, Any]:
    row = ep.row
    outcome, label = _outcome(row)
    agent, task = str(row.get("agent")), str(row.get("task_id"))
    difficulty = str(row.get("difficulty") or "unknown")
    anchor = f"ep-{ep.index}"
    facts = [("Difficulty", difficulty), ("Sweep point", point_label(agent, row.get("sweep_point") or {}))]
    facts += [(name, _fmt(row.get(key))) for name, key in (("Steps taken", "steps"), ("Env steps", "env_steps"),
              ("Simulations", "simulations"), ("Final URL", "final_url")) if key in row]  # fmt: skip
    components = row.get("components") or {}
    if components:
        facts.append(("Components", ", ".join(f"{k}: {_fmt(v)}" for k, v in components.items())))
    privileged = [k for k, v in (row.get("privileged") or {}).items() if v and k != "any"]
    facts.append(("Privileged", ", ".join(privileged) or "none"))
    notes = [e for e in (ep.trace_error, ep.tree_error, ep.pairs_error) if e]
    saved = [name for name, present in (("trace", ep.trace), ("tree", ep.tree), ("pairs", ep.pairs)) if present]
    view: dict[str, Any] = {
        "index": ep.index, "anchor": anchor, "task_id": task, "agent": agent, "difficulty": difficulty,
        "sweep": point_label(agent, row.get("sweep_point") or {}), "outcome": outcome, "outcome_label": label,
        "partial": _fmt(row.get("partial")), "steps_taken": _fmt(row.get("steps")), "saved": ", ".join(saved) or "-",
        "search": f"{task} {agent}".lower(), "goal": ep.trace.goal if ep.trace else "", "facts": facts,
        "error": row.get("error") or (ep.trace.error if ep.trace else None), "traceback": row.get("traceback"),
        "notes": notes, "steps": _steps(data, ep, budget), "actions": row.get("actions") or [],
        "trace_file": f"traces/{ep.trace_name}" if ep.trace_name else None,
        "final": ep.trace.final if ep.trace else None, "tree_html": None, "pairs": [], "pairs_more": 0,
    }  # fmt: skip
    if ep.tree is not None:
        kind = "marked chosen in the file" if ep.tree.marked else "most visited (the file marks no chosen path)"
        view["tree_note"] = (f"{len(ep.tree.nodes)} nodes from {ep.tree_name}. Each node: action, visits, Q, critic "
                             f"score. The highlighted, open path is the {kind}.")  # fmt: skip
        view["tree_html"] = render_tree(ep.tree, f"{anchor}-tree", f"Search tree of episode {ep.index}")
    if ep.pairs:
        view["pairs"] = [{"depth": p.depth, "path": _node_path(p), "chosen": p.chosen,
                          "rejected": p.rejected, "chosen_value": _fmt(p.chosen_value),
                          "rejected_value": _fmt(p.rejected_value), "goal": p.prompt.goal,
                          "chosen_progress": _fmt(p.chosen_makes_progress),
                          "rejected_progress": _fmt(p.rejected_makes_progress),
                          "history": ", ".join(p.prompt.history) or "(none)", "observation": p.prompt.observation}
                         for p in ep.pairs[:MAX_PAIRS]]  # fmt: skip
        view["pairs_more"] = max(0, len(ep.pairs) - MAX_PAIRS)
    return view


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)  # fmt: skip


def render_report(data: RunData, title: str) -> str:
    """The HTML text of the report for ``data``."""
    header, cells = table_rows(data.summary.groups)
    difficulties, diff_cells = _difficulty_table(data.summary.groups)
    budget = PageBudget()
    episodes = [_episode(data, ep, budget) for ep in data.episodes]
    known = set(DIFFICULTY_ORDER)
    all_diffs = sorted({e["difficulty"] for e in episodes},
                       key=lambda d: (DIFFICULTY_ORDER.index(d) if d in known else len(known), d))  # fmt: skip
    hashes = {r.row.get("config_hash") for r in data.episodes if r.row.get("config_hash")}
    env = _environment()
    return env.get_template("report.html.j2").render(
        title=title,
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        js=(TEMPLATES / "report.js").read_text(encoding="utf-8"),
        n_episodes=len(episodes),
        config_hash=next(iter(hashes)) if len(hashes) == 1 else None,
        schema_version=data.summary.schema_version,
        problems=data.problems,
        summary_header=header,
        summary_cells=cells,
        summary_numeric=set(range(2, 9)),
        difficulties=difficulties,
        difficulty_cells=diff_cells if difficulties else [],
        filter_difficulties=all_diffs,
        extra_tables=extra_tables(data),
        plots=[(name, uri, _plot_alt(name)) for name, uri in data.plots],
        episodes=episodes,
        agents=list(dict.fromkeys(e["agent"] for e in episodes)),
        tree_links=[(e["anchor"], f"Episode {e['index']}: {e['task_id']} ({e['agent']})")
                    for e in episodes if e["tree_html"]],  # fmt: skip
        orphans=data.orphans,
        pages_withheld=budget.withheld,
    )


def write_html_report(run_dir: str | Path) -> Path:
    """Write ``RUN_DIR/report.html`` from the run folder's files; returns its path."""
    run_dir = Path(run_dir)
    data = load_run(run_dir)
    path = run_dir / REPORT_NAME
    atomic_write_text(path, render_report(data, run_title(RunFolder(run_dir))))
    return path
