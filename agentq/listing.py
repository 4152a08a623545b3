"""``python -m agentq.run --list``: the envs, agent kinds and components, with their settings,
defaults and one-line descriptions, read from the models and tables that validate configs."""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from agentq.agents.settings import COMPONENTS, KINDS, PRIVILEGED_KINDS, SETTINGS
from agentq.components import registry
from agentq.components.registry import KINDS as COMPONENT_KINDS
from agentq.config.models import WORKERS, EnvConfig

INDENT = "    "


def type_name(annotation: Any) -> str:
    """A short spelling of a field's type: ``int``, ``float | None``, ``'ucb' | 'puct'``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return type_name(get_args(annotation)[0])
    if origin is Literal:
        return " | ".join(repr(a) for a in get_args(annotation))
    if origin in (Union, types.UnionType):
        return " | ".join(type_name(a) for a in get_args(annotation))
    if annotation is type(None):
        return "None"
    if origin is not None:
        args = ", ".join(type_name(a) for a in get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    return getattr(annotation, "__name__", str(annotation).replace("typing.", ""))


def first_line(text: str | None) -> str:
    """The first sentence-line of a docstring (empty when there is none)."""
    return (text or "").strip().splitlines()[0].strip() if (text or "").strip() else ""


def settings_lines(model: type[BaseModel], indent: str) -> list[str]:
    """One line per field: ``name: type = default  description``."""
    lines = []
    for name, field in model.model_fields.items():
        if field.default is not PydanticUndefined:
            default = f" = {field.default!r}"
        elif field.default_factory is not None:
            default = f" = {field.default_factory()!r}"
        else:
            default = " (required)"
        note = f"  # {field.description}" if field.description else ""
        lines.append(f"{indent}{name}: {type_name(field.annotation)}{default}{note}")
    return lines or [f"{indent}(no settings)"]


def _privilege(entry: Any) -> str:
    if callable(entry.privileged):
        return "privileged if a member or base is"
    return "privileged" if entry.privileged else "not privileged"


def _kind_summary(kind: str) -> str:
    model = SETTINGS[kind]
    shared = sum(1 for k in KINDS if SETTINGS.get(k) is model) > 1
    uses = ", ".join(COMPONENTS[kind]) or "no components"
    text = "" if shared else first_line(model.__doc__)
    privileged = "; privileged (reads the hidden task)" if kind in PRIVILEGED_KINDS else ""
    return f"uses {uses}{privileged}" + (f"; {text}" if text else "")


def listing() -> str:
    """The whole text of ``--list``."""
    out = ["Envs (env.name): " + ", ".join(sorted(WORKERS)) + ", or a worker class 'package.module:Class'",
           f"{INDENT}env settings:", *settings_lines(EnvConfig, INDENT * 2), "",
           "Agent kinds (agents[].kind; settings go in the agent's planner: block), "
           "or an agent class 'package.module:Class' (docs/components.md):"]  # fmt: skip
    for kind in KINDS:
        out += [f"{INDENT}{kind}: {_kind_summary(kind)}", *settings_lines(SETTINGS[kind], INDENT * 2)]
    for kind in COMPONENT_KINDS:
        out += ["", f"{kind.capitalize()} components (agents[].{kind}: {{name: ..., settings}}), "
                f"or a class 'package.module:Class' (docs/components.md):"]  # fmt: skip
        table = registry.entries(kind)
        for name in sorted(table):
            entry, site = table[name], registry.provider(kind, name)
            note = f"; provided by the {site} site, for its pages only" if site else ""
            out += [f"{INDENT}{name}: {entry.summary} ({_privilege(entry)}{note})", *settings_lines(entry.params, INDENT * 2)]
    return "\n".join(out) + "\n"
