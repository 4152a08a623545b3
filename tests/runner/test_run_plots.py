"""Plots: files from a swept run, and the hand-made hierarchical tree layout."""

from __future__ import annotations

import networkx as nx
from runner_helpers import base_config

from agentq.config import config_from_dict
from agentq.plots import load_tree, tree_layout
from agentq.runner import run_experiment


def test_tree_layout_puts_parents_over_children():
    g = nx.DiGraph([(0, 1), (0, 2), (1, 3), (1, 4), (2, 5)])
    pos = tree_layout(g)
    assert {n: y for n, (_, y) in pos.items()} == {0: 0.0, 1: -1.0, 2: -1.0, 3: -2.0, 4: -2.0, 5: -2.0}
    assert [pos[n][0] for n in (3, 4, 5)] == [0.0, 1.0, 2.0]  # leaves left to right
    assert pos[1][0] == 0.5 and pos[2][0] == 2.0 and pos[0][0] == 1.25


def test_swept_run_writes_plots_and_trees(tmp_path):
    data = base_config()
    data["tasks"]["n"] = 3
    data["sweep"] = {"agents.hybrid.planner.simulations": [1, 2, 4]}
    data["output"]["plots"] = True
    out = run_experiment(config_from_dict(data), tmp_path / "run")
    first = out.summary and "t005"  # the seeded sample of 3 out of 12 starts with t005
    plots = sorted(p.name for p in (tmp_path / "run" / "plots").glob("*.png"))
    assert plots == [
        "success_by_difficulty.png", "success_vs_planner_simulations.png",
        f"tree_000001-hybrid-{first}.png", f"tree_000002-hybrid-{first}.png", f"tree_000003-hybrid-{first}.png",
    ]  # fmt: skip
    assert all((tmp_path / "run" / "plots" / p).stat().st_size > 5000 for p in plots)
    tree = load_tree(tmp_path / "run" / "trees" / f"000001-hybrid-{first}.json")
    assert tree.nodes[0]["visits"] == 20 and nx.is_tree(tree)
    points = [{}] + [{"agents.hybrid.planner.simulations": n} for n in (1, 2, 4)]
    assert [g["sweep_point"] for g in out.summary] == points
