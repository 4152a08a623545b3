"""Preference pairs at every node (eq. 10), their log-probabilities, skip=, and PairMiner."""

import math

import pytest

from agentq.planner import (
    MCTSConfig,
    MCTSPlanner,
    MissingCriticScore,
    Node,
    PairMiner,
    StateRecord,
    preference_pairs,
    sibling_pairs,
    to_preference_pair,
)
from planner_synth import agentq_rules, OracleCritic, RewardJudge, UniformPolicy, deceptive_env, full_tree_env

ALPHA, THETA = 0.5, 0.1


def _page(text: str) -> StateRecord:
    return StateRecord(obs={"goal": "g", "text": text, "url": "/" + text})


def _add(parent: Node, action, visits=0, value_sum=0.0, critic=None, prior=None, page=None) -> Node:
    child = parent.add_child(Node(action, visits=visits, value_sum=value_sum, critic_score=critic, prior=prior))
    child.state = _page(page) if page else None
    return child


def _tree() -> dict[str, Node]:
    """The tree, by action ("R": the root). v = .5 * Q + .5 * critic:

    R (p0)  A: Q 4.8/6=.8, c .6 -> .7     B: Q .6/3=.2, c .4 -> .3     U: unvisited, no score
      A (pA)   A1: Q 3.6/4=.9, c .9 -> .9   A2: Q .4/2=.2, c .2 -> .2   A3: unvisited, c 1.0
        A1 (pA1)  X: Q 2/2=1, c .8 -> .9   Y: Q 0/1=0, c .4 -> .2   Z: Q .5/1=.5, c .5 -> .5
      B (pB)   B1: Q .5, c .3 -> .4    B2: Q .3, c .3 -> .3    B3: Q .1, c .1 -> .1
    """
    n = {"R": Node(None, depth=0, state=_page("p0"), visits=10, value_sum=5.4)}
    n["A"] = _add(n["R"], "A", 6, 4.8, 0.6, prior=0.5, page="pA")
    n["B"] = _add(n["R"], "B", 3, 0.6, 0.4, prior=0.25, page="pB")
    n["U"] = _add(n["R"], "U", prior=0.25)
    n["A1"] = _add(n["A"], "A1", 4, 3.6, 0.9, prior=0.6, page="pA1")
    n["A2"] = _add(n["A"], "A2", 2, 0.4, 0.2, prior=0.3)
    n["A3"] = _add(n["A"], "A3", critic=1.0, prior=0.1)
    n["X"] = _add(n["A1"], "X", 2, 2.0, 0.8, prior=0.2)
    n["Y"] = _add(n["A1"], "Y", 1, 0.0, 0.4, prior=None)
    n["Z"] = _add(n["A1"], "Z", 1, 0.5, 0.5, prior=0.0)
    for action, vs, c in [("B1", 0.5, 0.3), ("B2", 0.3, 0.3), ("B3", 0.1, 0.1)]:
        n[action] = _add(n["B"], action, 1, vs, c, prior=1 / 3)
    return n


# every pair of _tree() at alpha .5, theta .1, in pre-order: (path, chosen, rejected, v_chosen, v_rejected)
# A1/A2 at depth 1, X/Y/Z at depth 2; B1-B2 is .4-.3 = theta apart (no pair); unvisited U and A3 never
ALL = [
    ((), "A", "B", 0.7, 0.3),
    (("A",), "A1", "A2", 0.9, 0.2),
    (("A", "A1"), "X", "Y", 0.9, 0.2),
    (("A", "A1"), "X", "Z", 0.9, 0.5),
    (("A", "A1"), "Z", "Y", 0.5, 0.2),
    (("B",), "B1", "B3", 0.4, 0.1),
    (("B",), "B2", "B3", 0.3, 0.1),
]


def _keys(pairs, history=()):
    """SiblingPairs as (full path from the episode start, chosen, rejected, values)."""
    return [((*history, *p.path), p.chosen.action, p.rejected.action, round(p.chosen_value, 9),
             round(p.rejected_value, 9)) for p in pairs]  # fmt: skip


def _mined_keys(mined):
    return [k for p, h in mined for k in _keys([p], h)]


def test_pairs_at_every_depth_with_prompts():
    n = _tree()
    pairs = preference_pairs(n["R"], ALPHA, THETA, history=["h1"])
    got = [(tuple(p.path), p.chosen, p.rejected, round(p.chosen_value, 9), round(p.rejected_value, 9)) for p in pairs]
    assert got == ALL
    assert [p.depth for p in pairs] == [0, 1, 2, 2, 2, 1, 1]
    assert [p.prompt.history for p in pairs] == [
        ["h1"], ["h1", "A"], ["h1", "A", "A1"], ["h1", "A", "A1"], ["h1", "A", "A1"], ["h1", "B"], ["h1", "B"],
    ]
    assert [p.prompt.observation for p in pairs] == ["p0", "pA", "pA1", "pA1", "pA1", "pB", "pB"]
    assert {p.prompt.goal for p in pairs} == {"g"}
    # the same pairs from a subtree root: depth stays absolute, path restarts at that root
    sub = preference_pairs(n["A1"], ALPHA, THETA, history=["h1", "A", "A1"])
    assert [(p.chosen, p.rejected) for p in sub] == [("X", "Y"), ("X", "Z"), ("Z", "Y")]
    assert {(tuple(p.path), p.depth, tuple(p.prompt.history)) for p in sub} == {((), 2, ("h1", "A", "A1"))}


def test_unvisited_siblings_never_appear():
    n = _tree()
    # theta 0, alpha 0: unvisited A3 (critic 1.0) would beat A1 (.9) and A2 (.2) if it counted
    for alpha in (0.0, 0.5, 1.0):
        actions = {a for p in sibling_pairs(n["R"], alpha, 0.0) for a in (p.chosen.action, p.rejected.action)}
        assert actions == {"A", "B", "A1", "A2", "X", "Y", "Z", "B1", "B2", "B3"}
    n["A3"].visits, n["A3"].value_sum = 1, 1.0  # explored now: v = 1.0, it pairs with A1 and A2
    assert [(p.chosen.action, p.rejected.action) for p in sibling_pairs(n["A"], ALPHA, THETA) if not p.path] == [
        ("A1", "A2"), ("A3", "A2"),
    ]  # A3 - A1 = .1 = theta: no pair


@pytest.mark.parametrize("action", ["B", "A2", "Y"])
def test_explored_child_without_critic_score_raises(action):
    n = _tree()
    n[action].critic_score = None
    with pytest.raises(MissingCriticScore, match=repr(action)):
        preference_pairs(n["R"], ALPHA, THETA)


def test_unvisited_child_without_critic_score_is_fine():
    n = _tree()
    assert n["U"].critic_score is None and n["U"].visits == 0
    n["A3"].critic_score = None
    assert len(preference_pairs(n["R"], ALPHA, THETA)) == len(ALL)


def test_logprobs_are_logged_priors_and_a_snapshot():
    n = _tree()
    pairs = {(p.chosen.action, p.rejected.action): p for p in sibling_pairs(n["R"], ALPHA, THETA)}
    ab = to_preference_pair(pairs["A", "B"])
    assert (ab.chosen_logprob, ab.rejected_logprob) == (math.log(0.5), math.log(0.25))
    xy = to_preference_pair(pairs["X", "Y"])
    assert (xy.chosen_logprob, xy.rejected_logprob) == (math.log(0.2), None)  # Y: prior None
    zy = to_preference_pair(pairs["Z", "Y"])
    assert (zy.chosen_logprob, zy.rejected_logprob) == (None, None)  # Z: prior 0
    n["A"].prior, n["B"].prior, n["Y"].prior = 0.9, None, 0.7  # the policy changes after collection
    assert (ab.chosen_logprob, ab.rejected_logprob) == (math.log(0.5), math.log(0.25))
    assert ab.model_dump()["chosen_logprob"] == math.log(0.5)
    assert xy.rejected_logprob is None
    # a pair collected now logs the new priors
    assert to_preference_pair(pairs["A", "B"]).chosen_logprob == math.log(0.9)


def test_skip_leaves_out_exactly_the_subtree_under_that_node():
    n = _tree()

    def without(*paths):
        return [k for k in ALL if k[0] not in paths]

    skipped = lambda node: [k[:3] for k in _keys(sibling_pairs(n["R"], ALPHA, THETA, skip=n[node]))]  # noqa: E731
    # the skipped node's own pairs with its siblings stay; pairs among its descendants go
    assert skipped("A1") == [k[:3] for k in without(("A", "A1"))]
    assert skipped("A") == [k[:3] for k in without(("A",), ("A", "A1"))]
    assert skipped("B") == [k[:3] for k in without(("B",))]
    assert skipped("X") == [k[:3] for k in ALL]  # a leaf: nothing under it
    assert _keys(sibling_pairs(n["R"], ALPHA, THETA)) == ALL


def _backup(path: list[Node], value: float, times: int = 1) -> None:
    for _ in range(times):
        for node in path:
            node.visits += 1
            node.value_sum += value


def _grow_a(n: dict[str, Node]) -> None:
    """Simulations from A as the root (the planner's backup starts at the root). After them:
    A: 11 visits, 8.8 -> Q .8 (v .7 as before)   A1: 7, 6.6 -> Q .942857, v .921429
    A2: 4, 1.4 -> Q .35, v .275 (new children P: Q .9, c .7 -> .8 and Q: Q .1, c .1 -> .1)
    Y: 4, 3.0 -> Q .75, v .575: Y-Z is now .075 apart (no pair), X-Y .325 (X .9, Z .5 unchanged)
    """
    _backup([n["A"], n["A1"], n["Y"]], 1.0, times=3)
    n["P"] = _add(n["A2"], "P", critic=0.7)
    n["Q"] = _add(n["A2"], "Q", critic=0.1)
    _backup([n["A"], n["A2"], n["P"]], 0.9)
    _backup([n["A"], n["A2"], n["Q"]], 0.1)


FINAL_A = [  # A's subtree after _grow_a, paths from the episode start
    (("A",), "A1", "A2", 0.921428571, 0.275),
    (("A", "A1"), "X", "Y", 0.9, 0.575),
    (("A", "A1"), "X", "Z", 0.9, 0.5),
    (("A", "A2"), "P", "Q", 0.8, 0.1),
]
ROOT_AND_B = [k for k in ALL if k[0] in {(), ("B",)}]


def _assert_each_parent_once(*batches):
    parents = [id(p.parent) for batch in batches for p, _ in batch]
    per_batch = [{id(p.parent) for p, _ in batch} for batch in batches]
    assert sum(map(len, per_batch)) == len(set(parents))  # no parent in two batches
    keys = [k for batch in batches for k in _mined_keys(batch)]
    assert len(keys) == len(set(keys))


def test_pair_miner_with_reused_subtree_mines_the_final_tree_once():
    n = _tree()
    miner = PairMiner(ALPHA, THETA)
    first = miner.decided(n["R"], [], "A")
    assert _mined_keys(first) == ROOT_AND_B  # A's subtree waits: it keeps growing
    assert all(h == [] for _, h in first)
    n["A"].parent = None  # the planner keeps A as the next root
    _grow_a(n)
    last = miner.finish(n["A"], ["A"])
    assert all(h == ["A"] for _, h in last)
    assert _mined_keys(last) == FINAL_A
    assert [p.parent.depth for p, _ in last] == [1, 2, 2, 2]
    # the union is the whole original tree's pairs with the final statistics
    assert sorted(_mined_keys(first + last)) == sorted(_keys(sibling_pairs(n["R"], ALPHA, THETA)))
    _assert_each_parent_once(first, last)


def test_pair_miner_mines_an_unkept_subtree_at_the_next_call():
    n = _tree()
    miner = PairMiner(ALPHA, THETA)
    first = miner.decided(n["R"], [], "A")
    _grow_a(n)  # still changing after the decision: mined as it is at the next call
    # the planner did not keep A: the next root is a fresh node for the same page
    fresh = Node(None, depth=1, state=_page("pA"), visits=3, value_sum=1.5)
    _add(fresh, "F1", 2, 1.6, 0.8, prior=0.5)  # v .5*.8+.5*.8 = .8
    _add(fresh, "F2", 1, 0.0, 0.2, prior=0.5)  # v .1
    second = miner.decided(fresh, ["A"], "F1")
    assert _mined_keys(second) == [*FINAL_A, (("A",), "F1", "F2", 0.8, 0.1)]
    assert all(h == ["A"] for _, h in second)
    assert second[-1][0].parent is fresh
    assert miner.finish(fresh, ["A"]) == []  # F1 has no subtree; fresh was mined at its decision
    _assert_each_parent_once(first, second)


def test_pair_miner_finish_without_a_root_move_mines_the_root_once():
    n = _tree()
    miner = PairMiner(ALPHA, THETA)
    first = miner.decided(n["R"], [], "A")
    last = miner.finish(n["R"], [])
    assert _mined_keys(last) == [k for k in ALL if k[0][:1] == ("A",)]
    assert all(h == ["A"] for _, h in last)
    _assert_each_parent_once(first, last)
    assert sorted(_mined_keys(first + last)) == sorted(ALL)


def test_planner_pairs_at_every_depth_with_policy_logprobs():
    env = deceptive_env()
    obs, _ = env.reset()
    theta = 0.2
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env),
                          agentq_rules(simulations=200, alpha=0.5, theta=theta), seed=0)  # fmt: skip
    planner.plan(env, obs)
    pairs = planner.preference_pairs()
    assert pairs
    root_depth = planner.root.depth
    assert any(p.depth > root_depth for p in pairs)
    for p in pairs:
        assert abs(p.chosen_value - p.rejected_value) > theta and p.chosen_value > p.rejected_value
        assert p.depth == root_depth + len(p.path)
        # UniformPolicy gives each legal action 1 / (number of legal actions at the parent)
        logp = math.log(1.0 / len(env.actions_at(tuple(p.path))))
        assert p.chosen_logprob == pytest.approx(logp) and p.rejected_logprob == pytest.approx(logp)


def _mined_episode(sims: int = 30, theta: float = 0.05):
    """A real episode (subtree reuse) mined by PairMiner; returns the mined pairs and the first root."""
    env = full_tree_env(3, 3)
    obs, _ = env.reset()
    planner = MCTSPlanner(UniformPolicy(), OracleCritic(env), RewardJudge(env),
                          agentq_rules(simulations=sims, alpha=0.5, theta=theta), seed=0)  # fmt: skip
    planner.start_episode(obs)
    miner, mined, first, done = PairMiner(0.5, theta), [], planner.root, False
    while not done:
        action = planner.plan(env).action
        mined += miner.decided(planner.root, planner.history, action)
        obs, _, done, _, _ = env.step(action)
        assert planner.advance(action, obs)
    return mined + miner.finish(planner.root, planner.history), first


def test_pair_miner_over_a_real_episode_mines_each_pair_once():
    mined, first = _mined_episode()
    got = [k[:3] for k in _mined_keys(mined)]
    assert len(got) == len(set(got)) and any(len(k[0]) > 0 for k in got)
    assert sorted(got) == sorted(k[:3] for k in _keys(sibling_pairs(first, 0.5, 0.05)))
