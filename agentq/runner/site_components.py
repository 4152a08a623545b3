"""Before a run starts: every component an agent names must be one its env's site can run.

The site's adapter says which it cannot (``unavailable_components()``: those that need an expert it
lacks, those another site provides for its own pages); the first such component an agent or a
sweep point names is one config error, located at its field, instead of an error in every episode.
"""

from __future__ import annotations

from typing import Any

from agentq.agents.sites import SITES, load_site
from agentq.config import COMPONENT_KINDS, ExperimentConfig, Loc, sweep_groups
from agentq.config.locate import FieldError


def _refused(kind: str, spec: Any, loc: Loc, table: dict[tuple[str, str], str]) -> tuple[Loc, str, str] | None:
    """(field, name, reason) of the first component in `spec` (members and bases included) the table refuses."""
    if isinstance(spec, str):
        reason = table.get((kind, spec))
        return (loc, spec, reason) if reason else None
    if not isinstance(spec, dict):
        return None
    name = spec.get("name")
    if isinstance(name, str) and table.get((kind, name)):
        return (*loc, "name"), name, table[(kind, name)]
    for key, value in spec.items():
        if key == "name":
            continue
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            found = _refused(kind, item, (*loc, key) if i is None else (*loc, key, i), table)
            if found:
                return found
    return None


def check_site_components(cfg: ExperimentConfig) -> None:
    """Raise a `FieldError` naming the first component the env's site cannot run, and why."""
    if cfg.env.name not in SITES:  # a worker named by import path checks its own
        return
    table = load_site(cfg.env.name).unavailable_components()
    if not table:
        return
    where = f"env {cfg.env.name!r} cannot run it"
    for i, agent in enumerate(cfg.agents):
        for kind in COMPONENT_KINDS:
            found = _refused(kind, getattr(agent, kind), ("agents", i, kind), table)
            if found:
                loc, name, reason = found
                raise FieldError(loc, f"{kind} {name!r} {reason}; {where}", name)
    if not cfg.sweep:
        return
    for group in sweep_groups(cfg):  # a sweep may name another component
        for kind in COMPONENT_KINDS:
            found = _refused(kind, getattr(group.agent, kind), (), table)
            if found:
                _, name, reason = found
                keys = [k for k in group.sweep_point if k.startswith(f"agents.{group.agent.name}.{kind}")]
                loc: Loc = ("sweep", keys[0]) if keys else ("agents", [a.name for a in cfg.agents].index(group.agent.name), kind)
                raise FieldError(loc, f"{kind} {name!r} {reason}; {where} (sweep point {group.sweep_point})", name)

