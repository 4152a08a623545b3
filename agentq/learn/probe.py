"""Search with a stage's own learned policy, critic and judge on train tasks, exactly as an
evaluation's ``mcts`` agent runs it, to measure the judge and the critic where they are used and
to find the states search drives the judge to wrongly accept.

Every page the search asks the judge about is labelled by the environment's reward (the episode
ended there and the evaluator accepts it: privileged, train tasks only, never seen by the
models). From those labels: the judge's precision and recall on search end states, and the
outcome examples a hardening round adds to the judge's data. The runner's quality meter scores
the policy's proposals and the critic's top picks at the acting states.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentq.agents.base import EpisodeContext
from agentq.agents.loop import run_episode
from agentq.agents.mcts_agent import MCTSAgent
from agentq.agents.quality import QualityMeter
from agentq.agents.settings import MCTSAgentSettings
from agentq.components.learned.critic import LearnedCritic
from agentq.components.learned.policy import LearnedPolicy
from agentq.planner.mcts import MCTSPlanner
from agentq.stats import quality_measures

from .batches import OutcomeExample
from .collect import TrainEnv, require_train
from .features import Featuriser, pages_of
from .inference import CandidateModel, OutcomeScorer

Obs = dict[str, Any]


class ProbePlanner(BaseModel):
    """The evaluation's planner (``kind: mcts``) given only these settings, the rest its defaults."""

    model_config = ConfigDict(extra="forbid", strict=True)

    num_candidates: int = Field(5, ge=1)
    max_depth: int = Field(30, ge=1)
    episode_env_steps: int = Field(600, ge=2)

    def settings(self) -> MCTSAgentSettings:
        """The agent settings an evaluation would validate from these keys."""
        return MCTSAgentSettings.model_validate(self.model_dump())


class RecordingJudge:
    """The learned judge, recording each verdict with the environment's reward at the judged page.

    Declared privileged for the planner only, so that it brings the search env to the judged page
    before each call (the label needs that page); the verdict itself reads the public
    observation and the actions, as the evaluation's learned judge does."""

    name = "learned"
    privileged = True

    def __init__(self, scorer: OutcomeScorer, ctx_of: Callable[[], EpisodeContext], featuriser: Featuriser,
                 task_id: str) -> None:  # fmt: skip
        self.scorer = scorer
        self.ctx_of = ctx_of
        self.featuriser = featuriser
        self.task_id = task_id
        self.examples: list[OutcomeExample] = []
        self.verdicts: list[bool] = []

    def judge(self, goal: str, trajectory: Sequence[Any], final_obs: Obs) -> float:
        actions = [str(getattr(s, "action", "")) for s in trajectory]
        pages = pages_of(trajectory)
        value = self.scorer.probability(goal, actions, final_obs, pages)
        ctx = self.ctx_of()
        truth = bool(ctx.search.unwrapped.terminated and ctx.search_oracle.success())
        ids = self.featuriser.outcome_ids(goal, actions, {**final_obs, "history": actions}, pages)
        self.examples.append(OutcomeExample(ids, float(truth), self.task_id))
        self.verdicts.append(bool(value >= 0.5))
        return value


@dataclass
class ProbeResult:
    """What searching on some tasks showed: the judged pages (labelled), the verdicts, the episodes."""

    examples: list[OutcomeExample] = field(default_factory=list)
    verdicts: list[bool] = field(default_factory=list)
    episodes: int = 0
    successes: int = 0
    env_steps: int = 0
    quality_counts: list[dict[str, int]] = field(default_factory=list)

    @property
    def false_positives(self) -> list[OutcomeExample]:
        """Judged pages the judge accepted that the environment's reward rejects."""
        return [e for e, v in zip(self.examples, self.verdicts) if v and e.label < 0.5]

    def judge_counts(self) -> dict[str, int]:
        truth = [bool(e.label >= 0.5) for e in self.examples]
        verdicts = [bool(v) for v in self.verdicts]
        return {
            "scored": len(truth),
            "true_pos": sum(v and t for v, t in zip(verdicts, truth)),
            "false_pos": sum(v and not t for v, t in zip(verdicts, truth)),
            "false_neg": sum(t and not v for v, t in zip(verdicts, truth)),
        }

    def summary(self) -> dict[str, Any]:
        """Precision and recall of the judge on the search's judged pages (None: nothing accepted /
        no true success judged), the search's success rate and the components' measured quality."""
        c = self.judge_counts()
        accepted, real = c["true_pos"] + c["false_pos"], c["true_pos"] + c["false_neg"]
        quality = quality_measures(self.quality_counts)
        return {
            "episodes": self.episodes, "env_steps": self.env_steps,
            "search_success": round(self.successes / self.episodes, 4) if self.episodes else None,
            "judged": c["scored"], "judged_successes": real,
            "search_judge_precision": round(c["true_pos"] / accepted, 4) if accepted else None,
            "search_judge_recall": round(c["true_pos"] / real, 4) if real else None,
            "policy_agreement": quality["policy_agreement"], "critic_agreement": quality["critic_agreement"],
        }  # fmt: skip


def search_probe(env: TrainEnv, policy: CandidateModel, critic: CandidateModel, judge: OutcomeScorer,
                 tasks: Sequence[str], planner: ProbePlanner, seed: Callable[..., int],
                 featuriser: Featuriser, advance: Callable[[int], None] = lambda n: None) -> ProbeResult:  # fmt: skip
    """One MCTS episode per task with the learned components, every judged page labelled."""
    require_train(list(tasks))
    settings = planner.settings()
    result = ProbeResult()
    acting, search, oracle = env.acting, env.search_env, env.search_oracle
    for i, task_id in enumerate(tasks):
        episode_seed = seed("probe", i, task_id) % 2**31
        before = acting.steps
        obs, _ = acting.reset(seed=episode_seed, options={"task_id": task_id})
        search.reset(seed=episode_seed, options={"task_id": task_id})
        ctx = EpisodeContext(acting, search, oracle, max_steps=env.max_steps)
        recorder = RecordingJudge(judge, lambda: ctx, featuriser, task_id)
        mcts = MCTSPlanner(LearnedPolicy(policy), LearnedCritic(critic), recorder, settings, seed=episode_seed)
        meter = QualityMeter(env.oracle)
        record = run_episode(MCTSAgent(mcts, settings, keep_tree=False, keep_pairs=False), ctx, obs,
                             max_steps=env.max_steps, meter=meter)  # fmt: skip
        result.examples += recorder.examples
        result.verdicts += recorder.verdicts
        result.episodes += 1
        result.successes += bool(acting.unwrapped.terminated and env.oracle.success())
        spent = acting.steps - before + record.search_env_steps
        result.env_steps += spent
        result.quality_counts.append(meter.counts)
        advance(1)
    return result
