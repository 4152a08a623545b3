"""The summary's sections beyond the main table: measured component quality, paired comparisons."""

from __future__ import annotations

from typing import Any

QUALITY_HEADER = ["Agent", "Sweep point", "Policy correct", "Policy = expert", "Critic top correct",
                  "Critic coverage", "Judge precision", "Judge recall", "Search judge precision",
                  "Search judge recall"]  # fmt: skip
QUALITY_KEYS = ("policy_agreement", "policy_exact", "critic_agreement", "critic_coverage", "judge_precision",
                "judge_recall", "search_judge_precision", "search_judge_recall")  # fmt: skip


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def quality_cells(groups: list[dict[str, Any]], label: Any) -> list[list[str]]:
    """One row per group with the measured quality (%) of its policy, critic and judge."""
    cells = []
    for g in groups:
        quality = g.get("quality") or {}
        cells.append([g["agent"], label(g["agent"], g["sweep_point"]), *(_share(quality.get(k)) for k in QUALITY_KEYS)])
    return cells


def has_quality(groups: list[dict[str, Any]]) -> bool:
    """Whether any group measured a component."""
    return any(v is not None for g in groups for v in (g.get("quality") or {}).values())


PAIRS_HEADER = ["Agent", "Sweep point", "Pairs", "Measured", "Chosen makes progress", "Rejected makes progress"]


def pairs_cells(groups: list[dict[str, Any]], label: Any) -> list[list[str]]:
    """One row per group that saved preference pairs: their count, how many the oracle measured and
    the share (%) whose chosen (rejected) action makes progress at the pair's state."""
    cells = []
    for g in groups:
        p = g.get("pair_progress")
        if isinstance(p, dict):
            cells.append([g["agent"], label(g["agent"], g["sweep_point"]), str(p.get("pairs", "-")),
                          str(p.get("measured", "-")), _share(p.get("chosen_makes_progress")),
                          _share(p.get("rejected_makes_progress"))])  # fmt: skip
    return cells


PAIRED_HEADER = ["A", "B", "Tasks", "A successes", "B successes", "Only A", "Only B", "McNemar p"]


def paired_cells(paired: list[dict[str, Any]], label: Any) -> list[list[str]]:
    """One row per compared pair: both success counts, the discordant counts and the exact p-value."""
    cells = []
    for p in paired:
        a, b = p["a"], p["b"]
        name_a = a["agent"] if not a["sweep_point"] else f"{a['agent']} ({label(a['agent'], a['sweep_point'])})"
        name_b = b["agent"] if not b["sweep_point"] else f"{b['agent']} ({label(b['agent'], b['sweep_point'])})"
        cells.append([name_a, name_b, str(p["tasks"]), str(a["successes"]), str(b["successes"]), str(p["only_a"]),
                      str(p["only_b"]), f"{p['p_value']:.3g}"])  # fmt: skip
    return cells
