"""Validating a config mapping and explaining every problem as ``FILE:LINE: field.path: message``."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from agentq.agents.settings import COMPONENTS, SETTINGS

from .models import COMPONENT_KINDS, WORKERS, ConfigError, ExperimentConfig, Loc, _suggest
from .paths import format_loc


@dataclass
class _Context:
    source: str
    lines: dict[Loc, int]
    overrides: list[tuple[Loc, str]]

    def where(self, loc: Loc) -> str:
        for oloc, osource in self.overrides:
            n = min(len(oloc), len(loc))
            if n and oloc[:n] == loc[:n]:
                return osource
        for k in range(len(loc), -1, -1):
            if loc[:k] in self.lines:
                return f"{self.source}:{self.lines[loc[:k]]}"
        return self.source


def _unwrap(t: Any) -> Any:
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    if get_origin(t) in (Union, type(int | None)):
        args = [a for a in get_args(t) if a is not type(None)]
        t = args[0] if len(args) == 1 else t
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    return t


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    t: Any = model
    for el in loc:
        t = _unwrap(t)
        if isinstance(el, int):
            t = get_args(t)[0] if get_origin(t) is list and get_args(t) else None
        elif isinstance(t, type) and issubclass(t, BaseModel) and el in t.model_fields:
            t = t.model_fields[el].annotation
        else:
            return []
    t = _unwrap(t)
    return list(t.model_fields) if isinstance(t, type) and issubclass(t, BaseModel) else []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _explain(exc: ValidationError, prefix: Loc, model: type[BaseModel] | None) -> list[tuple[Loc, str]]:
    out = []
    for err in exc.errors():
        rel = tuple(err["loc"])
        loc = prefix + rel
        if err["type"] == "extra_forbidden":
            hint = _suggest(str(rel[-1]), _fields_at(model, rel[:-1])) if model else ""
            out.append((loc, f"unknown key {rel[-1]!r}{hint}"))
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            out.append((loc, "missing required field"))
        else:
            out.append((loc, f"{msg} (got {_short(err.get('input'))})"))
    return out


def _optional_attr(module: str, attr: str) -> Any:
    """``module.attr`` if that module exists, else None (other import errors propagate)."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise
    return getattr(mod, attr, None)


def _external_errors(fn: Any, args: tuple, loc: Loc, model: type[BaseModel] | None) -> list[tuple[Loc, str]]:
    try:
        fn(*args)
    except ValidationError as exc:
        return _explain(exc, loc, model)
    except (ValueError, KeyError, TypeError) as exc:
        return [(loc, f"{exc} (got {_short(args[-1])})")]
    return []


def _semantic_errors(cfg: ExperimentConfig) -> list[tuple[Loc, str]]:
    errors: list[tuple[Loc, str]] = []
    names = [a.name for a in cfg.agents]
    for i, name in enumerate(names):
        if name in names[:i]:
            errors.append((("agents", i, "name"), f"duplicate agent name {name!r}"))
    t = cfg.tasks
    if t.ids is not None and (t.n is not None or t.difficulty is not None):
        errors.append((("tasks", "ids"), "give either tasks.ids or tasks.n/tasks.difficulty, not both"))
    if t.ids is not None and len(set(t.ids)) != len(t.ids):
        errors.append((("tasks", "ids"), f"duplicate task ids (got {_short(t.ids)})"))
    if t.ids is not None and not t.ids:
        errors.append((("tasks", "ids"), "empty list of task ids"))
    for key, values in cfg.sweep.items():
        parts = key.split(".")
        if len(parts) < 3 or parts[0] != "agents":
            errors.append((("sweep", key), "sweep keys address an agent field: agents.<name>.<field>[.<param>]"))
        elif parts[1] not in names:
            errors.append((("sweep", key), f"no agent named {parts[1]!r}{_suggest(parts[1], names)}"))
        elif not values:
            errors.append((("sweep", key), "a sweep needs at least one value"))
    if cfg.env.name in WORKERS:  # plugin workers validate their own component params
        validate = _optional_attr("agentq.components.registry", "validate")
        if validate is not None:
            for i, agent in enumerate(cfg.agents):
                for kind in COMPONENT_KINDS:
                    spec = getattr(agent, kind)
                    if spec is not None:
                        errors += _external_errors(validate, (kind, dict(spec)), ("agents", i, kind), None)
    for i, agent in enumerate(cfg.agents):
        errors += _agent_errors(i, agent)
    return errors


def _agent_errors(i: int, agent: Any) -> list[tuple[Loc, str]]:
    """The components the agent's kind needs (and no others), and its settings (`planner:`)."""
    errors: list[tuple[Loc, str]] = []
    needs = COMPONENTS[agent.kind]
    for component in COMPONENT_KINDS:
        given = getattr(agent, component) is not None
        if component in needs and not given:
            errors.append((("agents", i, component), (
                f"agent {agent.name!r} of kind {agent.kind!r} needs a {component!r} (it uses {', '.join(needs)}); "
                f"add e.g. {component}: {{name: ...}}"
            )))  # fmt: skip
        elif given and component not in needs:
            uses = ", ".join(needs) if needs else "no components"
            errors.append((("agents", i, component), f"agent of kind {agent.kind!r} does not use a {component!r} (it uses {uses})"))
    model = SETTINGS[agent.kind]
    if agent.planner is not None:
        errors += _external_errors(model.model_validate, (agent.planner,), ("agents", i, "planner"), model)
    return errors


def _raise(errors: list[tuple[Loc, str]], ctx: _Context) -> NoReturn:
    lines = [f"{ctx.where(loc)}: {format_loc(loc)}: {msg}" for loc, msg in errors]
    head = "invalid experiment config:" if len(lines) > 1 else ""
    raise ConfigError("\n".join([head, *lines]) if head else lines[0])


def _validate(data: dict[str, Any], ctx: _Context, check_sweep: bool = True) -> ExperimentConfig:
    try:
        cfg = ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        _raise(_explain(exc, (), ExperimentConfig), ctx)
    errors = _semantic_errors(cfg)
    if errors:
        _raise(errors, ctx)
    if check_sweep:
        from .sweeps import sweep_groups  # late: sweeps validates each point with _validate

        sweep_groups(cfg, _ctx=ctx)
    return cfg
