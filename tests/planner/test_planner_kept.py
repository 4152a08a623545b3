"""The deterministic-simulator rules of MCTS (kept trajectories, final="trajectory", stop on accept,
critic rollouts in the tree, cut pages) on small trees whose answer is known by hand."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agentq.planner import MCTSConfig, MCTSPlanner
from planner_synth import ObsJudge, TableCritic, TreeEnv, UniformPolicy


def hidden_success_env() -> TreeEnv:
    """`wide` has nine 0-reward leaves the critic likes; `narrow` -> n2 -> win pays 1."""
    children = {(): ["wide", "narrow"], ("wide",): ["w1", "w2", "w3"], ("narrow",): ["n1", "n2"],
                ("narrow", "n1"): ["lose"], ("narrow", "n2"): ["win", "lose"]}  # fmt: skip
    for w in ("w1", "w2", "w3"):
        children[("wide", w)] = ["l1", "l2", "l3"]
    rewards = {("narrow", "n1", "lose"): 0.0, ("narrow", "n2", "win"): 1.0, ("narrow", "n2", "lose"): 0.0}
    for w in ("w1", "w2", "w3"):
        for leaf in ("l1", "l2", "l3"):
            rewards[("wide", w, leaf)] = 0.0
    return TreeEnv(children, rewards)


CRITIC = {"wide": 0.9, "narrow": 0.2, "n1": 0.9, "n2": 0.1, "lose": 0.6, "win": 0.5}


def _episode(config: MCTSConfig) -> tuple[float, list[str], list[bool]]:
    """Act in the env the planner searches: plan, step, advance, until the episode ends."""
    env = hidden_success_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), TableCritic(CRITIC), ObsJudge(env.rewards), config, seed=3)
    reward, actions, committed = 0.0, [], []
    for _ in range(5):
        result = planner.plan(env, obs)
        committed.append(result.committed)
        obs, reward, terminated, _, _ = env.step(result.action)
        actions.append(result.action)
        planner.advance(result.action, obs)
        if terminated:
            break
    return reward, actions, committed


def test_an_exact_judge_mcts_follows_the_success_one_rollout_found():
    reward, actions, committed = _episode(MCTSConfig(simulations=40, num_candidates=3))
    assert (reward, actions) == (1.0, ["narrow", "n2", "win"])
    assert committed == [False, True, True]  # found once, then followed without searching


def gamble_env() -> TreeEnv:
    """`safe` pays 0.4 (below acceptance) on both leaves; `gamble` pays 1 on one leaf of six."""
    children = {(): ["safe", "gamble"], ("safe",): ["s1", "s2"], ("gamble",): [f"g{i}" for i in range(6)]}
    rewards = {("safe", "s1"): 0.4, ("safe", "s2"): 0.4, **{("gamble", f"g{i}"): float(i == 1) for i in range(6)}}
    return TreeEnv(children, rewards)


@pytest.mark.parametrize("final, stop, expected", [
    ("trajectory", True, (1.0, ["gamble", "g1"], 7)),   # keeps the success its 7th simulation found
    ("visits", False, (0.4, ["safe", "s1"], 10)),       # the same search by visits: safe 6, gamble 4
])  # fmt: skip
def test_a_found_success_is_kept_not_outvoted_by_visits(final, stop, expected):
    env = gamble_env()
    obs, _ = env.reset()
    config = MCTSConfig(simulations=10, num_candidates=6, selection="ucb", final=final, stop_on_accept=stop)
    planner = MCTSPlanner(UniformPolicy(), TableCritic({"safe": 0.8, "gamble": 0.3}), ObsJudge(env.rewards), config)
    first = planner.plan(env, obs)
    assert planner.best_trajectory() == (1.0, ["gamble", "g1"])  # both searches found the success
    actions = [first.action]
    obs, reward, terminated, _, _ = env.step(first.action)
    while not terminated:
        planner.advance(actions[-1], obs)
        actions.append(planner.plan(env, obs).action)
        obs, reward, terminated, _, _ = env.step(actions[-1])
    assert (reward, actions, first.stats.simulations) == expected


def test_stop_on_accept_ends_the_search_at_the_first_accepted_trajectory():
    env = hidden_success_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), TableCritic(CRITIC), ObsJudge(env.rewards), MCTSConfig(simulations=None), seed=3)
    result = planner.plan(env, obs)
    assert planner.best_trajectory() == (1.0, ["narrow", "n2", "win"])
    # critic rollouts in the tree: wide/w*/l* (3 leaves of one w, all 0) cannot be accepted, so the
    # search stops exactly at the simulation whose path ends in the success
    assert result.stats.simulations < 40 and result.action == "narrow"
    again = MCTSPlanner(UniformPolicy(), TableCritic(CRITIC), ObsJudge(env.rewards),
                        MCTSConfig(simulations=None, stop_on_accept=False), seed=3)
    env.reset()
    assert again.plan(env, obs).stats.simulations > result.stats.simulations


def test_cut_pages_are_never_judged_and_score_zero_or_the_critic():
    env = hidden_success_env()
    obs, _ = env.reset()
    judge = ObsJudge(env.rewards)
    planner = MCTSPlanner(UniformPolicy(), TableCritic(CRITIC), judge, MCTSConfig(simulations=1, max_depth=2), seed=3)
    planner.plan(env, obs)
    assert judge.calls == 0 and planner.root.children[0].q == 0.0  # cut at depth 2: value 0, no verdict
    critic_cut = MCTSPlanner(UniformPolicy(), TableCritic(CRITIC), judge,
                             MCTSConfig(simulations=1, max_depth=2, cut_value="critic"), seed=3)
    env.reset()
    critic_cut.plan(env, obs)
    # the rollout wide -> (critic's favourite of w1..w3, all 0.5 by default) is cut: its critic score
    assert judge.calls == 0 and critic_cut.root.children[0].q == pytest.approx(0.5)


def test_rollout_steps_become_scored_tree_nodes():
    env = hidden_success_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), TableCritic(CRITIC), ObsJudge(env.rewards),
                          MCTSConfig(simulations=1, num_candidates=3), seed=3)
    planner.plan(env, obs)
    visited = [n for n in planner.root.iter_subtree() if n.visits]
    assert [n.action for n in visited] == [None, "wide", "w1", "l1"]  # one simulation, the whole path
    assert all(n.critic_score is not None for n in visited[1:])


def test_widening_admits_children_one_by_one():
    env = TreeEnv({(): ["a", "b", "c", "d"]}, {("a",): 0.0, ("b",): 0.0, ("c",): 0.0, ("d",): 0.0})
    obs, _ = env.reset()
    critic = TableCritic({"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6})
    planner = MCTSPlanner(UniformPolicy(), critic, ObsJudge(env.rewards),
                          MCTSConfig(simulations=4, num_candidates=4, selection="ucb", widening=0.5), seed=0)
    planner.plan(env, obs)
    # N = 0, 1, 2, 3 before each simulation: ceil(sqrt(N + 1)) = 1, 2, 2, 2 eligible children
    assert [ch.visits for ch in planner.root.children] == [2, 2, 0, 0]


@pytest.mark.parametrize("bad", [{"value_mix": 2}, {"widening": 0}, {"accept": 1.5},
                                 {"rollout": "sample", "rollout_to_tree": True}, {"widening": 0.5, "selection": "puct"}])
def test_meaningless_settings_are_refused(bad):
    with pytest.raises(ValidationError):
        MCTSConfig(**bad)
