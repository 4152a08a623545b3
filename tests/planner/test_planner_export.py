"""Preference pairs on a hand-built tree, and tree export round-trips."""

import pytest

from agentq.planner import (
    MCTSConfig,
    MCTSPlanner,
    Node,
    StateRecord,
    load_graphml,
    load_node_link,
    preference_pairs,
    save_graphml,
    save_node_link,
    tree_to_networkx,
)
from planner_synth import agentq_rules, OracleCritic, RewardJudge, UniformPolicy, deceptive_env


def _hand_tree() -> Node:
    root = Node(None, depth=2, state=StateRecord(obs={"goal": "book", "text": "page0", "url": "/"}), visits=12)
    spec = [("A", 4, 3.2, 0.6), ("B", 2, 1.0, 0.5), ("C", 5, 1.0, 0.8), ("D", 0, 0.0, 1.0)]
    for action, visits, value_sum, critic in spec:
        root.add_child(Node(action, visits=visits, value_sum=value_sum, critic_score=critic))
    a = root.children[0]
    a.state = StateRecord(obs={"goal": "book", "text": "pageA", "url": "/a"}, depth=3)
    a.add_child(Node("A1", visits=1, value_sum=1.0, critic_score=0.0))
    a.add_child(Node("A2", visits=3, value_sum=1.8, critic_score=0.6))
    return root


def _summary(pairs):
    return [(p.chosen, p.rejected, round(p.chosen_value, 9), round(p.rejected_value, 9), p.path, p.depth) for p in pairs]


def test_preference_pairs_match_hand_computed_values():
    root = _hand_tree()
    # alpha=.5: A=.5*.8+.5*.6=.7  B=.5  C=.5*.2+.5*.8=.5  (D unvisited); A1=.5*1+.5*0=.5  A2=.5*.6+.5*.6=.6
    pairs = preference_pairs(root, alpha=0.5, theta=0.1, history=["h1", "h2"])
    assert _summary(pairs) == [
        ("A", "B", 0.7, 0.5, [], 2),
        ("A", "C", 0.7, 0.5, [], 2),
    ]  # no A2/A1: |.6-.5| = theta exactly, and a pair needs strictly more than theta
    assert pairs[0].prompt.goal == "book" and pairs[0].prompt.observation == "page0"
    assert pairs[0].prompt.history == ["h1", "h2"]
    # just below theta=.1 the A2/A1 pair appears, with A's page and the path in its prompt
    pairs = preference_pairs(root, alpha=0.5, theta=0.099, history=["h1", "h2"])
    assert _summary(pairs)[2] == ("A2", "A1", 0.6, 0.5, ["A"], 3)
    assert len(pairs) == 3 and pairs[2].prompt.observation == "pageA" and pairs[2].prompt.history == ["h1", "h2", "A"]
    assert "pageA" in pairs[2].prompt.to_text()
    # alpha=1: values are Q (A .8, B .5, C .2, A1 1.0, A2 .6); A-B and B-C are .3 apart
    assert _summary(preference_pairs(root, alpha=1.0, theta=0.35)) == [
        ("A", "C", 0.8, 0.2, [], 2),
        ("A1", "A2", 1.0, 0.6, ["A"], 3),
    ]
    # alpha=0: values are critic scores (A .6, B .5, C .8, A1 0, A2 .6); A-B is exactly theta apart
    assert _summary(preference_pairs(root, alpha=0.0, theta=0.1)) == [
        ("C", "A", 0.8, 0.6, [], 2),
        ("C", "B", 0.8, 0.5, [], 2),
        ("A2", "A1", 0.6, 0.0, ["A"], 3),
    ]
    assert preference_pairs(root, alpha=0.5, theta=0.5) == []


def test_planner_preference_pairs_use_config_and_history():
    env = deceptive_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env),
                          agentq_rules(simulations=200, alpha=0.5, theta=0.2))
    planner.plan(env, obs)
    pairs = planner.preference_pairs()
    assert pairs
    for p in pairs:
        assert p.chosen_value - p.rejected_value > 0.2
        assert p.prompt.history == p.path  # the episode had no actions before the root
    root_pairs = [p for p in pairs if p.path == []]
    assert [(p.chosen, p.rejected) for p in root_pairs] == [("risky", "safe")]


def _real_tree():
    env = deceptive_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env), agentq_rules(simulations=60))
    planner.plan(env, obs)
    return planner.root


def _assert_same(a, b):
    assert sorted(a.edges) == sorted(b.edges)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))


@pytest.mark.parametrize("make", [_real_tree, _hand_tree])
def test_export_round_trips_node_link_and_graphml(tmp_path, make):
    root = make()
    g = tree_to_networkx(root, alpha=0.5)
    assert g.number_of_nodes() == sum(1 for _ in root.iter_subtree())
    assert g.nodes[0]["action"] is None and g.in_degree(0) == 0
    for n in g.nodes:
        if n:
            assert g.in_degree(n) == 1
    save_node_link(g, tmp_path / "t.json")
    _assert_same(load_node_link(tmp_path / "t.json"), g)
    save_graphml(g, tmp_path / "t.graphml")
    text = (tmp_path / "t.graphml").read_text()
    assert "None" not in text
    _assert_same(load_graphml(tmp_path / "t.graphml"), g)


def test_export_attributes():
    g = tree_to_networkx(_hand_tree(), alpha=0.5)
    a = next(n for n, d in g.nodes(data=True) if d["action"] == "A")
    d = g.nodes[a]
    assert (d["visits"], d["q"], d["critic_score"], d["url"], d["depth"], d["terminal"]) == (4, 0.8, 0.6, "/a", 3, False)
    assert d["value"] == pytest.approx(0.7)
    unvisited = next(d for _, d in g.nodes(data=True) if d["action"] == "D")
    assert unvisited["q"] is None and unvisited["value"] is None and unvisited["url"] is None
    assert sorted(g.successors(a)) == sorted(n for n, d in g.nodes(data=True) if d["action"] in {"A1", "A2"})
