"""How good the components an agent used actually were, measured by the runner on the states the
acting env visited (never on search nodes), against the expert and the evaluator.

An action is *correct* when it makes progress: the expert needs fewer steps to a successful end
after it than before (see `envs.oracle.Oracle.makes_progress`). The measuring holds its own
oracle; the components never see it, and their privileged flags do not change.
"""

from __future__ import annotations

from typing import Any

from agentq.planner.protocols import Step
from agentq.stats import QUALITY_COUNTS
from envs.oracle import Oracle, canonical_action

from .base import Decision, EpisodeContext, Obs

class QualityMeter:
    """Counts, over one episode, how often the policy's samples and the critic's top picks were
    correct and whether the judge's verdict on the final state matched the evaluator's."""

    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        self.counts = dict.fromkeys(QUALITY_COUNTS, 0)

    def decision(self, ctx: EpisodeContext, obs: Obs, decision: Decision) -> None:
        """Score the decision's proposals (and the critic's ranking of them) at the acting state."""
        proposals = decision.proposals
        if not proposals or not self.oracle.has_expert:  # without an expert, correctness is unmeasured (null)
            return
        state = ctx.acting_state()
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
        truth = self.oracle.success(ctx.acting_state())
        c = self.counts
        c["judge_scored"] += 1
        c["judge_true_pos"] += verdict and truth
        c["judge_false_pos"] += verdict and not truth
        c["judge_false_neg"] += (not verdict) and truth
