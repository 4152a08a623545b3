"""A saved search tree as nested ``<details>``: action, visits, Q and critic score per node, the chosen path open."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .models import TreeNode
from .trees import TreeView

MAX_NODES = 2000  # nodes drawn per tree; the rest are counted


def _fmt(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def node_line(node: TreeNode) -> str:
    """The escaped text of one node: action, then its statistics."""
    action = "root" if node.action is None else node.action
    stats = [f"visits {node.visits if node.visits is not None else '-'}", f"Q {_fmt(node.q)}",
             f"critic {_fmt(node.score)}"]  # fmt: skip
    stats += [f"{name} {_fmt(v)}" for name, v in (("prior", node.prior), ("value", node.value), ("judge", node.judge))
              if v is not None]  # fmt: skip
    if node.terminal:
        stats.append("terminal")
    if node.url:
        stats.append(f"URL {node.url}")
    return (f'<span class="act">{escape(action)}</span> '
            f'<span class="stats">{escape(" · ".join(stats))}</span>')  # fmt: skip


def render_tree(view: TreeView, dom_id: str, label: str) -> Markup:
    """``<ul class="tree">`` with one ``<li>`` per node; inner nodes are ``<details>``, open along the path."""
    on_path = view.on_path
    badge = ' <span class="badge">chosen path</span>' if view.marked else ' <span class="badge">most visited</span>'
    out: list[str] = [f'<ul class="tree" id="{escape(dom_id)}" aria-label="{escape(label)}">']
    drawn = 0
    # iterative pre-order walk: ("open", node) emits a node, ("close", None) ends a child list
    stack: list[tuple[str, Any]] = [("open", view.root)]
    while stack:
        kind, n = stack.pop()
        if kind == "close":
            out.append("</ul></details></li>")
            continue
        if drawn >= MAX_NODES:
            continue
        drawn += 1
        node = view.nodes[n]
        path_cls = " on-path" if n in on_path else ""
        text = node_line(node) + (badge if n in on_path else "")
        kids = view.children.get(n, [])
        if not kids:
            out.append(f'<li><div class="node leaf{path_cls}">{text}</div></li>')
            continue
        is_open = " open" if n in on_path else ""
        out.append(f'<li><details class="node{path_cls}"{is_open}><summary>{text}</summary><ul>')
        stack.append(("close", None))
        stack.extend(("open", k) for k in reversed(kids))
    out.append("</ul>")
    hidden = len(view.nodes) - drawn
    if hidden > 0:
        out.append(f'<p class="note">{hidden} more nodes are in the file and not drawn.</p>')
    return Markup("".join(out))
