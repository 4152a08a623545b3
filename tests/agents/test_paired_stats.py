"""Paired comparisons: the exact McNemar test on hand-made examples."""

from __future__ import annotations

import pytest

from agentq.paired import comparable, mcnemar_exact, paired_comparisons
from agentq.results import paired_section


def test_mcnemar_exact_by_hand():
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(3, 3) == 1.0
    assert mcnemar_exact(5, 0) == pytest.approx(2 / 32)  # both tails of Binomial(5, 1/2) at the extremes
    assert mcnemar_exact(0, 10) == pytest.approx(2 / 1024)
    assert mcnemar_exact(1, 6) == pytest.approx(2 * (1 + 7) / 128)  # P(X <= 1) doubled
    assert mcnemar_exact(6, 1) == mcnemar_exact(1, 6)
    with pytest.raises(ValueError):
        mcnemar_exact(-1, 2)


def test_paired_section_from_rows():
    outcomes = {  # task -> (pure, mcts)
        "t1": (True, True), "t2": (False, True), "t3": (False, True), "t4": (True, False),
        "t5": (False, False), "t6": (False, True),
    }  # fmt: skip
    rows = []
    for i, (task, (pure, mcts)) in enumerate(outcomes.items()):
        rows.append({"index": 2 * i, "task_id": task, "agent": "pure", "sweep_point": {}, "success": pure, "error": None})
        rows.append({"index": 2 * i + 1, "task_id": task, "agent": "mcts", "sweep_point": {}, "success": mcts,
                     "error": "crashed" if task == "t6" else None})  # fmt: skip
    [pair] = paired_section(rows)
    # t6 is an error row: it counts as a failure, like in the success rate
    assert pair["a"] == {"agent": "pure", "sweep_point": {}, "successes": 2}
    assert pair["b"] == {"agent": "mcts", "sweep_point": {}, "successes": 3}
    assert (pair["tasks"], pair["only_a"], pair["only_b"]) == (6, 1, 2)
    assert pair["p_value"] == pytest.approx(1.0)


def test_groups_pair_up_at_matching_sweep_points_only():
    a = ("mcts", {"agents.mcts.planner.episode_env_steps": 100, "agents.mcts.critic.accuracy": 0.7})
    b_same = ("best_of_n", {"agents.best_of_n.planner.episode_env_steps": 100})
    b_other = ("best_of_n", {"agents.best_of_n.planner.episode_env_steps": 200})
    assert comparable(a, b_same) and not comparable(a, b_other)
    assert comparable(a, ("pure", {})) and not comparable(a, ("mcts", {}))
    groups = [(a[0], a[1], {"t": True}), (b_same[0], b_same[1], {"t": False}), (b_other[0], b_other[1], {"u": True})]
    assert [(p["a"]["agent"], p["b"]["agent"]) for p in paired_comparisons(groups)] == [("mcts", "best_of_n")]
