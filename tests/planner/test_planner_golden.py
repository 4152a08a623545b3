"""The whole search tree (visits, values, child order) on small problems, compared exactly with a stored copy."""

import json

import pytest

from golden_trees import CASES, build, path


@pytest.mark.parametrize("case", sorted(CASES))
def test_search_tree_matches_the_golden_copy(case):
    stored = json.loads(path(case).read_text(encoding="utf-8"))
    assert build(case) == stored, "regenerate on purpose with: python tests/planner/golden_trees.py --write"


def test_golden_trees_are_not_trivial():
    for case in CASES:
        nodes = json.loads(path(case).read_text(encoding="utf-8"))["nodes"]
        root = nodes[0]
        assert root["visits"] == 12 and len(nodes) > 6
        assert len({n["visits"] for n in nodes}) > 2  # visits differ between nodes
        assert sum(n["chosen"] for n in nodes) == 2  # the root and the acted child
