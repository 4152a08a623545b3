"""Validating a config mapping and explaining every problem as ``FILE:LINE: field.path: message``."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NoReturn, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from agentq.agents.plugins import AgentKindError, components_of, settings_model_of

from .models import COMPONENT_KINDS, WORKERS, AgentConfig, ConfigError, EnvConfig, ExperimentConfig, Loc, _suggest
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

    def line(self, loc: Loc) -> int:
        """The line of `loc` (or of the nearest enclosing field) in the file; 0 when unknown."""
        for k in range(len(loc), -1, -1):
            if loc[:k] in self.lines:
                return self.lines[loc[:k]]
        return 0


def _unwrap(t: Any) -> Any:
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    if get_origin(t) in (Union, type(int | None)):
        args = [a for a in get_args(t) if a is not type(None)]
        t = args[0] if len(args) == 1 else t
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    return t


def _union_member(t: Any, el: str) -> Any:
    """In a union of models, the member a loc element selects: the one tagged `el` (pydantic puts a
    discriminated union's tag into the loc, e.g. ``stages.0.base.demos``) or the one with field `el`."""
    members = [m for m in get_args(t) if isinstance(m, type) and issubclass(m, BaseModel)]
    for m in members:
        if any(get_origin(f.annotation) is Literal and el in get_args(f.annotation) for f in m.model_fields.values()):
            return _Tagged(m)
    return next((m for m in members if el in m.model_fields), None)


@dataclass(frozen=True)
class _Tagged:
    """A union member chosen by its tag: the next loc element names one of its fields."""

    model: type[BaseModel]


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    t: Any = model
    for el in loc:
        t = _unwrap(t)
        if isinstance(t, _Tagged):
            t = t.model
        if get_origin(t) in (Union, type(int | None)) and isinstance(el, str):
            t = _union_member(t, el)
            if isinstance(t, _Tagged):
                continue
        if isinstance(el, int):
            t = get_args(t)[0] if get_origin(t) is list and get_args(t) else None
        elif isinstance(t, type) and issubclass(t, BaseModel) and el in t.model_fields:
            t = t.model_fields[el].annotation
        else:
            return []
    t = _unwrap(t)
    t = t.model if isinstance(t, _Tagged) else t
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
        problems = getattr(exc, "problems", None)  # plug-in specs: one problem per field, with its value
        if problems:
            return [(loc + tuple(rel), f"{msg} (got {_short(value)})") for rel, msg, value in problems]
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
    errors += _env_option_errors(cfg.env.name, cfg.env.options)
    for i, agent in enumerate(cfg.agents):
        errors += _component_errors(i, agent, cfg.env.name) + _agent_errors(i, agent)
    return errors


def _env_option_errors(name: Any, options: Any) -> list[tuple[Loc, str]]:
    """Each key of `env.options` the site does not take: the allowed keys are the site adapter's own
    (`env_options`); a worker named by import path reads its options itself, so they are not checked."""
    from agentq.agents.sites import SITES, load_site

    if not isinstance(name, str) or name not in SITES or not isinstance(options, dict):
        return []
    offered = getattr(load_site(name), "env_options", None)
    if offered is None:
        return []
    allowed = ", ".join(sorted(offered)) or "none"
    errors: list[tuple[Loc, str]] = []
    for key in options:
        if key in offered:
            continue
        if key in EnvConfig.model_fields:
            hint = f"; it is a field of env itself: write env.{key}"
        else:
            hint = _suggest(str(key), list(offered))
        message = f"unknown option {key!r} of env {name!r}{hint}; allowed keys: {allowed}"
        errors.append((("env", "options", key), f"{message} (got {_short(options[key])})"))
    return errors


def _component_errors(i: int, agent: Any, env_name: str) -> list[tuple[Loc, str]]:
    """The agent's component specs, checked by the registry (plugin workers validate their own)."""
    errors: list[tuple[Loc, str]] = []
    if env_name in WORKERS:
        validate = _optional_attr("agentq.components.registry", "validate")
        if validate is not None:
            for kind in COMPONENT_KINDS:
                spec = getattr(agent, kind)
                if spec is not None:
                    errors += _external_errors(validate, (kind, dict(spec)), ("agents", i, kind), None)
    return errors


def _errors_of_valid_agents(data: dict[str, Any], bad: set[Loc]) -> list[tuple[Loc, str]]:
    """When the file has schema errors, the checks of every agent that is valid on its own, and of
    the env's options (so one run shows every problem of the file, not only the first kind)."""
    agents = data.get("agents") if isinstance(data, dict) else None
    env = data.get("env") if isinstance(data, dict) else None
    env_name = env.get("name", "restaurant") if isinstance(env, dict) else "restaurant"
    errors: list[tuple[Loc, str]] = []
    if isinstance(env, dict) and not bad & {("env", "name"), ("env", "options")}:
        errors += _env_option_errors(env_name, env.get("options"))
    if not isinstance(agents, list) or not isinstance(env_name, str):
        return errors
    for i, raw in enumerate(agents):
        if ("agents", i) in bad:
            continue
        try:
            agent = AgentConfig.model_validate(raw)
        except ValidationError:
            continue
        errors += _component_errors(i, agent, env_name) + _agent_errors(i, agent)
    return errors


def _agent_errors(i: int, agent: Any) -> list[tuple[Loc, str]]:
    """The components the agent's kind needs (and no others), and its settings (`planner:`)."""
    errors: list[tuple[Loc, str]] = []
    try:
        needs = components_of(agent.kind)
        model = settings_model_of(agent.kind)
    except AgentKindError as exc:  # a plug-in kind that cannot be imported or breaks the contract
        return [(("agents", i, "kind"), f"{exc} (got {_short(agent.kind)})")]
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
    if agent.planner is not None and model is not None:
        errors += _external_errors(model.model_validate, (agent.planner,), ("agents", i, "planner"), model)
    return errors


def _raise(errors: list[tuple[Loc, str]], ctx: _Context) -> NoReturn:
    errors = sorted(errors, key=lambda e: ctx.line(e[0]))  # in the order of the file
    lines = [f"{ctx.where(loc)}: {format_loc(loc)}: {msg}" for loc, msg in errors]
    head = "invalid experiment config:" if len(lines) > 1 else ""
    raise ConfigError("\n".join([head, *lines]) if head else lines[0])


def _validate(data: dict[str, Any], ctx: _Context, check_sweep: bool = True) -> ExperimentConfig:
    try:
        cfg = ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        errors = _explain(exc, (), ExperimentConfig)
        _raise(errors + _errors_of_valid_agents(data, {loc[:2] for loc, _ in errors}), ctx)
    errors = _semantic_errors(cfg)
    if errors:
        _raise(errors, ctx)
    if check_sweep:
        from .sweeps import sweep_groups  # late: sweeps validates each point with _validate

        sweep_groups(cfg, _ctx=ctx)
    return cfg
