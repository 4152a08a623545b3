"""Writing an episode's files beside its row: the search trees, the preference pairs and the trace.

Every file is written atomically (a crash never leaves half a file), and only when the spec asks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agentq.planner.export import save_node_link
from agentq.results import atomic_write_bytes, atomic_write_text, row_line


def step_tree_path(tree_path: str | Path, step: int) -> Path:
    """Where the tree of a later decision goes: ``trees/<index>-<agent>-<task>.step-NNN.json``."""
    path = Path(tree_path)
    return path.with_name(f"{path.stem}.step-{step:03d}.json")


def screenshot_dir(spec: Any) -> Path | None:
    """``RUN_DIR/traces/<index>/`` for the episode's screenshots (None without a trace)."""
    return Path(spec.trace_path).with_suffix("") if spec.trace_path else None


def write_episode(spec: Any, agent: Any, record: Any, row: dict[str, Any]) -> None:
    """Write the files `spec` asks for."""
    tree = getattr(agent, "tree", None)
    if spec.save_tree and spec.tree_path and tree is not None:
        Path(spec.tree_path).parent.mkdir(parents=True, exist_ok=True)
        save_node_link(tree, spec.tree_path)
        for step, later in getattr(agent, "later_trees", ()):
            save_node_link(later, step_tree_path(spec.tree_path, step))
    if spec.pairs_path:
        pairs = getattr(agent, "pairs", [])
        lines = b"".join(row_line({"task_id": spec.task_id, **pair}) for pair in pairs)
        atomic_write_bytes(Path(spec.pairs_path), lines)
    if spec.trace_path:
        write_trace(spec, record, row)


def write_trace(spec: Any, record: Any, row: dict[str, Any]) -> None:
    """``traces/<index>.json``: the goal, every step (page before, action, error, screenshot,
    proposals, critic scores), the outcome and the final page."""
    path = Path(spec.trace_path)
    shots = path.with_suffix("").name
    steps = []
    for step in record.trace:
        shot = step.get("screenshot")
        steps.append({**step, "screenshot": f"traces/{shots}/{shot}" if shot else None})
    final = record.final_obs or {}
    trace = {
        "index": spec.index,
        "task_id": spec.task_id,
        "agent": spec.agent.name,
        "sweep_point": spec.sweep_point,
        "goal": final.get("goal", ""),
        "success": row["success"],
        "partial": row["partial"],
        "error": None,
        "steps": steps,
        "final": {"url": final.get("url"), "page": final.get("text")},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(trace, ensure_ascii=False, indent=1))
