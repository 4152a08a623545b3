"""A hand-made run folder with everything the HTML report shows: rows, summary, traces, trees, pairs, plots."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image

from agentq.results import row_line, summarize

HOSTILE = '<script>alert("x")</script>'  # page text that must come out escaped


def png(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (8, 6)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def row(index: int, task: str, agent: str, difficulty: str, success: bool, error: str | None = None,
        **extra: Any) -> dict[str, Any]:  # fmt: skip
    planner = agent == "mcts"
    out = {
        "index": index, "task_id": task, "agent": agent, "sweep_point": {}, "episode_seed": 1000 + index,
        "run_seed": 0, "config_hash": "ab" * 32,
        "components": {"policy": "heuristic", "critic": "heuristic" if planner else None, "planner": planner},
        "privileged": {"policy": False, "any": False}, "difficulty": difficulty, "success": success,
        "partial": 1.0 if success else 0.25, "steps": 2, "env_steps": 40 if planner else 2,
        "simulations": 8 if planner else 0, "timings": {"wall_s": 0.5, "env_s": 0.2, "planner_s": 0.1},
        "final_url": "/reservations/TT-ABC123" if success else "/search", "actions": ["click(4)", "click(7)"],
        "error": error,
    }  # fmt: skip
    out.update(extra)
    return out


ROWS = [
    row(0, "dev-0001", "pure", "easy", True),
    row(1, "dev-0001", "mcts", "easy", True),
    row(2, "dev-0002", "pure", "hard", False),
    row(3, "dev-0002", "mcts", "hard", False, error="RuntimeError: boom",
        traceback="Traceback (most recent call last)"),
    row(4, "dev-0003", "pure", "medium", False),
]


def trace(index: int, task: str, agent: str, success: bool, shot: str | None) -> dict[str, Any]:
    return {
        "index": index, "task_id": task, "agent": agent, "sweep_point": {}, "goal": f"Book a table for {task}",
        "success": success, "partial": 1.0 if success else 0.25, "error": None,
        "steps": [
            {"action": "click(4)", "url": "/", "page": f"[4] link \"Search\"\n{HOSTILE}", "error": "",
             "screenshot": shot, "proposals": [["click(4)", 0.5], ["click(7)", 0.25]], "critic_scores": [0.9, 0.1]},
            {"action": "click(7)", "url": "/search", "page": "[7] button \"Book\"", "error": "no element 7",
             "screenshot": None, "proposals": [["click(7)", 0.6], ["back()", 0.4]], "critic_scores": [0.5, 0.2, 0.1]},
        ],
        "final": {"url": "/reservations/TT-ABC123", "page": "Your table is booked"},
    }  # fmt: skip


def tree(chosen: bool, critic_key: str = "critic_score") -> dict[str, Any]:
    """root -> click(1) [visits 3] -> fill(5, "..."); root -> click(2) [visits 9] -> stop("done")."""
    def node(i: int, action: str | None, visits: int, q: float, depth: int, on: bool) -> dict[str, Any]:
        d = {"id": i, "action": action, "visits": visits, "q": q, critic_key: 0.1 * i, "prior": None, "value": None,
             "depth": depth, "terminal": action is not None and action.startswith("stop"), "url": "/", "judge": None,
             "state_id": i}  # fmt: skip
        if chosen:
            d["chosen"] = on
        return d

    nodes = [node(0, None, 12, 0.5, 0, True), node(1, "click(1)", 3, 0.2, 1, True),
             node(2, 'fill(5, "a rather long text typed into the field")', 2, 0.1, 2, True),
             node(3, "click(2)", 9, 0.8, 1, False), node(4, 'stop("done")', 8, 0.9, 2, False)]  # fmt: skip
    edges = [{"source": 0, "target": 1}, {"source": 1, "target": 2}, {"source": 0, "target": 3},
             {"source": 3, "target": 4}]  # fmt: skip
    return {"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}


def pair(chosen: str, rejected: str, depth: int) -> dict[str, Any]:
    return {"task_id": "dev-0001", "step": 0, "prompt": {"goal": "Book a table for dev-0001", "observation": "[4] link",
            "history": ["click(4)"]}, "chosen": chosen, "rejected": rejected, "chosen_value": 0.8,
            "rejected_value": 0.3, "path": [] if depth == 0 else ["click(2)"], "depth": depth}  # fmt: skip


def make_run(root: Path, summary_style: str = "object") -> Path:
    """Write the fixture run folder under ``root``; ``summary_style`` 'object' (new) or 'list' (today's)."""
    run = root / "run"
    (run / "traces" / "00001").mkdir(parents=True)
    (run / "trees").mkdir()
    (run / "pairs").mkdir()
    (run / "plots").mkdir()
    (run / "config.yaml").write_text("name: html_fixture\n", encoding="utf-8")
    (run / "episodes.jsonl").write_bytes(b"".join(row_line(r) for r in ROWS))
    groups = summarize(ROWS)
    if summary_style == "object":
        for g in groups:
            g["quality"] = {"policy_agreement": 0.61, "policy_exact": 0.5, "critic_agreement": 0.83,
                            "critic_coverage": 0.9, "judge_precision": None, "judge_recall": None}  # fmt: skip
        paired = [{"a": {"agent": "pure", "sweep_point": {}, "successes": 1},
                   "b": {"agent": "mcts", "sweep_point": {}, "successes": 1},
                   "tasks": 2, "only_a": 0, "only_b": 0, "p_value": 1.0}]  # fmt: skip
        summary: Any = {"schema_version": 2, "groups": groups, "paired": paired, "notes": {"seeds": [0, 1]}}
    else:  # schema 1: a bare list of groups, without quality
        summary = [{k: v for k, v in g.items() if k not in ("quality", "llm")} for g in groups]
    (run / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (run / "traces" / "00001" / "step-000.png").write_bytes(png())
    (run / "traces" / "00001.json").write_text(json.dumps(trace(1, "dev-0001", "mcts", True,
                                               "traces/00001/step-000.png")), encoding="utf-8")  # fmt: skip
    (run / "traces" / "00002.json").write_text(json.dumps(trace(2, "dev-0002", "pure", False, None)), encoding="utf-8")
    (run / "traces" / "00004.json").write_text('{"index": 4, "oops": true}', encoding="utf-8")  # unreadable
    (run / "trees" / "000001-mcts-dev-0001.json").write_text(json.dumps(tree(chosen=True)), encoding="utf-8")
    (run / "trees" / "000003-mcts-dev-0002.json").write_text(json.dumps(tree(chosen=False, critic_key="critic")),
                                                             encoding="utf-8")  # fmt: skip
    lines = [pair("click(2)", "click(1)", 0), pair('stop("done")', "click(9)", 1)]
    (run / "pairs" / "000001-mcts-dev-0001.jsonl").write_text("".join(json.dumps(p) + "\n" for p in lines),
                                                              encoding="utf-8")  # fmt: skip
    (run / "plots" / "success_by_difficulty.png").write_bytes(png((30, 30, 200), (40, 30)))
    return run
