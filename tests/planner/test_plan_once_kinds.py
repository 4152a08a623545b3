"""beam and best_first expand in the order computable by hand on a small known tree; guided
best-of-N takes the critic's pick at every step; all stop at the first accepted finished page."""

from __future__ import annotations

import numpy as np
import pytest

from agentq.agents.base import EpisodeContext
from agentq.agents.beam import BeamAgent
from agentq.agents.best_first import BestFirstAgent
from agentq.agents.best_of_n import BestOfNAgent
from agentq.agents.settings import BeamSettings, BestFirstSettings, GuidedBestOfNSettings
from planner_synth import FixedPolicy, ObsJudge, TableCritic, TreeEnv


def two_level_env() -> TreeEnv:
    children = {(): ["a", "b"], ("a",): ["a1", "a2"], ("b",): ["b1", "b2"]}
    rewards = {("a", "a1"): 0.0, ("a", "a2"): 0.0, ("b", "b1"): 0.0, ("b", "b2"): 1.0}
    return TreeEnv(children, rewards)


CRITIC = {"a": 0.6, "b": 0.5, "a1": 0.2, "a2": 0.3, "b1": 0.9, "b2": 0.8}


class SynthContext:
    """The parts of an EpisodeContext a plan-once agent uses, over two synthetic envs."""

    search_allowance = EpisodeContext.search_allowance

    def __init__(self, acting: TreeEnv, search: TreeEnv, max_steps: int = 5) -> None:
        self.acting, self.search, self.max_steps, self.history = acting, search, max_steps, []

    def sync(self):
        state = self.acting.snapshot()
        self.search.restore(state)
        return state


def _search(agent_cls, settings, **kwargs) -> tuple[TreeEnv, list[str], object]:
    acting, search = two_level_env(), two_level_env()
    obs, _ = acting.reset()
    search.reset()
    obs = {**obs, "legal_actions": acting.legal_actions()}
    agent = agent_cls(FixedPolicy({}), TableCritic(CRITIC), ObsJudge(search.rewards), settings,
                      np.random.default_rng(0), **kwargs)
    ctx = SynthContext(acting, search)
    first = agent.act(ctx, obs)
    return search, [first.action, *agent.plan], agent


def test_beam_keeps_the_best_mean_paths_across_parents():
    search, plan, agent = _search(BeamAgent, BeamSettings(width=2, num_candidates=2, episode_env_steps=100))
    # depth 1: a (0.6), b (0.5) both kept; depth 2 means: a1 .4, a2 .45, b1 .7, b2 .65 -> b1, b2
    assert search.step_log == [("a",), ("b",), ("b", "b1"), ("b", "b2")]
    assert plan == ["b", "b2"] and agent.finished.verdicts == [0.0, 1.0]


def test_best_first_pops_the_best_valued_state_and_expands_in_critic_order():
    search, plan, agent = _search(BestFirstAgent, BestFirstSettings(branching=2, episode_env_steps=100))
    # root -> a (.6), b (.5); pop a (.6): a2 (.3) then a1 (.2), both finished and rejected; pop b
    assert search.step_log == [("a",), ("b",), ("a", "a2"), ("a", "a1"), ("b", "b1"), ("b", "b2")]
    assert plan == ["b", "b2"] and agent.finished.verdicts == [0.0, 0.0, 0.0, 1.0]


def test_guided_sampling_takes_the_critics_pick_and_a_rejected_end_is_not_replayed():
    search, plan, agent = _search(BestOfNAgent, GuidedBestOfNSettings(num_candidates=2, n=1, episode_env_steps=100),
                                  guided=True)
    assert search.step_log == [("a",), ("a", "a2")] and agent.finished.verdicts == [0.0]
    assert plan == ["a", "a2"]  # nothing else was found: the one finished trajectory
    search, plan, agent = _search(BeamAgent, BeamSettings(width=1, num_candidates=2, episode_env_steps=100))
    assert search.step_log == [("a",), ("a", "a2")] and agent.finished.verdicts == [0.0]
    assert plan == ["a"]  # the judge rejected a2: replay to the last open state, the critic acts on


@pytest.mark.parametrize("budget, walked", [(5 + 1, 1), (5 + 3, 3)])
def test_the_search_stops_at_its_share_of_the_episode_budget(budget, walked):
    search, _, _ = _search(BestFirstAgent, BestFirstSettings(branching=2, episode_env_steps=budget))
    assert len(search.step_log) == walked  # max_steps = 5 acting steps are reserved


@pytest.mark.parametrize("settings", [BestFirstSettings, BeamSettings, GuidedBestOfNSettings])
def test_a_search_that_would_never_end_needs_a_budget(settings):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="give episode_env_steps"):
        settings()
    assert GuidedBestOfNSettings(n=2).n == 2 and not BeamSettings(restarts=False).restarts  # bounded otherwise
