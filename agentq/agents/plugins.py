"""Agent kinds of one's own, named by import path: ``kind: "pkg.module:MyAgent"``.

The contract (docs/components.md): the class implements the `Agent` protocol of
`agentq.agents.base` (``act``, ``observe``, ``extra``) and declares the components it takes as a
class attribute ``components`` (a tuple drawn from "policy", "critic", "judge"; the config check
then demands exactly those). Its settings are the agent's ``planner:`` block, validated by the
class's nested pydantic model ``Settings`` when it has one (else passed as a plain dict). It is
built once per episode as::

    MyAgent(policy=..., critic=..., judge=...,  # only the declared ones, built like a built-in kind's
            settings=<Settings instance or dict>, rng=numpy.random.Generator)  # rng: default_rng(episode seed)

Optional class attributes: ``privileged`` (True unless it declares False: the agent reads the
hidden task itself, e.g. through ``ctx.search_oracle``) and ``searches`` (False unless True:
whether rows count it as a searching kind).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from agentq.importing import ImportPathError, is_import_path, load_class, require_methods

from .settings import COMPONENTS, SETTINGS

AGENT_METHODS = ("act", "observe", "extra")
COMPONENT_NAMES = ("policy", "critic", "judge")


class AgentKindError(ValueError):
    """An agent kind named by import path that cannot be used (the message says why)."""


def is_plugin_kind(kind: Any) -> bool:
    """Whether an agent kind is an import path rather than a built-in kind."""
    return is_import_path(kind)


def load_kind(path: str) -> type:
    """The agent class `path` names, checked against the contract."""
    try:
        cls = load_class(path)
        require_methods(cls, AGENT_METHODS, "an agent kind (the Agent protocol of agentq.agents.base)", path)
    except ImportPathError as exc:
        raise AgentKindError(str(exc)) from None
    declared = getattr(cls, "components", None)
    if not isinstance(declared, (tuple, list)) or any(c not in COMPONENT_NAMES for c in declared):
        raise AgentKindError(
            f"{path} must declare the components it takes as a class attribute, e.g. components = ('policy',) "
            f"(any of {', '.join(COMPONENT_NAMES)}; got {declared!r})"
        )
    return cls


def components_of(kind: str) -> tuple[str, ...]:
    """The components an agent kind takes (built-in or plug-in)."""
    if is_plugin_kind(kind):
        return tuple(load_kind(kind).components)
    return COMPONENTS[kind]


def settings_model_of(kind: str) -> type[BaseModel] | None:
    """The model that validates a kind's ``planner:`` block (None: a plug-in without ``Settings``)."""
    if not is_plugin_kind(kind):
        return SETTINGS[kind]
    model = getattr(load_kind(kind), "Settings", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def describe_kind(kind: str) -> dict[str, Any]:
    """``{"searches": bool, "privileged": bool}`` of a plug-in kind."""
    cls = load_kind(kind)
    return {"searches": getattr(cls, "searches", False) is True, "privileged": getattr(cls, "privileged", True) is not False}


def build_plugin_agent(agent: Any, components: dict[str, Any], episode_seed: int) -> Any:
    """An agent of a plug-in kind over its built components (see the module docstring)."""
    cls = load_kind(agent.kind)
    model = settings_model_of(agent.kind)
    settings: Any = dict(agent.planner or {})
    if model is not None:
        try:
            settings = model.model_validate(settings)
        except ValidationError as exc:
            raise AgentKindError(f"{agent.kind}: bad settings: {exc}") from None
    taken = {c: components[c] for c in cls.components}
    return cls(**taken, settings=settings, rng=np.random.default_rng(episode_seed))
