"""Export search trees to networkx, node-link JSON and GraphML."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from .tree import Node

NODE_ATTRS = (
    "action", "visits", "q", "critic_score", "prior", "url", "depth", "terminal", "value",
    "judge", "state_id", "chosen",
)


def node_value(node: Node, alpha: float) -> float | None:
    """alpha * Q + (1 - alpha) * critic for a visited node with a critic score, else None."""
    if node.visits == 0 or node.critic_score is None:
        return None
    return alpha * (node.value_sum / node.visits) + (1.0 - alpha) * node.critic_score


def tree_to_networkx(root: Node, alpha: float = 0.5, chosen: str | None = None) -> nx.DiGraph:
    """The subtree under `root` as a DiGraph: nodes numbered 0.. in depth-first pre-order
    (0 is the root), attributes NODE_ATTRS (None where unknown), edges parent -> child.

    `chosen` (the action taken at the root) marks the root and that child with `chosen=True`.
    """
    g = nx.DiGraph()
    ids: dict[int, int] = {}
    for node in root.iter_subtree():
        i = len(ids)
        ids[id(node)] = i
        st = node.state
        g.add_node(
            i,
            action=node.action,
            visits=node.visits,
            q=node.q,
            critic_score=node.critic_score,
            prior=node.prior,
            url=st.obs.get("url") if st is not None and st.obs is not None else None,
            depth=node.depth,
            terminal=node.terminal,
            value=node_value(node, alpha),
            judge=st.judge_value if st is not None else None,
            state_id=st.sid if st is not None else None,
            chosen=chosen is not None and (node is root or (node.parent is root and node.action == chosen)),
        )
        if node is not root and node.parent is not None:
            g.add_edge(ids[id(node.parent)], i)
    return g


def save_node_link(graph: nx.DiGraph, path: str | Path) -> None:
    """Write node-link JSON ({"directed", "multigraph", "graph", "nodes", "edges"})."""
    data = {
        "directed": True,
        "multigraph": False,
        "graph": dict(graph.graph),
        "nodes": [{"id": n, **attrs} for n, attrs in graph.nodes(data=True)],
        "edges": [{"source": a, "target": b, **attrs} for a, b, attrs in graph.edges(data=True)],
    }
    Path(path).write_text(json.dumps(data, indent=1), encoding="utf-8")


def load_node_link(path: str | Path) -> nx.DiGraph:
    """Read a graph written by save_node_link."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    g = nx.DiGraph(**data.get("graph", {}))
    for nd in data["nodes"]:
        nd = dict(nd)
        g.add_node(nd.pop("id"), **nd)
    for ed in data["edges"]:
        ed = dict(ed)
        g.add_edge(ed.pop("source"), ed.pop("target"), **ed)
    return g


def save_graphml(graph: nx.DiGraph, path: str | Path) -> None:
    """Write GraphML; attributes whose value is None are left out (GraphML has no null)."""
    clean = nx.DiGraph()
    clean.graph.update({k: v for k, v in graph.graph.items() if v is not None})
    for n, attrs in graph.nodes(data=True):
        clean.add_node(n, **{k: v for k, v in attrs.items() if v is not None})
    for a, b, attrs in graph.edges(data=True):
        clean.add_edge(a, b, **{k: v for k, v in attrs.items() if v is not None})
    nx.write_graphml(clean, str(path))


def load_graphml(path: str | Path) -> nx.DiGraph:
    """Read a tree written by save_graphml: integer node ids, missing NODE_ATTRS as None."""
    raw = nx.read_graphml(str(path))
    g = nx.DiGraph(**raw.graph)
    for n, attrs in raw.nodes(data=True):
        full = {k: attrs.get(k) for k in NODE_ATTRS}
        full.update(attrs)
        g.add_node(int(n), **full)
    for a, b, attrs in raw.edges(data=True):
        g.add_edge(int(a), int(b), **attrs)
    return g
