"""Determinism, subtree reuse, the transition cache, replay fallback, plan-here-act-there."""

import networkx as nx
import pytest

from agentq.planner import MCTSConfig, MCTSPlanner, Step, tree_to_networkx
from planner_synth import (
    agentq_rules,
    NoSnapshotEnv,
    ObsJudge,
    OracleCritic,
    RandomCritic,
    RewardJudge,
    TableCritic,
    TreeEnv,
    UniformPolicy,
    deceptive_env,
    full_tree_env,
)


def _graphs_equal(a: nx.DiGraph, b: nx.DiGraph) -> bool:
    return dict(a.nodes(data=True)) == dict(b.nodes(data=True)) and sorted(a.edges) == sorted(b.edges)


def _search(seed: int, cfg: MCTSConfig, env: TreeEnv | None = None):
    env = env or full_tree_env(4, 4)
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), RandomCritic(7), RewardJudge(env), cfg, seed=seed)
    res = planner.plan(env, obs)
    return planner, res, env


def test_same_seed_gives_same_tree_and_stats():
    cfg = agentq_rules(simulations=60, num_candidates=3, rollout_k=2)
    p1, r1, _ = _search(11, cfg)
    p2, r2, _ = _search(11, cfg)
    p3, r3, _ = _search(12, cfg)
    g1, g2, g3 = tree_to_networkx(p1.root), tree_to_networkx(p2.root), tree_to_networkx(p3.root)
    assert g1.number_of_nodes() > 20
    assert _graphs_equal(g1, g2)
    assert r1.stats.counts() == r2.stats.counts()
    assert r1.children == r2.children and r1.action == r2.action
    assert not _graphs_equal(g1, g3)


def test_plan_leaves_the_env_at_the_root_state():
    env = deceptive_env()
    obs, _ = env.reset()
    env.step("risky")
    obs = env.step("r2")[0]
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env), agentq_rules(simulations=20))
    planner.start_episode(obs, history=["risky", "r2"])
    planner.plan(env)
    assert env.path == ("risky", "r2")


def test_subtree_reuse_keeps_statistics():
    env = deceptive_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env), agentq_rules(simulations=40))
    res = planner.plan(env, obs)
    child = next(c for c in planner.root.children if c.action == res.action)
    visits, value_sum = child.visits, child.value_sum
    before = tree_to_networkx(child)
    assert visits > 1
    obs = env.step(res.action)[0]
    assert planner.advance(res.action, obs) is True
    assert planner.root is child and child.parent is None
    assert (planner.root.visits, planner.root.value_sum) == (visits, value_sum)
    assert _graphs_equal(tree_to_networkx(planner.root), before)
    assert planner.history == [res.action]
    res2 = planner.plan(env)
    assert res2.root_visits == visits + 40 and res2.root_depth == 1


def test_subtree_dropped_when_page_differs_or_reuse_off():
    env = deceptive_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env), agentq_rules(simulations=40))
    res = planner.plan(env, obs)
    obs = env.step(res.action)[0]
    assert planner.advance(res.action, {**obs, "text": "something else"}) is False
    assert planner.root.visits == 0 and not planner.root.children
    # reuse off: fresh statistics, but cached transitions still save env steps
    env = deceptive_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env),
                          agentq_rules(simulations=40, reuse_subtree=False))
    res = planner.plan(env, obs)
    obs = env.step(res.action)[0]
    assert planner.advance(res.action, obs) is False
    assert planner.root.visits == 0
    res2 = planner.plan(env)
    assert res2.root_visits == 40 and res2.stats.env_steps_cached > 0


@pytest.mark.parametrize("privileged", [True, False])
def test_transition_cache_rewalking_makes_no_env_steps(privileged):
    env = full_tree_env(2, 2)  # 6 transitions in all
    obs, _ = env.reset()
    critic = OracleCritic(env) if privileged else TableCritic({})
    judge = RewardJudge(env) if privileged else ObsJudge(env.rewards)
    planner = MCTSPlanner(UniformPolicy(), critic, judge, agentq_rules(simulations=30, exploration=3.0))
    res = planner.plan(env, obs)
    assert res.stats.env_steps_new == 6 and env.steps == 6  # each transition executed once
    assert res.stats.env_steps_cached > 30
    calls = (env.steps, env.restores, env.snapshots, env.legal_calls)
    res = planner.plan(env, obs)
    assert res.stats.env_steps_new == 0 and res.stats.env_steps_cached > 30
    assert env.steps == calls[0]
    if not privileged:  # nothing needs the env: it never moves, only the root is snapshotted
        assert (env.restores - calls[1], env.snapshots - calls[2], env.legal_calls - calls[3]) == (0, 1, 0)
    # without the cache every walk is executed again
    env = full_tree_env(2, 2)
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), TableCritic({}), ObsJudge(env.rewards),
                          agentq_rules(simulations=30, transition_cache=False))
    res = planner.plan(env, obs)
    assert res.stats.env_steps_cached == 0
    assert env.steps == res.stats.env_steps_new > 30


@pytest.mark.parametrize("cache", [True, False])
def test_replay_fallback_matches_snapshot_mode_and_counts_replays(cache):
    cfg = agentq_rules(simulations=40, num_candidates=3, transition_cache=cache)
    ref_planner, ref, ref_env = _search(5, cfg, full_tree_env(3, 3))

    inner = full_tree_env(3, 3)
    env = NoSnapshotEnv(inner)
    obs, _ = env.reset()
    inner.resets = 0
    planner = MCTSPlanner(UniformPolicy(), RandomCritic(7), RewardJudge(inner), cfg, seed=5)
    res = planner.plan(env, obs, reset_fn=env.reset)
    assert _graphs_equal(tree_to_networkx(planner.root), tree_to_networkx(ref_planner.root))
    assert res.action == ref.action
    st = res.stats
    assert st.env_steps_new == ref.stats.env_steps_new
    assert st.resets == inner.resets > 0 and st.restores == 0
    if cache:  # reaching a cached node means reset + replay of its path
        assert st.env_steps_replayed > 0
    else:  # each simulation resets and walks (executes) its path again
        assert st.env_steps_replayed == 0 and st.resets >= st.simulations
    assert inner.steps == st.env_steps_new + st.env_steps_replayed
    assert inner.path == ()  # back at the root

    # use_snapshots=False forces replay on an env that has snapshots
    env2 = full_tree_env(3, 3)
    obs2, _ = env2.reset()
    p2 = MCTSPlanner(UniformPolicy(), RandomCritic(7), RewardJudge(env2),
                     cfg.model_copy(update={"use_snapshots": False}), seed=5)
    r2 = p2.plan(env2, obs2, reset_fn=env2.reset)
    assert env2.restores == 0 and env2.snapshots == 0
    assert r2.stats.counts() == st.counts()


def test_replay_with_history_and_bare_action_strings():
    inner = deceptive_env()
    env = NoSnapshotEnv(inner)
    env.reset()
    obs = env.step("risky")[0]
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(inner), RewardJudge(inner), agentq_rules(simulations=200))
    res = planner.plan(env, obs, reset_fn=env.reset, history=["risky"])
    assert res.action == "r3" and res.root_depth == 1 and inner.path == ("risky",)
    assert res.stats.env_steps_replayed >= res.stats.resets * 1 > 0


def test_plan_in_one_env_act_in_another():
    act = deceptive_env()
    act_obs, _ = act.reset()
    search = deceptive_env()
    search.reset()
    search.step("safe")  # somewhere else entirely
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(search), RewardJudge(search),
                          agentq_rules(simulations=500), seed=3)
    planner.start_episode(act_obs)
    done, reward = False, 0.0
    while not done:
        steps_before = act.steps
        res = planner.plan(search, root_state=act.unwrapped.snapshot())
        assert act.steps == steps_before and act.restores == 0  # planning never touched it
        assert search.path == act.path
        act_obs, reward, done, _, _ = act.step(res.action)
        planner.advance(res.action, act_obs)
    assert reward == 1.0 and act.path == ("risky", "r3", "z")

    # the same decision as planning directly in the acting env
    direct_env = deceptive_env()
    direct_obs, _ = direct_env.reset()
    direct = MCTSPlanner(UniformPolicy(), OracleCritic(direct_env), RewardJudge(direct_env),
                         agentq_rules(simulations=500), seed=3)
    a = direct.plan(direct_env, direct_obs)
    act2 = deceptive_env()
    obs2, _ = act2.reset()
    search2 = deceptive_env()
    other = MCTSPlanner(UniformPolicy(), OracleCritic(search2), RewardJudge(search2),
                        agentq_rules(simulations=500), seed=3)
    b = other.plan(search2, root_state=act2.snapshot())
    assert a.action == b.action and a.children == b.children


def test_trajectory_given_to_the_judge_starts_at_the_episode_start():
    env = deceptive_env()
    obs0, _ = env.reset()
    obs1 = env.step("risky")[0]
    seen = []

    class RecordingJudge:
        name, privileged = "rec", False

        def judge(self, goal, trajectory, final_obs):
            seen.append(([s.action for s in trajectory], trajectory[0].obs["url"], final_obs["legal_actions"]))
            return 0.0

    planner = MCTSPlanner(UniformPolicy(), TableCritic({}), RecordingJudge(), agentq_rules(simulations=3))
    planner.start_episode(obs1, history=[Step(obs0, "risky")])
    planner.plan(env)
    assert seen and all(t[:1] == ["risky"] and len(t) == 3 and url == "/" and legal == [] for t, url, legal in seen)


@pytest.mark.parametrize("snapshots", [True, False])
@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("leaf_value", ["rollout", "critic"])
@pytest.mark.parametrize("budget", [None, 60])
def test_privileged_components_always_find_the_env_at_their_node(snapshots, cache, leaf_value, budget):
    """CheckedPolicy, OracleCritic and RewardJudge assert that the live env is at their obs."""
    from planner_synth import CheckedPolicy

    cfg = agentq_rules(simulations=80, num_candidates=3, rollout_k=2, max_depth=4, leaf_value=leaf_value,
                     transition_cache=cache, use_snapshots=snapshots, max_env_steps=budget)
    env = full_tree_env(3, 5, goal_leaf=("a2", "a1", "a0", "a2"))
    obs0, _ = env.reset()
    obs1 = env.step("a2")[0]
    judge = RewardJudge(env)
    planner = MCTSPlanner(CheckedPolicy(env), OracleCritic(env), judge, cfg, seed=1)
    planner.start_episode(obs1, reset_fn=env.reset, history=[Step(obs0, "a2")])
    for _ in range(3):
        res = planner.plan(env)
        assert env.path == tuple(planner.history)
        if budget is not None:
            assert res.stats.env_steps_new <= budget
        obs = env.step(res.action)[0]
        planner.advance(res.action, obs)
    assert judge.calls > 0
    assert env.path == ("a2", "a1", "a0", "a2")


@pytest.mark.parametrize("snapshots", [True, False])
def test_privileged_judge_at_a_state_first_reached_through_the_cache(snapshots):
    from planner_synth import FlakyPolicy, endless_env

    env = endless_env(2)
    obs, _ = env.reset()
    judge = RewardJudge(env)  # asserts that the live env is at final_obs
    cfg = agentq_rules(simulations=60, max_depth=5, use_snapshots=snapshots)
    planner = MCTSPlanner(FlakyPolicy(), TableCritic({}), judge, cfg, seed=4)
    res = planner.plan(env, obs, reset_fn=env.reset)
    assert judge.calls > 3 and res.stats.env_steps_cached > 0
