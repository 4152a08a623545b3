"""Small statistics helpers for experiment summaries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 1) when n == 0."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, or None for no values."""
    vals = [float(v) for v in values]
    return sum(vals) / len(vals) if vals else None


QUALITY_COUNTS = (  # per-episode counts the runner's QualityMeter keeps
    "policy_samples", "policy_correct", "policy_exact", "critic_decisions", "critic_covered", "critic_top_correct",
    "judge_scored", "judge_true_pos", "judge_false_pos", "judge_false_neg",
    "search_judge_scored", "search_judge_true_pos", "search_judge_false_pos", "search_judge_false_neg",
)  # fmt: skip
QUALITY_MEASURES = (
    "policy_agreement", "policy_exact", "critic_agreement", "critic_coverage", "judge_precision", "judge_recall",
    "search_judge_precision", "search_judge_recall",
)  # fmt: skip


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def quality_measures(counts: Iterable[Mapping[str, int]]) -> dict[str, float | None]:
    """The measures (QUALITY_MEASURES) from summed episode counts (None where a component was absent,
    or, for the search judge, where no search asked it anything: rows written before it was measured
    count as such)."""
    total = dict.fromkeys(QUALITY_COUNTS, 0)
    for one in counts:
        for key in QUALITY_COUNTS:
            total[key] += int(one.get(key, 0) or 0)
    t = total
    tp = t["search_judge_true_pos"]
    return {
        "policy_agreement": _ratio(t["policy_correct"], t["policy_samples"]),
        "policy_exact": _ratio(t["policy_exact"], t["policy_samples"]),
        "critic_agreement": _ratio(t["critic_top_correct"], t["critic_covered"]),
        "critic_coverage": _ratio(t["critic_covered"], t["critic_decisions"]),
        "judge_precision": _ratio(t["judge_true_pos"], t["judge_true_pos"] + t["judge_false_pos"]),
        "judge_recall": _ratio(t["judge_true_pos"], t["judge_true_pos"] + t["judge_false_neg"]),
        "search_judge_precision": _ratio(tp, tp + t["search_judge_false_pos"]),
        "search_judge_recall": _ratio(tp, tp + t["search_judge_false_neg"]),
    }


PAIR_PROGRESS = ("pairs", "measured", "chosen", "rejected")  # per-episode counts of `pair_progress` in a row


def pair_progress(counts: Iterable[Mapping[str, int]]) -> dict[str, int | float | None] | None:
    """A group's saved preference pairs from summed episode counts: how many were saved and measured,
    and the share whose chosen (rejected) action makes progress (None where none was measured);
    None when no episode saved pairs."""
    counted = list(counts)
    if not counted:
        return None
    t = {key: sum(int(one.get(key, 0) or 0) for one in counted) for key in PAIR_PROGRESS}
    return {
        "pairs": t["pairs"], "measured": t["measured"],
        "chosen_makes_progress": _ratio(t["chosen"], t["measured"]),
        "rejected_makes_progress": _ratio(t["rejected"], t["measured"]),
    }  # fmt: skip
