"""How good the components an agent used actually were, measured by the runner on the states the
acting env visited (never on search nodes), against the expert and the evaluator.

An action is *correct* when it makes progress: the expert needs fewer steps to a successful end
after it than before (see `envs.oracle.Oracle.makes_progress`). The measuring holds its own
oracle; the components never see it, and their privileged flags do not change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from agentq.planner.protocols import Step
from envs.oracle import Oracle, canonical_action

from .base import Decision, EpisodeContext, Obs

COUNTS = (
    "policy_samples", "policy_correct", "policy_exact", "critic_decisions", "critic_covered", "critic_top_correct",
    "judge_scored", "judge_true_pos", "judge_false_pos", "judge_false_neg",
)  # fmt: skip
MEASURES = ("policy_agreement", "policy_exact", "critic_agreement", "critic_coverage", "judge_precision", "judge_recall")


class QualityMeter:
    """Counts, over one episode, how often the policy's samples and the critic's top picks were
    correct and whether the judge's verdict on the final state matched the evaluator's."""

    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        self.counts = dict.fromkeys(COUNTS, 0)

    def decision(self, ctx: EpisodeContext, obs: Obs, decision: Decision) -> None:
        """Score the decision's proposals (and the critic's ranking of them) at the acting state."""
        proposals = decision.proposals
        if not proposals:
            return
        state = ctx.acting.unwrapped.snapshot()
        actions = [a for a, _ in proposals]
        correct = self.oracle.makes_progress(actions, state=state)
        expert = canonical_action(self.oracle.expert_action(actions, state=state))
        c = self.counts
        c["policy_samples"] += len(actions)
        c["policy_correct"] += sum(correct)
        c["policy_exact"] += sum(canonical_action(a) == expert for a in actions)
        scores = decision.critic_scores
        if scores is not None and len(scores) == len(actions):
            c["critic_decisions"] += 1
            if any(correct):
                c["critic_covered"] += 1
                top = max(range(len(scores)), key=lambda i: (scores[i], -i))
                c["critic_top_correct"] += correct[top]

    def final(self, ctx: EpisodeContext, judge: Any, steps: list[Step], obs: Obs) -> None:
        """Ask the agent's judge about the acting env's final state and compare with the evaluator."""
        if getattr(judge, "privileged", True):
            ctx.sync()
        verdict = float(judge.judge(obs.get("goal", ""), steps, obs)) >= 0.5
        truth = self.oracle.success(ctx.acting.unwrapped.snapshot())
        c = self.counts
        c["judge_scored"] += 1
        c["judge_true_pos"] += verdict and truth
        c["judge_false_pos"] += verdict and not truth
        c["judge_false_neg"] += (not verdict) and truth


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def quality_measures(counts: Iterable[Mapping[str, int]]) -> dict[str, float | None]:
    """The six measures from summed episode counts (None where a component was absent)."""
    total = dict.fromkeys(COUNTS, 0)
    for one in counts:
        for key in COUNTS:
            total[key] += int(one.get(key, 0) or 0)
    t = total
    return {
        "policy_agreement": _ratio(t["policy_correct"], t["policy_samples"]),
        "policy_exact": _ratio(t["policy_exact"], t["policy_samples"]),
        "critic_agreement": _ratio(t["critic_top_correct"], t["critic_covered"]),
        "critic_coverage": _ratio(t["critic_covered"], t["critic_decisions"]),
        "judge_precision": _ratio(t["judge_true_pos"], t["judge_true_pos"] + t["judge_false_pos"]),
        "judge_recall": _ratio(t["judge_true_pos"], t["judge_true_pos"] + t["judge_false_neg"]),
    }
