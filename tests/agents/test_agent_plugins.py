"""Agent kinds named by import path (agentq/agents/plugins.py): the contract the loader checks and
how a kind is built (its declared components, its settings, the episode's rng)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict

from agentq.agents.building import build_agent, describe
from agentq.agents.plugins import AgentKindError, components_of, load_kind, settings_model_of
from agentq.config import AgentConfig, ConfigError, config_from_dict

HERE = "test_agent_plugins"  # this module, importable by the tests' path


class Recorder:
    """A minimal plug-in kind: records what it was built with."""

    components = ("policy",)
    privileged = False
    searches = True

    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        depth: int = 2

    def __init__(self, *, policy: Any, settings: Settings, rng: np.random.Generator) -> None:
        self.policy, self.settings, self.rng = policy, settings, rng

    def act(self, ctx, obs): ...
    def observe(self, ctx, action, obs): ...
    def extra(self) -> dict[str, Any]:
        return {}


class Undeclared(Recorder):
    components = None  # type: ignore[assignment]


class NoObserve:
    components = ()

    def act(self, ctx, obs): ...
    def extra(self): ...


def _agent(kind: str, **fields: Any) -> AgentConfig:
    return AgentConfig.model_validate({"name": "x", "kind": kind, **fields})


def test_a_kind_is_built_with_its_components_settings_and_the_episode_rng():
    cfg = _agent(f"{HERE}:Recorder", policy={"name": "random"}, planner={"depth": 5})
    assert components_of(cfg.kind) == ("policy",) and settings_model_of(cfg.kind) is Recorder.Settings
    agent = build_agent(cfg, {"policy": "P"}, episode_seed=11, keep_tree=False, keep_pairs=False)
    assert isinstance(agent, Recorder) and agent.policy == "P" and agent.settings.depth == 5
    assert agent.rng.random() == np.random.default_rng(11).random()
    assert describe(cfg) == {"kind": f"{HERE}:Recorder", "policy": "random", "planner": True,
                             "privileged": {"policy": False}, "any_privileged": False}  # fmt: skip


def test_a_class_that_breaks_the_contract_is_refused():
    class_path = f"{HERE}:NoObserve"
    with pytest.raises(AgentKindError, match=r"is not an agent kind .* it has no observe\(\)"):
        load_kind(class_path)
    with pytest.raises(AgentKindError, match="must declare the components it takes"):
        load_kind(f"{HERE}:Undeclared")


def test_the_config_check_demands_exactly_the_declared_components():
    data = {"name": "e", "env": {"name": "restaurant", "backend": "http"},
            "agents": [{"name": "a", "kind": f"{HERE}:Recorder", "critic": {"name": "heuristic"},
                        "planner": {"depht": 1}}]}  # fmt: skip
    with pytest.raises(ConfigError) as info:
        config_from_dict(data)
    text = str(info.value)
    assert "agents[0].policy: agent 'a' of kind 'test_agent_plugins:Recorder' needs a 'policy'" in text
    assert "agents[0].critic: agent of kind 'test_agent_plugins:Recorder' does not use a 'critic'" in text
    assert "agents[0].planner.depht: unknown key 'depht' (did you mean 'depth'?)" in text
