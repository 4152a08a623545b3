"""The restaurant's heuristics as registry entries: what `RestaurantSite.components()` hands the
component registry, which builds them by name (``{name: heuristic}``) on this site."""

from __future__ import annotations

from pydantic import Field

from agentq.components.policies import DEFAULT_TEMPERATURE
from agentq.components.registry import Entry, NoParams, Params
from mock_sites.restaurant.heuristics.components import DEFAULT_SCALE, HeuristicCritic, HeuristicPolicy
from mock_sites.restaurant.heuristics.judge import HeuristicJudge


class HeuristicPolicyParams(Params):
    temperature: float = Field(DEFAULT_TEMPERATURE, gt=0)


class HeuristicCriticParams(Params):
    scale: float = Field(DEFAULT_SCALE, gt=0)


def site_components() -> list[Entry]:
    """The hand-written policy, critic and judge (none privileged: they read public text only)."""
    return [
        Entry("policy", "heuristic", HeuristicPolicyParams, False,
              lambda s, o, seed: HeuristicPolicy(s["temperature"]),
              "a hand-written solver for this site, sampled at `temperature`"),
        Entry("critic", "heuristic", HeuristicCriticParams, False,
              lambda s, o, seed: HeuristicCritic(s["scale"]),
              "heuristic scores squashed into (0, 1)"),
        Entry("judge", "heuristic", NoParams, False, lambda s, o, seed: HeuristicJudge(),
              "reads the final page against the instruction"),
    ]  # fmt: skip
