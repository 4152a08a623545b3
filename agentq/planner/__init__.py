"""MCTS planner for web agents (Agent Q, eq. 7-10).

Acting and planning in the same env (snapshot mode, or replay mode with reset_fn)::

    planner = MCTSPlanner(policy, critic, judge, MCTSConfig(simulations=32), seed=seed)
    obs, _ = env.reset(seed=task_seed)
    planner.start_episode(obs, reset_fn=lambda: env.reset(seed=task_seed)[0])
    while not done:
        result = planner.plan(env)              # env is left at the root state
        obs, reward, terminated, truncated, info = env.step(result.action)
        planner.advance(result.action, obs)     # keeps the chosen subtree

Planning in a search env, acting in another (e.g. http backend / browser)::

    result = planner.plan(search_env, root_state=act_env.unwrapped.snapshot())
"""

from .config import MCTSConfig
from .export import (
    load_graphml,
    load_node_link,
    node_value,
    save_graphml,
    save_node_link,
    tree_to_networkx,
)
from .mcts import MCTSPlanner
from .preferences import (
    MissingCriticScore,
    PairMiner,
    PreferencePair,
    PreferencePrompt,
    SiblingPair,
    eq10_value,
    preference_pairs,
    sibling_pairs,
    to_preference_pair,
)
from .protocols import Critic, Judge, Policy, Step
from .stats import ChildStats, Decision, SearchResult, SearchStats
from .transitions import StateRecord, Transitions
from .tree import Node, normalised_priors, puct_score, select_child, ucb_score

__all__ = [
    "ChildStats", "Critic", "Decision", "Judge", "MCTSConfig", "MCTSPlanner", "MissingCriticScore", "Node",
    "PairMiner", "Policy", "PreferencePair", "SiblingPair", "eq10_value", "sibling_pairs", "to_preference_pair", "PreferencePrompt", "SearchResult", "SearchStats", "StateRecord", "Step", "Transitions",
    "load_graphml", "load_node_link", "node_value", "preference_pairs", "puct_score",
    "normalised_priors", "save_graphml", "save_node_link", "select_child", "tree_to_networkx", "ucb_score",
]
