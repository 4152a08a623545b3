"""Golden search trees: small synthetic problems whose whole tree after a fixed number of
simulations is stored as node-link JSON and compared exactly by test_planner_golden.py.

After an intended change of the search, regenerate them on purpose and review the diff:

    .venv/bin/python tests/planner/golden_trees.py --write
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from agentq.planner import MCTSConfig, MCTSPlanner, tree_to_networkx  # noqa: E402
from agentq.planner.config import AGENTQ_ORIGINAL  # noqa: E402
from planner_synth import FixedPolicy, ObsJudge, TableCritic, UniformPolicy, deceptive_env  # noqa: E402

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
CRITIC = {"safe": 0.7, "risky": 0.4, "s1": 0.5, "s2": 0.6, "s3": 0.4, "r1": 0.3, "r2": 0.5, "r3": 0.6,
          "x": 0.2, "y": 0.5, "z": 0.8}  # fmt: skip
PROBS = {"safe": 0.3, "risky": 0.7, "s1": 0.2, "s2": 0.3, "s3": 0.5, "r1": 0.2, "r2": 0.2, "r3": 0.6,
         "x": 0.3, "y": 0.3, "z": 0.4}  # fmt: skip

CASES = {
    # Agent Q's rules: UCB1, critic-ordered expansion, policy rollouts judged where they stop, most visits
    "ucb_rollout": (
        lambda: UniformPolicy(),
        MCTSConfig(**AGENTQ_ORIGINAL, simulations=12, num_candidates=3, exploration=1.0),
    ),
    # PUCT with the policy's probabilities as the prior and critic scores as leaf values
    "puct_policy_prior_critic_leaf": (
        lambda: FixedPolicy(PROBS),
        MCTSConfig(**{**AGENTQ_ORIGINAL, "selection": "puct"}, simulations=12, num_candidates=3, exploration=1.5,
                   puct_prior="policy", leaf_value="critic"),
    ),
    # the defaults without stopping: critic rollouts grow the tree, cut pages 0, kept trajectories
    "defaults_critic_rollout_in_tree": (
        lambda: UniformPolicy(),
        MCTSConfig(simulations=12, num_candidates=3, exploration=1.0, stop_on_accept=False),
    ),
    # progressive widening and a value mix
    "widening_value_mix": (
        lambda: FixedPolicy(PROBS),
        MCTSConfig(simulations=12, num_candidates=3, selection="ucb", widening=0.5, value_mix=0.3, stop_on_accept=False),
    ),
}


def build(case: str) -> dict:
    """Search the deceptive tree with the case's settings; return the whole tree as node-link data."""
    make_policy, config = CASES[case]
    env = deceptive_env()
    obs, _ = env.reset()
    planner = MCTSPlanner(make_policy(), TableCritic(CRITIC), ObsJudge(env.rewards), config, seed=7)
    result = planner.plan(env, obs)
    graph = tree_to_networkx(planner.root, config.alpha, chosen=result.action)
    return {
        "nodes": [{"id": n, **attrs} for n, attrs in graph.nodes(data=True)],
        "edges": [{"source": a, "target": b} for a, b in graph.edges()],
    }


def path(case: str) -> Path:
    return GOLDEN_DIR / f"{case}.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="overwrite the stored golden trees")
    args = parser.parse_args()
    for case in CASES:
        text = json.dumps(build(case), indent=1) + "\n"
        if args.write:
            path(case).write_text(text, encoding="utf-8")
            print(f"wrote {path(case)}")
        else:
            same = path(case).is_file() and path(case).read_text(encoding="utf-8") == text
            print(f"{case}: {'matches' if same else 'DIFFERS from'} {path(case)}")


if __name__ == "__main__":
    main()
