"""The static tree plot: short action labels and the chosen (or most-visited) path."""

from __future__ import annotations

import json

from PIL import Image
from report_fixtures import tree

from agentq.plots import load_tree, plot_tree, tree_labels, tree_path


def _write(tmp_path, chosen: bool):
    path = tmp_path / ("chosen.json" if chosen else "plain.json")
    path.write_text(json.dumps(tree(chosen=chosen)), encoding="utf-8")
    return path


def test_path_follows_chosen_marks_else_visits(tmp_path):
    assert tree_path(load_tree(_write(tmp_path, chosen=True))) == [0, 1, 2]
    assert tree_path(load_tree(_write(tmp_path, chosen=False))) == [0, 3, 4]


def test_labels_are_short_actions_and_large_trees_keep_the_path(tmp_path):
    graph = load_tree(_write(tmp_path, chosen=True))
    labels = tree_labels(graph, [0, 1, 2])
    assert labels[0] == "root" and labels[3] == "click(2)" and labels[4] == 'stop("done")'
    assert len(labels[2]) <= 18 and labels[2].startswith('fill(5, "a') and "…" in labels[2]
    few = tree_labels(graph, [0, 1, 2], limit=3)
    assert set(few) == {0, 1, 2}  # over the limit: the path first


def test_plot_tree_writes_a_png(tmp_path):
    out = plot_tree(_write(tmp_path, chosen=True), tmp_path / "plots" / "tree.png")
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size[0] > 300
