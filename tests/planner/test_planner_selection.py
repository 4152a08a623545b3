"""Selection rules, critic ordering of unvisited children, and the config."""

import pytest
from pydantic import ValidationError

from agentq.planner.config import AGENTQ_ORIGINAL
from agentq.planner import MCTSConfig, MCTSPlanner, Node, normalised_priors, puct_score, select_child, ucb_score
from planner_synth import FixedPolicy, ObsJudge, TableCritic, TreeEnv, UniformPolicy


def _hand_node() -> Node:
    root = Node(None, visits=10, value_sum=6.0)
    for action, visits, value_sum, prior in [("A", 3, 2.1, 0.5), ("B", 5, 2.5, 0.3), ("C", 2, 1.6, 0.2)]:
        root.add_child(Node(action, visits=visits, value_sum=value_sum, prior=prior, critic_score=prior))
    return root


def test_ucb_and_puct_scores_on_hand_set_statistics():
    root = _hand_node()
    a, b, c = root.children
    # UCB1: Q + 1.4 * sqrt(ln 10 / (1 + n)), by hand
    assert ucb_score(a.q, 10, 3, 1.4) == pytest.approx(1.7621989905696025)
    assert ucb_score(b.q, 10, 5, 1.4) == pytest.approx(1.3672818440649621)
    assert ucb_score(c.q, 10, 2, 1.4) == pytest.approx(2.0265217462766176)
    assert select_child(root, 1.4, "ucb") is c
    # PUCT: Q + 1.4 * P * sqrt(10) / (1 + n), by hand
    assert puct_score(a.q, 0.5, 10, 3, 1.4) == pytest.approx(1.2533985905294664)
    assert puct_score(b.q, 0.3, 10, 5, 1.4) == pytest.approx(0.7213594362117866)
    assert puct_score(c.q, 0.2, 10, 2, 1.4) == pytest.approx(1.0951459149490488)
    assert select_child(root, 1.4, "puct") is a
    # with no exploration both reduce to the best Q
    assert select_child(root, 0.0, "ucb") is c
    assert select_child(root, 0.0, "puct") is c


def test_selection_close_races_decided_by_the_exact_formulas():
    # UCB1, N=10, c=1: A (n=1, Q=0) scores sqrt(ln 10 / 2) = 1.07298, B (n=8, Q=.57) scores
    # .57 + sqrt(ln 10 / 9) = 1.07581: B by a hair
    root = Node(None, visits=10)
    root.add_child(Node("A", visits=1, value_sum=0.0))
    root.add_child(Node("B", visits=8, value_sum=8 * 0.57))
    assert select_child(root, 1.0, "ucb").action == "B"
    root.children[1].value_sum = 8 * 0.567  # now 1.07281 < 1.07298
    assert select_child(root, 1.0, "ucb").action == "A"
    # PUCT, N=16, c=1: A (unvisited, P=.3) scores .3*4 = 1.2; B (n=7, Q=.86, P=.7)
    # .86 + .7*4/8 = 1.21: B by a hair
    root = Node(None, visits=16)
    root.add_child(Node("A", prior=0.3))
    root.add_child(Node("B", visits=7, value_sum=7 * 0.86, prior=0.7))
    assert select_child(root, 1.0, "puct", "policy").action == "B"
    root.children[1].value_sum = 7 * 0.84  # 1.19 < 1.2
    assert select_child(root, 1.0, "puct", "policy").action == "A"
    # the same race with P from the critic: critic scores .6 and 1.4 normalise to .3 and .7
    root.children[0].critic_score, root.children[1].critic_score = 0.6, 1.4
    assert select_child(root, 1.0, "puct", "critic").action == "A"
    root.children[1].value_sum = 7 * 0.86
    assert select_child(root, 1.0, "puct", "critic").action == "B"


def test_ucb_tries_unvisited_children_first_in_stored_order():
    root = _hand_node()
    root.add_child(Node("D", critic_score=0.1))
    root.add_child(Node("E", critic_score=0.9))
    assert select_child(root, 1.0, "ucb").action == "D"
    root.children[3].visits, root.children[3].value_sum = 1, 0.0
    assert select_child(root, 1.0, "ucb").action == "E"


def _first_visit_order(critic, policy=None) -> list[str]:
    env = TreeEnv({(): ["a", "b", "c", "d"]}, {("a",): 0.1, ("b",): 0.2, ("c",): 0.3, ("d",): 0.4})
    obs, _ = env.reset()
    planner = MCTSPlanner(
        policy or UniformPolicy(), critic, ObsJudge(env.rewards), MCTSConfig(simulations=4, K=4, selection="ucb")
    )
    res = planner.plan(env, obs)
    assert res.stats.env_steps_new == 4
    assert [c.visits for c in res.children] == [1, 1, 1, 1]
    return [p[-1] for p in env.step_log]


def test_critic_ranking_decides_which_unvisited_child_is_tried_first():
    assert _first_visit_order(TableCritic({"a": 0.1, "b": 0.9, "c": 0.5, "d": 0.3})) == ["b", "c", "d", "a"]
    assert _first_visit_order(TableCritic({"a": 0.9, "b": 0.1, "c": 0.5, "d": 0.7})) == ["a", "d", "c", "b"]


def test_critic_ties_broken_by_policy_probability_then_action_string():
    order = _first_visit_order(
        TableCritic({}, default=0.5), FixedPolicy({"a": 0.1, "b": 0.4, "c": 0.4, "d": 0.1})
    )
    assert order == ["b", "c", "a", "d"]


def test_children_store_policy_prior_and_critic_score_and_puct_normalises_either():
    env = TreeEnv({(): ["a", "b", "c"]}, {("a",): 0.0, ("b",): 0.0, ("c",): 1.0})
    obs, _ = env.reset()
    critic = TableCritic({"a": 0.6, "b": 0.3, "c": 0.3})
    planner = MCTSPlanner(FixedPolicy({"a": 0.2, "b": 0.3, "c": 0.5}), critic, ObsJudge(env.rewards),
                          MCTSConfig(simulations=2, selection="puct", puct_prior="critic"))
    res = planner.plan(env, obs)
    assert [(c.action, c.prior, c.critic_score) for c in res.children] == [("a", 0.2, 0.6), ("c", 0.5, 0.3), ("b", 0.3, 0.3)]
    assert normalised_priors(planner.root.children, "critic") == pytest.approx([0.5, 0.25, 0.25])
    assert normalised_priors(planner.root.children, "policy") == pytest.approx([0.2, 0.5, 0.3])
    # the first simulation (N = 0: no exploration term) takes the first child, a (Q = 0). The second:
    # critic P: a .5 * 1/2 = .25, c .25 * 1/1 = .25, b .25: a tie, so a again;
    # policy P: a .2 * 1/2 = .1, c .5, b .3: c.
    assert [c.visits for c in res.children] == [2, 0, 0]
    planner = MCTSPlanner(FixedPolicy({"a": 0.2, "b": 0.3, "c": 0.5}), critic, ObsJudge(env.rewards),
                          MCTSConfig(simulations=2, selection="puct", puct_prior="policy"))
    assert [c.visits for c in planner.plan(env, obs).children] == [1, 1, 0]


def test_old_prior_key_still_selects_the_rule_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="'prior' is deprecated; call it 'selection'"):
        assert MCTSConfig.model_validate({"prior": "puct"}).selection == "puct"
    with pytest.raises(ValidationError, match="give 'selection' only"):
        MCTSConfig.model_validate({"prior": "puct", "selection": "ucb"})


def test_config_defaults_aliases_and_forbid():
    cfg = MCTSConfig()
    assert (cfg.simulations, cfg.max_env_steps, cfg.max_depth, cfg.num_candidates) == (16, None, 25, 5)
    assert (cfg.exploration, cfg.selection, cfg.puct_prior, cfg.leaf_value, cfg.final) == (1.0, "puct", "policy", "rollout", "trajectory")
    assert (cfg.rollout, cfg.rollout_proposals, cfg.rollout_to_tree, cfg.cut_value) == ("critic", 5, True, "zero")
    assert (cfg.value_mix, cfg.widening, cfg.accept, cfg.stop_on_accept) == (0.0, None, 0.5, True)
    original = MCTSConfig(**AGENTQ_ORIGINAL)
    assert (original.selection, original.final, original.rollout, original.rollout_proposals, original.cut_value) == (
        "ucb", "visits", "sample", 1, "judge")
    assert (cfg.reuse_subtree, cfg.transition_cache, cfg.alpha, cfg.theta, cfg.use_snapshots) == (True, True, 0.5, 0.1, True)
    assert MCTSConfig(K=7, c=2.0).num_candidates == 7
    assert MCTSConfig(num_candidates=7, exploration=2.0) == MCTSConfig(K=7, c=2.0)
    with pytest.raises(ValidationError):
        MCTSConfig(unknown=1)
    with pytest.raises(ValidationError):
        MCTSConfig(selection="alphago")


@pytest.mark.parametrize("final, expected", [("visits", "c"), ("q", "b")])
def test_final_decision_most_visited_or_best_q(final, expected):
    env = TreeEnv({(): ["a", "b", "c"]}, {("a",): 0.0, ("b",): 0.0, ("c",): 0.0})
    obs, _ = env.reset()
    cfg = MCTSConfig(simulations=0, final=final)
    planner = MCTSPlanner(UniformPolicy(), TableCritic({"a": 0.9, "b": 0.5, "c": 0.1}), ObsJudge({}), cfg)
    res = planner.plan(env, obs)  # no simulation: the critic's favourite
    assert res.action == "a" and res.stats.simulations == 0 and env.steps == 0
    for child, (visits, q) in zip(planner.root.children, [(5, 0.5), (3, 0.9), (5, 0.6)]):
        child.visits, child.value_sum = visits, visits * q
    # visits: a and c tie at 5, c has the higher Q; q: b
    assert planner.plan(env, obs).action == expected
