"""Wilson score interval against known values."""

from __future__ import annotations

import pytest

from agentq.stats import mean, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (8, 10, 0.490, 0.943),
        (0, 10, 0.000, 0.278),
        (10, 10, 0.722, 1.000),
        (5, 10, 0.237, 0.763),
        (1, 20, 0.009, 0.236),
        (50, 100, 0.404, 0.596),
    ],
)
def test_wilson_known_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert (round(lo, 3), round(hi, 3)) == (low, high)


def test_wilson_edges():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    lo, hi = wilson_interval(3, 7)
    assert lo < 3 / 7 < hi
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_mean():
    assert mean([]) is None
    assert mean([1, 2, 6]) == 3.0
