"""Whether the two actions of each saved preference pair make progress at the pair's state, measured
by the runner's oracle after the episode (measuring only: the pairs were built without it).

A pair's parent state is rebuilt from the nearest snapshot its search kept on the way to it (the
tree's own, or the acting state the decision started from) by replaying the remaining actions in
the oracle's private copy of the site; the search env is not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentq.stats import PAIR_PROGRESS
from envs.oracle import Oracle


def mark_progress(pairs: list[dict[str, Any]], states: Sequence[Any], oracle: Oracle) -> dict[str, int]:
    """Set `chosen_makes_progress` and `rejected_makes_progress` on every pair line (None where the
    site has no expert or the parent state was not kept); return the counts (keys: PAIR_PROGRESS).

    `states[i]` is where pair i's parent state is rebuilt from: ``(snapshot, actions)`` or None.
    """
    counts = dict.fromkeys(PAIR_PROGRESS, 0)
    counts["pairs"] = len(pairs)
    for i, pair in enumerate(pairs):
        where = states[i] if i < len(states) else None
        chosen = rejected = None
        if where is not None and oracle.has_expert:
            snapshot, actions = where
            state = oracle.replay(snapshot, actions)
            chosen, rejected = (bool(x) for x in oracle.makes_progress([pair["chosen"], pair["rejected"]], state=state))
            counts["measured"] += 1
            counts["chosen"] += chosen
            counts["rejected"] += rejected
        pair["chosen_makes_progress"], pair["rejected_makes_progress"] = chosen, rejected
    return counts
