"""Saved search trees as the report draws them: nodes, children, the chosen path, short labels."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import TreeNode


def short_action(action: str | None, limit: int = 24) -> str:
    """An action label that fits a plot: ``fill(12, "a very long te…")``; ``root`` for None."""
    if action is None:
        return "root"
    text = " ".join(str(action).split())
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1:]


def chosen_path(
    root: Hashable, children: Mapping[Any, list[Any]], attrs: Callable[[Any], Mapping[str, Any]]
) -> list[Any]:
    """The nodes from the root along the acted path: those marked ``chosen`` when any node is,
    else the most-visited child at every level (the first on ties)."""
    marked = {n for n in children if attrs(n).get("chosen")}
    path = [root]
    node = root
    while children.get(node):
        kids = children[node]
        if marked:
            nxt = next((k for k in kids if k in marked), None)
        else:
            nxt = max(kids, key=lambda k: (_num(attrs(k).get("visits")), -kids.index(k)))
        if nxt is None:
            break
        path.append(nxt)
        node = nxt
    return path


def _num(x: Any) -> float:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else 0.0


@dataclass
class TreeView:
    """A tree read from node-link JSON: its nodes, each node's children in file order, the root."""

    nodes: dict[Any, TreeNode]
    children: dict[Any, list[Any]]
    root: Any
    path: list[Any] = field(default_factory=list)  # the chosen (or most-visited) path from the root
    marked: bool = False  # whether the file marks the chosen path itself

    @property
    def on_path(self) -> set[Any]:
        return set(self.path)


def read_tree(path: Path) -> TreeView:
    """Parse a saved tree (``edges`` or legacy ``links``); ValueError when it is not one."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise ValueError("not node-link JSON (no 'nodes' list)")
    nodes = {}
    for raw in data["nodes"]:
        node = TreeNode.model_validate(raw)
        nodes[node.id] = node
    children: dict[Any, list[Any]] = {n: [] for n in nodes}
    has_parent: set[Any] = set()
    for edge in data.get("edges", data.get("links", [])):
        a, b = edge.get("source"), edge.get("target")
        if a not in nodes or b not in nodes:
            raise ValueError(f"edge {a!r} -> {b!r} names a node that is not in the file")
        if b in has_parent:
            raise ValueError(f"node {b!r} has two parents: not a tree")
        children[a].append(b)
        has_parent.add(b)
    roots = [n for n in nodes if n not in has_parent]
    if len(roots) != 1:
        raise ValueError(f"a tree has one root, this file has {len(roots)}")
    root = roots[0]
    view = TreeView(nodes, children, root, marked=any(n.chosen for n in nodes.values()))
    view.path = chosen_path(root, children, lambda n: nodes[n].model_dump())
    return view
