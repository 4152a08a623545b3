"""Sweep expansion: each agent resolved and validated at every point of its sweep grid."""

from __future__ import annotations

import copy
import itertools

from .models import ExperimentConfig, SweepGroup
from .paths import _assign, resolve_path
from .validation import _Context, _short, _validate


def sweep_groups(cfg: ExperimentConfig, _ctx: _Context | None = None) -> list[SweepGroup]:
    """Expand the sweep grid per agent, in agent order then grid order.

    A point carries only the sweep keys that address that agent (``agents.<name>.…``); an agent
    that no key addresses runs once with ``sweep_point == {}``.
    """
    ctx = _ctx or _Context("<config>", {}, [])
    base = cfg.model_dump(mode="json")
    groups: list[SweepGroup] = []
    for i, agent in enumerate(cfg.agents):
        keys = [k for k in cfg.sweep if k.split(".")[1] == agent.name]
        if not keys:
            groups.append(SweepGroup(agent, {}))
            continue
        for combo in itertools.product(*(cfg.sweep[k] for k in keys)):
            point = dict(zip(keys, combo))
            data = copy.deepcopy(base)
            sctx = _Context(ctx.source, ctx.lines, [])
            for key, value in point.items():
                src = f"{ctx.where(('sweep', key))}: sweep {key}={_short(value)}"
                loc = resolve_path(data, key, src)
                _assign(data, loc, copy.deepcopy(value), src)
                sctx.overrides.append((loc, src))
            resolved = _validate(data, sctx, check_sweep=False)
            groups.append(SweepGroup(resolved.agents[i], point))
    return groups
