"""PNG plots of a run: success vs sweep value, success by difficulty, saved search trees."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402

from agentq.html_report.loading import STEP_TREE  # noqa: E402
from agentq.html_report.trees import chosen_path, short_action  # noqa: E402
from agentq.report import point_label  # noqa: E402
from agentq.results import RunFolder, tmp_path  # noqa: E402

MAX_TREE_PLOTS = 3
MAX_TREE_LABELS = 40  # labelled nodes per tree plot (the chosen path always)
TREE_LABEL_CHARS = 18
PATH_COLOUR = "#c0392b"


def save_figure(fig: Any, path: Path) -> Path:
    """Write `fig` as a PNG atomically and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(path)
    try:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return path


def _rel_key(key: str) -> str:
    parts = key.split(".", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "agents" else key


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _values(summary: list[dict[str, Any]], rel: str) -> set[float]:
    return {float(v) for g in summary for k, v in g["sweep_point"].items() if _rel_key(k) == rel and _is_number(v)}


def _log2_axis(rel: str, xs: list[float]) -> bool:
    if not xs or min(xs) <= 0:
        return False
    powers = all(float(x).is_integer() and (int(x) & (int(x) - 1)) == 0 for x in xs)
    return rel.endswith("simulations") or (powers and len(set(xs)) >= 3)


def plot_success_vs_sweep(summary: list[dict[str, Any]], rel: str, path: Path) -> Path:
    """Success (Wilson band) vs a swept field; agents that do not vary on it are flat lines + bands."""
    xs = sorted(_values(summary, rel))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    agents = list(dict.fromkeys(g["agent"] for g in summary))
    for agent in agents:
        groups = [g for g in summary if g["agent"] == agent]
        varying = [g for g in groups if any(_rel_key(k) == rel for k in g["sweep_point"])]
        if varying:
            lines: dict[str, list[tuple[float, dict[str, Any]]]] = {}
            for g in varying:
                x = next(v for k, v in g["sweep_point"].items() if _rel_key(k) == rel)
                if not _is_number(x):
                    continue
                rest = {k: v for k, v in g["sweep_point"].items() if _rel_key(k) != rel}
                label = agent + (f" ({point_label(agent, rest)})" if rest else "")
                lines.setdefault(label, []).append((float(x), g))
            for label, pts in lines.items():
                pts.sort(key=lambda p: p[0])
                px = [p[0] for p in pts]
                (line,) = ax.plot(px, [p[1]["success_rate"] for p in pts], marker="o", label=label)
                ax.fill_between(px, [p[1]["ci_low"] for p in pts], [p[1]["ci_high"] for p in pts],
                                color=line.get_color(), alpha=0.2)  # fmt: skip
        else:
            for g in groups:
                label = agent + (f" ({point_label(agent, g['sweep_point'])})" if g["sweep_point"] else "") + " (fixed)"
                (line,) = ax.plot(xs, [g["success_rate"]] * len(xs), linestyle="--", label=label)
                lows, highs = [g["ci_low"]] * len(xs), [g["ci_high"]] * len(xs)
                ax.fill_between(xs, lows, highs, color=line.get_color(), alpha=0.12)
    if _log2_axis(rel, xs):
        ax.set_xscale("log", base=2)
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{x:g}" for x in xs])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(rel)
    ax.set_ylabel("success rate (Wilson 95%)")
    ax.set_title(f"Success vs {rel}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(fig, path)


BUDGET_KEY = "planner.episode_env_steps"


def plot_success_vs_env_steps(summary: list[dict[str, Any]], path: Path) -> Path:
    """Success (Wilson error bars) against the env steps per episode each group actually used:
    one line per agent and setting, over its swept budgets; agents without a budget are points."""
    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    lines: dict[str, list[dict[str, Any]]] = {}
    for g in summary:
        if g.get("mean_env_steps") is None:
            continue
        rest = {k: v for k, v in g["sweep_point"].items() if _rel_key(k) != BUDGET_KEY}
        label = g["agent"] + (f" ({point_label(g['agent'], rest)})" if rest else "")
        lines.setdefault(label, []).append(g)
    for label, groups in lines.items():
        groups.sort(key=lambda g: g["mean_env_steps"])
        xs = [g["mean_env_steps"] for g in groups]
        ys = [g["success_rate"] for g in groups]
        errors = [[max(0.0, y - g["ci_low"]) for y, g in zip(ys, groups)],
                  [max(0.0, g["ci_high"] - y) for y, g in zip(ys, groups)]]  # fmt: skip
        style = "-o" if len(groups) > 1 else "s"
        ax.errorbar(xs, ys, yerr=errors, fmt=style, capsize=3, label=label, alpha=0.9)
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("env steps per episode (search + acting, mean)")
    ax.set_ylabel("success rate (Wilson 95%)")
    ax.set_title("Success vs compute")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return save_figure(fig, path)


def plot_success_by_difficulty(summary: list[dict[str, Any]], path: Path) -> Path:
    """Grouped bars: success per difficulty for each agent x sweep point, with Wilson error bars."""
    diffs = list(dict.fromkeys(d for g in summary for d in g["by_difficulty"]))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(diffs) * max(1, len(summary)) ** 0.5 + 3), 4.5))
    width = 0.8 / max(1, len(summary))
    for i, g in enumerate(summary):
        xs, ys, lo, hi = [], [], [], []
        for j, d in enumerate(diffs):
            b = g["by_difficulty"].get(d)
            if b:
                xs.append(j - 0.4 + width * (i + 0.5))
                ys.append(b["success_rate"])
                lo.append(max(0.0, b["success_rate"] - b["ci_low"]))
                hi.append(max(0.0, b["ci_high"] - b["success_rate"]))
        label = g["agent"] + (f" ({point_label(g['agent'], g['sweep_point'])})" if g["sweep_point"] else "")
        ax.bar(xs, ys, width=width, yerr=[lo, hi], capsize=2, label=label)
    ax.set_xticks(range(len(diffs)))
    ax.set_xticklabels(diffs)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("success rate (Wilson 95%)")
    ax.set_title("Success by difficulty")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return save_figure(fig, path)


def load_tree(path: Path) -> nx.DiGraph:
    """Read a node-link JSON tree (``edges`` or legacy ``links`` key) as a DiGraph."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    key = "links" if "links" in data and "edges" not in data else "edges"
    return nx.DiGraph(nx.node_link_graph(data, directed=True, multigraph=False, edges=key))


def tree_layout(graph: nx.DiGraph) -> dict[Any, tuple[float, float]]:
    """Hierarchical positions: y = -depth, leaves spread left to right, parents over their children."""
    roots = [n for n in graph.nodes if graph.in_degree(n) == 0] or list(graph.nodes)[:1]
    pos: dict[Any, tuple[float, float]] = {}
    next_x = 0.0
    for root in roots:
        stack: list[tuple[Any, int, bool]] = [(root, 0, False)]
        while stack:
            node, depth, expanded = stack.pop()
            kids = [c for c in graph.successors(node) if c not in pos]
            if not expanded and kids:
                stack.append((node, depth, True))
                stack.extend((c, depth + 1, False) for c in reversed(kids))
            elif kids or expanded:
                children = [pos[c][0] for c in graph.successors(node) if c in pos]
                pos[node] = (sum(children) / len(children) if children else next_x, -float(depth))
            else:
                pos[node] = (next_x, -float(depth))
                next_x += 1.0
    return pos


def tree_root(graph: nx.DiGraph) -> Any:
    """The node without a parent (the first node when there is none)."""
    return next((n for n in graph.nodes if graph.in_degree(n) == 0), next(iter(graph.nodes)))


def tree_path(graph: nx.DiGraph) -> list[Any]:
    """The chosen path from the root (nodes marked ``chosen``, else the most-visited child at each level)."""
    children = {n: list(graph.successors(n)) for n in graph.nodes}
    return chosen_path(tree_root(graph), children, lambda n: graph.nodes[n])


def tree_labels(graph: nx.DiGraph, path: list[Any], limit: int = MAX_TREE_LABELS) -> dict[Any, str]:
    """Short action labels: every node of a small tree; in a large one the path and the most-visited nodes."""
    nodes = list(graph.nodes)
    if len(nodes) > limit:
        ranked = sorted(nodes, key=lambda n: -float(graph.nodes[n].get("visits") or 0))
        nodes = list(dict.fromkeys([*path, *ranked]))[: max(limit, len(path))]
    return {n: short_action(graph.nodes[n].get("action"), TREE_LABEL_CHARS) for n in nodes}


def plot_tree(tree_json: Path, path: Path) -> Path:
    """Draw a saved search tree: colour = Q, size = visits, short action labels, the chosen path in red."""
    graph = load_tree(tree_json)
    pos = tree_layout(graph)
    nodes = list(graph.nodes)
    route = tree_path(graph) if nodes else []
    route_edges = list(zip(route, route[1:]))
    marked = any(graph.nodes[n].get("chosen") for n in nodes)
    q = [graph.nodes[n].get("q") for n in nodes]
    q = [float(v) if _is_number(v) else float("nan") for v in q]
    visits = [graph.nodes[n].get("visits") or 0 for n in nodes]
    vmax = max([v for v in visits if _is_number(v)] or [1]) or 1
    sizes = [20 + 280 * (float(v) / vmax if _is_number(v) else 0) for v in visits]
    width = max(6.0, min(30.0, 0.6 * (max((p[0] for p in pos.values()), default=0) + 1)))
    fig, ax = plt.subplots(figsize=(width, 5.5))
    nx.draw_networkx_edges(graph, pos, ax=ax, arrows=False, alpha=0.4)
    if route_edges:
        nx.draw_networkx_edges(graph, pos, edgelist=route_edges, ax=ax, arrows=False, width=3.0, edge_color=PATH_COLOUR)
    art = nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_color=q, node_size=sizes, cmap="viridis",
                                 vmin=0.0, vmax=1.0, ax=ax,
                                 edgecolors=[PATH_COLOUR if n in route else "none" for n in nodes],
                                 linewidths=[2.0 if n in route else 0.0 for n in nodes])  # fmt: skip
    on_path = set(route)
    for n, label in tree_labels(graph, route).items():
        x, y = pos[n]
        style = {"color": PATH_COLOUR, "fontweight": "bold"} if n in on_path else {"color": "#222222"}
        ax.text(x, y - 0.12, label, fontsize=6.5, rotation=30, ha="right", va="top", **style)
    fig.colorbar(art, ax=ax, label="Q")
    how = "chosen path" if marked else "most-visited path"
    ax.set_title(f"Search tree {tree_json.stem} ({len(nodes)} nodes; size = visits; red = {how})")
    ax.margins(x=0.05, y=0.15)
    ax.axis("off")
    return save_figure(fig, path)


def write_plots(folder: RunFolder, summary: list[dict[str, Any]]) -> list[Path]:
    """All plots of a run folder into ``plots/``; returns the files written."""
    out: list[Path] = []
    rels = list(dict.fromkeys(_rel_key(k) for g in summary for k, v in g["sweep_point"].items() if _is_number(v)))
    for rel in rels:
        if len(_values(summary, rel)) >= 2:
            name = "success_vs_" + "".join(c if c.isalnum() else "_" for c in rel) + ".png"
            out.append(plot_success_vs_sweep(summary, rel, folder.plots / name))
    if BUDGET_KEY in rels:
        out.append(plot_success_vs_env_steps(summary, folder.plots / "success_vs_env_steps.png"))
    if summary:
        out.append(plot_success_by_difficulty(summary, folder.plots / "success_by_difficulty.png"))
    if folder.trees.is_dir():
        firsts = [t for t in sorted(folder.trees.glob("*.json")) if not STEP_TREE.search(t.name)]  # first decisions
        for tree in firsts[:MAX_TREE_PLOTS]:
            try:
                out.append(plot_tree(tree, folder.plots / f"tree_{tree.stem}.png"))
            except (ValueError, KeyError, json.JSONDecodeError, nx.NetworkXError) as exc:
                print(f"warning: cannot plot {tree}: {exc}")
    return out
