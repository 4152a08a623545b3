"""How good the components an agent used actually were, measured by the runner against the expert
and the evaluator: the policy and the critic on the states the acting env visited, the judge on the
acting episode's final state and on every state its search asked it about.

An action is *correct* when it makes progress: the expert needs fewer steps to a successful end
after it than before (see `envs.oracle.Oracle.makes_progress`). The measuring holds its own
oracle; the components never see it, and their privileged flags do not change. A search judge's
verdict is scored on the snapshot the search env took at the judged state (see
`agentq.planner.transitions.Transitions.capture`): a success is a state where the episode ended
and the evaluator accepts it (the environment's reward).
"""

from __future__ import annotations

from typing import Any

from agentq.planner.protocols import Step
from agentq.stats import QUALITY_COUNTS
from envs.oracle import Oracle, canonical_action

from .base import Decision, EpisodeContext, Obs

class QualityMeter:
    """Counts, over one episode, how often the policy's samples and the critic's top picks were
    correct and whether the judge's verdicts (on the final state, and inside the search) matched
    the environment's reward."""

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

    def search_verdict(self, value: float, state: Any) -> None:
        """Score one verdict the agent's search asked of its judge, at the judged `state` (a snapshot)."""
        verdict = float(value) >= 0.5
        truth = bool(getattr(state, "terminated", False)) and self.oracle.success(state)
        c = self.counts
        c["search_judge_scored"] += 1
        c["search_judge_true_pos"] += verdict and truth
        c["search_judge_false_pos"] += verdict and not truth
        c["search_judge_false_neg"] += (not verdict) and truth
