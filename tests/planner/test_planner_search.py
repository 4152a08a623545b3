"""Search quality and budgets on small trees whose answer is known."""

import numpy as np
import pytest

from agentq.planner import MCTSConfig, MCTSPlanner, Step
from planner_synth import (
    agentq_rules,
    ObsJudge,
    OracleCritic,
    RandomCritic,
    RewardJudge,
    TableCritic,
    UniformPolicy,
    bandit_env,
    best_first_action,
    best_value,
    deceptive_env,
    endless_env,
    full_tree_env,
)


def test_bandit_best_arm_chosen_and_its_share_grows_with_budget():
    values = [0.5, 0.6, 0.8, 0.7, 0.3]
    shares = []
    for sims in [10, 100, 1000]:
        env = bandit_env(values)
        obs, _ = env.reset()
        planner = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge(env.rewards), agentq_rules(simulations=sims))
        res = planner.plan(env, obs)
        assert res.action == "arm2"
        by_action = {c.action: c for c in res.children}
        assert by_action["arm2"].q == pytest.approx(0.8)
        assert sum(c.visits for c in res.children) == sims
        shares.append(by_action["arm2"].visits / sims)
    assert shares[0] < shares[1] < shares[2]
    assert shares[2] > 0.5


def _run_episode(env, planner) -> float:
    obs, _ = env.reset()
    reward, done = 0.0, False
    while not done:
        res = planner.plan(env, obs)
        obs, reward, terminated, truncated, _ = env.step(res.action)
        done = terminated or truncated
        planner.advance(res.action, obs)
    return reward


def test_deceptive_tree_greedy_loses_and_mcts_finds_the_winning_line():
    env = deceptive_env()
    assert best_first_action(env) == "risky" and best_value(env, ()) == 1.0
    # the one-step-greedy line (critic that ranks by the immediate average payoff) loses
    assert best_value(env, ("safe",)) == 0.6
    for seed in range(5):
        env = deceptive_env()
        critic = OracleCritic(env, adversarial=True)  # ranks the winning line last everywhere
        planner = MCTSPlanner(UniformPolicy(), critic, RewardJudge(env), agentq_rules(simulations=3000), seed=seed)
        assert _run_episode(env, planner) == 1.0, seed
        assert env.path == ("risky", "r3", "z")
    # with a tiny budget the same search stays on the greedy line
    env = deceptive_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env, adversarial=True), RewardJudge(env), agentq_rules(simulations=3))
    assert planner.plan(env, obs).action == "safe"


def _sims_to_goal(critic_kind: str, seed: int, leaf_value: str) -> int:
    goal = ("a1", "a0", "a2", "a1")
    env = full_tree_env(3, 4, goal_leaf=goal)
    obs, _ = env.reset()
    critic = OracleCritic(env) if critic_kind == "perfect" else RandomCritic(1000 + seed)
    judge = RewardJudge(env)
    planner = MCTSPlanner(UniformPolicy(), critic, judge, agentq_rules(simulations=1, leaf_value=leaf_value), seed=seed)
    for i in range(1, 401):
        planner.plan(env, obs)  # one more simulation on the same tree
        if goal in judge.judged:
            return i
    return 400


@pytest.mark.parametrize("leaf_value", ["rollout", "critic"])
def test_perfect_critic_needs_fewer_simulations_than_random(leaf_value):
    perfect = np.mean([_sims_to_goal("perfect", s, leaf_value) for s in range(20)])
    random_ = np.mean([_sims_to_goal("random", s, leaf_value) for s in range(20)])
    assert perfect < 0.75 * random_
    if leaf_value == "critic":
        # 3 root children, then 3 per level once the right child is known: found at sim 12
        assert perfect == 12


def test_simulation_budget_is_exact():
    env = endless_env(3)
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge({}), agentq_rules(simulations=37, max_depth=6))
    res = planner.plan(env, obs)
    assert res.stats.simulations == 37 and res.root_visits == 37
    assert sum(c.visits for c in res.children) == 37
    res = planner.plan(env, obs)
    assert res.stats.simulations == 37 and res.root_visits == 74


@pytest.mark.parametrize("cache", [True, False])
def test_env_step_budget_is_never_exceeded(cache):
    env = endless_env(4)
    obs, _ = env.reset()
    cfg = agentq_rules(simulations=1000, max_env_steps=50, max_depth=10, transition_cache=cache)
    planner = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge({}), cfg)
    res = planner.plan(env, obs)
    st = res.stats
    assert st.env_steps_new == 50  # rollouts are cut exactly at the budget
    assert env.steps == st.env_steps_new + st.env_steps_replayed
    assert st.env_steps_replayed == 0
    assert 0 < st.simulations < 1000
    # an exhausted budget leaves room for no new simulation at all
    env2 = endless_env(4)
    obs2, _ = env2.reset()
    planner2 = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge({}), cfg.model_copy(update={"max_env_steps": 0}))
    res2 = planner2.plan(env2, obs2)
    assert res2.stats.simulations == 0 and env2.steps == 0 and res2.action in {"a0", "a1", "a2", "a3"}


def test_depth_limit_counts_from_episode_start_and_is_never_exceeded():
    env = endless_env(3)
    obs, _ = env.reset()
    cfg = agentq_rules(simulations=200, max_depth=4)
    planner = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge({}), cfg)
    res = planner.plan(env, obs)
    assert env.max_depth_seen == 4 and res.stats.max_depth_reached == 4
    # two steps into the episode: only two more levels are allowed
    env = endless_env(3)
    obs0, _ = env.reset()
    obs1 = env.step("a0")[0]
    obs2 = env.step("a1")[0]
    env.max_depth_seen = 0
    planner = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge({}), cfg)
    planner.start_episode(obs2, history=[Step(obs0, "a0"), Step(obs1, "a1")])
    res = planner.plan(env)
    assert res.root_depth == 2
    assert env.max_depth_seen == 4 and res.stats.max_depth_reached == 4
    assert planner.history == ["a0", "a1"]
    # max_depth=1: only the root's children are ever executed
    env = endless_env(3)
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge({}), agentq_rules(simulations=50, max_depth=1))
    planner.plan(env, obs)
    assert env.max_depth_seen == 1 and env.steps == 3
