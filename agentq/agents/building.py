"""Building an agent of any kind, and describing it, from its config."""

from __future__ import annotations

from typing import Any

import numpy as np

from agentq.components import registry
from agentq.planner.mcts import MCTSPlanner

from . import plugins
from .base import Agent
from .beam import BeamAgent
from .best_first import BestFirstAgent
from .best_of_n import BestOfNAgent
from .mcts_agent import MCTSAgent
from .settings import PRIVILEGED_KINDS, SEARCHES, SETTINGS, CriticGreedySettings
from .stepwise import CriticGreedyAgent, ExpertAgent, PureAgent, RandomAgent


def describe(agent: Any) -> dict[str, Any]:
    """Kind, component names and privileged flags of an agent config (what every row records)."""
    kind = agent.kind
    plugin = plugins.describe_kind(kind) if plugins.is_plugin_kind(kind) else None
    described = {c: registry.describe(c, dict(getattr(agent, c))) for c in plugins.components_of(kind)}
    privileged = {c: d["privileged"] for c, d in described.items()}
    if kind in PRIVILEGED_KINDS or (plugin and plugin["privileged"]):
        privileged["agent" if plugin else kind] = True
    return {
        "kind": kind,
        **{c: d["name"] for c, d in described.items()},
        "planner": plugin["searches"] if plugin else SEARCHES[kind],
        "privileged": privileged,
        "any_privileged": any(privileged.values()),
    }


def build_components(agent: Any, oracle: Any, seed: int) -> dict[str, Any]:
    """The agent's components; privileged ones get `oracle`, the others never do."""
    return {c: registry.build(c, dict(getattr(agent, c)), oracle=oracle, seed=seed)
            for c in plugins.components_of(agent.kind)}


def build_agent(agent: Any, components: dict[str, Any], episode_seed: int, keep_tree: bool, keep_pairs: bool) -> Agent:
    """An agent of `agent.kind` over its built components.

    Randomness: the step-wise kinds draw from `default_rng(episode_seed)`, the searching kinds
    from `default_rng(episode_seed mod 2**31)`.
    """
    kind = agent.kind
    if plugins.is_plugin_kind(kind):  # a kind named by import path (agents/plugins.py)
        return plugins.build_plugin_agent(agent, components, episode_seed)
    settings = SETTINGS[kind].model_validate(agent.planner or {})
    rng = np.random.default_rng(episode_seed)
    if kind == "random":
        return RandomAgent(rng)
    if kind == "expert":
        return ExpertAgent(rng)
    if kind == "pure":
        return PureAgent(components["policy"], rng)
    if kind == "critic_greedy":
        assert isinstance(settings, CriticGreedySettings)
        return CriticGreedyAgent(components["policy"], components["critic"], settings.num_candidates, rng)
    seed = episode_seed % 2**31
    plan_once = {
        "best_of_n": lambda *a: BestOfNAgent(*a, guided=False),
        "guided_best_of_n": lambda *a: BestOfNAgent(*a, guided=True),
        "beam": BeamAgent,
        "best_first": BestFirstAgent,
    }
    if kind in plan_once:
        c = components
        return plan_once[kind](c["policy"], c.get("critic"), c["judge"], settings, np.random.default_rng(seed))
    planner = MCTSPlanner(components["policy"], components["critic"], components["judge"], settings, seed=seed)
    return MCTSAgent(planner, settings, keep_tree=keep_tree, keep_pairs=keep_pairs)
